"""Install snippets: each installer's syntax, with the center's URLs."""

from collective.psc.browser.snippets import install_snippets

import pytest
import tomllib


CENTER = "https://example.org/Plone/pypi"


def snippets(**kwargs):
    return {
        snippet.id: snippet.text
        for snippet in install_snippets(center_url=CENTER, **kwargs)
    }


@pytest.mark.parametrize(
    "version,pip,uv",
    [
        (
            None,
            f"pip install --index-url {CENTER}/simple/ collective.foo",
            f"uv pip install --index-url {CENTER}/simple/ collective.foo",
        ),
        (
            "1.0b2",
            f"pip install --index-url {CENTER}/simple/ collective.foo==1.0b2",
            f"uv pip install --index-url {CENTER}/simple/ collective.foo==1.0b2",
        ),
    ],
)
def test_pip_and_uv(version, pip, uv):
    found = snippets(name="collective.foo", version=version)
    assert found["pip"] == pip
    assert found["uv"] == uv


def test_uv_project_is_valid_toml_pinning_the_project_to_the_index():
    data = tomllib.loads(snippets(name="collective.foo")["uv-project"])
    assert data["tool"]["uv"]["index"] == [
        {"name": "psc", "url": f"{CENTER}/simple/", "explicit": True}
    ]
    assert data["tool"]["uv"]["sources"] == {"collective-foo": {"index": "psc"}}


@pytest.mark.parametrize(
    "version,expected",
    [
        (
            None,
            "[buildout]\n"
            f"find-links = {CENTER}/links/collective-foo/\n"
            "\n"
            "[instance]\n"
            "eggs =\n"
            "    collective.foo\n",
        ),
        (
            "2.0",
            "[buildout]\n"
            f"find-links = {CENTER}/links/collective-foo/\n"
            "\n"
            "[instance]\n"
            "eggs =\n"
            "    collective.foo\n"
            "\n"
            "[versions]\n"
            "collective.foo = 2.0\n",
        ),
    ],
)
def test_buildout(version, expected):
    assert snippets(name="collective.foo", version=version)["buildout"] == expected
