"""Find a release's notes in the changelog section of its README.

Many projects append their changelog to the long description (setuptools'
``long_description = README + CHANGES``). The heuristic, for reStructuredText
and Markdown alike:

1. a heading named *Changelog*, *Change log*, *Changes*, *History*,
   *Release notes*, *Release history* or *News* starts the changelog section;
2. inside it, the first heading whose first word is the release's version in
   any PEP 440 spelling (``1.2.0``, ``v1.2``, ``[1.2.0] - 2026-01-01``,
   ``1.2.0 (unreleased)``) starts the release's notes;
3. they end at the next heading of the same level, or of the level of the
   changelog heading, or at the end of the text.

Nothing is found when any step fails; the work is one pass over the lines.
"""

from collective.psc.exceptions import InvalidVersion
from collective.psc.names import canonical_version
from dataclasses import dataclass

import re


SECTION_NAMES = frozenset(
    {
        "changelog",
        "change log",
        "changes",
        "history",
        "release notes",
        "release history",
        "news",
    }
)

_MARKDOWN = re.compile(r"^(#{1,6})\s+(.*?)[\s#]*$")
_UNDERLINE = re.compile(r"^([=\-~^*+#\"'`:.])\1{2,}\s*$")
_VERSION = re.compile(r"^\[?v?(\d[^\s\]\(\)]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Heading:
    """A heading of the text: its lines, its words and its kind of marking."""

    first: int
    after: int
    text: str
    level: tuple


def headings(lines: list[str]) -> list[Heading]:
    """Return the reStructuredText and Markdown headings of a text, in order."""
    found = []
    index = 0
    while index < len(lines):
        line = lines[index]
        markdown = _MARKDOWN.match(line)
        underline = lines[index + 1] if index + 1 < len(lines) else ""
        if markdown:
            found.append(
                Heading(index, index + 1, markdown[2], ("md", len(markdown[1])))
            )
        elif (
            line.strip() and not _UNDERLINE.match(line) and _UNDERLINE.match(underline)
        ):
            above = lines[index - 1] if index else ""
            overlined = (
                bool(_UNDERLINE.match(above)) and above.strip() == underline.strip()
            )
            first = index - 1 if overlined else index
            level = ("rst", underline.strip()[0], overlined)
            found.append(Heading(first, index + 2, line.strip(), level))
            index += 1
        index += 1
    return found


def heading_version(text: str) -> str | None:
    """Return the canonical version a heading starts with, or None."""
    match = _VERSION.match(text.strip())
    if match is None:
        return None
    try:
        return canonical_version(match[1].rstrip(".:,"))
    except InvalidVersion:
        return None


def release_notes(description: str, version: str) -> str:
    """Return the notes of a version from a README's changelog section, or ''."""
    lines = description.splitlines()
    found = headings(lines)
    section = next(
        (
            number
            for number, heading in enumerate(found)
            if heading.text.strip().rstrip(":").lower() in SECTION_NAMES
        ),
        None,
    )
    if section is None:
        return ""
    wanted = canonical_version(version)
    later = found[section + 1 :]
    for number, heading in enumerate(later):
        if heading_version(heading.text) != wanted:
            continue
        ends = {heading.level, found[section].level}
        end = next(
            (item.first for item in later[number + 1 :] if item.level in ends),
            len(lines),
        )
        return "\n".join(lines[heading.after : end]).strip()
    return ""
