"""Hash and measure an archive while it streams into storage."""

from collections.abc import Iterator
from collective.psc.exceptions import DigestMismatch
from collective.psc.exceptions import FileTooLarge
from typing import Any
from typing import BinaryIO

import hashlib


CHUNK_SIZE = 1 << 16

# Names of the digests as the upload form sends them (sha256_digest, ...).
DIGEST_NAMES = ("sha256", "blake2_256", "md5")


class Digests:
    """The size and digests of the bytes seen so far."""

    def __init__(self) -> None:
        self.size = 0
        self._hashes: dict[str, Any] = {
            "sha256": hashlib.sha256(),
            "blake2_256": hashlib.blake2b(digest_size=32),
            "md5": hashlib.md5(usedforsecurity=False),
        }

    def update(self, chunk: bytes) -> None:
        """Account for one more chunk."""
        self.size += len(chunk)
        for hasher in self._hashes.values():
            hasher.update(chunk)

    def hexdigest(self, name: str) -> str:
        """Return the hex digest of one algorithm (sha256, blake2_256, md5)."""
        return self._hashes[name].hexdigest()

    def check(self, expected: dict[str, str]) -> None:
        """Raise DigestMismatch unless every digest the client sent matches."""
        for name, value in expected.items():
            if (
                name in DIGEST_NAMES
                and value
                and value.strip().lower() != self.hexdigest(name)
            ):
                raise DigestMismatch(
                    f"The {name} digest sent with the upload does not match the "
                    "file's content; the file may have been corrupted on the way."
                )


def stream_chunks(
    stream: BinaryIO,
    digests: Digests,
    *,
    max_size: int | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[bytes]:
    """Yield a stream's bytes chunk by chunk, hashing and size-checking them."""
    while chunk := stream.read(chunk_size):
        digests.update(chunk)
        if max_size is not None and digests.size > max_size:
            raise FileTooLarge(
                f"File too large: the limit of this index is {max_size} bytes."
            )
        yield chunk
