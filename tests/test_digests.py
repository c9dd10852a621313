"""Tests of collective.psc.digests: hashing and measuring a streamed archive."""

from collective.psc.digests import CHUNK_SIZE
from collective.psc.digests import DIGEST_NAMES
from collective.psc.digests import Digests
from collective.psc.digests import stream_chunks
from collective.psc.exceptions import DigestMismatch
from collective.psc.exceptions import FileTooLarge

import hashlib
import io
import pytest
import random


def payload(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def reference_digests(data: bytes) -> dict[str, str]:
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "blake2_256": hashlib.blake2b(data, digest_size=32).hexdigest(),
        "md5": hashlib.md5(data).hexdigest(),
    }


class RecordingStream(io.BytesIO):
    """A byte stream that remembers what was asked of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_sizes: list[int | None] = []

    def read(self, size: int | None = -1) -> bytes:
        self.read_sizes.append(size)
        return super().read(size)


class TrickleStream(RecordingStream):
    """A stream that returns at most a few bytes per read, like a slow socket."""

    def read(self, size: int | None = -1) -> bytes:
        self.read_sizes.append(size)
        return io.BytesIO.read(self, min(size, 7) if size and size > 0 else 7)


def test_digest_names_are_the_three_the_upload_form_sends():
    assert DIGEST_NAMES == ("sha256", "blake2_256", "md5")
    digests = Digests()
    for name in DIGEST_NAMES:
        assert digests.hexdigest(name)


def test_empty_digests_are_those_of_no_bytes():
    digests = Digests()
    assert digests.size == 0
    assert {name: digests.hexdigest(name) for name in DIGEST_NAMES} == (
        reference_digests(b"")
    )


@pytest.mark.parametrize(
    ("size", "chunk_size"),
    [
        (0, 16),
        (1, 16),
        (15, 16),
        (16, 16),
        (17, 16),
        (1000, 1),
        (1000, 333),
        (CHUNK_SIZE * 3 + 5, CHUNK_SIZE),
    ],
)
def test_streamed_digests_equal_hashlib_on_the_whole_bytes(size, chunk_size):
    data = payload(size)
    digests = Digests()
    chunks = list(stream_chunks(io.BytesIO(data), digests, chunk_size=chunk_size))
    assert b"".join(chunks) == data
    assert digests.size == size
    assert {name: digests.hexdigest(name) for name in DIGEST_NAMES} == (
        reference_digests(data)
    )


def test_update_accumulates_chunks():
    data = payload(5000, seed=3)
    digests = Digests()
    for start in range(0, len(data), 999):
        digests.update(data[start : start + 999])
    assert digests.size == 5000
    assert digests.hexdigest("sha256") == hashlib.sha256(data).hexdigest()


def test_different_content_gives_different_digests():
    first, second = Digests(), Digests()
    first.update(b"spam")
    second.update(b"spam!")
    for name in DIGEST_NAMES:
        assert first.hexdigest(name) != second.hexdigest(name)


def test_default_chunk_size_is_used():
    stream = RecordingStream(payload(CHUNK_SIZE * 2 + 1))
    chunks = list(stream_chunks(stream, Digests()))
    assert [len(chunk) for chunk in chunks] == [CHUNK_SIZE, CHUNK_SIZE, 1]
    assert set(stream.read_sizes) == {CHUNK_SIZE}


def test_chunks_are_read_one_at_a_time_as_the_consumer_asks():
    stream = RecordingStream(payload(100))
    digests = Digests()
    chunks = stream_chunks(stream, digests, chunk_size=10)
    assert stream.read_sizes == []  # a generator reads nothing before next()
    assert next(chunks) == stream.getvalue()[:10]
    assert stream.read_sizes == [10]
    assert stream.tell() == 10
    assert digests.size == 10
    assert next(chunks) == stream.getvalue()[10:20]
    assert stream.read_sizes == [10, 10]
    assert digests.size == 20
    rest = list(chunks)
    assert len(rest) == 8
    # Eight more full chunks, then the read that finds the end of the stream.
    assert stream.read_sizes == [10] * 11
    assert all(size is not None and 0 < size <= 10 for size in stream.read_sizes)


def test_short_reads_are_passed_on():
    data = payload(50, seed=7)
    stream = TrickleStream(data)
    digests = Digests()
    chunks = list(stream_chunks(stream, digests, chunk_size=32))
    assert b"".join(chunks) == data
    assert max(len(chunk) for chunk in chunks) <= 7
    assert digests.hexdigest("md5") == hashlib.md5(data).hexdigest()


@pytest.mark.parametrize("chunk_size", [1, 10, 64, 1000])
def test_exactly_at_the_limit_passes(chunk_size):
    data = payload(100)
    digests = Digests()
    chunks = list(
        stream_chunks(io.BytesIO(data), digests, max_size=100, chunk_size=chunk_size)
    )
    assert b"".join(chunks) == data
    assert digests.size == 100


@pytest.mark.parametrize("chunk_size", [1, 10, 64, 1000])
def test_one_byte_over_the_limit_raises(chunk_size):
    digests = Digests()
    chunks = stream_chunks(
        io.BytesIO(payload(101)), digests, max_size=100, chunk_size=chunk_size
    )
    with pytest.raises(FileTooLarge) as raised:
        list(chunks)
    assert "100 bytes" in raised.value.message
    assert raised.value.status == 400


def test_the_limit_raises_only_once_past_it():
    stream = RecordingStream(payload(35))
    digests = Digests()
    chunks = stream_chunks(stream, digests, max_size=25, chunk_size=10)
    assert len(next(chunks)) == 10
    assert len(next(chunks)) == 10
    with pytest.raises(FileTooLarge):
        next(chunks)
    # The chunk that crossed the limit was read, but never yielded.
    assert stream.read_sizes == [10, 10, 10]
    assert digests.size == 30
    # A generator that raised is finished; it reads nothing more.
    with pytest.raises(StopIteration):
        next(chunks)
    assert stream.read_sizes == [10, 10, 10]


def test_a_limit_of_zero_accepts_only_the_empty_file():
    assert list(stream_chunks(io.BytesIO(b""), Digests(), max_size=0)) == []
    with pytest.raises(FileTooLarge):
        list(stream_chunks(io.BytesIO(b"x"), Digests(), max_size=0))


def test_no_limit_accepts_any_size():
    data = payload(CHUNK_SIZE * 4)
    digests = Digests()
    assert b"".join(stream_chunks(io.BytesIO(data), digests, max_size=None)) == data
    assert digests.size == len(data)


def filled(data: bytes = b"the archive's bytes") -> Digests:
    digests = Digests()
    digests.update(data)
    return digests


def test_check_accepts_matching_digests():
    expected = reference_digests(b"the archive's bytes")
    filled().check(expected)
    for name, value in expected.items():
        filled().check({name: value})


def test_check_accepts_no_digests():
    filled().check({})


@pytest.mark.parametrize("empty", ["", None])
def test_check_skips_empty_digests(empty):
    filled().check({"sha256": empty, "md5": empty, "blake2_256": empty})


@pytest.mark.parametrize("name", DIGEST_NAMES)
def test_check_ignores_case_and_surrounding_whitespace(name):
    value = reference_digests(b"the archive's bytes")[name]
    filled().check({name: value.upper()})
    filled().check({name: f"  {value}\n"})


@pytest.mark.parametrize("name", DIGEST_NAMES)
def test_check_refuses_a_mismatching_digest(name):
    expected = reference_digests(b"other bytes")
    with pytest.raises(DigestMismatch) as raised:
        filled().check({name: expected[name]})
    assert name in raised.value.message
    assert raised.value.status == 400


@pytest.mark.parametrize("name", DIGEST_NAMES)
def test_check_refuses_one_mismatch_among_matches(name):
    expected = reference_digests(b"the archive's bytes")
    expected[name] = expected[name][:-1] + ("0" if expected[name][-1] != "0" else "1")
    with pytest.raises(DigestMismatch, match=name):
        filled().check(expected)


def test_check_refuses_a_truncated_digest():
    value = reference_digests(b"the archive's bytes")["sha256"]
    with pytest.raises(DigestMismatch):
        filled().check({"sha256": value[:32]})
