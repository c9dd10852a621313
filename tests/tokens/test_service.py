"""The token service: create, list, revoke, authenticate and scope checks."""

from Acquisition import aq_base
from collective.psc.exceptions import Forbidden
from collective.psc.exceptions import InvalidName
from collective.psc.exceptions import TokenNotFound
from collective.psc.exceptions import UserNotFound
from collective.psc.tokens.store import authenticate_token
from collective.psc.tokens.store import check_token_scope
from collective.psc.tokens.store import create_token
from collective.psc.tokens.store import list_tokens
from collective.psc.tokens.store import REQUEST_KEY
from collective.psc.tokens.store import revoke_token
from collective.psc.tokens.store import STORAGE_ATTRIBUTE
from collective.psc.tokens.store import token_scope
from collective.psc.tokens.store import TokenInfo
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from plone import api
from zope.annotation.interfaces import IAnnotations

import hashlib
import pytest
import re


TOKEN = re.compile(r"psc-(?P<id>[0-9a-f]{12})\.(?P<secret>[A-Za-z0-9_-]{43})")


def create_as(username, center, **kwargs):
    with api.env.adopt_user(username=username):
        return create_token(center=center, user_id=username, **kwargs)


def next_request(context):
    """Forget the local roles the request cached, as a new request would."""
    annotations = IAnnotations(context.REQUEST)
    for key in [key for key in annotations if str(key).startswith("borg.localrole")]:
        del annotations[key]


def test_create_returns_the_token_once_and_stores_only_its_hash(center, members):
    before = datetime.now(UTC)
    info, token = create_as("alice", center, description=" laptop ")
    match = TOKEN.fullmatch(token)
    assert match is not None, token
    assert info == TokenInfo(
        id=match["id"],
        user_id="alice",
        project=None,
        description="laptop",
        created=info.created,
    )
    assert before <= info.created <= datetime.now(UTC)
    record = getattr(aq_base(center), STORAGE_ATTRIBUTE)[info.id]
    assert record["sha256"] == hashlib.sha256(token.encode()).hexdigest()
    stored = repr(dict(record))
    assert token not in stored
    assert match["secret"] not in stored
    assert not hasattr(info, "sha256")


def test_tokens_are_distinct(center, members):
    tokens = {create_as("alice", center)[1] for _ in range(5)}
    assert len(tokens) == 5
    assert len({TOKEN.fullmatch(token)["id"] for token in tokens}) == 5


def test_reads_do_not_create_the_storage(center, members):
    with api.env.adopt_user(username="alice"):
        assert list_tokens(center=center) == []
    assert authenticate_token(center=center, token="psc-0123456789ab.x") is None
    with pytest.raises(TokenNotFound):
        revoke_token(center=center, token_id="0123456789ab")
    assert not hasattr(aq_base(center), STORAGE_ATTRIBUTE)


def test_authenticate_accepts_the_exact_token_only(center, members):
    info, token = create_as("alice", center)
    other_info, other_token = create_as("bob", center)
    assert authenticate_token(center=center, token=token) == info
    assert authenticate_token(center=center, token=other_token) == other_info
    prefix, secret = token.split(".")
    wrong_secret = f"{prefix}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    wrong_id = f"psc-{'0' * 12}.{secret}"
    swapped = f"{prefix}.{other_token.split('.')[1]}"
    for candidate in (
        wrong_secret,
        wrong_id,
        swapped,
        secret,
        token.upper(),
        f" {token}",
        f"{token}x",
        "",
    ):
        assert authenticate_token(center=center, token=candidate) is None, candidate


def test_token_of_one_center_does_not_open_another(manager, portal, center, members):
    _info, token = create_as("alice", center)
    other = api.content.create(container=portal, type="SoftwareCenter", id="other")
    assert authenticate_token(center=other, token=token) is None


def test_revoked_token_and_deleted_user_fail(manager, center, members):
    info, token = create_as("alice", center)
    _bob_info, bob_token = create_as("bob", center)
    with api.env.adopt_user(username="alice"):
        assert revoke_token(center=center, token_id=info.id) == info
    assert authenticate_token(center=center, token=token) is None
    assert authenticate_token(center=center, token=bob_token) is not None
    api.user.delete(username="bob")
    assert authenticate_token(center=center, token=bob_token) is None


def test_tokens_are_deleted_with_their_user(manager, portal, center, members):
    other = api.content.create(container=portal, type="SoftwareCenter", id="other")
    _info, bob_token = create_as("bob", center)
    _info, bob_other = create_as("bob", other)
    alice_info, alice_token = create_as("alice", center)
    api.user.delete(username="bob")
    assert [info.id for info in list_tokens(center=center)] == [alice_info.id]
    assert list_tokens(center=other) == []
    # A new account that takes the id gets none of the old tokens.
    api.user.create(email="bob2@example.org", username="bob", password="y" * 10)
    assert authenticate_token(center=center, token=bob_token) is None
    assert authenticate_token(center=other, token=bob_other) is None
    assert authenticate_token(center=center, token=alice_token) == alice_info


def test_project_scope_is_normalized(center, project):
    info, token = create_as("alice", center, project="ALICES_tool")
    assert info.project == "alices-tool"
    assert authenticate_token(center=center, token=token).project == "alices-tool"


def test_project_scope_must_exist(center, project):
    with pytest.raises(Forbidden, match="'no-such-project'"):
        create_as("alice", center, project="no-such-project")
    with pytest.raises(InvalidName):
        create_as("alice", center, project="not a name!")
    with api.env.adopt_user(username="alice"):
        assert list_tokens(center=center) == []


def test_project_scope_needs_upload_permission(center, project):
    with pytest.raises(Forbidden, match="'bob' cannot upload"):
        create_as("bob", center, project="alices-tool")
    api.user.grant_roles(username="bob", obj=project, roles=["Maintainer"])
    next_request(center)
    info, _token = create_as("bob", center, project="alices-tool")
    assert info.project == "alices-tool"


def test_permission_is_checked_as_the_token_user(manager, center, project):
    # The test user is a Manager and may upload anywhere; bob may not.
    with pytest.raises(Forbidden, match="'bob' cannot upload"):
        create_token(center=center, user_id="bob", project="alices-tool")
    info, _token = create_token(center=center, user_id="alice", project="alices-tool")
    assert info.user_id == "alice"


def test_users_create_tokens_for_themselves_only(center, members):
    with api.env.adopt_user(username="bob"), pytest.raises(Forbidden, match="'bob'"):
        create_token(center=center, user_id="alice")
    api.user.grant_roles(username="bob", roles=["Site Administrator"])
    with api.env.adopt_user(username="bob"):
        info, _token = create_token(center=center, user_id="alice")
    assert info.user_id == "alice"


def test_unknown_user(manager, center, members):
    with pytest.raises(UserNotFound, match="'nobody'"):
        create_token(center=center, user_id="nobody")


def test_list_tokens(manager, center, members):
    first, _token = create_as("alice", center, description="one")
    second, _token = create_as("alice", center, description="two")
    bobs, _token = create_as("bob", center)
    with api.env.adopt_user(username="alice"):
        assert list_tokens(center=center) == [first, second]
        assert list_tokens(center=center, user_id="alice") == [first, second]
        with pytest.raises(Forbidden):
            list_tokens(center=center, user_id="bob")
    assert list_tokens(center=center) == [first, second, bobs]
    assert list_tokens(center=center, user_id="bob") == [bobs]


def test_others_cannot_revoke_your_tokens(manager, center, members):
    info, token = create_as("alice", center)
    with api.env.adopt_user(username="bob"), pytest.raises(Forbidden, match="'bob'"):
        revoke_token(center=center, token_id=info.id)
    assert authenticate_token(center=center, token=token) == info
    assert revoke_token(center=center, token_id=info.id) == info
    assert authenticate_token(center=center, token=token) is None


def test_revoke_unknown_token(center, members):
    create_as("alice", center)
    with pytest.raises(TokenNotFound, match="'0123456789ab'"):
        revoke_token(center=center, token_id="0123456789ab")


def test_scope_of_a_request(center, project, http_request):
    scoped, _token = create_as("alice", center, project="alices-tool")
    unscoped, _token = create_as("alice", center)
    with api.env.adopt_user(username="alice"):
        assert token_scope(http_request) is None
        check_token_scope(request=http_request, project_name="anything")
        http_request.other[REQUEST_KEY] = scoped
        assert token_scope(http_request) == scoped
        check_token_scope(request=http_request, project_name="Alices.Tool")
        with pytest.raises(Forbidden) as raised:
            check_token_scope(request=http_request, project_name="other")
        assert raised.value.message.startswith(
            "This API token is scoped to project 'alices-tool'; it cannot upload "
            "to or register 'other'."
        )
        assert raised.value.status == 403
        for missing in (None, ""):
            with pytest.raises(Forbidden, match="the request names no project"):
                check_token_scope(request=http_request, project_name=missing)
        with pytest.raises(Forbidden):
            check_token_scope(request=http_request, project_name="not a name!")
        http_request.other[REQUEST_KEY] = unscoped
        check_token_scope(request=http_request, project_name="other")
    # The request runs as another user than the token's: no token scope.
    http_request.other[REQUEST_KEY] = scoped
    assert token_scope(http_request) is None
    # A form field of that name cannot pose as a token.
    http_request.other[REQUEST_KEY] = "alices-tool"
    with api.env.adopt_user(username="alice"):
        assert token_scope(http_request) is None


def test_a_token_stops_working_when_it_expires(center, members):
    info, token = create_as("alice", center, expires_in=timedelta(days=30))
    assert info.expires - info.created == timedelta(days=30)
    assert authenticate_token(center=center, token=token) == info
    record = getattr(center, STORAGE_ATTRIBUTE)[info.id]
    record["expires"] = datetime.now(UTC) - timedelta(seconds=1)
    assert authenticate_token(center=center, token=token) is None
    with api.env.adopt_user(username="alice"):
        [listed] = list_tokens(center=center)
    assert listed.expired()


def test_tokens_without_expiry_never_expire(center, members):
    info, token = create_as("alice", center)
    assert info.expires is None and not info.expired()
    record = getattr(center, STORAGE_ATTRIBUTE)[info.id]
    del record["expires"]  # as tokens made before expiry existed
    assert authenticate_token(center=center, token=token).expires is None
