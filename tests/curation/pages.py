"""Reading and posting the curation pages in tests: CSRF tokens, forms, the grid's cards."""

from __future__ import annotations

import re


def csrf(client, path: str) -> str:
    """Return the CSRF token of the page at ``path``."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', html)
    assert match, f"no form on {path}"
    return match.group(1)


def post(client, page: str, action: str, data: dict | None = None, **kwargs):
    """POST ``data`` to ``action`` with a CSRF token taken from ``page``."""
    return client.post(action, data={"csrf_token": csrf(client, page), **(data or {})}, **kwargs)


def grid_ids(html: str) -> list[int]:
    """Return the work ids of the grid's cards, in page order."""
    return [
        int(i) for i in re.findall(r'<li class="card[^"]*">\s*<a href="/curate/works/(\d+)', html)
    ]
