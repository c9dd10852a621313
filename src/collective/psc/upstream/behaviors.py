"""The ``collective.psc.upstream`` behavior: the indexes a center merges, and how."""

from Acquisition import aq_base
from collective.psc import _
from collective.psc.exceptions import InvalidName
from collective.psc.names import normalize_name
from dataclasses import dataclass
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from typing import Any
from urllib.parse import urlsplit
from zope import schema
from zope.interface import Invalid
from zope.interface import provider

import trove_classifiers


DEFAULT_TTL = 600


def index_url(value: str) -> bool:
    """Accept an http(s) URL of a simple index; refuse anything else."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(
            _(
                "Give the upstream index as an http or https URL, such as "
                "https://pypi.org/simple/."
            )
        )
    return True


def project_name(value: str) -> bool:
    """Accept a valid project name in any spelling."""
    try:
        normalize_name(value.strip())
    except InvalidName:
        raise Invalid(
            _("Give project names as they are spelled on the index.")
        ) from None
    return True


def trove_classifier(value: str) -> bool:
    """Accept a trove classifier that exists, spelled exactly."""
    if value.strip() not in trove_classifiers.classifiers:
        raise Invalid(
            _(
                "Give classifiers exactly as listed on "
                "https://pypi.org/classifiers/, such as "
                "'Framework :: Plone :: Addon'."
            )
        )
    return True


@provider(IFormFieldProvider)
class IUpstreamIndexes(model.Schema):
    """Indexes whose projects the center serves beside its own."""

    model.fieldset(
        "upstream",
        label=_("Upstream indexes"),
        fields=[
            "upstream_urls",
            "upstream_allow_list",
            "upstream_allow_list_only",
            "upstream_ttl",
            "upstream_offline",
            "upstream_tracked",
            "upstream_tracked_classifiers",
        ],
    )
    # The center fetches from these URLs and serves what they answer: only a
    # site manager may name them or change what is let through.
    directives.write_permission(
        upstream_urls="cmf.ManagePortal",
        upstream_allow_list="cmf.ManagePortal",
        upstream_allow_list_only="cmf.ManagePortal",
        upstream_ttl="cmf.ManagePortal",
        upstream_offline="cmf.ManagePortal",
        upstream_tracked="cmf.ManagePortal",
        upstream_tracked_classifiers="cmf.ManagePortal",
    )
    directives.read_permission(upstream_urls="cmf.ManagePortal")
    upstream_urls = schema.List(
        title=_("Upstream index URLs"),
        description=_(
            "Simple index URLs, one a line, asked in this order for projects that "
            "are not in this center, for example https://pypi.org/simple/. "
            "Credentials may be given in the URL (https://user:secret@host/simple/)."
        ),
        value_type=schema.TextLine(constraint=index_url),
        required=False,
        default=[],
    )
    upstream_allow_list = schema.List(
        title=_("Merged projects"),
        description=_(
            "Project names, one a line, whose upstream files are served beside "
            "the files of the local project of the same name (local files first; "
            "a local file wins a filename clash). Any other local project hides "
            "the upstream project of its name."
        ),
        value_type=schema.TextLine(constraint=project_name),
        required=False,
        default=[],
    )
    upstream_allow_list_only = schema.Bool(
        title=_("Only merged projects from upstream"),
        description=_(
            "Serve no upstream project but those listed under 'Merged projects'."
        ),
        required=False,
        default=False,
    )
    upstream_ttl = schema.Int(
        title=_("Upstream page lifetime (seconds)"),
        description=_(
            "How long a fetched upstream page is used before it is revalidated."
        ),
        min=0,
        required=False,
        default=DEFAULT_TTL,
    )
    upstream_offline = schema.Bool(
        title=_("Offline"),
        description=_(
            "Never ask the upstream indexes; serve only the files fetched before."
        ),
        required=False,
        default=False,
    )
    upstream_tracked = schema.List(
        title=_("Tracked upstream projects"),
        description=_(
            "Project names, one a line, whose upstream metadata 'psc upstream "
            "sync' reads into pages of this center, marked as hosted upstream. "
            "Their files are still served by the rules above."
        ),
        value_type=schema.TextLine(constraint=project_name),
        required=False,
        default=[],
    )
    upstream_tracked_classifiers = schema.List(
        title=_("Tracked classifiers"),
        description=_(
            "Trove classifiers, one a line, such as 'Framework :: Plone :: "
            "Addon': every upstream project with one of them is tracked too."
        ),
        value_type=schema.TextLine(constraint=trove_classifier),
        required=False,
        default=[],
    )


@dataclass(frozen=True)
class UpstreamSettings:
    """What a center's upstream settings say, read once per request."""

    urls: tuple[str, ...] = ()
    allow_list: frozenset[str] = frozenset()
    allow_list_only: bool = False
    ttl: int = DEFAULT_TTL
    offline: bool = False
    tracked: frozenset[str] = frozenset()
    tracked_classifiers: frozenset[str] = frozenset()


# Where a center keeps the settings it read, with the serial it read them at.
CACHE_ATTRIBUTE = "_v_psc_upstream_settings"


def upstream_settings(center: Any) -> UpstreamSettings:
    """Return the upstream settings of a center, none when the behavior is off.

    Reading them through the behavior costs more than the rest of a simple
    page, so they are kept on the center's object in this connection, for as
    long as the center is the one committed at that serial: an edit here
    (not committed yet) reads afresh, and a commit anywhere gives the center
    a new serial.
    """
    adapted = IUpstreamIndexes(center, None)
    if adapted is None:
        return UpstreamSettings()
    base = aq_base(center)
    saved = getattr(base, "_p_jar", None) is not None and not base._p_changed
    serial = getattr(base, "_p_serial", None)
    cached = getattr(base, CACHE_ATTRIBUTE, None)
    if saved and cached is not None and cached[0] == serial:
        return cached[1]
    settings = read_settings(adapted)
    if saved:
        setattr(base, CACHE_ATTRIBUTE, (serial, settings))
    return settings


def read_settings(adapted: Any) -> UpstreamSettings:
    """Return the settings the behavior's fields hold."""
    ttl = getattr(adapted, "upstream_ttl", None)
    return UpstreamSettings(
        urls=tuple(url.strip() for url in _listed(adapted, "upstream_urls")),
        allow_list=frozenset(
            normalize_name(name.strip())
            for name in _listed(adapted, "upstream_allow_list")
        ),
        allow_list_only=bool(adapted.upstream_allow_list_only),
        ttl=DEFAULT_TTL if ttl is None else ttl,
        offline=bool(adapted.upstream_offline),
        tracked=frozenset(
            normalize_name(name.strip())
            for name in _listed(adapted, "upstream_tracked")
        ),
        tracked_classifiers=frozenset(
            value.strip() for value in _listed(adapted, "upstream_tracked_classifiers")
        ),
    )


def _listed(adapted: Any, field: str) -> list[str]:
    """Return the non-blank entries of a list field of the behavior."""
    return [value for value in getattr(adapted, field, None) or () if value.strip()]
