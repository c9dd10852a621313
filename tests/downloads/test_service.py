"""Counting the downloads of log lines: a pure function, as a table."""

from collective.psc.downloads.counts import count_downloads
from tests.fixtures.logs import DIGEST
from tests.fixtures.logs import line
from tests.fixtures.logs import SDIST
from tests.fixtures.logs import WHEEL

import pytest


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([], ({}, 0)),
        ([line(f"/packages/{DIGEST}/{WHEEL}")] * 3, ({WHEEL: 3}, 0)),
        (
            [
                line(f"/packages/{DIGEST}/{WHEEL}"),
                line(f"/packages/{DIGEST}/{SDIST}", tail=""),
                line(f"/packages/{DIGEST}/{WHEEL}.metadata"),
                line(f"/packages/{DIGEST}/{WHEEL}", status=304),
                "garbage",
                "",
            ],
            ({WHEEL: 1, SDIST: 1}, 2),
        ),
    ],
)
def test_count_downloads(lines, expected):
    counts, malformed = count_downloads(lines, prefixes=[""])
    assert (dict(counts), malformed) == expected
