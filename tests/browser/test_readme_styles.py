"""README styles: Pygments colours, scoped to the README, kept in step with Pygments."""

from pathlib import Path
from pygments.formatters import HtmlFormatter
from readme_renderer.markdown import render as render_markdown
from readme_renderer.rst import render as render_rst

import collective.psc
import lxml.html
import re


STATIC = Path(collective.psc.__file__).parent / "browser" / "static"
SCOPE = ".psc-readme pre "


def test_the_colours_are_pygments_rules_scoped_to_the_readme():
    expected = [
        line
        for line in HtmlFormatter(style="default")
        .get_style_defs(".psc-readme pre")
        .splitlines()
        if line.startswith(SCOPE)
    ]
    written = [
        line
        for line in (STATIC / "readme.css").read_text().splitlines()
        if not line.startswith(("/*", "   ")) and line.strip()
    ]
    assert written == expected


def classes(html: str) -> set[str]:
    """Return the classes of the spans inside code blocks of rendered HTML."""
    page = lxml.html.fromstring(f"<div>{html}</div>")
    return {
        name
        for span in page.cssselect("pre span")
        for name in (span.get("class") or "").split()
    }


def test_the_rules_colour_what_readme_renderer_writes():
    styled = set(
        re.findall(
            r"^\.psc-readme pre \.(\w+) ", (STATIC / "readme.css").read_text(), re.M
        )
    )
    rst = render_rst(".. code-block:: python\n\n    def f(x):\n        return 'y'\n")
    markdown = render_markdown("```python\ndef f(x):\n    return 'y'\n```\n")
    for html in (rst, markdown):
        found = classes(html)
        assert {"k", "nf", "s1"} <= found, found
        assert found <= styled | {"w", "n", "p", "o"}, found - styled


def test_tables_and_admonitions_are_styled_only_inside_the_readme():
    css = (STATIC / "psc.css").read_text()
    for selector in (
        ".psc-readme th",
        ".psc-readme .admonition",
        ".psc-readme .warning",
    ):
        assert selector in css
    rules = re.findall(r"^([^\s/{][^{]*)\{", css, re.M)
    readme_rules = [rule for rule in rules if "table" in rule or "admonition" in rule]
    assert readme_rules and all(rule.startswith(".psc-readme") for rule in readme_rules)
