"""Create, list, revoke and check API tokens, and read a request's token scope.

A token reads ``psc-<id>.<secret>``. A center keeps only the SHA-256 of the
whole token, under the token's id, in a BTree that the first token creates;
the clear token is returned once, when it is created.
"""

from Acquisition import aq_base
from BTrees.OOBTree import OOBTree
from collective.psc import _
from collective.psc.exceptions import Forbidden
from collective.psc.exceptions import InvalidName
from collective.psc.exceptions import TokenNotFound
from collective.psc.exceptions import UserNotFound
from collective.psc.names import normalize_name
from collective.psc.permissions import UploadDistribution
from collective.psc.services.base import current_user_id
from collective.psc.services.projects import find_project
from collective.psc.tokens.uses import forget_uses
from collective.psc.tokens.uses import token_uses
from collective.psc.tokens.uses import TokenUses
from collective.psc.types import Center
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from plone import api
from Products.CMFCore.utils import getToolByName
from typing import Any

import hashlib
import hmac
import re
import secrets


TOKEN_PREFIX = "psc-"
STORAGE_ATTRIBUTE = "_psc_tokens"
REQUEST_KEY = "collective.psc.api_token"
MANAGER_ROLES = frozenset({"Manager", "Site Administrator"})

_TOKEN = re.compile(r"psc-(?P<id>[0-9a-f]{12})\.[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class TokenInfo:
    """An API token as users see it: everything but its secret."""

    id: str
    user_id: str
    project: str | None
    description: str
    created: datetime
    expires: datetime | None = None
    # When the token last authenticated a request, to within USE_RESOLUTION.
    last_used: datetime | None = None

    def expired(self, now: datetime | None = None) -> bool:
        """Tell whether the token's expiry date has passed."""
        return self.expires is not None and self.expires <= (now or datetime.now(UTC))


def create_token(
    *,
    center: Center,
    user_id: str,
    description: str = "",
    project: str | None = None,
    expires_in: timedelta | None = None,
) -> tuple[TokenInfo, str]:
    """Create a token for a user, scoped to one project or all; return it in clear.

    A token made with ``expires_in`` stops authenticating after that time.
    """
    _require_self_or_manager(center=center, user_id=user_id, what="create tokens")
    user = _site_user(center=center, user_id=user_id)
    if user is None:
        raise UserNotFound(
            _(
                "There is no user ${user_id} in this site.",
                mapping={"user_id": repr(user_id)},
            )
        )
    scope = None
    if project is not None:
        scope = _allowed_project(center=center, user=user, name=project)
    tokens = _tokens(center)
    if tokens is None:
        tokens = OOBTree()
        setattr(center, STORAGE_ATTRIBUTE, tokens)
    token_id = secrets.token_hex(6)
    while token_id in tokens:
        token_id = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{token_id}.{secrets.token_urlsafe(32)}"
    created = datetime.now(UTC)
    tokens[token_id] = {
        "id": token_id,
        "user_id": user.getId(),
        "project": scope,
        "description": description.strip(),
        "created": created,
        "expires": None if expires_in is None else created + expires_in,
        "sha256": _digest(token),
    }
    return _info(tokens[token_id]), token


def list_tokens(*, center: Center, user_id: str | None = None) -> list[TokenInfo]:
    """Return one user's tokens, or all the current user may see, oldest first."""
    if user_id is not None:
        _require_self_or_manager(center=center, user_id=user_id, what="list tokens")
    elif not _is_manager(center):
        user_id = current_user_id()
    records = (_tokens(center) or {}).values()
    uses = token_uses(center)
    infos = [
        _info(record, uses)
        for record in records
        if user_id is None or record["user_id"] == user_id
    ]
    return sorted(infos, key=lambda info: (info.created, info.id))


def revoke_token(*, center: Center, token_id: str) -> TokenInfo:
    """Revoke a token of the current user, or any token as a Manager."""
    tokens = _tokens(center)
    record = None if tokens is None else tokens.get(token_id)
    if tokens is None or record is None:
        raise TokenNotFound(
            _(
                "There is no API token ${token_id} in this index; check the id in "
                "the list of tokens.",
                mapping={"token_id": repr(token_id)},
            )
        )
    _require_self_or_manager(
        center=center, user_id=record["user_id"], what=f"revoke the token {token_id!r}"
    )
    del tokens[token_id]
    forget_uses(center=center, token_ids=[token_id])
    return _info(record)


def delete_user_tokens(*, center: Center, user_id: str) -> int:
    """Delete every token of a user in a center (the user is gone); return how many."""
    tokens = _tokens(center)
    if tokens is None:
        return 0
    ids = [key for key, record in tokens.items() if record["user_id"] == user_id]
    for token_id in ids:
        del tokens[token_id]
    forget_uses(center=center, token_ids=ids)
    return len(ids)


def authenticate_token(*, center: Center, token: str) -> TokenInfo | None:
    """Return the token's info when it is valid in the center and its user exists."""
    match = _TOKEN.fullmatch(token)
    tokens = _tokens(center)
    if match is None or tokens is None:
        return None
    record = tokens.get(match["id"])
    if record is None or not hmac.compare_digest(record["sha256"], _digest(token)):
        return None
    if _site_user(center=center, user_id=record["user_id"]) is None:
        return None
    info = _info(record)
    return None if info.expired() else info


def token_scope(request: Any) -> TokenInfo | None:
    """Return the token that authenticated the request's user, or None."""
    info = request.other.get(REQUEST_KEY)
    if isinstance(info, TokenInfo) and info.user_id == current_user_id():
        return info
    return None


def check_token_scope(*, request: Any, project_name: str | None) -> None:
    """Refuse any action on another project than the request's token is scoped to.

    Every action of the upload API names its project; a scoped token may act
    on that project only, and never without a project name.
    """
    info = token_scope(request)
    if info is None or info.project is None:
        return
    if not project_name:
        raise Forbidden(
            f"This API token is scoped to project {info.project!r}; the request "
            "names no project. Send the project's name, or use a token for all "
            "your projects."
        )
    if _normalized_or_none(project_name) == info.project:
        return
    raise Forbidden(
        f"This API token is scoped to project {info.project!r}; it cannot upload "
        f"to or register {project_name!r}. Use a token for that project or for "
        "all your projects."
    )


def _normalized_or_none(name: str) -> str | None:
    try:
        return normalize_name(name)
    except InvalidName:
        return None


def _tokens(center: Center) -> OOBTree | None:
    return getattr(aq_base(center), STORAGE_ATTRIBUTE, None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _info(record: dict, uses: TokenUses | None = None) -> TokenInfo:
    return TokenInfo(
        id=record["id"],
        user_id=record["user_id"],
        project=record["project"],
        description=record["description"],
        created=record["created"],
        # Tokens made before expiry existed have no "expires" key.
        expires=record.get("expires"),
        last_used=None if uses is None else uses.get(record["id"]),
    )


def _site_user(*, center: Center, user_id: str) -> Any:
    return getToolByName(center, "acl_users").getUserById(user_id)


def _is_manager(center: Center) -> bool:
    return bool(MANAGER_ROLES & set(api.user.get_roles(obj=center)))


def _require_self_or_manager(*, center: Center, user_id: str, what: str) -> None:
    if user_id == current_user_id() or _is_manager(center):
        return
    user = api.user.get_current().getUserName()
    raise Forbidden(
        f"User {user!r} is not allowed to {what} for {user_id!r}; only Managers "
        "and Site Administrators act on the tokens of other users."
    )


def _allowed_project(*, center: Center, user: Any, name: str) -> str:
    project = find_project(center=center, name=name)
    allowed = False
    if project is not None:
        with api.env.adopt_user(user=user):
            allowed = api.user.has_permission(UploadDistribution, obj=project)
    if project is None or not allowed:
        raise Forbidden(
            _(
                "User ${user} cannot upload to a project ${name} in this index, so "
                "no token can be scoped to it; choose one of the user's projects "
                "or all projects.",
                mapping={"user": repr(user.getUserName()), "name": repr(name)},
            )
        )
    return project.getId()
