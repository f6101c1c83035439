"""The file store: one small interface, a local folder by default.

Every file the app keeps (masters, web derivatives, print renders, exports) lives behind
``Storage``. Keys are relative, slash-separated names made by the app itself (random tokens),
never anything a user typed.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"^[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.-]+)*$")


class StorageError(Exception):
    """A key is malformed or a stored file is missing."""


def check_key(key: str) -> str:
    """Return ``key`` if it is a safe relative name made of plain segments, else raise."""
    if not _KEY.match(key) or ".." in key.split("/"):
        raise StorageError(f"invalid storage key: {key!r}")
    return key


def new_token(nbytes: int = 16) -> str:
    """Return a random, URL-safe name for new files (never derived from user input)."""
    return secrets.token_urlsafe(nbytes).replace("-", "a").replace("_", "b")


class Storage(Protocol):
    """What the app needs from a file store."""

    def write(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` atomically (readers never see a half-written file)."""

    def read(self, key: str) -> bytes:
        """Return the bytes stored under ``key``; raise ``StorageError`` when missing."""

    def exists(self, key: str) -> bool:
        """Tell whether ``key`` is stored."""

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing key is not an error."""

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Yield every stored key that starts with ``prefix``."""

    def age_seconds(self, key: str) -> float:
        """Return how long ago ``key`` was last written."""

    def size(self, key: str) -> int:
        """Return the stored size of ``key`` in bytes."""


class LocalStorage:
    """A ``Storage`` in a folder on the local disk."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        """Use ``root`` as the folder (created when missing)."""
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        """Return the local path of ``key`` (local storage only)."""
        return self.root / check_key(key)

    def write(self, key: str, data: bytes) -> None:
        """Write to a temporary name in the same folder, fsync, then rename into place."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def read(self, key: str) -> bytes:
        """Return the bytes of ``key``."""
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError as exc:
            raise StorageError(f"missing: {key}") from exc

    def exists(self, key: str) -> bool:
        """Tell whether ``key`` is stored."""
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        self.path(key).unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Yield stored keys under ``prefix``, skipping temporary files of unfinished writes."""
        # Walk only the folder the prefix names: deleting a work lists its print rasters.
        folder = self.root / check_key(prefix.rsplit("/", 1)[0]) if "/" in prefix else self.root
        if not folder.is_dir():
            return
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            key = path.relative_to(self.root).as_posix()
            if key.startswith(prefix):
                yield key

    def age_seconds(self, key: str) -> float:
        """Return seconds since ``key`` was last modified."""
        return time.time() - self.path(key).stat().st_mtime

    def size(self, key: str) -> int:
        """Return the size of ``key`` in bytes."""
        return self.path(key).stat().st_size
