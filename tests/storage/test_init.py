"""`storage init` creates a missing bucket and proves the store reads, writes and deletes."""

from __future__ import annotations

import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from gallery import create_app


def app_on(tmp_path, **settings):
    """Return an app on a throw-away database with the given store settings."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "s",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            **settings,
        }
    )


def lines(result) -> list[list[str]]:
    """Split a command's output into its tab-separated columns."""
    return [line.split("\t") for line in result.output.splitlines()]


def test_a_missing_bucket_is_created_and_checked(tmp_path, s3_endpoint, s3_credentials):
    """First run: created; second run: exists; each time write, read and delete pass."""
    import boto3

    bucket = f"gallery-{uuid.uuid4().hex[:12]}"
    app = app_on(tmp_path, S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_endpoint, S3_REGION="us-east-1")
    first = app.test_cli_runner().invoke(args=["storage", "init"])
    assert first.exit_code == 0, first.output
    assert [row[:2] for row in lines(first)] == [
        ["ok", "store"],
        ["ok", "write"],
        ["ok", "read"],
        ["ok", "delete"],
    ]
    assert lines(first)[0][2] == f"bucket {bucket} created"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    assert client.list_objects_v2(Bucket=bucket).get("KeyCount") == 0  # the probe is gone
    again = app.test_cli_runner().invoke(args=["storage", "init"])
    assert again.exit_code == 0 and lines(again)[0][2] == f"bucket {bucket} exists"


def test_a_local_folder_is_checked_the_same_way(tmp_path):
    """Without a bucket the upload folder is probed."""
    result = app_on(tmp_path).test_cli_runner().invoke(args=["storage", "init"])
    assert result.exit_code == 0, result.output
    assert lines(result)[0] == ["ok", "store", f"folder {tmp_path / 'uploads'}"]
    assert [row[1] for row in lines(result)[1:]] == ["write", "read", "delete"]
    assert not any(p.is_file() for p in (tmp_path / "uploads").rglob("*"))


class Refusing(BaseHTTPRequestHandler):
    """An object store that refuses every request, as one does with the wrong credentials."""

    def do_HEAD(self) -> None:
        """Refuse."""
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_DELETE = do_HEAD  # noqa: N815

    def log_message(self, *args) -> None:
        """Stay quiet."""


def test_a_store_that_refuses_access_fails_with_exit_status_1(tmp_path, s3_credentials):
    """One failing line naming the bucket, exit status 1, and no probe."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        app = app_on(
            tmp_path,
            S3_BUCKET="gallery-refused",
            S3_ENDPOINT_URL=f"http://127.0.0.1:{server.server_port}",
            S3_REGION="us-east-1",
        )
        result = app.test_cli_runner().invoke(args=["storage", "init"])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1
    (row,) = lines(result)
    assert row[:2] == ["fail", "store"] and row[2].startswith("bucket gallery-refused: ")
