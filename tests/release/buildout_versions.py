"""Keep the ``[versions]`` section of buildout.cfg in step with constraints.txt.

constraints.txt is the one resolved dependency set of the add-on.  Buildout
cannot read it, so ``[versions]`` is generated from it: run
``python tests/release/buildout_versions.py`` at the top of the
repository after changing constraints.txt (``--check`` only reports drift).

Buildout's ``[versions]`` cannot express environment markers, so lines are
resolved for the one platform the add-on supports, Linux on CPython 3.11 and
later: lines that never apply there (Windows-only ones, say) are left out, and
when a package has several lines for different Python versions the one that
holds for the newest Python is pinned.
"""

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from packaging.markers import Marker
from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from pathlib import Path

import argparse
import re
import sys


#: Pins for buildout's recipes and the packages only they need, none of which
#: are in constraints.txt (which is made for pip installs).  Verified with a
#: full buildout run; a pin that constraints.txt also has is taken from there.
RECIPE_VERSIONS: Mapping[str, str] = {
    "plone-recipe-zope2instance": "9.1.0",
    "python-dotenv": "1.2.4",
    "zc-recipe-egg": "6.0.0",
}

#: The marker environment of Linux on CPython, less the Python version.
TARGET_ENVIRONMENT: Mapping[str, str] = {
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "os_name": "posix",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "platform_release": "",
    "platform_version": "",
}

#: Python versions probed, oldest first: the first and a late patch release of
#: every supported minor version, so ``python_full_version`` bounds inside a
#: minor version are seen too.
PYTHON_PROBES: tuple[str, ...] = tuple(
    f"3.{minor}.{patch}" for minor in range(11, 15) for patch in (0, 99)
)

#: Names that buildout looks up in [versions] spelled just so, before it
#: normalizes names: under any other spelling it adds a pin of its own
#: (zc.buildout >= the running version, zc.recipe.egg >= 2.0.6) that
#: overrides ours.
BUILDOUT_SPELLINGS: Mapping[str, str] = {
    "zc-buildout": "zc.buildout",
    "zc-recipe-egg": "zc.recipe.egg",
}

SECTION_HEADER = "[versions]"

_HEADER_COMMENT = """\
# Generated from constraints.txt by
#     python tests/release/buildout_versions.py
# Do not edit by hand: change constraints.txt (or RECIPE_VERSIONS in that
# module for the recipe pins at the end) and run it again.
# [versions] cannot express environment markers, so the pins are those for
# Linux on CPython 3.11 and later: lines for other platforms are left out and,
# where a package has lines for different Python versions, the one for the
# newest Python is pinned."""

_SECTION_RE = re.compile(r"^\[(?P<name>[^\]]+)\]")


@dataclass(frozen=True)
class Pin:
    """One ``name==version`` line of a constraints file."""

    name: str
    version: str
    marker: Marker | None = None

    def applies_to(self, python: str) -> bool:
        """Tell whether the line holds on Linux CPython of that version."""
        if self.marker is None:
            return True
        environment = dict(TARGET_ENVIRONMENT)
        environment["python_full_version"] = python
        environment["implementation_version"] = python
        environment["python_version"] = ".".join(python.split(".")[:2])
        return self.marker.evaluate(environment)

    def describe(self) -> str:
        """Return the line as ``version ; marker`` for a comment."""
        if self.marker is None:
            return self.version
        return f"{self.version} ; {self.marker}"


@dataclass(frozen=True)
class Resolution:
    """The pins chosen from a constraints file and why some lines were not."""

    versions: dict[str, str]
    notes: list[str]


def parse_constraints(constraints_text: str) -> list[Pin]:
    """Parse the ``name==version`` lines of a constraints file."""
    pins = []
    for number, raw in enumerate(constraints_text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement as error:
            raise ValueError(f"line {number}: {error}") from error
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator not in ("==", "==="):
            raise ValueError(f"line {number}: not an exact pin: {raw.strip()}")
        pins.append(
            Pin(
                name=canonicalize_name(requirement.name),
                version=specifiers[0].version,
                marker=requirement.marker,
            )
        )
    return pins


def resolve(constraints_text: str) -> Resolution:
    """Choose one version per package for Linux on CPython 3.11 and later."""
    by_name: dict[str, list[Pin]] = {}
    for pin in parse_constraints(constraints_text):
        by_name.setdefault(pin.name, []).append(pin)
    versions: dict[str, str] = {}
    notes: list[str] = []
    skipped: list[str] = []
    for name in sorted(by_name):
        candidates = [
            pin
            for pin in by_name[name]
            if any(pin.applies_to(python) for python in PYTHON_PROBES)
        ]
        if not candidates:
            skipped.append(name)
            continue
        chosen = _newest_python_pin(name, candidates)
        versions[name] = chosen.version
        for pin in candidates:
            if pin.version != chosen.version:
                notes.append(
                    f"{name}: pinned {chosen.describe()}, not {pin.describe()}"
                )
    if skipped:
        notes.append("not for Linux CPython, so not pinned: " + ", ".join(skipped))
    return Resolution(versions=versions, notes=notes)


def _newest_python_pin(name: str, candidates: list[Pin]) -> Pin:
    """Return the candidate that holds for the newest Python probed."""
    for python in reversed(PYTHON_PROBES):
        holding = [pin for pin in candidates if pin.applies_to(python)]
        if len({pin.version for pin in holding}) > 1:
            found = ", ".join(pin.describe() for pin in holding)
            raise ValueError(f"{name}: conflicting pins for Python {python}: {found}")
        if holding:
            return holding[0]
    raise AssertionError("unreachable: every candidate holds for some probe")


def versions_from_constraints(constraints_text: str) -> dict[str, str]:
    """Return the buildout pins, by normalized name, for a constraints file."""
    return resolve(constraints_text).versions


def render_versions_section(
    constraints_text: str,
    recipe_versions: Mapping[str, str] = RECIPE_VERSIONS,
) -> str:
    """Return the ``[versions]`` section for a constraints file."""
    resolution = resolve(constraints_text)
    lines = [SECTION_HEADER, _HEADER_COMMENT]
    lines.extend(f"# {note}" for note in resolution.notes)
    lines.extend(
        _pin_line(name, version) for name, version in resolution.versions.items()
    )
    extra = {
        canonicalize_name(name): version
        for name, version in recipe_versions.items()
        if canonicalize_name(name) not in resolution.versions
    }
    if extra:
        lines.append("# Recipes and their own dependencies (not in constraints.txt).")
        lines.extend(
            _pin_line(name, version) for name, version in sorted(extra.items())
        )
    return "\n".join(lines) + "\n"


def _pin_line(name: str, version: str) -> str:
    """Return the ``name = version`` line of one pin."""
    return f"{BUILDOUT_SPELLINGS.get(name, name)} = {version}"


def replace_versions_section(buildout_text: str, section: str) -> str:
    """Return buildout.cfg text with its ``[versions]`` section replaced."""
    lines = buildout_text.splitlines(keepends=True)
    start = next(
        (
            index
            for index, line in enumerate(lines)
            if (match := _SECTION_RE.match(line))
            and match["name"].strip() == SECTION_HEADER[1:-1]
        ),
        None,
    )
    if start is None:
        separator = "" if not buildout_text or buildout_text.endswith("\n") else "\n"
        return f"{buildout_text}{separator}\n{section}"
    end = next(
        (
            index
            for index in range(start + 1, len(lines))
            if _SECTION_RE.match(lines[index])
        ),
        len(lines),
    )
    # Comments and blank lines just before the next section belong to it.
    while end > start + 1 and (
        not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")
    ):
        end -= 1
    tail = lines[end:]
    if tail and tail[0].strip():
        section += "\n"
    return "".join(lines[:start]) + section + "".join(tail)


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the ``[versions]`` section of buildout.cfg from constraints.txt."""
    parser = argparse.ArgumentParser(
        prog="buildout_versions",
        description="Rewrite [versions] in buildout.cfg from constraints.txt.",
    )
    parser.add_argument("--constraints", type=Path, default=Path("constraints.txt"))
    parser.add_argument("--buildout", type=Path, default=Path("buildout.cfg"))
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if buildout.cfg is not up to date",
    )
    options = parser.parse_args(argv)
    old = options.buildout.read_text(encoding="utf-8")
    section = render_versions_section(options.constraints.read_text(encoding="utf-8"))
    new = replace_versions_section(old, section)
    if new == old:
        print(f"{options.buildout}: [versions] is up to date")
        return 0
    if options.check:
        print(
            f"{options.buildout}: [versions] differs from {options.constraints}",
            file=sys.stderr,
        )
        return 1
    options.buildout.write_text(new, encoding="utf-8")
    print(f"{options.buildout}: [versions] rewritten from {options.constraints}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
