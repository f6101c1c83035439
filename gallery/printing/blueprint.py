"""Every URL of the print pages (``/print``) and the view that answers it."""

from __future__ import annotations

from flask import Blueprint

from gallery.printing import export_views, names, singles_views, views

bp = Blueprint("printing", __name__, url_prefix="/print")
bp.context_processor(views.choice_helpers)
# App-wide: the pack pages name the export a pack was made from too.
bp.add_app_template_global(names.export_title, "export_title")
bp.add_app_template_filter(names.shown, "shown")

# Choosing works and a layout, the true-size preview, starting an export.
bp.add_url_rule("", "index", views.index)
bp.add_url_rule("/preview", "preview", views.preview)
bp.add_url_rule("/preview.svg", "preview_svg", views.preview_svg)
bp.add_url_rule("/works/<int:work_id>/image/<int:width>.webp", "work_image", views.work_image)
bp.add_url_rule("/exports", "create_export", views.create_export, methods=["POST"])

# Die-cut singles for a print shop: choose, check, start.
bp.add_url_rule("/singles", "singles", singles_views.singles)
bp.add_url_rule("/singles", "create_singles", singles_views.create_singles, methods=["POST"])

# Exports: progress, download, retry, delete.
bp.add_url_rule("/exports", "list_exports", export_views.list_exports)
bp.add_url_rule("/exports/<int:export_id>", "show_export", export_views.show_export)
bp.add_url_rule("/exports/<int:export_id>/status", "export_status", export_views.export_status)
bp.add_url_rule(
    "/exports/<int:export_id>/download", "download_export", export_views.download_export
)
bp.add_url_rule(
    "/exports/<int:export_id>/credits", "download_credits", export_views.download_credits
)
bp.add_url_rule(
    "/exports/<int:export_id>/retry", "retry_export", export_views.retry_export, methods=["POST"]
)
bp.add_url_rule(
    "/exports/<int:export_id>/delete",
    "delete_export",
    export_views.delete_export,
    methods=["POST"],
)

blueprints = (bp,)
