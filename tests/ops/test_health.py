"""The health check tells a load balancer whether database and storage answer."""

from __future__ import annotations

from gallery import create_app


def test_healthz_reports_ok(client):
    """A working app answers 200 with each check named."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "storage": "ok"}


def test_healthz_fails_when_the_database_is_unreachable(tmp_path):
    """An unreachable database gives 503, naming the database."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "UPLOAD_DIR": str(tmp_path / "u"),
            "DATABASE_URL": f"sqlite:///{tmp_path}/missing-dir/db.sqlite3",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "failing" and response.json["storage"] == "ok"


def test_proxy_headers_are_trusted_only_when_configured(tmp_path):
    """With PROXY_COUNT=1 the forwarded scheme is honoured (for Secure cookies and links)."""
    from flask import request

    for count, expected in ((0, "http"), (1, "https")):
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "UPLOAD_DIR": str(tmp_path / "u"),
                "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
                "PROXY_COUNT": count,
            }
        )

        @app.route("/scheme")
        def scheme():
            """Echo the scheme the app believes it was reached with."""
            return request.scheme

        response = app.test_client().get("/scheme", headers={"X-Forwarded-Proto": "https"})
        assert response.get_data(as_text=True) == expected
