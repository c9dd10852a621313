"""A release's notes found in the changelog section of its README."""

from collective.psc.changelog import release_notes
from tests.fixtures.builder import build_wheel
from tests.fixtures.examples import publish

import pytest


RST = """\
collective.demo
===============

Does things.

Changelog
=========

1.2.0 (2026-11-02)
------------------

- Faster uploads.
- Fewer queries.

1.1 (2026-01-01)
----------------

- First public release.

Contributors
============

- Jane
"""

MARKDOWN = """\
# demo

Does things.

## Release notes

### [2.0.0b1] - 2026-10-01

* Breaking: new API.

### v1.9 (2026-09-01)

* Fixes.

## License

MIT
"""


@pytest.mark.parametrize(
    ("text", "version", "expected"),
    [
        (RST, "1.2", "- Faster uploads.\n- Fewer queries."),
        (RST, "1.2.0", "- Faster uploads.\n- Fewer queries."),
        (RST, "1.1.0", "- First public release."),
        (RST, "1.3", ""),
        (MARKDOWN, "2.0.0b1", "* Breaking: new API."),
        (MARKDOWN, "2b1", "* Breaking: new API."),
        (MARKDOWN, "1.9", "* Fixes."),
        ("# demo\n\n## 1.0\n\n* Text.\n", "1.0", ""),
        ("Changes\n-------\n\nno versions here\n", "1.0", ""),
        ("", "1.0", ""),
    ],
)
def test_release_notes(text, version, expected):
    assert release_notes(text, version) == expected


def test_the_section_ends_the_last_release():
    assert "Jane" not in release_notes(RST, "1.1")


def test_an_upload_fills_an_empty_changelog_and_keeps_a_maintainers(center, tmp_path):
    readme = RST.replace("collective.demo", "demo").replace("1.2.0 (", "1.0 (")
    for version in ("1.0", "1.1"):
        path = build_wheel(
            tmp_path / version,
            "demo",
            version,
            description=readme,
            description_content_type="text/x-rst",
        )
        publish(center, path)
    assert center["demo"]["1"].changelog == "- Faster uploads.\n- Fewer queries."
    release = center["demo"]["1.1"]
    assert release.changelog == "- First public release."
    release.changelog = "Written by hand."
    publish(
        center,
        build_wheel(
            tmp_path / "sdist",
            "demo",
            "1.1",
            python_tag="py2.py3",
            description=readme,
            description_content_type="text/x-rst",
        ),
    )
    assert release.changelog == "Written by hand."
