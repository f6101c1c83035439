"""Example gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Put the app behind a reverse proxy (nginx, Caddy) that terminates HTTPS, and set
GALLERY_PROXY_COUNT=1 so the app trusts exactly that proxy's X-Forwarded-* headers.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Uploads and PDF exports are CPU-bound: about one worker per core, a few threads each.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
# Large uploads over slow connections (Tor) need time; the proxy should buffer them too.
timeout = 120
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
# Access logs would record visitors' IP addresses: keep them off. Should you turn them on,
# the app writes addresses as "-" (unless GALLERY_LOG_IPS=true), the user agent, cookies
# and credentials as "-", and secret link tokens (claim, invite, kept image) as [redacted],
# in the request line, query and Referer alike. This format leaves them out to begin with.
accesslog = None
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = "info"


def _send_no_server_header() -> None:
    """Stop gunicorn from naming itself in a ``Server`` header on every answer.

    gunicorn 27 writes ``Server: gunicorn`` (no version) and has no setting for it; the line
    is dropped from the headers it writes itself. Runs in the master before workers fork.
    """
    from gunicorn.http import wsgi

    default_headers = wsgi.Response.default_headers
    if getattr(default_headers, "_gallery_quiet", False):
        return

    def headers_but_server(self) -> list[str]:
        """Return gunicorn's own header lines without the Server line."""
        return [h for h in default_headers(self) if not h.lower().startswith("server:")]

    headers_but_server._gallery_quiet = True
    wsgi.Response.default_headers = headers_but_server


_send_no_server_header()
