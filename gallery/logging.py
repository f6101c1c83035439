"""Logging set-up: request logs keep no visitor IP addresses unless the operator opts in.

Visitors may be at risk; an address in a log file is exactly what a seized server gives away.
The dev server (``werkzeug``), gunicorn's access log and Flask-Limiter's "limit exceeded" lines
all carry the client address, so a filter on those loggers rewrites it to ``-``.
``GALLERY_LOG_IPS=true`` turns the filter off (e.g. to investigate abuse for a while).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import sys
from datetime import UTC, datetime

from flask import Flask

# Loggers whose lines include the client address.
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "flask-limiter")
HIDDEN = "-"

# Candidates for IPv4/IPv6 addresses (with an optional IPv6 zone); each is checked by
# ``ipaddress`` so times like 12:30:05 or versions like HTTP/1.1 stay untouched.
_CANDIDATE = re.compile(r"(?<![\w.:])[0-9A-Fa-f.:]*[.:][0-9A-Fa-f.:]*(?:%[\w.-]+)?(?![\w:])")


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
            entry["exception"] = self.formatException(record.exc_info)
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
    """Set the app's log level and keep IP addresses out of request logs unless allowed."""
    logging.getLogger("gallery").setLevel(app.config.get("LOG_LEVEL", "INFO"))
    _install_stderr_handler(app)
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        # The filter is shared and module-level, so several apps in one process add it once.
        if app.config.get("LOG_IPS"):
            logger.removeFilter(_FILTER)
        elif _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
