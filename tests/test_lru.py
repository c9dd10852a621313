"""The bounded store that the page caches and the replay filter keep values in."""

from collective.psc.lru import SizedLRU


def test_a_store_is_bounded_in_bytes_and_in_entries():
    store: SizedLRU[str] = SizedLRU(100, max_entries=3)
    for key in "abc":
        assert store.put(key, key * 10, 10)
    store.get("a")  # b is now the least recently used
    store.put("d", "d" * 10, 10)  # a fourth entry: b goes
    assert store.get("b") is None
    assert [store.get(key) for key in "acd"] == ["a" * 10, "c" * 10, "d" * 10]
    store.put("e", "e" * 85, 85)  # 115 bytes with a, c and d: a and c go
    assert len(store) == 2
    assert store.total == 95
    assert store.get("a") is None and store.get("c") is None


def test_a_value_over_the_entry_bound_is_not_kept_and_replaces_nothing():
    store: SizedLRU[str] = SizedLRU(100, max_entry_bytes=20)
    store.put("a", "old", 3)
    assert not store.put("a", "x" * 21, 21)
    assert store.get("a") is None  # a put always forgets the key's old value
    assert store.total == 0
    assert store.setdefault("b", "y" * 21, 21) == "y" * 21
    assert len(store) == 0


def test_setdefault_keeps_the_first_value_of_a_key():
    store: SizedLRU[list] = SizedLRU(100)
    first, second = ["first"], ["second"]
    assert store.setdefault("k", first, 5) is first
    assert store.setdefault("k", second, 5) is first
    assert store.total == 5


def test_discard_forgets_a_key_or_only_its_given_value():
    store: SizedLRU[list] = SizedLRU(100)
    value = ["v"]
    store.put("k", value, 1)
    store.discard("k", ["v"])  # equal, but not the value kept
    assert store.get("k") is value
    store.discard("k", value)
    assert store.get("k") is None
    store.put("k", value, 1)
    store.discard("k")
    store.discard("missing")
    assert len(store) == 0
    assert store.total == 0
    store.put("k", value, 1)
    store.clear()
    assert (len(store), store.total) == (0, 0)
