"""The same storage contract holds for the local folder and S3-compatible object storage.

The S3 side runs against moto's standalone S3 API server on loopback; the app only sees an
endpoint URL, as it would with MinIO or AWS.
"""

from __future__ import annotations

import pytest

from gallery.storage.store import LocalStorage, StorageError


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    """Each storage backend in turn."""
    if request.param == "local":
        return LocalStorage(tmp_path)
    settings = request.getfixturevalue("s3_settings")
    from gallery.storage.s3 import S3Storage

    return S3Storage(
        bucket=settings["S3_BUCKET"],
        prefix="site",
        endpoint_url=settings["S3_ENDPOINT_URL"],
        region="us-east-1",
    )


def test_write_read_list_delete(storage):
    """What is written can be read, listed by prefix, measured and deleted."""
    storage.write("files/a.png", b"alpha")
    storage.write("files/b-w320.webp", b"bee")
    storage.write("exports/x.pdf", b"%PDF")
    assert storage.read("files/a.png") == b"alpha"
    assert sorted(storage.keys("files/")) == ["files/a.png", "files/b-w320.webp"]
    assert storage.size("exports/x.pdf") == 4
    assert 0 <= storage.age_seconds("files/a.png") < 120
    storage.delete("files/a.png")
    storage.delete("files/a.png")  # deleting twice is fine
    assert not storage.exists("files/a.png")
    with pytest.raises(StorageError):
        storage.read("files/a.png")


def test_unsafe_keys_are_refused(storage):
    """No backend accepts a key that climbs out of its space."""
    with pytest.raises(StorageError):
        storage.write("../escape", b"x")


def test_submission_flow_on_object_storage(s3_settings, tmp_path, make_image):
    """An artist's submission lands in the bucket, and deleting the entry empties it again."""
    from gallery import create_app
    from gallery.extensions import db
    from gallery.storage.files import get_storage
    from tests.conftest import database_url
    from tests.submissions.conftest import Artist, hidden_value

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "s",
            "DATABASE_URL": database_url(tmp_path),
            "UPLOAD_DIR": str(tmp_path / "unused"),
            "RATELIMIT_ENABLED": False,
            "SUBMIT_MIN_SECONDS": 0,
            "MIN_IMAGE_SIDE": 64,
            **s3_settings,
        }
    )
    with app.app_context():
        db.create_all()
    try:
        artist = Artist(app.test_client())
        response = artist.submit([(make_image("JPEG", (640, 480)), "a.jpg", "On S3")])
        claim = artist.claim_url(response)
        with app.app_context():
            keys = list(get_storage().keys())
        assert any(k.endswith(".jpg") for k in keys) and any(k.endswith(".webp") for k in keys)
        assert not (tmp_path / "unused").exists() or not any((tmp_path / "unused").iterdir())
        page = artist.client.get(claim).get_data(as_text=True)
        preview = page[page.index(f"{claim}/works/") :].split('"', 1)[0]
        assert artist.client.get(preview).mimetype == "image/webp"
        csrf = hidden_value(page, "csrf_token")
        artist.client.post(f"{claim}/delete", data={"csrf_token": csrf, "confirm": "y"})
        with app.app_context():
            assert list(get_storage().keys()) == []
    finally:
        with app.app_context():
            db.drop_all()
            db.engine.dispose()
