"""Settings: class defaults, then `instance/config.py`, then `GALLERY_*` environment variables."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import ClassVar

from flask import Flask


class Defaults:
    """Defaults that suit a single machine with SQLite and a local upload folder."""

    # Filled in by ``load_config`` when not set: SQLite in the instance folder.
    DATABASE_URL: str | None = None
    UPLOAD_DIR = "uploads"
    SECRET_KEY: str | None = None

    # Request and image limits an operator can tune.
    MAX_CONTENT_LENGTH = 120 * 1024 * 1024
    MAX_IMAGE_BYTES = 30 * 1024 * 1024
    MAX_IMAGE_PIXELS = 40_000_000
    MIN_IMAGE_SIDE = 300
    # At most 10: the form has ten image slots.
    MAX_IMAGES_PER_ENTRY = 10
    PRINT_DPI = 300

    # Spam protection: a form sent faster than this is refused; one older than MAX is stale.
    SUBMIT_MIN_SECONDS = 4
    SUBMIT_MAX_SECONDS = 24 * 3600
    SUBMIT_RATE_LIMIT = "10 per hour"
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    # File store: the local UPLOAD_DIR unless an S3-compatible bucket is configured.
    S3_BUCKET = ""
    S3_PREFIX = ""
    S3_ENDPOINT_URL: str | None = None
    S3_REGION: str | None = None
    S3_ACCESS_KEY_ID: str | None = None
    S3_SECRET_ACCESS_KEY: str | None = None

    # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto/-Host (0 = none).
    PROXY_COUNT = 0
    # The site's onion service (http://<56 characters>.onion): public pages then send an
    # Onion-Location header so Tor Browser offers it. Empty: no header.
    ONION_LOCATION = ""
    # Retention: the day the call closed (YYYY-MM-DD) and how long declined works and private
    # contacts are kept after it.
    CALL_CLOSED_ON = ""
    RETENTION_DAYS = 90

    # Anonymous public pages and images: how long any cache (a reverse proxy) may keep them.
    # At most 600; a withdrawn or deleted work may stay in such a cache this long.
    PUBLIC_CACHE_SECONDS = 300

    # Uploads that never became an entry (a refused form kept the good images) live this long.
    PENDING_UPLOAD_SECONDS = 24 * 3600

    # Request logs keep no client IP addresses unless this is true (GALLERY_LOG_IPS=true).
    LOG_IPS = False
    # Logs go to stderr as JSON lines ("json"), plain lines ("text"), or not at all ("none").
    LOG_FORMAT = "json"
    LOG_LEVEL = "INFO"

    # Each needs a complete catalog in gallery/translations/<code>; the first is the fallback.
    LANGUAGES = ("en", "ru", "uk", "de", "fr", "es")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # A stolen session cookie is worthless after this long even if nobody logs out.
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    SESSION_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None

    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {}

    # Print exports. Layouts load from print_layouts/, the import folder (default
    # <instance>/print_layouts, where `layouts import-glabels` writes) and PRINT_LAYOUT_DIRS.
    PRINT_MIN_DPI = 300
    PRINT_MAX_SHEETS = 50
    # Most stickers (pages) in one die-cut singles export.
    PRINT_MAX_SINGLES = 1000
    PRINT_LAYOUT_DIRS: ClassVar[list[str]] = []
    PRINT_IMPORT_DIR: str | None = None
    # Print-shop presets load from print_presets/ and PRINT_PRESET_DIRS (later folders win).
    PRINT_PRESET_DIRS: ClassVar[list[str]] = []
    # The CMYK characterisation every PDF/X export names (default: print_profiles/).
    PRINT_CMYK_PROFILE: str | None = None
    # Background jobs: "thread" (inside the web process), "sync" (inline) or "rq" (Redis).
    JOB_BACKEND = "thread"
    JOB_TIMEOUT_SECONDS = 600
    # A job whose holder wrote no heartbeat for this long is failed (it beats every few
    # seconds); a job waiting in Redis is never failed for waiting.
    JOB_STALE_SECONDS = 60
    # For JOB_BACKEND=rq: the Redis server and queue name the workers listen on.
    REDIS_URL = ""
    JOB_QUEUE = "gallery"

    # Curation: a work being judged counts as covered by the jury from this many votes on
    # (the coverage view and `curation coverage`).
    COVERAGE_MIN_VOTES = 3

    # Staff accounts. SECURE_COOKIES (env GALLERY_SECURE_COOKIES=true) marks the session
    # cookie Secure; turn it on whenever the site is served over HTTPS.
    SECURE_COOKIES = False
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    LOGIN_LOCK_AFTER = 5
    LOGIN_LOCK_MINUTES = 15
    LOGIN_LOCK_MAX_MINUTES = 24 * 60
    INVITE_HOURS = 72


def load_config(app: Flask, test_config: dict | None = None) -> None:
    """Layer defaults, the instance file and ``GALLERY_*`` variables, then derive the rest."""
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("GALLERY")
    else:
        app.config.update(test_config)

    instance = Path(app.instance_path)
    # Holds the secret key and, by default, the database: the owner's alone.
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _development_secret(instance)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'gallery.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if app.config["DATABASE_URL"].startswith("postgresql"):
        # Stored times are UTC; make the server read and write them as UTC too.
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"options": "-c timezone=utc"})
        options.setdefault("pool_pre_ping", True)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    upload_dir = Path(app.config["UPLOAD_DIR"])
    if not upload_dir.is_absolute():
        upload_dir = Path(app.root_path).parent / upload_dir
    app.config["UPLOAD_DIR"] = str(upload_dir)


def _development_secret(instance: Path) -> str:
    """Create a random key once in the instance folder so sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
