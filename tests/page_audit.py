"""Reading answers the way a privacy scanner does: HTML addresses, CSP and feature policies.

Shared by the privacy tests of the public pages, the claim pages and the directory-scanner
sweep over every route.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

EMBED_TAGS = {"iframe", "object", "embed", "video", "audio", "source", "track", "frame", "base"}

# Every powerful feature a page could ask the browser for (W3C and browser feature lists),
# written out here independently of gallery/security.py.
POWERFUL_FEATURES = """
    accelerometer ambient-light-sensor autoplay battery bluetooth browsing-topics camera
    clipboard-read clipboard-write display-capture document-domain encrypted-media
    fullscreen gamepad geolocation gyroscope hid idle-detection interest-cohort local-fonts
    magnetometer microphone midi payment picture-in-picture publickey-credentials-create
    publickey-credentials-get screen-wake-lock serial speaker-selection storage-access usb
    web-share xr-spatial-tracking identity-credentials-get otp-credentials window-management
    attribution-reporting join-ad-interest-group run-ad-auction
""".split()  # noqa: SIM905  (a list as people write it)


class Audit(HTMLParser):
    """Collect every place a page could make the browser contact a host."""

    def __init__(self) -> None:
        """Start with empty findings."""
        super().__init__()
        self.fetches: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.forbidden: list[str] = []
        self.tags: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record fetched URLs, outgoing links and forbidden constructs of one tag."""
        self.tags.append(tag)
        values = {name: value or "" for name, value in attrs}
        if tag == "script":
            self.scripts.append(values.get("src", ""))
        if tag in ("script", "style") or tag in EMBED_TAGS:
            self.forbidden.append(tag)
        if "style" in values or any(name.startswith("on") for name in values):
            self.forbidden.append(f"{tag} inline style/handler")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.forbidden.append("meta refresh")
        for name in ("src", "poster", "background", "data", "action", "formaction"):
            if name in values:
                self.fetches.append(values[name])
        if "srcset" in values:
            self.fetches += [
                part.split()[0] for part in values["srcset"].split(",") if part.strip()
            ]
        if tag == "link":
            self.fetches.append(values.get("href", ""))
        if tag == "a" and "href" in values:
            self.links.append((values["href"], values.get("rel", "")))


def audit(html: str) -> Audit:
    """Parse ``html`` and return what it fetches and links to."""
    found = Audit()
    found.feed(html)
    return found


def is_local(url: str, host: str = "gallery.test") -> bool:
    """Tell whether ``url`` stays on this site (relative, data:, or our own host)."""
    url = url.strip()
    if url.startswith("data:"):
        return True
    parts = urlsplit(url)
    return (not parts.scheme and not parts.netloc) or parts.netloc == host


def permissions(response) -> dict[str, str]:
    """Return the Permissions-Policy as {feature: allowlist}."""
    policy = response.headers.get("Permissions-Policy", "")
    pairs = (item.strip().split("=", 1) for item in policy.split(",") if item.strip())
    return {name: allowlist for name, allowlist in pairs}


def directives(csp: str) -> dict[str, list[str]]:
    """Return a Content-Security-Policy as {directive: sources}."""
    parsed = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed
