"""Settings come from defaults, the instance file and GALLERY_* variables."""

from __future__ import annotations

from gallery import create_app


def test_environment_variables_override_defaults(monkeypatch, tmp_path):
    """GALLERY_DATABASE_URL, GALLERY_UPLOAD_DIR and limits are read from the environment."""
    monkeypatch.setenv("GALLERY_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("GALLERY_UPLOAD_DIR", str(tmp_path / "files"))
    monkeypatch.setenv("GALLERY_SECRET_KEY", "from-env")
    monkeypatch.setenv("GALLERY_MAX_IMAGE_PIXELS", "1000000")
    monkeypatch.setenv("GALLERY_RATELIMIT_ENABLED", "false")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.db")
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "files")
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["MAX_IMAGE_PIXELS"] == 1_000_000
    assert app.config["RATELIMIT_ENABLED"] is False


def test_without_a_secret_a_random_one_is_created_once(monkeypatch, tmp_path):
    """No secret is hard-coded: a random key is created in the instance folder and reused."""
    monkeypatch.delenv("GALLERY_SECRET_KEY", raising=False)
    monkeypatch.setenv("GALLERY_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    first = create_app()
    second = create_app()
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]


def test_every_page_sends_privacy_headers(client):
    """CSP limited to the site itself, no referrer, no framing."""
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
