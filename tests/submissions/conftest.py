"""Helpers for sending the submission form like a browser does."""

from __future__ import annotations

import io
import re

import pytest


def hidden_value(html: str, name: str) -> str:
    """Return the value of the hidden input ``name`` in ``html``."""
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    assert match, f"no hidden field {name}"
    return match.group(1)


class Artist:
    """Drives the public submission form through the test client."""

    def __init__(self, client) -> None:
        """Bind to a test client."""
        self.client = client

    def form_tokens(self, path: str = "/submit") -> dict[str, str]:
        """GET the form and return its CSRF and time-trap tokens."""
        html = self.client.get(path).get_data(as_text=True)
        return {
            "csrf_token": hidden_value(html, "csrf_token"),
            "started": hidden_value(html, "started"),
        }

    def submit(self, images=(), *, tokens=None, follow_redirects=False, **fields):
        """POST the form with ``images`` as (bytes, filename[, title]) tuples."""
        data = {
            **(tokens or self.form_tokens()),
            "credit": "Maria K.",
            "consent_publish": "y",
            "consent_print": "y",
            "licence": "campaign",
        }
        data.update(fields)
        for slot, image in enumerate(images):
            content, name, *rest = image
            data[f"images-{slot}-file"] = (io.BytesIO(content), name)
            if rest:
                data[f"images-{slot}-title"] = rest[0]
        return self.client.post(
            "/submit",
            data=data,
            content_type="multipart/form-data",
            follow_redirects=follow_redirects,
        )

    def resend(self, page: str, images=(), **fields):
        """POST the form shown in ``page`` again, with every hidden field a browser sends back."""
        hidden = dict(
            re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"', page)
        )
        data = {name: value for name, value in hidden.items() if name != "website"}
        tokens = {"csrf_token": data.pop("csrf_token"), "started": data.pop("started")}
        return self.submit(images, tokens=tokens, **{**data, **fields})

    def claim_url(self, response) -> str:
        """Follow the redirect to the receipt and return the claim path shown there."""
        receipt = self.client.get(response.headers["Location"]).get_data(as_text=True)
        match = re.search(r'value="https?://[^/"]+(/claim/[^"]+)"', receipt)
        assert match, "receipt shows no claim link"
        return match.group(1)


@pytest.fixture
def artist(client) -> Artist:
    """An artist using the public form."""
    return Artist(client)
