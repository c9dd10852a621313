"""The ``@@api-tokens`` page of a center: a user's own tokens, created and revoked."""

from collective.psc import _
from collective.psc.constants import TOKEN_LOGIN
from collective.psc.exceptions import PSCError
from collective.psc.interfaces import IProject
from collective.psc.permissions import UploadDistribution
from collective.psc.services.base import current_user_id
from collective.psc.tokens.store import create_token
from collective.psc.tokens.store import list_tokens
from collective.psc.tokens.store import revoke_token
from collective.psc.tokens.store import TokenInfo
from collective.psc.types import Project
from datetime import timedelta
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from typing import cast


# The lifetimes a user may choose for a new token, in days (0: no expiry).
EXPIRY_DAYS = (0, 30, 90, 365)


def expiry_days(value: object) -> int:
    """Return a chosen lifetime in days, one of EXPIRY_DAYS; no expiry otherwise."""
    try:
        days = int(str(value))
    except ValueError:
        return 0
    return days if days in EXPIRY_DAYS else 0


class TokensView(BrowserView):
    """List, create and revoke the current user's API tokens of a center."""

    token_login = TOKEN_LOGIN
    new_token: str | None = None
    new_info: TokenInfo | None = None

    def __call__(self) -> str:
        """Run the posted action, if any, then render the page."""
        form = self.request.form
        # The page may show a new token in clear: never keep it in a cache.
        self.request.response.setHeader("Cache-Control", "no-store")
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            if "form.create" in form:
                self.create()
            elif "form.revoke" in form:
                self.revoke()
                self.request.response.redirect(self.url())
                return ""
        return self.index()

    def create(self) -> None:
        """Create a token from the form and keep it to show it once."""
        form = self.request.form
        try:
            self.new_info, self.new_token = create_token(
                center=self.context,
                user_id=current_user_id(),
                description=form.get("description", ""),
                project=form.get("project") or None,
                expires_in=self.lifetime(),
            )
        except PSCError as error:
            api.portal.show_message(
                error.translatable, request=self.request, type="error"
            )

    def revoke(self) -> None:
        """Revoke the token whose id the form names."""
        try:
            info = revoke_token(
                center=self.context, token_id=self.request.form.get("token_id", "")
            )
        except PSCError as error:
            api.portal.show_message(
                error.translatable, request=self.request, type="error"
            )
            return
        api.portal.show_message(
            _(
                "msg_token_revoked",
                default="The API token ${id} is revoked.",
                mapping={"id": info.id},
            ),
            request=self.request,
        )

    def url(self) -> str:
        """Return the address of this page."""
        return f"{self.context.absolute_url()}/@@api-tokens"

    def tokens(self) -> list[TokenInfo]:
        """Return the current user's tokens, oldest first."""
        return list_tokens(center=self.context, user_id=current_user_id())

    def upload_projects(self) -> list[Project]:
        """Return the projects the current user may upload to, by name."""
        projects = [
            obj
            for obj in self.context.objectValues()
            if IProject.providedBy(obj)
            and api.user.has_permission(UploadDistribution, obj=obj)
        ]
        return sorted(cast(list[Project], projects), key=lambda item: item.getId())

    def upload_url(self) -> str:
        """Return the upload address to give twine or uv."""
        return f"{self.context.absolute_url()}/legacy/"

    def created(self, info: TokenInfo) -> str:
        """Return when a token was created, in UTC."""
        return info.created.strftime("%Y-%m-%d %H:%M UTC")

    def last_used(self, info: TokenInfo) -> str:
        """Return when a token last authenticated a request, in UTC."""
        return info.last_used.strftime("%Y-%m-%d %H:%M UTC") if info.last_used else ""

    def lifetime(self) -> timedelta | None:
        """Return the lifetime the form chose; None for a token that never expires."""
        days = expiry_days(self.request.form.get("expires", ""))
        return timedelta(days=days) if days else None

    def expiry_options(self) -> list[dict]:
        """Return the lifetimes on offer, no expiry first."""
        return [{"days": days, "label": f"{days} days"} for days in EXPIRY_DAYS[1:]]

    def expires(self, info: TokenInfo) -> str:
        """Return when a token expires, or an empty string when it never does."""
        return info.expires.strftime("%Y-%m-%d") if info.expires else ""
