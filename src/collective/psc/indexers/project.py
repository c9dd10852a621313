"""Index a project by its newest release, classifiers, categories and text.

Releases and files stay out of the catalog, so the listing of a center reads
everything it filters on and shows from these indexes and metadata columns of
the project. Uploads keep them current through ``projects.update_project``.
"""

from Acquisition import aq_base
from collections.abc import Iterable
from collective.psc.interfaces import IProject
from collective.psc.names import parse_version
from collective.psc.services import releases
from collective.psc.tracked import is_tracked
from collective.psc.types import Project
from datetime import datetime
from plone.indexer import indexer


# The kinds of Plone packages that trove classifiers name; each is a category.
PLONE_KINDS = {
    "Addon": "Plone add-on",
    "Core": "Plone core",
    "Distribution": "Plone distribution",
    "Theme": "Plone theme",
}


def classifier_values(classifiers: Iterable[str]) -> list[str]:
    """Return the classifiers with their parents, so a family filter finds members.

    ``Framework :: Plone :: 6.1`` is found by ``Framework :: Plone`` too; a
    bare top level such as ``Framework`` says nothing and is left out.
    """
    values = set()
    for classifier in classifiers:
        parts = [part.strip() for part in classifier.split("::")]
        for depth in range(2, len(parts) + 1):
            values.add(" :: ".join(parts[:depth]))
    return sorted(values)


def compatibility_values(versions: Iterable[str]) -> list[str]:
    """Return the Plone versions with their major versions (6.1 also gives 6)."""
    values = set()
    for version in versions:
        values.add(version)
        values.add(str(parse_version(version).major))
    return sorted(values, key=lambda value: (parse_version(value), len(value)))


def category_values(classifiers: Iterable[str], categories: Iterable[str]) -> list[str]:
    """Return a project's categories: its own, its Plone kind and its topics.

    A category is what a maintainer sets in the project's *Categories*
    field, the kind a ``Framework :: Plone :: Addon|Core|Distribution|Theme``
    classifier names, or the top level of a ``Topic ::`` classifier.
    """
    values = {category.strip() for category in categories if category.strip()}
    for classifier in classifiers:
        parts = [part.strip() for part in classifier.split("::")]
        if parts[:2] == ["Framework", "Plone"] and len(parts) == 3:
            kind = PLONE_KINDS.get(parts[2])
            if kind:
                values.add(kind)
        elif parts[0] == "Topic" and len(parts) > 1:
            values.add(parts[1])
    return sorted(values)


def _latest(project: Project):
    release = releases.latest_release(project=project)
    if release is None:
        raise AttributeError("The project has no release.")
    return release


@indexer(IProject)
def searchable_text(project: Project) -> str:
    """Index the name, summary, keywords, people and README of a project."""
    words = [
        project.getId(),
        project.title or "",
        project.description or "",
        " ".join(project.keywords or []),
        project.author or "",
        project.maintainer or "",
        project.long_description or "",
    ]
    return " ".join(word for word in words if word)


@indexer(IProject)
def latest_version(project: Project) -> str:
    """Index the version of the release that speaks for the project."""
    return _latest(project).version


@indexer(IProject)
def latest_date(project: Project) -> datetime:
    """Index the date of the newest release, else when the project was created.

    Every project needs a value: sorting on an index leaves out the
    documents it does not hold.
    """
    release = releases.latest_release(project=project)
    if release is not None and release.release_date is not None:
        return release.release_date
    return project.created().asdatetime()


@indexer(IProject)
def latest_yanked(project: Project) -> bool:
    """Index whether the release that speaks for the project is yanked."""
    return _latest(project).yanked


@indexer(IProject)
def latest_maturity(project: Project) -> str:
    """Index the maturity of the release that speaks for the project."""
    return _latest(project).maturity


@indexer(IProject)
def classifiers(project: Project) -> list[str]:
    """Index the classifiers and their parents."""
    return classifier_values(project.classifiers or [])


@indexer(IProject)
def compatibility(project: Project) -> list[str]:
    """Index the Plone versions the newest release supports."""
    return compatibility_values(project.compatibility or [])


@indexer(IProject)
def categories(project: Project) -> list[str]:
    """Index the categories of a project."""
    return category_values(project.classifiers or [], project.categories or [])


@indexer(IProject)
def upstream(project: Project) -> str:
    """Keep the upstream page of a tracked project; empty for a local one."""
    if not is_tracked(project):
        return ""
    return getattr(aq_base(project), "upstream_url", "") or ""


@indexer(IProject)
def downloads(project: Project) -> int:
    """Index the download count; 0 until something counts downloads."""
    return getattr(aq_base(project), "download_count", None) or 0
