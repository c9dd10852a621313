"""The listing's pure parts: the form, the catalog query, facets and URLs."""

from collective.psc.browser.listing import available_sorts
from collective.psc.browser.listing import catalog_query
from collective.psc.browser.listing import count_facets
from collective.psc.browser.listing import listing_url
from collective.psc.browser.listing import ListingRequest
from collective.psc.browser.listing import parse_listing_form
from collective.psc.browser.listing import plone_badges
from types import SimpleNamespace

import pytest


@pytest.mark.parametrize(
    "form,with_downloads,expected",
    [
        ({}, False, ListingRequest()),
        ({"q": "  forms "}, False, ListingRequest(text="forms", sort="relevance")),
        (
            {"q": "forms", "sort": "name"},
            False,
            ListingRequest(text="forms", sort="name"),
        ),
        ({"sort": "relevance"}, False, ListingRequest(sort="updated")),
        ({"sort": "downloads"}, False, ListingRequest(sort="updated")),
        ({"sort": "downloads"}, True, ListingRequest(sort="downloads")),
        ({"sort": "bogus"}, True, ListingRequest(sort="updated")),
        (
            {"maturity": "beta", "plone": "6.1", "category": "", "other": "x"},
            False,
            ListingRequest(filters={"maturity": "beta", "plone": "6.1"}),
        ),
        ({"maturity": "ancient"}, False, ListingRequest()),
        (
            {"classifier": ["Framework :: Plone", "x"]},
            False,
            ListingRequest(filters={"classifier": "Framework :: Plone"}),
        ),
        ({"b_start": "40", "b_size": "50"}, False, ListingRequest(start=40, size=50)),
        ({"b_start": "-5", "b_size": "7"}, False, ListingRequest(start=0, size=20)),
        ({"b_start": "x", "b_size": "y"}, False, ListingRequest()),
        ({"q": "x" * 500}, False, ListingRequest(text="x" * 200, sort="relevance")),
    ],
)
def test_parse_listing_form(form, with_downloads, expected):
    assert parse_listing_form(form, with_downloads=with_downloads) == expected


@pytest.mark.parametrize(
    "text,with_downloads,expected",
    [
        ("", False, ["updated", "name"]),
        ("", True, ["updated", "name", "downloads"]),
        ("forms", False, ["relevance", "updated", "name"]),
    ],
)
def test_available_sorts(text, with_downloads, expected):
    assert available_sorts(text=text, with_downloads=with_downloads) == expected


def test_catalog_query_maps_filters_to_indexes():
    request = ListingRequest(
        text="forms",
        filters={
            "category": "Plone add-on",
            "classifier": "Framework :: Plone",
            "plone": "6.1",
            "maturity": "final",
        },
        sort="name",
    )
    query = catalog_query(request, path="/plone/pypi")
    assert query == {
        "portal_type": "SoftwareProject",
        "path": {"query": "/plone/pypi", "depth": 1},
        "SearchableText": "forms*",
        "psc_categories": "Plone add-on",
        "psc_classifiers": "Framework :: Plone",
        "psc_compatibility": "6.1",
        "psc_maturity": "final",
        "sort_on": "sortable_title",
        "sort_order": "ascending",
    }


@pytest.mark.parametrize(
    "sort,expected",
    [
        ("updated", ("psc_latest_date", "descending")),
        ("downloads", ("psc_downloads", "descending")),
        ("relevance", None),
    ],
)
def test_catalog_query_sorts(sort, expected):
    query = catalog_query(ListingRequest(text="x", sort=sort), path="/p")
    assert (
        (query["sort_on"], query["sort_order"]) if "sort_on" in query else None
    ) == expected


def entry(**values):
    fields = {
        "psc_categories": None,
        "psc_classifiers": None,
        "psc_compatibility": None,
        "psc_maturity": None,
    }
    return SimpleNamespace(**{**fields, **values})


def test_count_facets_skips_missing_values():
    facets = count_facets(
        [
            entry(
                psc_categories=("Plone add-on",),
                psc_classifiers=("Framework :: Plone", "Framework :: Plone :: 6.1"),
                psc_compatibility=("6", "6.1"),
                psc_maturity="final",
            ),
            entry(psc_categories=("Plone add-on", "Internet"), psc_maturity="beta"),
            entry(),
        ]
    )
    assert facets.category == {"Plone add-on": 2, "Internet": 1}
    assert facets.classifier == {
        "Framework :: Plone": 1,
        "Framework :: Plone :: 6.1": 1,
    }
    assert facets.plone == {"6": 1, "6.1": 1}
    assert facets.maturity == {"final": 1, "beta": 1}


@pytest.mark.parametrize(
    "request_,changes,expected",
    [
        (ListingRequest(), {}, "http://x/pypi"),
        (
            ListingRequest(text="a b", sort="relevance"),
            {},
            "http://x/pypi?q=a+b",
        ),
        (ListingRequest(text="a", sort="name"), {}, "http://x/pypi?q=a&sort=name"),
        (
            ListingRequest(filters={"plone": "6.1", "maturity": "final"}),
            {"filters": {"plone": "6.1"}},
            "http://x/pypi?plone=6.1",
        ),
        (ListingRequest(size=50), {}, "http://x/pypi?b_size=50"),
        (ListingRequest(start=40), {}, "http://x/pypi"),
    ],
)
def test_listing_url(request_, changes, expected):
    assert listing_url("http://x/pypi", request_, **changes) == expected


@pytest.mark.parametrize(
    "versions,expected",
    [
        ((), []),
        (("6",), ["6"]),
        (("5", "5.2", "6", "6.0", "6.1"), ["5.2", "6.0", "6.1"]),
        (("6.0", "6.1", "6.2", "6.3"), ["6.1", "6.2", "6.3"]),
    ],
)
def test_plone_badges(versions, expected):
    assert plone_badges(versions) == expected
