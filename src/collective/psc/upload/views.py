"""The legacy upload API at ``<center>/legacy/`` and at the center itself.

ZPublisher appends the value of a ``:action`` form field to the path, so a
POST to ``<center>/legacy/`` with ``:action=file_upload`` is published as
``<center>/legacy/file_upload``, and one to the center as
``<center>/file_upload``. Both reach ``UploadAPI``, which dispatches the
action to one small method.
"""

from collective.psc.exceptions import BadCredentials
from collective.psc.exceptions import Gone
from collective.psc.exceptions import InvalidUpload
from collective.psc.exceptions import PSCError
from collective.psc.exceptions import Unauthenticated
from collective.psc.exceptions import UnknownAction
from collective.psc.interfaces import IIndexEndpoint
from collective.psc.tokens.store import check_token_scope
from collective.psc.upload import publish
from collective.psc.upload.form import parse_form
from collective.psc.upload.form import UploadForm
from collective.psc.upload.origin import refuse_browser_request
from collective.psc.upload.responses import respond
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from Products.Five.browser import BrowserView
from zExceptions import NotFound
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

import transaction


LEGACY = "legacy"
GONE = {
    "doc_upload": "Uploading documentation is not supported; publish it elsewhere "
    "and link it with a 'Documentation' project URL.",
    "submit_pkg_info": "submit_pkg_info is not supported; use :action=submit "
    "(twine register) or upload the files.",
}


@implementer(IPublishTraverse, IIndexEndpoint)
class UploadAPI(BrowserView):
    """Dispatch ``:action`` of the legacy upload protocol to small methods."""

    action: str | None = None

    def publishTraverse(self, request, name: str) -> "UploadAPI":
        """Take the action ZPublisher appended to the path."""
        if self.__name__ != LEGACY or self.action is not None:
            raise NotFound(self, name, request)
        self.action = name
        return self

    def __call__(self) -> str:
        """Run the action; answer its outcome or its error."""
        action = self.action if self.__name__ == LEGACY else self.__name__
        alsoProvides(self.request, IDisableCSRFProtection)
        try:
            if self.request.method != "POST":
                return self._not_post()
            handler = self._handler(action)
            refuse_browser_request(self.request)
            self._authenticate()
            form = parse_form(self.request.form)
            check_token_scope(request=self.request, project_name=form.raw.get("name"))
            return respond(self.request, 200, handler(form))
        except PSCError as error:
            transaction.doom()
            body = respond(self.request, error.status, error.message)
            if error.status == 401:
                self.request.response.setHeader(
                    "WWW-Authenticate", 'Basic realm="pypi"'
                )
            return body

    def file_upload(self, form: UploadForm) -> str:
        """Store one distribution file."""
        distribution = publish.upload_file(center=self.context, form=form)
        if distribution is None:
            transaction.doom()
            return (
                f"File already exists: {form.filename} is identical; nothing changed."
            )
        return ""

    def submit(self, form: UploadForm) -> str:
        """Create or update a project and release from metadata (register)."""
        release = publish.register(center=self.context, form=form)
        return f"Registered {release.aq_parent.display_name} {release.version}."

    def _handler(self, action: str | None):
        handlers = {"file_upload": self.file_upload, "submit": self.submit}
        if action in handlers:
            return handlers[action]
        if action in GONE:
            raise Gone(GONE[action])
        if not action:
            raise InvalidUpload(
                "Missing ':action': send ':action=file_upload' to upload a file or "
                "':action=submit' to register a release."
            )
        raise UnknownAction(
            f"Unknown action {action!r}: this index supports file_upload and submit."
        )

    def _authenticate(self) -> None:
        # Credentials must come with the request (HTTP Basic), never from a
        # browser's login cookie: a cookie would let other sites post uploads.
        if not getattr(self.request, "_auth", None):
            raise Unauthenticated(
                "Authentication required: upload with your username and password "
                "or an API token (username __token__)."
            )
        if api.user.is_anonymous():
            raise BadCredentials(
                "Invalid or non-existent authentication information: check the "
                "username and password, or the API token."
            )

    def _not_post(self) -> str:
        self.request.response.setHeader("Allow", "POST")
        return respond(
            self.request,
            405,
            "This is the upload URL of the index: POST distribution files to it "
            "with twine or uv publish.",
        )
