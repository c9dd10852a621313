"""A small driver that speaks the index's protocols over real HTTP.

``IndexClient.upload`` sends the multipart form twine sends, built from the
archive's own metadata, so a test can change one field and see the answer.
"""

from dataclasses import dataclass
from email.parser import BytesParser
from pathlib import Path

import hashlib
import requests
import tarfile
import zipfile


@dataclass
class Answer:
    """A response, reduced to what the tests look at."""

    status: int
    reason: str
    text: str


def read_metadata(path: Path) -> bytes:
    """Return the core metadata file inside a wheel or .tar.gz sdist."""
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(path) as zipped:
            name = next(
                n for n in zipped.namelist() if n.endswith(".dist-info/METADATA")
            )
            return zipped.read(name)
    with tarfile.open(path) as tarred:
        member = next(
            m for m in tarred if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")
        )
        return tarred.extractfile(member).read()


def twine_fields(path: Path) -> list[tuple[str, str]]:
    """Return the form fields twine 7 sends for an archive."""
    message = BytesParser().parsebytes(read_metadata(path))
    data = path.read_bytes()
    fields = [
        ("metadata_version", message["Metadata-Version"]),
        ("name", message["Name"]),
        ("version", message["Version"]),
        ("summary", message.get("Summary", "")),
        ("description", message.get_payload() or ""),
        ("description_content_type", message.get("Description-Content-Type", "")),
        ("requires_python", message.get("Requires-Python", "")),
    ]
    fields += [("classifiers", value) for value in message.get_all("Classifier", [])]
    wheel = path.name.endswith(".whl")
    fields += [
        (":action", "file_upload"),
        ("protocol_version", "1"),
        ("filetype", "bdist_wheel" if wheel else "sdist"),
        ("pyversion", path.name.split("-")[-3] if wheel else "source"),
        ("sha256_digest", hashlib.sha256(data).hexdigest()),
        ("blake2_256_digest", hashlib.blake2b(data, digest_size=32).hexdigest()),
    ]
    return fields


class IndexClient:
    """Upload to a center over HTTP as twine would."""

    def __init__(self, center_url: str, username: str, password: str) -> None:
        self.center_url = center_url.rstrip("/")
        self.auth = (username, password)

    @property
    def upload_url(self) -> str:
        """Return the legacy upload URL."""
        return f"{self.center_url}/legacy/"

    def upload(
        self,
        path: Path,
        *,
        change: dict[str, str | None] | None = None,
        filename: str | None = None,
        content: bytes | None = None,
        content_type: str = "application/octet-stream",
        auth: tuple[str, str] | None | bool = True,
        url: str | None = None,
        with_content: bool = True,
    ) -> Answer:
        """Post an archive; ``change`` replaces (or with None drops) form fields."""
        fields = twine_fields(path)
        if content is not None:
            fields = [
                (key, value)
                for key, value in fields
                if key not in ("sha256_digest", "blake2_256_digest")
            ]
            fields.append(("sha256_digest", hashlib.sha256(content).hexdigest()))
        for key, value in (change or {}).items():
            fields = [(k, v) for k, v in fields if k != key]
            if value is not None:
                fields.append((key, value))
        archive = (
            filename or path.name,
            path.read_bytes() if content is None else content,
            content_type,
        )
        return self.post(
            fields, archive=archive if with_content else None, auth=auth, url=url
        )

    def post(
        self,
        fields: list[tuple[str, str]],
        *,
        archive: tuple[str, bytes, str] | None = None,
        auth: tuple[str, str] | None | bool = True,
        url: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """Post a multipart form (text parts, then the archive) to the upload URL."""
        credentials = self.auth if auth is True else (auth or None)
        parts = [(key, (None, value)) for key, value in fields]
        if archive is not None:
            parts.append(("content", archive))
        response = requests.post(
            url or self.upload_url,
            files=parts,
            auth=credentials,
            headers=headers,
            allow_redirects=False,
            timeout=120,
        )
        return Answer(response.status_code, response.reason, response.text)
