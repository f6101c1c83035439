"""``/healthz``: is the database reachable, is the file store reachable."""

from __future__ import annotations

import logging

from flask import jsonify
from sqlalchemy import text

from gallery.extensions import db
from gallery.storage.files import get_storage
from gallery.storage.probe import probe

log = logging.getLogger(__name__)


def healthz():
    """Answer 200 when database and storage respond, else 503 naming what failed."""
    checks = {"database": _database_ok(), "storage": _storage_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "failing",
        **{k: "ok" if v else "failing" for k, v in checks.items()},
    }
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _database_ok() -> bool:
    """Run a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not reachable"
        log.warning("health check: database unreachable", exc_info=True)
        db.session.rollback()
        return False


def _storage_ok() -> bool:
    """Write, read back and delete a tiny probe file."""
    failed = [check for check in probe(get_storage()) if check.failed]
    for check in failed:
        log.warning("health check: storage %s failed: %s", check.name, check.detail)
    return not failed
