"""Install snippets of a project for pip, uv and zc.buildout, with a center's URLs."""

from collective.psc.constants import TOKEN_LOGIN
from collective.psc.names import normalize_name
from dataclasses import dataclass


@dataclass(frozen=True)
class Snippet:
    """One way to install a project: a tab title, a hint and the text to copy."""

    id: str
    title: str
    hint: str
    text: str


def install_snippets(
    *, center_url: str, name: str, version: str | None = None
) -> list[Snippet]:
    """Return the pip, uv, uv project and buildout snippets installing a project."""
    index = f"{center_url}/simple/"
    requirement = f"{name}=={version}" if version else name
    pin = f"{name} = {version}\n" if version else ""
    return [
        Snippet(
            id="pip",
            title="pip",
            hint="Everything from this index; use --extra-index-url to keep PyPI "
            "for the dependencies.",
            text=f"pip install --index-url {index} {requirement}",
        ),
        Snippet(
            id="uv",
            title="uv",
            hint="Everything from this index; use --extra-index-url to keep PyPI "
            "for the dependencies.",
            text=f"uv pip install --index-url {index} {requirement}",
        ),
        Snippet(
            id="uv-project",
            title="pyproject.toml",
            hint="For uv add and uv sync: this project comes from this index, "
            "everything else from PyPI.",
            text=(
                "[[tool.uv.index]]\n"
                'name = "psc"\n'
                f'url = "{index}"\n'
                "explicit = true\n"
                "\n"
                "[tool.uv.sources]\n"
                f'{normalize_name(name)} = {{ index = "psc" }}\n'
            ),
        ),
        Snippet(
            id="buildout",
            title="buildout",
            hint="find-links adds this project's files beside PyPI; "
            f"index = {index} would take everything from this index.",
            text=(
                "[buildout]\n"
                f"find-links = {center_url}/links/{normalize_name(name)}/\n"
                "\n"
                "[instance]\n"
                "eggs =\n"
                f"    {name}\n" + (f"\n[versions]\n{pin}" if version else "")
            ),
        ),
    ]


def publish_snippets(*, center_url: str) -> list[Snippet]:
    """Return the twine, uv and ``.pypirc`` snippets that publish to a center."""
    upload = f"{center_url}/legacy/"
    return [
        Snippet(
            id="twine",
            title="twine",
            hint="Build first (python -m build or uv build); twine asks for "
            f"the username {TOKEN_LOGIN} and an API token as the password.",
            text=f"twine upload --repository-url {upload} dist/*",
        ),
        Snippet(
            id="uv-publish",
            title="uv",
            hint=f"uv publish asks for the same credentials ({TOKEN_LOGIN} "
            "and an API token), or reads them from UV_PUBLISH_TOKEN.",
            text=f"uv publish --publish-url {upload} dist/*",
        ),
        Snippet(
            id="pypirc",
            title="~/.pypirc",
            hint="With this section, twine upload -r psc dist/* needs no URL.",
            text=(
                "[distutils]\n"
                "index-servers = psc\n"
                "\n"
                "[psc]\n"
                f"repository = {upload}\n"
                f"username = {TOKEN_LOGIN}\n"
            ),
        ),
    ]
