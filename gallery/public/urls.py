"""An artist page's address holds the credit as one path segment, whatever the credit says.

Credits are free text. With Werkzeug's ``path`` converter a credit ``../../admin/users``
became ``/artists/../../admin/users``, which browsers resolve to ``/admin/users``. Here every
``/`` (and ``%``, ``?``, ``#``) in the credit is percent-encoded, so the address is
``/artists/..%2F..%2Fadmin%2Fusers``: one segment that is never ``.`` or ``..`` (browsers also
read ``%2e`` as a dot, but a credit's own ``%`` is encoded as ``%25``). Servers decode ``%2F``
before routing, so the route accepts slashes anywhere in the credit, even leading or doubled.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask
from werkzeug.routing import BaseConverter

# Werkzeug's safe characters for path segments, without "/".
_SAFE = "!$&'()*+,:;=@"


class CreditConverter(BaseConverter):
    """Match the rest of the path as a credit; build it as a single encoded segment."""

    # Everything after /artists/, slashes included: a credit may start or end with "/" or
    # hold "//", and routing sees those decoded.
    regex = ".+"
    part_isolating = False
    weight = 200

    def to_url(self, value: str) -> str:
        """Percent-encode the credit so no character of it can end the segment."""
        return quote(str(value), safe=_SAFE)


def register_converters(app: Flask) -> None:
    """Make ``<credit:…>`` available to the app's routes."""
    app.url_map.converters["credit"] = CreditConverter
