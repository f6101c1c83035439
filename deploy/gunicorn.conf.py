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
# the app writes addresses as "-" (unless GALLERY_LOG_IPS=true) and secret link tokens
# (claim, invite, kept image) as [redacted], in the request line, query and Referer alike.
accesslog = None
errorlog = "-"
loglevel = "info"
