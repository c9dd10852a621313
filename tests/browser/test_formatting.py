"""How sizes, dates and URLs read on the pages."""

from collective.psc.browser.formatting import day
from collective.psc.browser.formatting import human_size
from collective.psc.browser.formatting import is_stale
from collective.psc.browser.formatting import is_web_url
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from datetime import UTC

import pytest


@pytest.mark.parametrize(
    "size,expected",
    [
        (0, "0 bytes"),
        (1023, "1023 bytes"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (5 * 1024 * 1024, "5.0 MiB"),
        (3 * 1024**3, "3.0 GiB"),
        (5 * 1024**4, "5120.0 GiB"),
    ],
)
def test_human_size(size, expected):
    assert human_size(size) == expected


@pytest.mark.parametrize(
    "date,expected",
    [
        (None, ""),
        (datetime(2026, 1, 31, 23, 30, tzinfo=UTC), "2026-01-31"),
        (
            datetime(2026, 2, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))),
            "2026-01-31",
        ),
        (datetime(2026, 1, 31, 12, 0), "2026-01-31"),
    ],
)
def test_day(date, expected):
    assert day(date) == expected


NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "date,expected",
    [
        (None, False),
        (NOW - timedelta(days=365), False),
        (NOW - timedelta(days=366), True),
        (datetime(2020, 1, 1), True),
    ],
)
def test_is_stale(date, expected):
    assert is_stale(date, now=NOW) is expected


@pytest.mark.parametrize(
    "url,expected",
    [
        ("https://github.com/x", True),
        ("HTTP://example.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("ftp://example.org", False),
        ("", False),
    ],
)
def test_is_web_url(url, expected):
    assert is_web_url(url) is expected
