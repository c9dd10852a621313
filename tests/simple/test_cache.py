"""The page cache, If-None-Match lists and Range parsing of the index views."""

from collective.psc.replay import etag_matches
from collective.psc.simple.views import byte_range
from collective.psc.simple.views import SimplePageCache

import pytest
import threading


def test_cache_builds_once_and_keeps_least_recently_used():
    cache = SimplePageCache(max_bytes=30)
    builds = []

    def build(value):
        def run():
            builds.append(value)
            return value

        return run

    assert cache.get(("a",), build("a" * 10)) == "a" * 10
    assert cache.get(("a",), build("x")) == "a" * 10
    cache.get(("b",), build("b" * 10))
    cache.get(("a",), build("x"))  # a is now the most recently used
    cache.get(("c",), build("c" * 15))  # 35 bytes: the oldest, b, goes
    assert builds == ["a" * 10, "b" * 10, "c" * 15]
    assert cache.total == 25
    assert cache.get(("b",), build("b" * 10)) == "b" * 10
    assert builds[-1] == "b" * 10


def test_cache_does_not_keep_a_value_larger_than_its_bound():
    cache = SimplePageCache(max_bytes=8)
    assert cache.get(("big",), lambda: b"x" * 9) == b"x" * 9
    assert len(cache) == 0
    assert cache.total == 0


def test_cache_counts_page_data_by_its_repr():
    cache = SimplePageCache(max_bytes=1000)
    page = {"name": "demo", "files": [{"filename": "demo-1.0.tar.gz"}]}
    cache.get(("data",), lambda: page)
    assert cache.total == len(repr(page))


def test_cache_under_eight_threads_past_its_bound():
    bound = 50_000
    cache = SimplePageCache(max_bytes=bound)
    errors = []
    over = []

    def hammer(worker):
        try:
            for i in range(2_000):
                key = ("page", worker, i % 300)
                page = "p" * (100 + i % 400)
                value = cache.get(key, lambda page=page: page)
                assert value.startswith("p")
                if cache.total > bound:
                    over.append(cache.total)
        except Exception as error:  # noqa: BLE001 - every error is a failure here
            errors.append(error)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert over == []
    assert 0 < cache.total <= bound
    assert cache.total == sum(size for _, size in cache.store._items.values())


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ('"abc-1-html"', True),
        ('"x", "abc-1-html"', True),
        ('W/"abc-1-html"', True),
        ("*", True),
        ('"abc-1-html-old"', False),
        ('"zz"abc-1-html""', False),
        ('"abc-1-htm"', False),
        ("", False),
        (None, False),
    ],
)
def test_if_none_match_is_a_list_of_entity_tags(header, matches):
    assert etag_matches(header, '"abc-1-html"') is matches


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=10-19", (10, 19)),
        ("bytes=10-", (10, 99)),
        ("bytes=-5", (95, 99)),
        ("bytes=90-500", (90, 99)),
        ("bytes=100-", "unsatisfiable"),
        ("bytes=-0", "unsatisfiable"),
        ("bytes=20-10", "unsatisfiable"),
        ("bytes=1_0-2_0", None),
        ("bytes=+1-2", None),
        ("bytes= 1-2 ", (1, 2)),
        ("bytes=1 -2", None),
        ("bytes=１-２", None),
        ("bytes=-", None),
        ("bytes=5", None),
        ("bytes=0-1,3-4", None),
        ("items=0-1", None),
        (None, None),
    ],
)
def test_byte_range_parses_digits_only(header, expected):
    assert byte_range(header, 100) == expected
