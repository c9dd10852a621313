"""Tests of collective.psc.metadata, on real archives made by the test builder."""

from collective.psc import metadata
from collective.psc.exceptions import ArchiveTooLarge
from collective.psc.metadata import extract_core_metadata
from collective.psc.metadata import parse_core_metadata
from collective.psc.names import parse_filename
from packaging.metadata import Metadata
from packaging.utils import canonicalize_name
from packaging.version import Version
from pathlib import Path
from tests.fixtures.builder import build_sdist
from tests.fixtures.builder import build_wheel
from tests.fixtures.builder import metadata_text
from tests.fixtures.builder import record_hash

import csv
import gzip
import io
import pytest
import random
import struct
import tarfile
import zipfile


CLASSIFIERS = (
    "Framework :: Plone :: 6.2",
    "Programming Language :: Python :: 3.12",
)

# Bugs in extract_core_metadata: an archive that is corrupt in these ways raises
# instead of giving None, so an upload of it fails with a server error.
CORRUPT_RAISES = "extract_core_metadata lets this exception escape (bug)"


def extract(path: Path) -> bytes | None:
    with path.open("rb") as archive:
        return extract_core_metadata(archive, parse_filename(path.name))


def extract_bytes(data: bytes, filename: str) -> bytes | None:
    return extract_core_metadata(io.BytesIO(data), parse_filename(filename))


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path, data in members.items():
            zipped.writestr(path, data)
    return out.getvalue()


def tar_gz_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tarred:
        for path, data in members.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tarred.addfile(info, io.BytesIO(data))
    return out.getvalue()


def zip_member_data_offset(data: bytes, member: str) -> int:
    """Return where the compressed bytes of a zip member start."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    start = info.header_offset
    name_length, extra_length = struct.unpack("<HH", data[start + 26 : start + 30])
    return start + 30 + name_length + extra_length


def central_header_offset(data: bytes | bytearray, member: str) -> int:
    """Return where the central directory record of a zip member starts."""
    end = data.rindex(b"PK\x05\x06")
    (position,) = struct.unpack("<I", data[end + 16 : end + 20])
    while data[position : position + 4] == b"PK\x01\x02":
        lengths = struct.unpack("<HHH", data[position + 28 : position + 34])
        name = data[position + 46 : position + 46 + lengths[0]].decode()
        if name == member:
            return position
        position += 46 + sum(lengths)
    raise KeyError(member)


# The builder


def test_wheel_name_and_content(tmp_path):
    path = build_wheel(tmp_path, "Foo.Bar", "1.0", requires_python=">=3.11")
    assert path == tmp_path / "foo_bar-1.0-py3-none-any.whl"
    parsed = parse_filename(path.name)
    assert parsed.name == "foo-bar"
    assert parsed.version == Version("1.0")
    with zipfile.ZipFile(path) as zipped:
        assert zipped.testzip() is None
        assert zipped.namelist() == [
            "foo_bar/__init__.py",
            "foo_bar-1.0.dist-info/METADATA",
            "foo_bar-1.0.dist-info/WHEEL",
            "foo_bar-1.0.dist-info/RECORD",
        ]
        wheel = zipped.read("foo_bar-1.0.dist-info/WHEEL").decode()
    assert "Wheel-Version: 1.0\n" in wheel
    assert "Tag: py3-none-any\n" in wheel
    assert "Build:" not in wheel


@pytest.mark.parametrize(
    ("name", "version", "build_tag", "python_tag", "filename"),
    [
        ("foo", "1.0", None, "py3", "foo-1.0-py3-none-any.whl"),
        ("Foo__Bar", "1.0.0", None, "py3", "foo_bar-1.0.0-py3-none-any.whl"),
        ("foo", "1.0", "1abc", "py3", "foo-1.0-1abc-py3-none-any.whl"),
        ("foo", "1.0", None, "py2.py3", "foo-1.0-py2.py3-none-any.whl"),
        ("foo", "1.0c1", None, "cp311", "foo-1.0rc1-cp311-none-any.whl"),
        ("foo", "1.0+Local-1", None, "py3", "foo-1.0+local.1-py3-none-any.whl"),
    ],
)
def test_wheel_filenames(tmp_path, name, version, build_tag, python_tag, filename):
    path = build_wheel(
        tmp_path, name, version, build_tag=build_tag, python_tag=python_tag
    )
    assert path.name == filename
    parsed = parse_filename(path.name)
    assert parsed.name == canonicalize_name(name)
    assert parsed.version == Version(version)
    assert parsed.python_tag == python_tag
    with zipfile.ZipFile(path) as zipped:
        wheel = next(n for n in zipped.namelist() if n.endswith(".dist-info/WHEEL"))
        lines = zipped.read(wheel).decode().splitlines()
    tags = {line.removeprefix("Tag: ") for line in lines if line.startswith("Tag:")}
    assert tags == {str(tag) for tag in parsed.tags}
    assert (f"Build: {build_tag}" in lines) == bool(build_tag)


def test_wheel_record_lists_every_file_with_its_hash_and_size(tmp_path):
    path = build_wheel(
        tmp_path, "foo", "1.0", extra_files={"foo/data.txt": b"\x00\xffdata"}
    )
    with zipfile.ZipFile(path) as zipped:
        rows = list(
            csv.reader(io.StringIO(zipped.read(zipped.namelist()[-1]).decode()))
        )
        assert zipped.namelist()[-1] == "foo-1.0.dist-info/RECORD"
        assert [row[0] for row in rows] == zipped.namelist()
        assert rows[-1] == ["foo-1.0.dist-info/RECORD", "", ""]
        for member, digest, size in rows[:-1]:
            data = zipped.read(member)
            assert digest == record_hash(data)
            assert int(size) == len(data)
    assert "foo/data.txt" in [row[0] for row in rows]


def test_record_hash_is_urlsafe_unpadded_sha256():
    # sha256 of b"" is e3b0c442...; its urlsafe base64 ends in "=" before stripping.
    assert record_hash(b"") == "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"


@pytest.mark.parametrize(
    ("name", "version", "fmt", "filename"),
    [
        ("foo", "1.0", "tar.gz", "foo-1.0.tar.gz"),
        ("Foo.Bar", "2.0", "tar.gz", "foo_bar-2.0.tar.gz"),
        ("foo-bar", "1.0.0", "zip", "foo_bar-1.0.0.zip"),
        ("FOO---bar", "1.0c1", "tar.gz", "foo_bar-1.0rc1.tar.gz"),
    ],
)
def test_sdist_names_follow_pep_625(tmp_path, name, version, fmt, filename):
    path = build_sdist(tmp_path, name, version, fmt=fmt)
    assert path.name == filename
    parsed = parse_filename(path.name)
    assert parsed.name == canonicalize_name(name)
    assert parsed.version == Version(version)


def test_sdist_tar_gz_layout(tmp_path):
    path = build_sdist(tmp_path, "Foo.Bar", "1.0")
    with tarfile.open(path) as tarred:
        members = tarred.getmembers()
        files = [member.name for member in members if member.isfile()]
        pyproject = tarred.extractfile("foo_bar-1.0/pyproject.toml").read()
    assert files == [
        "foo_bar-1.0/PKG-INFO",
        "foo_bar-1.0/pyproject.toml",
        "foo_bar-1.0/src/foo_bar/__init__.py",
    ]
    assert {member.mtime for member in members} == {315532800}
    assert b'name = "Foo.Bar"' in pyproject


def test_sdist_zip_layout(tmp_path):
    path = build_sdist(tmp_path, "foo", "1.0", fmt="zip")
    with zipfile.ZipFile(path) as zipped:
        assert zipped.testzip() is None
        assert zipped.namelist() == [
            "foo-1.0/PKG-INFO",
            "foo-1.0/pyproject.toml",
            "foo-1.0/src/foo/__init__.py",
        ]


def test_sdist_refuses_unknown_formats(tmp_path):
    with pytest.raises(ValueError, match="tar.bz2"):
        build_sdist(tmp_path, "foo", "1.0", fmt="tar.bz2")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "build",
    [
        lambda directory: build_wheel(directory, "foo", "1.0", classifiers=CLASSIFIERS),
        lambda directory: build_sdist(directory, "foo", "1.0", fmt="tar.gz"),
        lambda directory: build_sdist(directory, "foo", "1.0", fmt="zip"),
    ],
)
def test_archives_are_deterministic(tmp_path, monkeypatch, build):
    first = build(tmp_path / "first").read_bytes()
    # Neither the clock nor the directory may leak into the archive.
    monkeypatch.setattr("time.time", lambda: 2_000_000_000.0)
    second = build(tmp_path / "second").read_bytes()
    assert first == second


def test_metadata_text_is_valid_core_metadata():
    text = metadata_text(
        "Foo.Bar",
        "1.0",
        requires_python=">=3.11",
        classifiers=CLASSIFIERS,
        metadata_extra={"Requires-Dist": ["requests>=2", "plone"], "License": "GPL"},
    )
    assert text.startswith("Metadata-Version: 2.4\nName: Foo.Bar\nVersion: 1.0\n")
    parsed = Metadata.from_email(text, validate=True)
    assert parsed.name == "Foo.Bar"
    assert parsed.requires_python is not None
    assert str(parsed.requires_python) == ">=3.11"
    assert parsed.classifiers == list(CLASSIFIERS)
    assert [str(req) for req in parsed.requires_dist] == ["requests>=2", "plone"]
    assert parsed.license == "GPL"
    assert parsed.description_content_type == "text/markdown"
    assert parsed.description.startswith("# A tiny package")


# extract_core_metadata


def test_metadata_of_a_wheel_is_byte_identical(tmp_path):
    path = build_wheel(
        tmp_path,
        "Foo.Bar",
        "1.0",
        requires_python=">=3.11",
        classifiers=CLASSIFIERS,
        description="# Ünïcode\n\nbody\r\nwith\tcontrol\n",
    )
    expected = metadata_text(
        "Foo.Bar",
        "1.0",
        requires_python=">=3.11",
        classifiers=CLASSIFIERS,
        description="# Ünïcode\n\nbody\r\nwith\tcontrol\n",
    ).encode()
    with zipfile.ZipFile(path) as zipped:
        assert zipped.read("foo_bar-1.0.dist-info/METADATA") == expected
    assert extract(path) == expected


@pytest.mark.parametrize("fmt", ["tar.gz", "zip"])
def test_pkg_info_of_an_sdist_is_byte_identical(tmp_path, fmt):
    path = build_sdist(tmp_path, "foo-bar", "2.0b1", fmt=fmt, classifiers=CLASSIFIERS)
    expected = metadata_text("foo-bar", "2.0b1", classifiers=CLASSIFIERS).encode()
    assert extract(path) == expected


def test_pkg_info_of_a_tar_gz_is_found_after_other_members(tmp_path):
    path = build_sdist(
        tmp_path,
        "foo",
        "1.0",
        with_metadata=False,
        extra_files={
            "foo-1.0/README.md": b"readme",
            "foo-1.0/PKG-INFO": b"Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n",
        },
    )
    assert extract(path) == b"Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n"


@pytest.mark.parametrize(
    "build",
    [
        lambda directory: build_wheel(directory, "foo", "1.0", with_metadata=False),
        lambda directory: build_sdist(directory, "foo", "1.0", with_metadata=False),
        lambda directory: build_sdist(
            directory, "foo", "1.0", fmt="zip", with_metadata=False
        ),
    ],
)
def test_archives_without_metadata_give_none(tmp_path, build):
    assert extract(build(tmp_path)) is None


@pytest.mark.parametrize(
    "filename",
    ["foo-1.0.tar.gz", "foo-1.0.zip", "foo-1.0-py3-none-any.whl"],
)
@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an archive at all",
        random.Random(1).randbytes(4096),
        b"PK\x03\x04" + random.Random(2).randbytes(200),
        b"\x1f\x8b\x08\x00" + random.Random(3).randbytes(200),
    ],
    ids=["empty", "text", "random", "zip-magic", "gzip-magic"],
)
def test_corrupt_archives_give_none(filename, data):
    assert extract_bytes(data, filename) is None


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("fmt", ["wheel", "zip"])
def test_truncated_zip_archives_give_none(tmp_path, fmt, cut):
    # A zip file is read from its end: any truncation loses the directory.
    if fmt == "wheel":
        path = build_wheel(tmp_path, "foo", "1.0")
    else:
        path = build_sdist(tmp_path, "foo", "1.0", fmt="zip")
    data = path.read_bytes()
    assert extract_bytes(data, path.name) is not None
    assert extract_bytes(data[: int(len(data) * cut)], path.name) is None


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9, 0.99])
def test_tar_gz_truncated_before_the_end_of_pkg_info_gives_none(tmp_path, cut):
    path = build_sdist(
        tmp_path,
        "foo",
        "1.0",
        with_metadata=False,
        extra_files={"foo-1.0/PKG-INFO": random.Random(4).randbytes(20_000)},
    )
    data = path.read_bytes()
    assert extract_bytes(data, path.name) is not None
    assert extract_bytes(data[: int(len(data) * cut)], path.name) is None


def test_wheel_read_as_an_sdist_zip_has_no_pkg_info(tmp_path):
    path = build_wheel(tmp_path, "foo", "1.0")
    assert extract_bytes(path.read_bytes(), "foo-1.0.zip") is None


def test_tar_gz_named_zip_gives_none(tmp_path):
    path = build_sdist(tmp_path, "foo", "1.0", fmt="tar.gz")
    assert extract_bytes(path.read_bytes(), "foo-1.0.zip") is None


def test_plain_uncompressed_tar_gives_none():
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tarred:
        info = tarfile.TarInfo("foo-1.0/PKG-INFO")
        info.size = 4
        tarred.addfile(info, io.BytesIO(b"Name"))
    assert extract_bytes(out.getvalue(), "foo-1.0.tar.gz") is None


@pytest.mark.parametrize(
    "member",
    [
        "PKG-INFO",
        "foo-1.0/x/PKG-INFO",
        "x/y/PKG-INFO",
        "foo-1.0/src/foo.egg-info/PKG-INFO",
        "foo-1.0/pkg-info",
        "foo-1.0/PKG-INFO.txt",
    ],
)
def test_sdist_pkg_info_only_at_the_second_level(member):
    members = {member: b"Name: foo\n", "foo-1.0/setup.py": b""}
    assert extract_bytes(tar_gz_bytes(members), "foo-1.0.tar.gz") is None
    assert extract_bytes(zip_bytes(members), "foo-1.0.zip") is None


@pytest.mark.parametrize(
    "member",
    [
        "METADATA",
        "foo/METADATA",
        "foo-1.0.dist-info/x/METADATA",
        "x/foo-1.0.dist-info/METADATA",
        "foo-1.0.dist-info/PKG-INFO",
        "foo-1.0.data/METADATA",
    ],
)
def test_wheel_metadata_only_in_the_dist_info(member):
    data = zip_bytes({member: b"Name: foo\n", "foo/__init__.py": b""})
    assert extract_bytes(data, "foo-1.0-py3-none-any.whl") is None


def test_nested_pkg_info_is_skipped_for_the_real_one(tmp_path):
    path = build_sdist(
        tmp_path,
        "foo",
        "1.0",
        extra_files={"foo-1.0/src/foo.egg-info/PKG-INFO": b"Name: wrong\n"},
    )
    assert extract(path) == metadata_text("foo", "1.0").encode()
    nested_first = {
        "foo-1.0/src/foo.egg-info/PKG-INFO": b"Name: wrong\n",
        "foo-1.0/PKG-INFO": b"Name: right\n",
    }
    assert extract_bytes(tar_gz_bytes(nested_first), "foo-1.0.tar.gz") == (
        b"Name: right\n"
    )
    assert extract_bytes(zip_bytes(nested_first), "foo-1.0.zip") == b"Name: right\n"


def test_pkg_info_that_is_not_a_regular_file_is_skipped():
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tarred:
        link = tarfile.TarInfo("foo-1.0/PKG-INFO")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tarred.addfile(link)
        directory = tarfile.TarInfo("bar-1.0/PKG-INFO")
        directory.type = tarfile.DIRTYPE
        tarred.addfile(directory)
    assert extract_bytes(out.getvalue(), "foo-1.0.tar.gz") is None


def test_metadata_over_the_size_limit_gives_none(tmp_path, monkeypatch):
    wheel = build_wheel(tmp_path, "foo", "1.0")
    sdist = build_sdist(tmp_path, "foo", "1.0")
    sdist_zip = build_sdist(tmp_path, "foo", "1.0", fmt="zip")
    size = len(metadata_text("foo", "1.0").encode())
    monkeypatch.setattr(metadata, "MAX_METADATA_SIZE", size)
    for path in (wheel, sdist, sdist_zip):
        assert extract(path) is not None
    monkeypatch.setattr(metadata, "MAX_METADATA_SIZE", size - 1)
    for path in (wheel, sdist, sdist_zip):
        assert extract(path) is None


def test_a_member_that_fails_its_crc_gives_none():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zipped:
        zipped.writestr("foo-1.0.dist-info/METADATA", b"Summary: " + b"x" * 40)
    data = bytearray(out.getvalue())
    assert extract_bytes(bytes(data), "foo-1.0-py3-none-any.whl") is not None
    # Stored uncompressed, the content can be altered behind the CRC's back.
    data[data.index(b"x" * 40)] = ord("y")
    assert extract_bytes(bytes(data), "foo-1.0-py3-none-any.whl") is None


def test_corrupt_deflate_data_in_a_wheel_gives_none(tmp_path):
    path = build_wheel(tmp_path, "foo", "1.0")
    data = bytearray(path.read_bytes())
    start = zip_member_data_offset(bytes(data), "foo-1.0.dist-info/METADATA")
    data[start] = 0xFF  # a final deflate block of the reserved type 3
    assert extract_bytes(bytes(data), path.name) is None


def test_corrupt_deflate_data_in_the_pkg_info_of_a_tar_gz_gives_none(tmp_path):
    body = b"Name: foo\n\n" + random.Random(5).randbytes(65536)
    path = build_sdist(
        tmp_path,
        "foo",
        "1.0",
        with_metadata=False,
        extra_files={"foo-1.0/PKG-INFO": body},
    )
    plain = gzip.decompress(path.read_bytes())
    with tarfile.open(fileobj=io.BytesIO(plain)) as tarred:
        cut = tarred.getmember("foo-1.0/PKG-INFO").offset_data + len(body) // 2
    # A gzip file may hold several members: the first is sound and ends in the
    # middle of PKG-INFO; the second starts with an invalid deflate block, which
    # is met while PKG-INFO is read, not while the tar headers are.
    second = bytearray(gzip.compress(plain[cut:], mtime=0))
    second[10] = 0xFF
    data = gzip.compress(plain[:cut], mtime=0) + bytes(second)
    assert extract_bytes(data, path.name) is None


def test_encrypted_metadata_gives_none(tmp_path):
    path = build_wheel(tmp_path, "foo", "1.0")
    data = bytearray(path.read_bytes())
    member = "foo-1.0.dist-info/METADATA"
    local = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(member).header_offset
    data[local + 6] |= 0x01  # general purpose flag bit 0: encrypted
    data[central_header_offset(data, member) + 8] |= 0x01
    assert extract_bytes(bytes(data), path.name) is None


def test_unknown_compression_method_gives_none(tmp_path):
    path = build_wheel(tmp_path, "foo", "1.0")
    data = bytearray(path.read_bytes())
    central = central_header_offset(data, "foo-1.0.dist-info/METADATA")
    data[central + 10 : central + 12] = struct.pack("<H", 99)
    assert extract_bytes(bytes(data), path.name) is None


def test_central_directory_offset_past_its_location_gives_none(tmp_path):
    path = build_wheel(tmp_path, "foo", "1.0")
    data = bytearray(path.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    (offset,) = struct.unpack("<I", data[end + 16 : end + 20])
    data[end + 16 : end + 20] = struct.pack("<I", offset + 1000)
    assert extract_bytes(bytes(data), path.name) is None


# parse_core_metadata


def test_parse_core_metadata_of_a_built_wheel(tmp_path):
    path = build_wheel(
        tmp_path,
        "Foo.Bar",
        "1.0rc1",
        requires_python=">=3.11",
        summary="Does foo to bars.",
        classifiers=CLASSIFIERS,
        metadata_extra={
            "Requires-Dist": ["requests>=2", 'tomli; python_version < "3.11"'],
            "Project-URL": ["Homepage, https://example.org", "Issues, https://x.org"],
        },
    )
    fields = parse_core_metadata(extract(path))
    assert isinstance(fields, dict)
    assert fields["metadata_version"] == "2.4"
    assert fields["name"] == "Foo.Bar"
    assert fields["version"] == "1.0rc1"
    assert fields["requires_python"] == ">=3.11"
    assert fields["summary"] == "Does foo to bars."
    assert fields["classifiers"] == list(CLASSIFIERS)
    assert fields["requires_dist"] == ["requests>=2", 'tomli; python_version < "3.11"']
    assert fields["project_urls"] == {
        "Homepage": "https://example.org",
        "Issues": "https://x.org",
    }
    assert fields["description_content_type"] == "text/markdown"
    assert (
        fields["description"]
        == "# A tiny package\n\nIt does nothing, and does it well.\n"
    )


@pytest.mark.parametrize("fmt", ["tar.gz", "zip"])
def test_parse_core_metadata_of_a_built_sdist(tmp_path, fmt):
    path = build_sdist(
        tmp_path,
        "foo",
        "1.0",
        fmt=fmt,
        description="Plain text.\n",
        description_content_type="text/plain",
    )
    fields = parse_core_metadata(extract(path))
    assert fields["name"] == "foo"
    assert fields["version"] == "1.0"
    assert fields["description"] == "Plain text.\n"
    assert fields["description_content_type"] == "text/plain"
    assert "requires_python" not in fields
    assert "classifiers" not in fields


def test_parse_core_metadata_keeps_non_ascii_text():
    data = metadata_text("foo", "1.0", summary="Grüße, 世界").encode()
    assert parse_core_metadata(data)["summary"] == "Grüße, 世界"


def test_parse_core_metadata_of_minimal_metadata():
    fields = parse_core_metadata(b"Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n")
    assert fields == {"metadata_version": "2.1", "name": "foo", "version": "1.0"}


def test_parse_core_metadata_leaves_out_unknown_fields():
    data = b"Name: foo\nVersion: 1.0\nX-Unknown: value\n"
    assert parse_core_metadata(data) == {"name": "foo", "version": "1.0"}


def test_wheel_metadata_of_its_own_dist_info_wins(tmp_path):
    path = tmp_path / "foo-1.0-py3-none-any.whl"
    own = metadata_text("foo", "1.0").encode()
    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("aaa-0.1.dist-info/METADATA", b"Name: aaa\nVersion: 0.1\n")
        zipped.writestr("foo-1.0.dist-info/METADATA", own)
    parsed = parse_filename(path.name)
    with path.open("rb") as archive:
        assert extract_core_metadata(archive, parsed) == own


class CountingStream(io.BytesIO):
    """An archive on disk: counts the compressed bytes the scan reads."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_gzip_bomb_is_refused_at_the_decompression_bound(monkeypatch):
    monkeypatch.setattr(metadata, "MAX_DECOMPRESSED_SIZE", 1 << 20)
    bomb = tar_gz_bytes(
        {
            "demo-1.0/zeros.bin": bytes(32 << 20),
            "demo-1.0/PKG-INFO": metadata_text("demo", "1.0").encode(),
        }
    )
    stream = CountingStream(bomb)
    with pytest.raises(ArchiveTooLarge, match="decompresses to more than 1 MiB"):
        extract_core_metadata(stream, parse_filename("demo-1.0.tar.gz"))
    # 1 MiB of zeros is about 1 KiB compressed; with gzip's read-ahead the
    # scan reads under 16 KiB of the archive (over 24 KiB), not all of the member.
    assert len(bomb) > 24 << 10
    assert stream.bytes_read < 16 << 10


def test_tar_with_too_many_members_is_refused(monkeypatch):
    monkeypatch.setattr(metadata, "MAX_MEMBERS", 50)
    members = {f"demo-1.0/f{n}": b"" for n in range(60)}
    members["demo-1.0/PKG-INFO"] = metadata_text("demo", "1.0").encode()
    with pytest.raises(ArchiveTooLarge, match="more than 50 members"):
        extract_bytes(tar_gz_bytes(members), "demo-1.0.tar.gz")


def test_zip_with_too_many_members_is_refused(monkeypatch):
    monkeypatch.setattr(metadata, "MAX_MEMBERS", 50)
    members = {f"demo-1.0/f{n}": b"" for n in range(60)}
    members["demo-1.0/PKG-INFO"] = metadata_text("demo", "1.0").encode()
    with pytest.raises(ArchiveTooLarge, match="more than 50 members"):
        extract_bytes(zip_bytes(members), "demo-1.0.zip")


def test_sdist_within_the_bounds_is_read_past_large_members(monkeypatch):
    monkeypatch.setattr(metadata, "MAX_DECOMPRESSED_SIZE", 4 << 20)
    text = metadata_text("demo", "1.0").encode()
    sdist = tar_gz_bytes(
        {"demo-1.0/zeros.bin": bytes(3 << 20), "demo-1.0/PKG-INFO": text}
    )
    assert extract_bytes(sdist, "demo-1.0.tar.gz") == text
