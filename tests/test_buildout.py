"""The buildout's [versions] stays generated from constraints.txt."""

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from pathlib import Path
from tests.release.buildout_versions import main
from tests.release.buildout_versions import RECIPE_VERSIONS
from tests.release.buildout_versions import render_versions_section
from tests.release.buildout_versions import replace_versions_section
from tests.release.buildout_versions import versions_from_constraints

import io
import pytest
import subprocess
import sys
import zc.buildout.configparser


ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
BUILDOUT = ROOT / "buildout.cfg"

LINUX_CPYTHON = {
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "os_name": "posix",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
}

# The newest 3.11 patch release and every later minor version: the pins
# buildout gets must be those pip would install on each of them.
PYTHONS = ("3.11.99", "3.12.0", "3.13.0", "3.14.0")


def _environment(python: str) -> dict[str, str]:
    return {
        **LINUX_CPYTHON,
        "python_full_version": python,
        "implementation_version": python,
        "python_version": ".".join(python.split(".")[:2]),
    }


def _constraint_lines() -> list[Requirement]:
    requirements = []
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            requirements.append(Requirement(line))
    return requirements


def _buildout_sections(text: str) -> dict[str, dict[str, str]]:
    return zc.buildout.configparser.parse(io.StringIO(text), "buildout.cfg")


def _buildout_pins() -> dict[str, str]:
    sections = _buildout_sections(BUILDOUT.read_text(encoding="utf-8"))
    return {
        canonicalize_name(name): value.strip()
        for name, value in sections["versions"].items()
    }


def _pin(requirement: Requirement) -> str:
    (specifier,) = requirement.specifier
    assert specifier.operator == "=="
    return specifier.version


@pytest.mark.parametrize("python", PYTHONS)
def test_constraints_pinned_in_buildout(python):
    pins = _buildout_pins()
    environment = _environment(python)
    checked = 0
    for requirement in _constraint_lines():
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        name = canonicalize_name(requirement.name)
        assert pins.get(name) == _pin(requirement), name
        checked += 1
    assert checked > 250


def test_buildout_pins_nothing_else_but_recipes():
    constrained = {canonicalize_name(r.name) for r in _constraint_lines()}
    extra = {
        name: version
        for name, version in _buildout_pins().items()
        if name not in constrained
    }
    assert extra == {canonicalize_name(k): v for k, v in RECIPE_VERSIONS.items()}


def test_windows_only_constraints_not_pinned():
    pins = _buildout_pins()
    windows = _environment("3.11.99") | {
        "os_name": "nt",
        "sys_platform": "win32",
        "platform_system": "Windows",
    }
    for requirement in _constraint_lines():
        marker = requirement.marker
        if (
            marker
            and marker.evaluate(windows)
            and not any(marker.evaluate(_environment(p)) for p in PYTHONS)
        ):
            assert canonicalize_name(requirement.name) not in pins


def test_buildout_spells_its_own_names_as_it_expects():
    sections = _buildout_sections(BUILDOUT.read_text(encoding="utf-8"))
    assert "zc.buildout" in sections["versions"]
    assert "zc.recipe.egg" in sections["versions"]


def test_buildout_parts():
    sections = _buildout_sections(BUILDOUT.read_text(encoding="utf-8"))
    assert sections["buildout"]["parts"].split() == ["instance", "test"]
    assert sections["buildout"]["develop"] == "."
    assert sections["buildout"]["allow-picked-versions"] == "false"
    instance = sections["instance"]
    assert instance["recipe"] == "plone.recipe.zope2instance"
    assert instance["http-address"] == "127.0.0.1:8080"
    assert instance["user"] == "admin:${buildout:admin-password}"
    assert instance["eggs"].split() == ["Plone", "collective.psc"]
    assert sections["test"]["recipe"] == "zc.recipe.egg"
    assert "collective.psc[test]" in sections["test"]["eggs"].split()


def test_regenerating_changes_nothing():
    text = BUILDOUT.read_text(encoding="utf-8")
    section = render_versions_section(CONSTRAINTS.read_text(encoding="utf-8"))
    assert replace_versions_section(text, section) == text


def test_main_check_and_rewrite(tmp_path, monkeypatch, capsys):
    text = BUILDOUT.read_text(encoding="utf-8")
    constraints = CONSTRAINTS.read_text(encoding="utf-8")
    (tmp_path / "buildout.cfg").write_text(text, encoding="utf-8")
    (tmp_path / "constraints.txt").write_text(
        constraints.replace("\nzope-viewlet==", "\nzope-viewlet==99.0\n# was "),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["--check"]) == 1
    assert (tmp_path / "buildout.cfg").read_text(encoding="utf-8") == text
    assert main([]) == 0
    new = (tmp_path / "buildout.cfg").read_text(encoding="utf-8")
    assert "zope-viewlet = 99.0\n" in new
    assert new.split("[versions]")[0] == text.split("[versions]")[0]
    assert main(["--check"]) == 0
    assert main([]) == 0
    assert (tmp_path / "buildout.cfg").read_text(encoding="utf-8") == new
    capsys.readouterr()


MARKER_TABLE = """\
# a comment, then a blank line

plain==1.0
Dotted.Name_Mixed==2.0  # an inline comment
colorama==0.4.6 ; sys_platform == 'win32'
pywin32==312 ; sys_platform == 'win32'
cffi==2.1.1 ; (implementation_name != 'pypy' and os_name == 'nt') or \
platform_python_implementation == 'CPython'
pypy-only==1.0 ; implementation_name == 'pypy'
soupsieve==2.10 ; python_full_version < '3.11.5'
soupsieve==4.1.2 ; python_full_version >= '3.11.5'
old-py==1.0 ; python_version < '3.13'
old-py==2.0 ; python_version >= '3.13'
lazy-importer==0.1.0 ; python_full_version < '3.15'
legacy-cgi==2.6.4 ; python_full_version >= '3.13'
too-old==1.0 ; python_version < '3.11'
"""


def test_markers():
    assert versions_from_constraints(MARKER_TABLE) == {
        "plain": "1.0",
        "dotted-name-mixed": "2.0",
        "cffi": "2.1.1",
        "soupsieve": "4.1.2",
        "old-py": "2.0",
        "lazy-importer": "0.1.0",
        "legacy-cgi": "2.6.4",
    }


def test_marker_choices_are_commented():
    section = render_versions_section(MARKER_TABLE, recipe_versions={})
    comments = [line for line in section.splitlines() if line.startswith("#")]
    assert any("soupsieve" in line and "not 2.10" in line for line in comments)
    assert any("old-py" in line and "not 1.0" in line for line in comments)
    assert any(
        "colorama" in line and "pywin32" in line and "pypy-only" in line
        for line in comments
    )
    assert section.startswith("[versions]\n")
    assert "soupsieve = 4.1.2\n" in section


@pytest.mark.parametrize(
    "text",
    [
        "same==1.0\nsame==2.0\n",
        "split==1.0 ; python_version >= '3.11'\n"
        "split==2.0 ; python_version >= '3.12'\n",
    ],
)
def test_conflicting_lines_are_refused(text):
    with pytest.raises(ValueError, match="conflicting pins"):
        versions_from_constraints(text)


@pytest.mark.parametrize("text", ["loose>=1.0\n", "two>=1,<2\n", "not a line!\n"])
def test_non_pins_are_refused(text):
    with pytest.raises(ValueError, match="line 1"):
        versions_from_constraints(text)


def test_recipe_pins_follow_constraints():
    section = render_versions_section(
        "zeo==7.0\nzc-recipe-egg==6.1\n",
        recipe_versions={"ZEO": "6.2", "zc.recipe.egg": "6.0.0", "zdaemon": "5.2.1"},
    )
    assert section.endswith(
        "zc.recipe.egg = 6.1\nzeo = 7.0\n"
        "# Recipes and their own dependencies (not in constraints.txt).\n"
        "zdaemon = 5.2.1\n"
    )


def test_replace_keeps_other_sections():
    text = (
        "[buildout]\nparts = a\n\n[versions]\nold = 1\n\n# about [a]\n[a]\nrecipe = x\n"
    )
    new = replace_versions_section(text, "[versions]\nnew = 2\n")
    assert new == (
        "[buildout]\nparts = a\n\n[versions]\nnew = 2\n\n# about [a]\n[a]\nrecipe = x\n"
    )
    assert replace_versions_section(new, "[versions]\nnew = 2\n") == new


def test_replace_appends_missing_section():
    new = replace_versions_section("[buildout]\nparts =", "[versions]\na = 1\n")
    assert new == "[buildout]\nparts =\n\n[versions]\na = 1\n"


def test_runs_as_a_script_on_the_repository():
    result = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).parent / "release" / "buildout_versions.py"),
            "--check",
            "--buildout",
            str(BUILDOUT),
            "--constraints",
            str(CONSTRAINTS),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
