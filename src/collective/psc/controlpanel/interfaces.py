"""The registry schema of the site-wide defaults."""

from collective.psc import _
from collective.psc.constants import KNOWN_ONLY
from collective.psc.constants import KNOWN_OR_PRIVATE
from collective.psc.constants import WELL_FORMED
from zope import schema
from zope.interface import Interface
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


CLASSIFIER_POLICY_TERMS = SimpleVocabulary(
    [
        SimpleTerm(
            value=KNOWN_OR_PRIVATE,
            token=KNOWN_OR_PRIVATE,
            title=_("Trove classifiers that are not deprecated, and 'Private ::' ones"),
        ),
        SimpleTerm(
            value=KNOWN_ONLY,
            token=KNOWN_ONLY,
            title=_("Only trove classifiers that are not deprecated"),
        ),
        SimpleTerm(
            value=WELL_FORMED,
            token=WELL_FORMED,
            title=_("Any well-formed classifier ('Part :: Part')"),
        ),
    ]
)


# The categories a new site offers; its managers change them in the control panel.
DEFAULT_CATEGORIES = [
    "Authentication",
    "Content types",
    "Editing",
    "Forms",
    "Integration",
    "Multilingual",
    "Search",
    "Security",
    "Theming",
    "Tools",
]


class IPscSettings(Interface):
    """Site-wide defaults of the software centers (records ``collective.psc.*``)."""

    default_upload_size_limit = schema.Int(
        title=_("Upload size limit of new centers (MiB)"),
        description=_(
            "The largest distribution file a new software center accepts. Each "
            "center keeps its own limit, which its managers may change."
        ),
        default=100,
        min=1,
        required=True,
    )
    default_storage = schema.Choice(
        title=_("Archive storage of new centers"),
        description=_(
            "Where new software centers keep their archives. Each center keeps "
            "its own choice, which its managers may change."
        ),
        vocabulary="collective.psc.ArchiveStorages",
        default="blob",
        required=True,
    )
    classifier_policy = schema.Choice(
        title=_("Allowed classifiers"),
        description=_(
            "Which classifiers an upload may carry, in every center of the site. "
            "An upload with another classifier is refused with the reason."
        ),
        vocabulary=CLASSIFIER_POLICY_TERMS,
        default=KNOWN_OR_PRIVATE,
        required=True,
    )
    categories = schema.List(
        title=_("Project categories"),
        description=_(
            "The categories that maintainers choose from on a project's edit "
            "form, one per line; the listing filters by them."
        ),
        value_type=schema.TextLine(),
        default=DEFAULT_CATEGORIES,
        required=False,
    )
