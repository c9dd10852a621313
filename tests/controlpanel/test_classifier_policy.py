"""The site's classifier policy, as a rule and as uploads over HTTP see it."""

from collective.psc.exceptions import InvalidMetadata
from collective.psc.upload.validation import check_classifiers
from collective.psc.upload.validation import KNOWN_ONLY
from collective.psc.upload.validation import KNOWN_OR_PRIVATE
from collective.psc.upload.validation import WELL_FORMED
from plone import api
from tests.fixtures.builder import build_wheel
from tests.fixtures.client import twine_upload
from tests.fixtures.served import fresh

import pytest
import transaction


KNOWN = "Framework :: Plone :: 6.2"
DEPRECATED = "License :: OSI Approved :: Intel Open Source License"
PRIVATE = "Private :: Do Not Upload"
UNKNOWN = "Framework :: Plone :: Nonsense"
MALFORMED = "Framework::Plone"

# None: accepted; otherwise a part of the refusal.
POLICY_TABLE = [
    (KNOWN_OR_PRIVATE, KNOWN, None),
    (KNOWN_OR_PRIVATE, PRIVATE, None),
    (KNOWN_OR_PRIVATE, DEPRECATED, "is deprecated"),
    (KNOWN_OR_PRIVATE, UNKNOWN, "or start it with 'Private ::'"),
    (KNOWN_OR_PRIVATE, MALFORMED, "is not a valid trove classifier"),
    (KNOWN_ONLY, KNOWN, None),
    (KNOWN_ONLY, PRIVATE, "is private"),
    (KNOWN_ONLY, DEPRECATED, "is deprecated"),
    (KNOWN_ONLY, UNKNOWN, "https://pypi.org/classifiers/."),
    (KNOWN_ONLY, MALFORMED, "is not a valid trove classifier"),
    (WELL_FORMED, KNOWN, None),
    (WELL_FORMED, PRIVATE, None),
    (WELL_FORMED, DEPRECATED, None),
    (WELL_FORMED, UNKNOWN, None),
    (WELL_FORMED, "Company :: Team :: Tool", None),
    (WELL_FORMED, MALFORMED, "is not well formed"),
    (WELL_FORMED, "Framework", "is not well formed"),
    (WELL_FORMED, "Framework :: ", "is not well formed"),
    (WELL_FORMED, " :: Plone", "is not well formed"),
    (WELL_FORMED, "Framework ::  Plone", "is not well formed"),
    (WELL_FORMED, "Framework :: Plone\t6", "is not well formed"),
]


@pytest.mark.parametrize(("policy", "classifier", "refusal"), POLICY_TABLE)
def test_check_classifiers(policy, classifier, refusal):
    if refusal is None:
        check_classifiers([KNOWN, classifier], policy=policy)
    else:
        with pytest.raises(InvalidMetadata, match=refusal.replace("(", r"\(")) as info:
            check_classifiers([KNOWN, classifier], policy=policy)
        assert repr(classifier) in info.value.message


def test_the_default_policy_is_the_one_before_policies_existed():
    check_classifiers([PRIVATE])
    with pytest.raises(InvalidMetadata):
        check_classifiers([UNKNOWN])


def set_policy(policy):
    transaction.begin()
    api.portal.set_registry_record("collective.psc.classifier_policy", policy)
    transaction.commit()


REFUSALS = {
    (policy, classifier): refusal for policy, classifier, refusal in POLICY_TABLE
}
VIEW_CASES = [
    (KNOWN_OR_PRIVATE, UNKNOWN),
    (KNOWN_ONLY, PRIVATE),
    (KNOWN_ONLY, DEPRECATED),
    (WELL_FORMED, UNKNOWN),
    (WELL_FORMED, DEPRECATED),
]


@pytest.mark.parametrize(("policy", "classifier"), VIEW_CASES)
def test_upload_view_applies_the_site_policy(
    served_center, client, tmp_path, policy, classifier
):
    refusal = REFUSALS[policy, classifier]
    set_policy(policy)
    wheel = build_wheel(tmp_path, "policy-demo", "1.0", classifiers=[classifier])
    answer = client.upload(wheel)
    if refusal is None:
        assert answer.status == 200, answer.text
        project = fresh(served_center)["policy-demo"]
        assert classifier in project.classifiers
    else:
        assert answer.status == 400
        assert refusal in answer.reason
        assert "policy-demo" not in fresh(served_center)
        assert wheel.name not in fresh(served_center).filenames


def test_policy_checks_the_classifiers_inside_the_file(served_center, client, tmp_path):
    # twine sends the classifiers of the file; a client may send others.
    set_policy(KNOWN_ONLY)
    wheel = build_wheel(tmp_path, "policy-demo", "1.0", classifiers=[PRIVATE])
    answer = client.upload(wheel, change={"classifiers": KNOWN})
    assert answer.status == 400
    assert "is private" in answer.reason
    assert "policy-demo" not in fresh(served_center)


@pytest.mark.functional
def test_twine_upload_follows_the_policy(served_center, client, tmp_path):
    wheel = build_wheel(tmp_path, "policy-demo", "1.0", classifiers=[PRIVATE])
    set_policy(KNOWN_ONLY)
    refused = twine_upload(client.upload_url, wheel)
    assert refused.returncode != 0
    assert "is private" in refused.stdout + refused.stderr
    assert "policy-demo" not in fresh(served_center)
    set_policy(KNOWN_OR_PRIVATE)
    accepted = twine_upload(client.upload_url, wheel)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert fresh(served_center)["policy-demo"].classifiers == [PRIVATE]
