"""Start-up housekeeping runs once per serving process, after logging is set up, in JSON."""

from __future__ import annotations

import io
import json
import logging
import sys
from datetime import timedelta

from gallery import create_app
from gallery.extensions import db
from gallery.liveness import INTERRUPTED
from gallery.models import Export, ExportState
from gallery.models.base import utcnow
from tests.conftest import database_url
from tests.factories import make_export


def test_the_first_request_fails_abandoned_jobs_and_says_so_in_a_json_line(tmp_path):
    """Building the app changes nothing; the first request fails the job, the log is JSON."""
    stream = io.StringIO()
    real_stderr, sys.stderr = sys.stderr, stream
    root = logging.getLogger()
    try:
        app = create_app(
            {
                "SECRET_KEY": "x",
                "DATABASE_URL": database_url(tmp_path),
                "UPLOAD_DIR": str(tmp_path / "u"),
                "LOG_FORMAT": "json",
            }
        )
        with app.app_context():
            db.create_all()
        silent = utcnow() - timedelta(hours=1)
        export_id = make_export(
            state=ExportState.RUNNING, worker="elsewhere:1", heartbeat_at=silent, app=app
        ).id
        again = create_app(app.config)  # another process starting
        with again.app_context():
            assert db.session.get(Export, export_id).state is ExportState.RUNNING
        client = again.test_client()
        client.get("/healthz")
        client.get("/healthz")
        with again.app_context():
            export = db.session.get(Export, export_id)
            assert (export.state, export.error) == (ExportState.FAILED, INTERRUPTED)
            db.session.remove()
            db.drop_all()
    finally:
        sys.stderr = real_stderr
        for handler in [h for h in root.handlers if getattr(h, "_gallery", False)]:
            root.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    marked = [line for line in lines if line["message"].startswith("marked ")]
    assert [line["message"] for line in marked] == [
        "marked 1 export jobs failed: nobody holds them any more"
    ]
    assert marked[0]["level"] == "warning" and marked[0]["logger"] == "gallery.liveness"
