"""Render a simple page's PEP 691 dict as HTML or JSON, with or without a request.

The live views and the mirror export call these same functions, so a page
served by Zope and the file written for Apache are the same bytes.
"""

from chameleon import PageTemplateFile as CompiledTemplate
from pathlib import Path
from Products.PageTemplates.Expressions import getTrustedEngine
from zope.pagetemplate.engine import TrustedAppPT
from zope.pagetemplate.pagetemplatefile import PageTemplateFile

import json


TEMPLATES = Path(__file__).parent / "templates"


class PageTemplate(TrustedAppPT, PageTemplateFile):
    """A page template on Zope's engine that needs only its options."""

    def pt_getEngine(self):
        """Return the engine the views' templates use."""
        return getTrustedEngine()


# The project list has an entry per project: Zope's expression engine
# (path traversal per value) takes about 20 microseconds an entry, Chameleon's
# compiled Python expressions about 1.5, which is what keeps a list of
# thousands of projects cheap to render after every new project.
ROOT_TEMPLATE = CompiledTemplate(str(TEMPLATES / "root.pt"))
PROJECT_TEMPLATE = PageTemplate(str(TEMPLATES / "project.pt"))


def _html(template: PageTemplate, page: dict) -> str:
    return template.pt_render(template.pt_getContext(args=(), options={"page": page}))


def root_html(page: dict) -> str:
    """Return the HTML of the project list."""
    return ROOT_TEMPLATE(page=page)


def project_html(page: dict) -> str:
    """Return the HTML of a project page."""
    return _html(PROJECT_TEMPLATE, page)


def page_json(page: dict) -> str:
    """Return the JSON of a page, compact."""
    return json.dumps(page, separators=(",", ":"))
