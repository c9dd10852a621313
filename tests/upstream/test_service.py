"""The merge policy: which names the upstream is asked for, on a real center."""

from collective.psc.upstream.behaviors import upstream_settings
from collective.psc.upstream.proxy import may_fetch

import pytest


UPSTREAM = "https://index.example/simple/"


@pytest.mark.parametrize(
    ("name", "local", "allow_list_only", "asked"),
    [
        ("requests", False, False, True),
        ("requests", True, False, False),
        ("shared-lib", True, False, True),
        ("shared-lib", False, True, True),
        ("requests", False, True, False),
        ("acme-internal", False, False, False),
        ("acme-internal", True, False, False),
        ("acme-merged", True, False, False),
    ],
)
def test_policy(served_center, name, local, allow_list_only, asked):
    served_center.reserved_names = ["acme-*"]
    served_center.upstream_urls = [UPSTREAM]
    served_center.upstream_allow_list = ["Shared_Lib", "acme.merged"]
    served_center.upstream_allow_list_only = allow_list_only
    settings = upstream_settings(served_center)
    assert may_fetch(served_center, name, local=local, settings=settings) is asked


def test_nothing_is_asked_without_an_upstream(served_center):
    settings = upstream_settings(served_center)
    assert settings.urls == ()
    assert may_fetch(served_center, "requests", local=False, settings=settings) is False


def test_settings_are_normalized(served_center):
    served_center.upstream_urls = [f" {UPSTREAM} ", ""]
    served_center.upstream_allow_list = ["Zope.Interface"]
    served_center.upstream_ttl = 0
    settings = upstream_settings(served_center)
    assert settings.urls == (UPSTREAM,)
    assert settings.allow_list == frozenset({"zope-interface"})
    assert settings.ttl == 0
    assert settings.offline is False
