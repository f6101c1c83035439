"""Is the file store usable? Prepare it (a missing bucket is created) and probe it.

``storage init`` prepares and probes, ``doctor`` and ``/healthz`` only probe: write a small
file, read it back, delete it.
"""

from __future__ import annotations

import contextlib

from gallery.cli import Check
from gallery.storage.store import Storage, new_token


def describe(exc: Exception) -> str:
    """Name an error in one line for an operator."""
    return f"{type(exc).__name__}: {exc}"


def where(storage: Storage) -> str:
    """Return where the store keeps its files, for an operator: a bucket or a folder."""
    bucket = getattr(storage, "bucket", None)
    return f"bucket {bucket}" if bucket else f"folder {getattr(storage, 'root', '?')}"


def bucket_check(storage: Storage, *, create: bool) -> Check:
    """Check that the store's bucket exists, creating it when ``create`` (a folder: always)."""
    if not hasattr(storage, "bucket_exists"):
        return Check("ok", "store", where(storage))
    try:
        if storage.bucket_exists():
            return Check("ok", "store", f"{where(storage)} exists")
        if not create:
            return Check(
                "fail",
                "store",
                f"{where(storage)} does not exist: `flask --app wsgi storage init` creates it",
            )
        storage.create_bucket()
    except Exception as exc:  # any client or network error means "not usable"
        return Check("fail", "store", f"{where(storage)}: {describe(exc)}")
    return Check("ok", "store", f"{where(storage)} created")


def probe(storage: Storage) -> list[Check]:
    """Write, read back and delete a probe file; one check per step, stopping at a failure."""
    # A key per call: concurrent checks from several processes must not trip over each other.
    key = f"health/probe-{new_token(8)}"
    checks = []
    for step in ("write", "read", "delete"):
        try:
            _probe_step(storage, step, key)
        except Exception as exc:  # any client, network or disk error means "not usable"
            checks.append(Check("fail", step, f"{key}: {describe(exc)}"))
            if step == "read":
                _forget(storage, key)
            break
        checks.append(Check("ok", step, key))
    return checks


def _probe_step(storage: Storage, step: str, key: str) -> None:
    """Do one step of the probe; raise when it does not do what it should."""
    if step == "write":
        storage.write(key, b"ok")
    elif step == "read":
        if storage.read(key) != b"ok":
            raise OSError("read back other bytes than were written")
    else:
        storage.delete(key)
        if storage.exists(key):
            raise OSError("still there after the delete")


def _forget(storage: Storage, key: str) -> None:
    """Try to delete a probe file after a failed read (``storage sweep`` gets it otherwise)."""
    # The failure that matters is reported already.
    with contextlib.suppress(Exception):
        storage.delete(key)
