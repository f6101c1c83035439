"""Request logs keep no visitor IP addresses unless the operator sets GALLERY_LOG_IPS=true."""

from __future__ import annotations

import http.client
import logging
import threading

import pytest
from werkzeug.serving import make_server

from gallery import create_app
from gallery.logging import scrub_addresses


def serve_one_request(app, caplog) -> str:
    """Run the real dev server, make one request from 127.0.0.1, return the request log."""
    caplog.set_level(logging.INFO, logger="werkzeug")
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        connection.request("GET", "/call?from=test", headers={"Host": "gallery.test"})
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /call?from=test" in line for line in lines), lines
    return "\n".join(lines)


def test_dev_server_request_log_has_no_ip_address_by_default(app, caplog):
    """The werkzeug request line is logged, with the client address replaced by '-'."""
    log = serve_one_request(app, caplog)
    assert "127.0.0.1" not in log


def test_operator_can_turn_ip_logging_on(app, caplog, tmp_path):
    """GALLERY_LOG_IPS=true keeps the address (and another app turns the filter back on)."""
    logging_app = create_app({**app.config, "LOG_IPS": True})
    try:
        assert "127.0.0.1" in serve_one_request(logging_app, caplog)
    finally:
        create_app({**app.config, "LOG_IPS": False})


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '203.0.113.7 - - [02/Apr/2025 10:00:00] "GET / HTTP/1.1" 200 -',
            '- - - [02/Apr/2025 10:00:00] "GET / HTTP/1.1" 200 -',
        ),
        (
            '2001:db8::1 - - [02/Apr/2025 10:00:00] "GET / HTTP/1.1" 200 -',
            '- - - [02/Apr/2025 10:00:00] "GET / HTTP/1.1" 200 -',
        ),
        ("fe80::1%eth0 - - x", "- - - x"),
        ("::ffff:192.0.2.1 hello", "- hello"),
        (
            "ratelimit 10 per hour (LIMITER/198.51.100.4/submit) exceeded",
            "ratelimit 10 per hour (LIMITER/-/submit) exceeded",
        ),
        ("version 1.2.3 at 10:11:12, HTTP/1.1", "version 1.2.3 at 10:11:12, HTTP/1.1"),
    ],
)
def test_addresses_are_scrubbed_and_other_text_is_kept(line, expected):
    """IPv4, IPv6 (with zone, IPv4-mapped) go; times and versions stay."""
    assert scrub_addresses(line) == expected


def test_limiter_and_gunicorn_access_loggers_are_filtered_too(app, caplog):
    """Other loggers that carry client addresses get the same filter."""
    caplog.set_level(logging.INFO)
    for name in ("gunicorn.access", "flask-limiter"):
        logging.getLogger(name).info("%s - request", "192.0.2.55")
    assert "192.0.2.55" not in caplog.text


def test_gunicorn_access_lines_never_hold_the_browser(app, caplog):
    """User agent, client hints, cookies and credentials come out as '-' whatever the format
    asks for; other headers stay."""
    from gunicorn.glogging import SafeAtoms

    browser = "Mozilla/5.0 (X11; Canary)"
    atoms = SafeAtoms(
        {
            "r": "GET / HTTP/1.1",
            "a": browser,
            "{user-agent}i": browser,
            "{sec-ch-ua-platform}i": '"Linux"',
            "{cookie}i": "session=secret",
            "{authorization}i": "Basic c2VjcmV0",
            "{set-cookie}o": "session=other-secret",
            "{http_user_agent}e": browser,
            "{x-request-id}i": "req-7",
        }
    )
    caplog.set_level(logging.INFO, logger="gunicorn.access")
    fields = ("a", "{User-Agent}i", "{sec-ch-ua-platform}i", "{cookie}i", "{authorization}i")
    fields += ("{set-cookie}o", "{http_user_agent}e", "{x-request-id}i")
    line_format = "%(r)s " + " ".join(f"%({name})s" for name in fields)
    logging.getLogger("gunicorn.access").info(line_format, atoms)
    assert caplog.records[-1].getMessage() == "GET / HTTP/1.1 - - - - - - - req-7"
