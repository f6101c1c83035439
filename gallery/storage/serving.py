"""Serve stored files as inert images: exact type, no sniffing, no scripts, never as HTML."""

from __future__ import annotations

from flask import Response, abort

from gallery.security import FILE_CSP
from gallery.storage.files import get_storage
from gallery.storage.store import StorageError

MIMETYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "pdf": "application/pdf",
}


def send_stored(key: str, *, max_age: int = 0, download_name: str | None = None) -> Response:
    """Return the stored file ``key`` with strict headers, or 404."""
    extension = key.rsplit(".", 1)[-1]
    mimetype = MIMETYPES.get(extension)
    if mimetype is None:
        abort(404)
    try:
        data = get_storage().read(key)
    except (StorageError, OSError):
        abort(404)
    response = Response(data, mimetype=mimetype)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["Cache-Control"] = f"private, max-age={max_age}" if max_age else "no-store"
    disposition = "attachment" if download_name else "inline"
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="{download_name}"' if download_name else disposition
    )
    return response
