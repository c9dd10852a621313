"""The ``collective.psc.mirror`` behavior: the directories a center is mirrored to."""

from collective.psc import _
from pathlib import PurePosixPath
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from typing import Any
from zope import schema
from zope.interface import Invalid
from zope.interface import provider


def absolute_directory(value: str) -> bool:
    """Accept an absolute directory path; refuse anything relative."""
    if not PurePosixPath(value).is_absolute():
        raise Invalid(
            _("Give the mirror directory as an absolute path, such as /srv/pypi.")
        )
    return True


@provider(IFormFieldProvider)
class IMirrorTargets(model.Schema):
    """Directories that get a static copy of the center after each change."""

    model.fieldset("mirroring", label=_("Mirroring"), fields=["mirror_targets"])
    # Exports write into these directories as the Zope process: only a site
    # manager may name them.
    directives.write_permission(mirror_targets="cmf.ManagePortal")
    mirror_targets = schema.List(
        title=_("Mirror directories"),
        description=_(
            "Absolute paths of directories, one per line, that a web server such "
            "as Apache serves. Each holds the simple index and the files of this "
            "center and is updated after every change. Run 'psc mirror resync' "
            "once after adding one."
        ),
        value_type=schema.TextLine(constraint=absolute_directory),
        required=False,
        default=[],
    )


def mirror_targets(center: Any) -> list[str]:
    """Return the mirror directories of a center, none when the behavior is off."""
    adapted = IMirrorTargets(center, None)
    return list(getattr(adapted, "mirror_targets", None) or [])
