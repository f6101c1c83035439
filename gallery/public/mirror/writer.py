"""DEST as the mirror keeps it: only what changed is written, atomically, with a manifest.

``manifest.json`` lists every file with its size, hex SHA-256 and a digest of what it was
made from (``source``), one file a line, sorted, with no time in it: the same data gives the
same bytes. It is also the mirror's memory. After a run that finished, DEST holds exactly the
files it lists, so the next run neither walks the folder nor reads a file it does not change:
an unchanged file keeps its mtime and inode. While a run changes DEST, ``.mirror-unfinished``
says so; a run that finds it (one stopped half-way), or is asked for ``full``, trusts nothing:
it walks DEST, makes every file again and compares it with the one there.

DEST belongs to the mirror: whatever the new mirror does not hold is removed, whoever put it
there, which is how a work that stopped being public leaves every copy made from DEST.
"""

from __future__ import annotations

import fcntl
import filecmp
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from gallery.public.mirror.links import MirrorError

MANIFEST = "manifest.json"
UNFINISHED = ".mirror-unfinished"
_TEMPORARY = ".tmp-"


class Record(NamedTuple):
    """One file as the manifest lists it."""

    sha256: str
    size: int
    source: str | None = None


def sha256(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def manifest_lines(records: dict[str, Record]) -> Iterator[str]:
    """Yield the manifest for ``records``: JSON, one file a line, sorted, no time in it."""
    yield '{"files": {\n'
    separator = ""
    for path in sorted(records):
        record = records[path]
        source = f', "source": "{record.source}"' if record.source else ""
        yield (
            f'{separator} {json.dumps(path)}: {{"sha256": "{record.sha256}", '
            f'"size": {record.size}{source}}}'
        )
        separator = ",\n"
    yield "\n}}\n"


def parse_manifest(data: bytes, *, name: str = MANIFEST) -> dict[str, Record]:
    """Return the records of a manifest; ``MirrorError`` when it is not one."""
    try:
        files = json.loads(data)["files"]
        return {
            path: Record(entry["sha256"], int(entry["size"]), entry.get("source"))
            for path, entry in files.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise MirrorError(f"{name} is not a mirror manifest: {error}") from error


class MirrorFolder:
    """DEST during one run: locked, remembered from the last run, changed file by file."""

    def __init__(self, dest: Path, *, full: bool = False) -> None:
        """Take ``dest`` for this run (made when new); ``full`` trusts nothing remembered."""
        if dest.exists() and not dest.is_dir():
            raise MirrorError(f"{dest} is not a folder")
        dest.mkdir(parents=True, exist_ok=True)
        self.dest = dest
        self._lock = _lock(dest)
        try:
            self.remembered = self._read(full=full)
        except BaseException:
            os.close(self._lock)
            raise
        self._marked = False

    def _read(self, *, full: bool) -> dict[str, Record]:
        """Return the last run's records, or {} and walk DEST when they cannot be trusted."""
        manifest = self.dest / MANIFEST
        if not manifest.exists():
            if any(self.dest.iterdir()):
                raise MirrorError(
                    f"{self.dest} is not empty and holds no mirror ({MANIFEST}): choose a "
                    "new or empty folder, or the folder of an earlier mirror"
                )
            self.on_disk: dict[str, int] | None = None
            return {}
        records = parse_manifest(manifest.read_bytes(), name=str(manifest))
        if full or (self.dest / UNFINISHED).exists():
            self.on_disk = scan(self.dest)
            return {}
        self.on_disk = None
        return records

    @property
    def trusted(self) -> bool:
        """Tell whether DEST holds exactly what the last manifest lists (no walk was needed)."""
        return self.on_disk is None

    def close(self) -> None:
        """Let other runs have DEST."""
        os.close(self._lock)

    def __enter__(self) -> MirrorFolder:
        """Hold DEST for the run."""
        return self

    def __exit__(self, *_exc: object) -> None:
        """Release DEST (an unfinished run leaves its mark for the next one)."""
        self.close()

    def stale(self, planned: set[str]) -> list[str]:
        """Return the files in DEST that the new mirror does not hold."""
        present = self.remembered if self.trusted else self.on_disk or {}
        return sorted(path for path in present if path not in planned)

    def unchanged(self, path: str, source: str | None) -> Record | None:
        """Return the remembered record of ``path`` if it is made from the same ``source``."""
        old = self.remembered.get(path)
        if old is not None and source is not None and old.source == source:
            return old
        return None

    def holds(self, path: str, record: Record) -> bool:
        """Tell whether the file at ``path`` already has the bytes ``record`` describes."""
        if self.trusted:
            old = self.remembered.get(path)
            return old is not None and old[:2] == record[:2]
        if (self.on_disk or {}).get(path) != record.size:
            return False
        return sha256((self.dest / path).read_bytes()) == record.sha256

    def remove(self, paths: Iterable[str]) -> None:
        """Delete ``paths`` and the folders they leave empty."""
        paths = list(paths)
        if not paths:
            return
        self._mark()
        folders = set()
        for path in paths:
            (self.dest / path).unlink(missing_ok=True)
            folders.update(Path(path).parents)
        # Deepest first, so a folder is looked at after everything inside it.
        for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
            if folder.parts:
                try:
                    (self.dest / folder).rmdir()
                except OSError:
                    continue  # not empty: it still holds files of the mirror

    def write(self, path: str, data: bytes) -> None:
        """Write one file of the mirror."""
        self._mark()
        _write(self.dest, path, data)

    def finish(self, records: dict[str, Record]) -> None:
        """Write the manifest of ``records`` if it changed, then clear the unfinished mark."""
        manifest = self.dest / MANIFEST
        if records != self.remembered or not self.trusted or not manifest.exists():
            self._mark()
            # Written line by line and compared on disk: 60,000 lines never sit in memory.
            partial = _replace(self.dest, MANIFEST, manifest_lines(records), keep=False)
            if manifest.exists() and filecmp.cmp(partial, manifest, shallow=False):
                partial.unlink()
            else:
                os.replace(partial, manifest)
        (self.dest / UNFINISHED).unlink(missing_ok=True)

    def _mark(self) -> None:
        """Say that DEST is being changed, before the first change of this run."""
        if self._marked:
            return
        if not (self.dest / MANIFEST).exists():
            # A new mirror: the manifest marks the folder as one before its first file.
            _replace(self.dest, MANIFEST, manifest_lines({}))
        _replace(self.dest, UNFINISHED, [])
        self._marked = True


def _lock(dest: Path) -> int:
    """Lock ``dest`` for this run and return the descriptor holding the lock."""
    descriptor = os.open(dest, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as error:
        os.close(descriptor)
        raise MirrorError(f"another mirror run is writing {dest}") from error
    return descriptor


def scan(dest: Path) -> dict[str, int]:
    """Return every file below ``dest`` but the manifest and the mark, with its size."""
    found: dict[str, int] = {}
    pending = [("", str(dest))]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                path = f"{prefix}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{path}/", entry.path))
                elif path not in (MANIFEST, UNFINISHED):
                    found[path] = entry.stat(follow_symlinks=False).st_size
    return found


def _write(dest: Path, path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` below ``dest``, atomically."""
    _replace(dest, path, [data])


def _replace(dest: Path, path: str, chunks: Iterable[bytes | str], *, keep: bool = True) -> Path:
    """Write ``chunks`` under a temporary name beside ``path``, then rename it into place.

    A web server serving DEST sees the old file or the new one, never half of one. Files
    are made readable by everyone (subject to the umask): a web server must read them. With
    ``keep`` false the temporary file is returned instead, for the caller to compare first.
    """
    target = dest / path
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{_TEMPORARY}{target.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk.encode() if isinstance(chunk, str) else chunk)
        if keep:
            os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return partial
