"""The control panel form of the site-wide defaults (``@@psc-controlpanel``)."""

from collective.psc import _
from collective.psc.constants import CENTER_TYPE
from collective.psc.constants import PROJECT_TYPE
from collective.psc.controlpanel.interfaces import IPscSettings
from collective.psc.controlpanel.settings import PREFIX
from plone import api
from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.z3cform import layout
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile


class SettingsEditForm(RegistryEditForm):
    """Edit the ``collective.psc.*`` registry records."""

    schema = IPscSettings
    schema_prefix = PREFIX
    id = "psc-controlpanel"
    label = _("Software centers")
    description = _(
        "Defaults for new software centers and the rules uploads follow in "
        "every center of this site."
    )
    centers_template = ViewPageTemplateFile("templates/centers.pt")

    def centers(self) -> list[dict]:
        """Return the site's centers: title, URL and number of projects."""
        centers = []
        for brain in api.content.find(
            portal_type=CENTER_TYPE, sort_on="sortable_title"
        ):
            projects = api.content.find(
                portal_type=PROJECT_TYPE, path={"query": brain.getPath(), "depth": 1}
            )
            centers.append(
                {"title": brain.Title, "url": brain.getURL(), "projects": len(projects)}
            )
        return centers

    def add_center_url(self) -> str:
        """Return the URL of the form that adds a center at the site's root."""
        return f"{api.portal.get().absolute_url()}/++add++{CENTER_TYPE}"

    def render(self) -> str:
        """Render the list of centers above the settings."""
        return self.centers_template() + super().render()


SettingsControlPanel = layout.wrap_form(SettingsEditForm, ControlPanelFormWrapper)
