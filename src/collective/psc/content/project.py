"""A project: one PEP 503 name in a center, with its releases."""

from Acquisition import aq_inner
from Acquisition import aq_parent
from collective.psc import _
from collective.psc.content.base import UnorderedContainer
from collective.psc.interfaces import IProject
from collective.psc.interfaces import IRelease
from collective.psc.names import version_sort_key
from collective.psc.permissions import WRITE_PACKAGING_FIELDS_ID
from packaging.utils import canonicalize_name
from plone.autoform import directives
from plone.supermodel import model
from z3c.form.browser.checkbox import CheckBoxFieldWidget
from zope import schema
from zope.interface import implementer


class IProjectSchema(model.Schema):
    """Fields of a project; the id is the normalized name."""

    long_description = schema.Text(
        title=_("Long description"),
        description=_("The project's README, as uploaded."),
        required=False,
    )
    long_description_content_type = schema.TextLine(
        title=_("Long description content type"),
        description=_("text/x-rst, text/markdown or text/plain."),
        required=False,
    )
    long_description_html = schema.Text(
        title=_("Rendered long description"),
        description=_("The README rendered to sanitised HTML at upload."),
        required=False,
        readonly=True,
    )
    project_urls = schema.List(
        title=_("Project URLs"),
        description=_("One per line: label, URL (for example 'Source, https://...')."),
        value_type=schema.TextLine(),
        required=False,
        default=[],
    )
    license = schema.TextLine(title=_("License"), required=False)
    license_expression = schema.TextLine(
        title=_("License expression"),
        description=_("An SPDX license expression (PEP 639)."),
        required=False,
    )
    classifiers = schema.List(
        title=_("Classifiers"),
        value_type=schema.TextLine(),
        required=False,
        default=[],
    )
    keywords = schema.List(
        title=_("Keywords"),
        value_type=schema.TextLine(),
        required=False,
        default=[],
    )
    author = schema.TextLine(title=_("Author"), required=False)
    author_email = schema.TextLine(title=_("Author e-mail"), required=False)
    maintainer = schema.TextLine(title=_("Maintainer"), required=False)
    maintainer_email = schema.TextLine(title=_("Maintainer e-mail"), required=False)
    compatibility = schema.List(
        title=_("Plone compatibility"),
        description=_(
            "Plone versions the newest release supports, from its "
            "'Framework :: Plone :: X.Y' classifiers."
        ),
        value_type=schema.TextLine(),
        required=False,
        default=[],
    )
    directives.widget("categories", CheckBoxFieldWidget)
    categories = schema.List(
        title=_("Categories"),
        description=_("The site's categories this project belongs to."),
        value_type=schema.Choice(vocabulary="collective.psc.Categories"),
        required=False,
        default=[],
    )

    # The newest release's core metadata sets these; categories stay editable.
    directives.write_permission(
        **dict.fromkeys(
            (
                "long_description",
                "long_description_content_type",
                "long_description_html",
                "project_urls",
                "license",
                "license_expression",
                "classifiers",
                "keywords",
                "author",
                "author_email",
                "maintainer",
                "maintainer_email",
                "compatibility",
            ),
            WRITE_PACKAGING_FIELDS_ID,
        )
    )


# plone.supermodel has no type information: mypy-zope cannot see that
# the schema is an interface.
@implementer(IProject, IProjectSchema)  # type: ignore[misc]
class Project(UnorderedContainer):
    """A project in a software center."""

    @property
    def name(self) -> str:
        """Return the normalized name, which is the id."""
        return self.getId()

    @property
    def display_name(self) -> str:
        """Return the name as the project spells it (the title), else the id."""
        title = (self.title or "").strip()
        if title and canonicalize_name(title) == self.getId():
            return title
        return self.getId()

    def last_serial(self) -> int:
        """Return the serial of the newest journal entry of this project."""
        return aq_parent(aq_inner(self)).journal.project_serial(self.getId())

    def project_url_pairs(self) -> list[tuple[str, str]]:
        """Return the project URLs as (label, URL) pairs."""
        pairs = []
        for line in self.project_urls or []:
            label, _separator, url = line.partition(",")
            pairs.append((label.strip(), url.strip()))
        return pairs

    def releases(self) -> list:
        """Return the releases, newest version first."""
        releases = [obj for obj in self.objectValues() if IRelease.providedBy(obj)]
        return sorted(
            releases,
            key=lambda release: version_sort_key(release.version),
            reverse=True,
        )
