"""Logging set-up: no secret link ever reaches a log, and no visitor IP address by default.

Visitors may be at risk; a log file is exactly what a seized server gives away.

Secret links: the claim link (``/claim/<token>``), invitation links (``/invite/<token>``) and
kept-image previews (``/submit/kept/<token>``) carry their secret in the path, and request
lines, Referer headers, ``next=`` parameters and error messages repeat it. The token is
replaced by ``[redacted]`` when a log record is made, for every logger in the process: the
app's own, the dev server's, gunicorn's access and error logs, RQ's workers. That is the one
place every record passes; a filter on a logger sees only records made by that very logger, and
handlers belong to whoever runs the app (gunicorn, RQ, pytest). It cannot be turned off.

Browsers: gunicorn's access log can write the User-Agent (``%(a)s``, its default format) and
any request header, cookie or environment value. Those that tell a browser apart or carry a
credential (User-Agent and its ``Sec-CH-UA`` client hints, Cookie, Authorization, and the
Set-Cookie of the answer) are written as ``-`` when the record is made, whatever the format.
That cannot be turned off either.

IP addresses: the dev server (``werkzeug``), gunicorn's access log and Flask-Limiter's "limit
exceeded" lines carry the client address, so a filter on those loggers rewrites it to ``-``.
``GALLERY_LOG_IPS=true`` turns that filter off (e.g. to investigate abuse for a while).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask

# Loggers whose lines include the client address.
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "flask-limiter")
HIDDEN = "-"

# Candidates for IPv4/IPv6 addresses (with an optional IPv6 zone); each is checked by
# ``ipaddress`` so times like 12:30:05 or versions like HTTP/1.1 stay untouched.
_CANDIDATE = re.compile(r"(?<![\w.:])[0-9A-Fa-f.:]*[.:][0-9A-Fa-f.:]*(?:%[\w.-]+)?(?![\w:])")


# A secret path segment, with "/" written plainly or percent-encoded (as in a next= value).
_SECRET_PATH = re.compile(
    r"(?P<route>(?:/|%2f)(?:claim|invite|submit(?:/|%2f)kept)(?:/|%2f))[^/\s?#&\"'<>]+",
    re.IGNORECASE,
)
REDACTED = "[redacted]"


def redact_secrets(text: str) -> str:
    """Return ``text`` with the token of every claim, invite and kept-image path replaced."""
    return _SECRET_PATH.sub(lambda m: m.group("route") + REDACTED, text)


# gunicorn access-log atoms naming a request header ({…}i), an environment value ({…}e) or an
# answer header ({…}o) that identifies the browser or carries a credential.
_IDENTIFYING_ATOM = re.compile(
    r"^\{(?:http_)?(?:user[-_]agent|sec[-_]ch[-_]ua[-_\w]*|cookie|authorization|set-cookie)\}[ieo]$"
)
ACCESS_LOGGER = "gunicorn.access"


def forget_browser(record: logging.LogRecord) -> None:
    """Blank the user agent, cookies and credentials in a gunicorn access-log record."""
    atoms = record.args
    if record.name != ACCESS_LOGGER or not isinstance(atoms, dict):
        return
    for key in list(atoms):
        if key == "a" or _IDENTIFYING_ATOM.match(key):
            atoms[key] = HIDDEN


def _redacting_factory(make_record: Callable[..., logging.LogRecord]) -> Callable:
    """Wrap a log record factory so the records it makes carry no secret link nor browser."""

    def make_redacted_record(*args, **kwargs) -> logging.LogRecord:
        """Make the record, then rewrite its message, traceback and stack if they hold one."""
        record = make_record(*args, **kwargs)
        forget_browser(record)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logging's to report, not ours
            return record
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text, so the traceback is written only in its redacted form.
            record.exc_text = redact_secrets(_PLAIN.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact_secrets(record.stack_info)
        return record

    make_redacted_record._gallery_redacts = True  # type: ignore[attr-defined]
    return make_redacted_record


_PLAIN = logging.Formatter()


def install_secret_redaction() -> None:
    """Make every log record of this process redact secret links (once per process)."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "_gallery_redacts", False):
        logging.setLogRecordFactory(_redacting_factory(factory))


def _is_address(text: str) -> bool:
    """Tell whether ``text`` is an IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(text.split("%", 1)[0].strip("[]"))
    except ValueError:
        return False
    return True


def scrub_addresses(message: str) -> str:
    """Return ``message`` with every IP address replaced by ``-``."""
    return _CANDIDATE.sub(lambda m: HIDDEN if _is_address(m.group(0)) else m.group(0), message)


class DropAddressesFilter(logging.Filter):
    """Rewrite a log record so it carries no IP address."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub the formatted message; always keep the record itself."""
        message = record.getMessage()
        scrubbed = scrub_addresses(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        return True


_FILTER = DropAddressesFilter()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: easy to ship, grep and parse; no free-form prefixes."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a single JSON line."""
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            # exc_text is the traceback as already redacted when the record was made.
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _install_stderr_handler(app: Flask) -> None:
    """Send the app's own and the request loggers to stderr, as JSON lines or plain text."""
    if app.testing or app.config.get("LOG_FORMAT") == "none":
        return  # tests capture logs themselves; "none" leaves logging to the host
    root = logging.getLogger()
    if any(getattr(h, "_gallery", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._gallery = True  # type: ignore[attr-defined]
    if app.config.get("LOG_FORMAT", "json") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if not app.config.get("LOG_IPS"):
        handler.addFilter(_FILTER)
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def configure_logging(app: Flask) -> None:
    """Set the app's log level, redact secret links, and drop IP addresses unless allowed."""
    install_secret_redaction()
    logging.getLogger("gallery").setLevel(app.config.get("LOG_LEVEL", "INFO"))
    _install_stderr_handler(app)
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        # The filter is shared and module-level, so several apps in one process add it once.
        if app.config.get("LOG_IPS"):
            logger.removeFilter(_FILTER)
        elif _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
