"""The in-memory page cache: lifetime, least-recently-used order and byte bound."""

from collective.psc.upstream import cache
from collective.psc.upstream.cache import PageCache
from collective.psc.upstream.cache import Unreachable

import time


def test_entries_are_fresh_for_their_lifetime():
    cache = PageCache()
    entry = cache.put(("c", "u", "demo"), {"files": []}, '"v1"')
    assert cache.get(("c", "u", "demo")) is entry
    assert entry.etag == '"v1"'
    assert entry.fresh(60)
    time.sleep(0.01)
    assert not entry.fresh(0)


def test_oldest_entries_are_dropped_over_the_count():
    cache = PageCache(max_entries=2)
    cache.put(("a",), {}, None)
    cache.put(("b",), {}, None)
    cache.get(("a",))
    cache.put(("c",), {}, None)
    assert cache.get(("b",)) is None
    assert cache.get(("a",)) is not None
    assert cache.get(("c",)) is not None


def test_pages_over_the_byte_bound_are_not_kept():
    cache = PageCache(max_bytes=100)
    cache.put(("small",), {"x": "y"}, None)
    cache.put(("large",), {"x": "y" * 200}, None)
    assert cache.get(("large",)) is None
    cache.put(("more",), {"x": "y" * 90}, None)
    assert cache.get(("small",)) is None
    assert cache.get(("more",)) is not None


def test_a_failed_index_rests_for_at_most_its_ttl(monkeypatch):
    monkeypatch.setattr(cache, "RETRY_AFTER", 0.05)
    unreachable = Unreachable()
    assert not unreachable.resting("https://a.example/simple/")
    unreachable.failed("https://a.example/simple/", ttl=600)
    unreachable.failed("https://b.example/simple/", ttl=0)
    assert unreachable.resting("https://a.example/simple/")
    # A TTL of 0 asks every time: no rest either.
    assert not unreachable.resting("https://b.example/simple/")
    time.sleep(0.06)
    assert not unreachable.resting("https://a.example/simple/")
