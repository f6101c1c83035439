"""Operations: health check, backups, retention, proxy awareness, process housekeeping."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from gallery.ops.housekeeping import register_housekeeping


def register_ops(app: Flask) -> None:
    """Trust the configured proxies; housekeep each serving process (health: ``blueprint.py``)."""
    register_housekeeping(app)
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        # The real client address and scheme come from the proxy's X-Forwarded-* headers.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
