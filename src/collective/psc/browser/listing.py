"""The listing of a center: search, filters, sorts and batches over the catalog.

Only projects are catalogued; every filter and every column of an entry is an
index or a metadata column of the project (see ``collective.psc.indexers``),
so a page never loads a project, a release or a file.
"""

from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from collective.psc import constants
from collective.psc.browser.formatting import day
from collective.psc.browser.formatting import HIDE_NAVIGATION
from collective.psc.browser.snippets import publish_snippets
from collective.psc.browser.snippets import Snippet
from collective.psc.exceptions import InvalidVersion
from collective.psc.names import MATURITIES
from collective.psc.names import parse_version
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from plone import api
from plone.batching import Batch
from plone.memoize import ram
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from typing import Any
from urllib.parse import urlencode

import re


try:
    from plone.base.utils import munge_search_term
except ImportError:  # Plone 6.1 keeps it in the search view's module.
    from Products.CMFPlone.browser.search import munge_search_term


MATURITY_LABELS = {
    "dev": "Development",
    "alpha": "Alpha",
    "beta": "Beta",
    "rc": "Release candidate",
    "final": "Final",
}
# Sort name: (index, order). "relevance" is the text index's own order.
SORTS = {
    "updated": ("psc_latest_date", "descending"),
    "name": ("sortable_title", "ascending"),
    "downloads": ("psc_downloads", "descending"),
}
SORT_LABELS = {
    "relevance": "Relevance",
    "updated": "Recently updated",
    "name": "Name",
    "downloads": "Downloads",
}
BATCH_SIZES = (20, 50, 100)
# Form field -> catalog index of the filters.
FILTERS = {
    "category": "psc_categories",
    "classifier": "psc_classifiers",
    "plone": "psc_compatibility",
    "maturity": "psc_maturity",
}


@dataclass(frozen=True)
class ListingRequest:
    """What a visitor asked the listing for, checked."""

    text: str = ""
    filters: Mapping[str, str] = field(default_factory=dict)
    sort: str = "updated"
    start: int = 0
    size: int = BATCH_SIZES[0]


@dataclass
class Facets:
    """How many projects of a result have each value of each filter."""

    category: Counter = field(default_factory=Counter)
    classifier: Counter = field(default_factory=Counter)
    plone: Counter = field(default_factory=Counter)
    maturity: Counter = field(default_factory=Counter)


def parse_listing_form(
    form: Mapping[str, Any], *, with_downloads: bool
) -> ListingRequest:
    """Return the listing request of a form; unknown or bad values fall back."""
    text = _text(form.get("q"))[:200]
    filters = {
        name: value for name in FILTERS if (value := _text(form.get(name))[:300])
    }
    if filters.get("maturity") not in (None, *MATURITIES):
        del filters["maturity"]
    sort = _text(form.get("sort"))
    if sort not in available_sorts(text=text, with_downloads=with_downloads):
        sort = default_sort(text)
    size = _integer(form.get("b_size"), BATCH_SIZES[0])
    if size not in BATCH_SIZES:
        size = BATCH_SIZES[0]
    start = max(_integer(form.get("b_start"), 0), 0)
    return ListingRequest(text=text, filters=filters, sort=sort, start=start, size=size)


def available_sorts(*, text: str, with_downloads: bool) -> list[str]:
    """Return the sorts on offer: relevance for a search, downloads once counted."""
    sorts = ["relevance"] if text else []
    sorts += ["updated", "name"]
    if with_downloads:
        sorts.append("downloads")
    return sorts


#: Words the text index reads as operators, not as words to find.
OPERATORS = frozenset({"AND", "OR", "NOT"})


def default_sort(text: str) -> str:
    """Return the sort of a listing that names none."""
    return "relevance" if text else "updated"


def catalog_query(request: ListingRequest, *, path: str) -> dict:
    """Return the catalog query of a listing request in the center at a path."""
    query: dict[str, Any] = {
        "portal_type": constants.PROJECT_TYPE,
        "path": {"query": path, "depth": 1},
    }
    words = search_words(request.text)
    if words:
        query["SearchableText"] = munge_search_term(words)
    for name, value in request.filters.items():
        query[FILTERS[name]] = value
    if request.sort in SORTS:
        query["sort_on"], query["sort_order"] = SORTS[request.sort]
    return query


def search_words(text: str) -> str:
    """Return the words of a search, without the syntax the text index parses."""
    words = re.sub(r"[^\w\s*.-]", " ", text.replace("\x00", " ")).split()
    return " ".join(word for word in words if word.upper() not in OPERATORS)


def count_facets(entries: Iterable[Any]) -> Facets:
    """Count the values of each filter over catalog entries (brains)."""
    facets = Facets()
    for entry in entries:
        facets.category.update(entry.psc_categories or ())
        facets.classifier.update(entry.psc_classifiers or ())
        facets.plone.update(entry.psc_compatibility or ())
        if entry.psc_maturity:
            facets.maturity[entry.psc_maturity] += 1
    return facets


def listing_url(base: str, request: ListingRequest, **changes: Any) -> str:
    """Return the URL of the listing with some of the request changed."""
    changed = replace(request, **changes)
    params = {"q": changed.text, **changed.filters}
    if changed.sort != default_sort(changed.text):
        params["sort"] = changed.sort
    if changed.size != BATCH_SIZES[0]:
        params["b_size"] = str(changed.size)
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{base}?{query}" if query else base


def plone_badges(versions: Iterable[str], *, most: int = 3) -> list[str]:
    """Return the newest Plone versions to show on an entry, minors over majors."""
    minors = [version for version in versions if "." in version]
    return (minors or list(versions))[-most:]


def _plone_order(version: str) -> tuple:
    # A major version (6) comes before its minors (6.1, 6.0), newest first;
    # a value that is no version (typed into the URL) comes last.
    try:
        parsed = parse_version(version)
    except InvalidVersion:
        return (-1, False, parse_version("0"))
    return (parsed.major, "." not in version, parsed)


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def _integer(value: Any, default: int) -> int:
    try:
        return int(_text(value) or default)
    except ValueError:
        return default


def _facets_key(method: Any, view: "CenterListing", query: dict) -> tuple:
    # The catalog's counter moves with every (re)indexing; the user matters
    # because the catalog only finds what the user may see.
    catalog = api.portal.get_tool("portal_catalog")
    user = api.user.get_current().getId() or "Anonymous User"
    return (catalog.getCounter(), user, repr(sorted(query.items())))


class CenterListing(BrowserView):
    """List the projects of a center: search, filter, sort, batch."""

    resources = ViewPageTemplateFile("templates/resources.pt")

    def __call__(self) -> str:
        """Run the search, then render the page over the full width."""
        # The navigation portlet would list every project of the center.
        self.request.set(HIDE_NAVIGATION, True)
        catalog = api.portal.get_tool("portal_catalog")
        path = "/".join(self.context.getPhysicalPath())
        with_downloads = bool(
            catalog.searchResults(
                portal_type=constants.PROJECT_TYPE,
                path={"query": path, "depth": 1},
                psc_downloads={"query": 1, "range": "min"},
            )
        )
        self.listing = parse_listing_form(
            self.request.form, with_downloads=with_downloads
        )
        self.sorts = available_sorts(
            text=self.listing.text, with_downloads=with_downloads
        )
        query = catalog_query(self.listing, path=path)
        results = catalog.searchResults(**query)
        self.total = len(results)
        self.facets = self.count_facets(query)
        self.batch = Batch(results, self.listing.size, self.listing.start)
        self.with_downloads = with_downloads
        return self.index()

    @ram.cache(_facets_key)
    def count_facets(self, query: dict) -> Facets:
        """Count the filter values over the whole result, until the catalog changes.

        Reading every entry of a large result costs more than the search
        itself, so the counts are kept per query and user in memory.
        """
        catalog = api.portal.get_tool("portal_catalog")
        unsorted = {k: v for k, v in query.items() if not k.startswith("sort_")}
        return count_facets(catalog.searchResults(**unsorted))

    def url(self, **changes: Any) -> str:
        """Return this listing's URL with some of the request changed."""
        return listing_url(self.context.absolute_url(), self.listing, **changes)

    def without(self, name: str) -> str:
        """Return this listing's URL without one filter."""
        filters = {
            key: value for key, value in self.listing.filters.items() if key != name
        }
        return self.url(filters=filters)

    def active_filters(self) -> list[dict]:
        """Return the filters in use, with a label and a URL that drops each."""
        return [
            {"name": name, "label": self.label(name, value), "url": self.without(name)}
            for name, value in self.listing.filters.items()
        ]

    def label(self, name: str, value: str) -> str:
        """Return how a filter value reads."""
        if name == "maturity":
            return MATURITY_LABELS.get(value, value)
        if name == "plone":
            return f"Plone {value}"
        return value

    def options(self, name: str) -> list[dict]:
        """Return the values of a filter in the result, with their counts."""
        counts = getattr(self.facets, name)
        selected = self.listing.filters.get(name)
        if selected and selected not in counts:
            counts = Counter({**counts, selected: 0})
        if name == "maturity":
            values = [value for value in MATURITIES if value in counts]
        elif name == "plone":
            values = sorted(counts, key=_plone_order, reverse=True)
        else:
            values = sorted(counts, key=str.lower)
        return [
            {
                "value": value,
                "label": self.label(name, value),
                "count": counts[value],
                "selected": value == selected,
            }
            for value in values
        ]

    def sort_options(self) -> list[dict]:
        """Return the sorts on offer, the current one selected."""
        return [
            {
                "value": sort,
                "label": SORT_LABELS[sort],
                "selected": sort == self.listing.sort,
            }
            for sort in self.sorts
        ]

    def entry(self, brain: Any) -> dict:
        """Return what an entry of the listing shows, from metadata only."""
        downloads = brain.psc_downloads if self.with_downloads else None
        version = brain.psc_latest_version or ""
        return {
            "url": brain.getURL(),
            "title": brain.Title or brain.getId,
            "name": brain.getId,
            "summary": brain.Description,
            "version": version,
            "yanked": bool(getattr(brain, "psc_latest_yanked", False)),
            "date": day(brain.psc_latest_date) if version else "",
            "maturity": brain.psc_maturity or "",
            "maturity_label": MATURITY_LABELS.get(brain.psc_maturity or "", ""),
            "plone": plone_badges(brain.psc_compatibility or ()),
            "downloads": downloads if isinstance(downloads, int) else None,
            # Projects catalogued before profile 1004 have no value: local ones.
            "upstream": getattr(brain, "psc_upstream", None) or "",
        }

    def searching(self) -> bool:
        """Tell whether the visitor searched or filtered the listing."""
        return bool(self.listing.text or self.listing.filters)

    def publish_snippets(self) -> list[Snippet]:
        """Return the snippets that publish a first package to this center."""
        return publish_snippets(center_url=self.context.absolute_url())

    def index_url(self) -> str:
        """Return the simple index of this center."""
        return f"{self.context.absolute_url()}/simple/"

    def can_manage(self) -> bool:
        """Tell whether the user may create API tokens here (any member)."""
        return not api.user.is_anonymous()
