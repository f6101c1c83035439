"""Logs are structured JSON lines on stderr, without IP addresses by default."""

from __future__ import annotations

import io
import json
import logging

from gallery import create_app


def captured_app_logs(tmp_path, **settings) -> list[dict]:
    """Create a non-test app, log through it, and return the JSON lines it wrote."""
    import sys

    stream = io.StringIO()
    real_stderr = sys.stderr
    sys.stderr = stream
    root = logging.getLogger()
    try:
        create_app(
            {
                "SECRET_KEY": "x",
                "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
                "UPLOAD_DIR": str(tmp_path / "u"),
                **settings,
            }
        )
        logging.getLogger("gallery.test").warning("upload refused for %s", "a work")
        logging.getLogger("werkzeug").info('203.0.113.9 - - "GET / HTTP/1.1" 200 -')
    finally:
        sys.stderr = real_stderr
        for handler in [h for h in root.handlers if getattr(h, "_gallery", False)]:
            root.removeHandler(handler)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_logs_are_json_lines_without_addresses(tmp_path):
    """Each line is a JSON object with time, level, logger and message; no client address."""
    lines = captured_app_logs(tmp_path)
    by_logger = {line["logger"]: line for line in lines}
    assert by_logger["gallery.test"]["level"] == "warning"
    assert by_logger["gallery.test"]["message"] == "upload refused for a work"
    assert "203.0.113.9" not in by_logger["werkzeug"]["message"]
    assert set(by_logger["werkzeug"]) >= {"time", "level", "logger", "message"}


def test_operators_may_keep_addresses_when_they_choose(tmp_path):
    """GALLERY_LOG_IPS=true keeps them (e.g. while investigating abuse)."""
    lines = captured_app_logs(tmp_path, LOG_IPS=True)
    assert any("203.0.113.9" in line["message"] for line in lines)
