"""The control panel form of the site-wide defaults (``@@psc-controlpanel``)."""

from collective.psc import _
from collective.psc.controlpanel.interfaces import IPscSettings
from collective.psc.controlpanel.settings import PREFIX
from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.z3cform import layout


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


SettingsControlPanel = layout.wrap_form(SettingsEditForm, ControlPanelFormWrapper)
