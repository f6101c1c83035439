"""Every URL of the sticker packs (``/packs``) and the view that answers it."""

from __future__ import annotations

from flask import Blueprint

from gallery.packs import views
from gallery.security import public_page

bp = Blueprint("packs", __name__, url_prefix="/packs")

# Anyone: the list, a pack, its preview and its PDF (the two pages may name the onion service).
bp.add_url_rule("", "index", public_page(views.index))
bp.add_url_rule("/<int:pack_id>", "show", public_page(views.show))
bp.add_url_rule("/<int:pack_id>/download", "download", views.download)
bp.add_url_rule("/<int:pack_id>/preview.webp", "preview", views.preview)

# Printers: publish an export as a pack, hide, show again, delete.
bp.add_url_rule("/new", "new", views.new, methods=["GET", "POST"])
bp.add_url_rule("/<int:pack_id>/publish", "publish", views.publish, methods=["POST"])
bp.add_url_rule("/<int:pack_id>/unpublish", "unpublish", views.unpublish, methods=["POST"])
bp.add_url_rule("/<int:pack_id>/delete", "delete", views.delete, methods=["POST"])

blueprints = (bp,)
