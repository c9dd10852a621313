"""Bad uploads: each gets its status and a sentence, and leaves nothing behind."""

from collective.psc import metadata
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from tests.fixtures.builder import build_sdist
from tests.fixtures.builder import build_wheel
from tests.fixtures.client import twine_fields
from tests.fixtures.served import fresh

import io
import pytest
import random
import requests
import shutil
import tarfile
import transaction


@dataclass
class Case:
    """One bad upload and the answer it must get."""

    id: str
    status: int
    message: str
    change: dict = field(default_factory=dict)
    kind: str = "wheel"
    build: dict = field(default_factory=dict)
    filename: str | None = None
    content: bytes | None = None
    content_type: str = "application/octet-stream"
    auth: object = True
    with_content: bool = True
    rename: str | None = None


RST_THAT_FAILS = "Title\n=====\n\n`broken <link\n\n.. unknown-directive::\n"

CASES = [
    Case("no credentials", 401, "Authentication required", auth=None),
    Case(
        "wrong password",
        403,
        "Invalid or non-existent authentication",
        auth=("admin", "wrong"),
    ),
    Case(
        "unknown user",
        403,
        "Invalid or non-existent authentication",
        auth=("nobody", "secret"),
    ),
    Case(
        "protocol version",
        400,
        "Unknown protocol version",
        change={"protocol_version": "2"},
    ),
    Case(
        "no metadata version",
        400,
        "Missing metadata_version",
        change={"metadata_version": None},
    ),
    Case(
        "metadata version 2.0",
        400,
        "invalid value for Metadata-Version",
        change={"metadata_version": "2.0"},
    ),
    Case("no name", 400, "Missing name", change={"name": None}),
    Case("invalid name", 400, "is not a valid project name", change={"name": "-bad-"}),
    Case("no version", 400, "Missing version", change={"version": None}),
    Case(
        "invalid version",
        400,
        "is not a valid PEP 440 version",
        change={"version": "one.two"},
    ),
    Case(
        "unknown file type", 400, "Unknown file type", change={"filetype": "bdist_egg"}
    ),
    Case(
        "wheel without pyversion",
        400,
        "Python version is required",
        change={"pyversion": None},
    ),
    Case(
        "sdist with pyversion",
        400,
        "Use 'source' as Python version",
        kind="sdist",
        change={"pyversion": "py3"},
    ),
    Case("no file", 400, "Upload payload does not have a file", with_content=False),
    Case("an image", 400, "an image is not an archive", content_type="image/png"),
    Case(
        "no digest",
        400,
        "Include at least one message digest",
        change={"sha256_digest": None, "blake2_256_digest": None},
    ),
    Case(
        "malformed digest",
        400,
        "Invalid sha256_digest",
        change={"sha256_digest": "xyz"},
    ),
    Case(
        "sha256 mismatch",
        400,
        "The sha256 digest sent with the upload does not",
        change={"sha256_digest": "0" * 64},
    ),
    Case(
        "blake2 mismatch",
        400,
        "The blake2_256 digest sent with the upload",
        change={"blake2_256_digest": "f" * 64},
    ),
    Case(
        "md5 mismatch",
        400,
        "The md5 digest sent with the upload",
        change={"md5_digest": "a" * 32},
    ),
    Case(
        "path in filename",
        400,
        "must not contain a path",
        filename="../demo_pkg-1.0-py3-none-any.whl",
    ),
    Case(
        "backslash in filename",
        400,
        "must not contain a path",
        filename="x\\demo_pkg-1.0-py3-none-any.whl",
    ),
    Case(
        "exe",
        400,
        "only wheels (.whl) and source distributions",
        filename="demo_pkg-1.0.win32.exe",
    ),
    Case(
        "egg",
        400,
        "only wheels (.whl) and source distributions",
        filename="demo_pkg-1.0-py3.11.egg",
    ),
    Case(
        "zip sdist",
        400,
        "must be .tar.gz files (PEP 625)",
        kind="sdist",
        filename="demo_pkg-1.0.zip",
    ),
    Case(
        "sdist name not normalized",
        400,
        "should be 'demo_pkg-1.0.tar.gz'",
        kind="sdist",
        filename="Demo.Pkg-1.0.tar.gz",
    ),
    Case(
        "sdist given as wheel",
        400,
        "is not a bdist_wheel file",
        kind="sdist",
        change={"filetype": "bdist_wheel", "pyversion": "py3"},
    ),
    Case(
        "wheel given as sdist",
        400,
        "source distributions must be .tar.gz files",
        change={"filetype": "sdist", "pyversion": "source"},
    ),
    Case(
        "filename of another project",
        400,
        "should contain the normalized project",
        change={"name": "other-pkg"},
    ),
    Case(
        "filename of another version",
        400,
        "Version in filename should be '2.0'",
        change={"version": "2.0"},
    ),
    Case(
        "unknown classifier",
        400,
        "is not a valid trove classifier",
        change={"classifiers": "Framework :: Nonsense"},
    ),
    Case(
        "deprecated classifier",
        400,
        "is deprecated",
        change={"classifiers": "Framework :: Django CMS :: 4.2"},
    ),
    Case(
        "description does not render",
        400,
        "failed to render",
        change={
            "description": RST_THAT_FAILS,
            "description_content_type": "text/x-rst",
        },
    ),
    Case(
        "unknown description type",
        400,
        "'description-content-type' must be one of",
        change={"description_content_type": "text/html"},
    ),
    Case(
        "summary too long",
        400,
        "longer than 512 characters",
        change={"summary": "x" * 600},
    ),
    Case(
        "field newer than metadata version",
        400,
        "introduced in metadata version 2.4, not 2.1",
        change={"metadata_version": "2.1", "license_expression": "MIT"},
    ),
    Case(
        "bad requires_python",
        400,
        "is invalid for 'requires-python'",
        change={"requires_python": ">=3.x"},
    ),
    Case(
        "bad project URL",
        400,
        "Invalid project URL",
        change={"project_urls": "no comma here"},
    ),
    Case(
        "corrupt archive",
        400,
        "found no core metadata",
        content=random.Random(7).randbytes(4096),
    ),
    Case(
        "metadata of another version",
        400,
        "version in the file's metadata ('1.0') does not match",
        rename="demo_pkg-2.0-py3-none-any.whl",
        change={"version": "2.0"},
    ),
    Case(
        "invalid metadata inside",
        400,
        "its core metadata is invalid",
        build={"requires_python": ">=three"},
        change={"requires_python": ""},
    ),
    Case(
        "unknown action",
        400,
        "Unknown action 'frobnicate'",
        change={":action": "frobnicate"},
    ),
    Case(
        "doc_upload",
        410,
        "Uploading documentation is not supported",
        change={":action": "doc_upload"},
    ),
    Case("no action", 400, "Missing ':action'", change={":action": None}),
]


def archive_for(case: Case, directory: Path) -> Path:
    """Build the archive a case uploads."""
    if case.kind == "sdist":
        path = build_sdist(directory, "demo-pkg", "1.0", **case.build)
    else:
        path = build_wheel(directory, "demo-pkg", "1.0", **case.build)
    if case.rename:
        renamed = path.with_name(case.rename)
        shutil.move(path, renamed)
        path = renamed
    return path


def state(center) -> tuple:
    """Return what a failed upload must not change."""
    center = fresh(center)
    return (
        center.journal.last_serial,
        sorted(center.objectIds()),
        sorted(center.filenames.keys()),
    )


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_upload_is_refused_and_leaves_nothing(
    case, served_center, client, tmp_path
):
    path = archive_for(case, tmp_path)
    before = state(served_center)
    answer = client.upload(
        path,
        change=case.change,
        filename=case.filename,
        content=case.content,
        content_type=case.content_type,
        auth=case.auth,
        with_content=case.with_content,
    )
    assert answer.status == case.status, answer
    assert case.message in answer.reason, answer.reason
    assert case.message in answer.text
    assert state(served_center) == before


def test_text_field_sent_as_file(served_center, client, tmp_path):
    path = build_wheel(tmp_path, "demo-pkg", "1.0")
    parts = [(key, (None, value)) for key, value in twine_fields(path)]
    parts.append(("summary", ("summary.txt", b"A summary", "text/plain")))
    parts.append(("content", (path.name, path.read_bytes(), "application/zip")))
    before = state(served_center)
    response = requests.post(
        client.upload_url, files=parts, auth=client.auth, timeout=60
    )
    assert response.status_code == 400
    assert "summary: should be a text field, not a file" in response.reason
    assert state(served_center) == before


def test_json_error_for_uv(served_center, client, tmp_path):
    path = build_wheel(tmp_path, "demo-pkg", "1.0")
    parts = [(key, (None, value)) for key, value in twine_fields(path)]
    parts.append(("content", (path.name, path.read_bytes(), "application/zip")))
    response = requests.post(
        client.upload_url,
        files=parts,
        timeout=60,
        headers={"Accept": "application/json;q=0.9, text/plain;q=0.8, text/html;q=0.7"},
    )
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["code"].startswith("401 Authentication required")
    assert response.headers["WWW-Authenticate"] == 'Basic realm="pypi"'


def test_get_is_not_an_upload(served_center, client):
    response = requests.get(client.upload_url, timeout=30)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert "upload URL" in response.reason


def test_file_too_large(served_center, client, tmp_path):
    served_center.upload_size_limit = 1
    transaction.commit()
    big = build_wheel(
        tmp_path,
        "demo-pkg",
        "1.0",
        extra_files={"demo_pkg/big.bin": random.Random(3).randbytes(2 * 1024 * 1024)},
    )
    before = state(served_center)
    answer = client.upload(big)
    assert answer.status == 400
    assert "File too large: the limit of this index is 1048576 bytes" in answer.reason
    assert state(served_center) == before


def test_same_filename_other_bytes(served_center, client, tmp_path):
    first = build_wheel(tmp_path / "a", "demo-pkg", "1.0")
    assert client.upload(first).status == 200
    before = state(served_center)
    other = build_wheel(tmp_path / "b", "demo-pkg", "1.0", summary="Changed.")
    answer = client.upload(other)
    assert answer.status == 400
    assert answer.reason.startswith("File already exists")
    assert state(served_center) == before


def test_identical_file_again_is_200_and_changes_nothing(
    served_center, client, tmp_path
):
    wheel = build_wheel(tmp_path, "demo-pkg", "1.0")
    assert client.upload(wheel).status == 200
    before = state(served_center)
    answer = client.upload(wheel)
    assert answer.status == 200
    assert "nothing changed" in answer.text
    assert state(served_center) == before


def test_other_users_project_is_forbidden(served_center, client, tmp_path):
    wheel = build_wheel(tmp_path / "a", "demo-pkg", "1.0")
    assert client.upload(wheel, auth=("alice", "alice-secret")).status == 200
    before = state(served_center)
    answer = client.upload(
        build_wheel(tmp_path / "b", "demo-pkg", "2.0"), auth=("bob", "bob-secret")
    )
    assert answer.status == 403
    assert "'bob' is not allowed to upload to this project" in answer.reason
    assert state(served_center) == before


def test_uv_variants_are_accepted(served_center, client, tmp_path):
    """No md5, an empty requires_python, a content part without a type."""
    path = build_wheel(tmp_path, "demo-pkg", "1.0")
    fields = [(k, v) for k, v in twine_fields(path) if k != "requires_python"]
    fields.append(("requires_python", ""))
    parts = [(key, (None, value)) for key, value in fields]
    parts.append(("content", (path.name, path.read_bytes())))
    response = requests.post(
        client.upload_url, files=parts, auth=client.auth, timeout=60
    )
    assert response.status_code == 200, response.reason
    assert [f.filename for f in fresh(served_center)["demo-pkg"]["1"].files()] == [
        path.name
    ]


@pytest.mark.parametrize("suffix", ["/legacy", "/legacy/", ""])
def test_every_upload_url_answers_without_redirect(
    served_center, client, tmp_path, suffix
):
    path = build_wheel(tmp_path, "demo-pkg", "1.0")
    answer = client.upload(path, url=client.center_url + suffix)
    assert answer.status == 200, answer
    assert path.name in fresh(served_center).filenames


class Zeros(io.RawIOBase):
    """A stream of zero bytes, so a bomb is built without holding it."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.left)
        buffer[:count] = bytes(count)
        self.left -= count
        return count


def test_decompression_bomb_is_refused_and_leaves_nothing(
    served_center, client, tmp_path
):
    path = build_sdist(tmp_path, "demo-pkg", "1.0")
    with tarfile.open(path, "r:gz") as tarred:
        members = [(m, tarred.extractfile(m).read()) for m in tarred if m.isfile()]
    bomb = tmp_path / "bomb" / path.name
    bomb.parent.mkdir()
    size = metadata.MAX_DECOMPRESSED_SIZE + (1 << 20)
    with tarfile.open(bomb, "w:gz") as tarred:
        zeros = tarfile.TarInfo("demo_pkg-1.0/zeros.bin")
        zeros.size = size
        tarred.addfile(zeros, Zeros(size))
        for member, data in members:
            tarred.addfile(member, io.BytesIO(data))
    assert bomb.stat().st_size < size // 500
    before = state(served_center)
    answer = client.upload(bomb)
    assert answer.status == 400, answer
    message = f"decompresses to more than {metadata.MAX_DECOMPRESSED_SIZE >> 20} MiB"
    assert message in answer.reason
    assert message in answer.text
    assert state(served_center) == before
