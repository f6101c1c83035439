"""Sticker packs: as rows, or published through the real operation (preview rendered)."""

from __future__ import annotations

from flask import Flask

from gallery.extensions import db
from gallery.models import Export, Pack, User
from gallery.packs.operations import publish_pack
from tests.factories.accounts import make_user
from tests.factories.base import committed, id_of, own_context
from tests.factories.printing import make_export


def make_pack(
    *,
    export: Export | int | None = None,
    title: str = "Spring pack",
    description: str = "",
    published: bool = True,
    preview_key: str | None = None,
    app: Flask | None = None,
) -> Pack:
    """Create a pack of ``export`` as a row (a new finished export if none is given).

    Nothing is checked or rendered: a test can make a pack the publication rule would refuse.
    """
    with own_context(app):
        export_id = id_of(export) if export is not None else make_export().id
        pack = Pack(
            export_id=export_id,
            title=title,
            description=description,
            published=published,
            preview_key=preview_key,
        )
        db.session.add(pack)
        return committed(pack)


def store_pack(
    *,
    export: Export | int,
    title: str = "Spring pack",
    description: str = "",
    by: User | int | None = None,
    app: Flask | None = None,
) -> Pack:
    """Publish ``export`` as a pack through the real ``publish_pack``, as a printer does.

    Its preview is rendered when pdftoppm is installed. ``by`` defaults to a new printer.
    """
    with own_context(app):
        printer = db.session.get(User, id_of(by)) if by is not None else make_user("printer")
        pack = publish_pack(
            export=db.session.get(Export, id_of(export)),
            title=title,
            description=description,
            by=printer,
        )
        return committed(pack)
