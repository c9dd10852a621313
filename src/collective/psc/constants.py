"""Names and limits that every layer of the add-on shares; imports nothing."""

CENTER_TYPE = "SoftwareCenter"
PROJECT_TYPE = "SoftwareProject"
RELEASE_TYPE = "SoftwareRelease"
FILE_TYPE = "DistributionFile"

MIB = 1024 * 1024

# The local roles that make a user one of a project's maintainers.
MAINTAINER_ROLES = frozenset({"Owner", "Maintainer"})

# Names that are URLs of a center's index, so no project may take them.
RESERVED_NAMES = frozenset({"legacy", "simple", "packages", "pypi", "links", "submit"})

# The catalog indexes that depend on fields an upload changes; reindexing
# only these (and the metadata) keeps an upload's catalog work small.
PROJECT_TEXT_INDEXES = ["Title", "sortable_title", "Description", "SearchableText"]
# The indexes of the center's listing, which follow the newest release. An
# unchanged value writes nothing, so concurrent uploads do not conflict on them.
PROJECT_LISTING_INDEXES = [
    "psc_latest_date",
    "psc_maturity",
    "psc_classifiers",
    "psc_compatibility",
    "psc_categories",
]

# The classifier policies a site manager may choose in the control panel.
KNOWN_OR_PRIVATE = "known-or-private"
KNOWN_ONLY = "known-only"
WELL_FORMED = "well-formed"
CLASSIFIER_POLICIES = (KNOWN_OR_PRIVATE, KNOWN_ONLY, WELL_FORMED)

# The username of an upload that authenticates with an API token (PyPI's).
TOKEN_LOGIN = "__token__"
