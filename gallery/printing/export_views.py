"""Finished and running exports: progress, status for polling, download, retry and delete."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gallery import jobs, liveness
from gallery.accounts.access import require
from gallery.extensions import db
from gallery.jobs import start_job
from gallery.lifecycle.policy import unprintable_works
from gallery.models import Export, ExportState
from gallery.permissions import can_print
from gallery.printing import operations, preflights
from gallery.printing.forms import ConfirmForm
from gallery.storage.serving import send_stored


def error_text(export: Export) -> str:
    """Return why an export failed, in the reader's language where the reason is known."""
    if export.error == liveness.INTERRUPTED:
        return _("The server stopped while this export was being made. Please try again.")
    if export.error == liveness.LOST:
        return _("The job queue lost this export before it was made. Please try again.")
    if export.error == jobs.TIMED_OUT:
        return _("This export took too long and was stopped. Try fewer sheets.")
    if export.state is ExportState.REMOVED:
        return str(operations.removed_message())
    if export.error.startswith(preflights.FAILED_PREFIX):
        details = export.error[len(preflights.FAILED_PREFIX) :]
        return _("The PDF failed preflight, so it is not offered: %(details)s", details=details)
    if export.error in ("", "error"):
        return _("Something went wrong while making the PDF. Please try again.")
    return export.error


def _templates_context() -> dict:
    """Give the export templates their helpers."""
    return {
        "error_text": error_text,
        "unprintable_message": operations.unprintable_message,
        "confirm": ConfirmForm(),
        "states": ExportState,
        "check_text": preflights.check_text,
        "check_name": preflights.check_name,
        "status_name": preflights.status_name,
    }


def _as_it_stands(export_id: int) -> Export:
    """Load an export or 404; a job nobody holds any more is failed first, so it can be retried."""
    export = db.get_or_404(Export, export_id)
    liveness.fail_stale_jobs([export])
    return export


@require(can_print)
def list_exports():
    """List exports, newest first, with their options and downloads."""
    exports = operations.recent_exports(limit=100)
    running = any(export.is_active for export in exports)
    return render_template(
        "printing/exports.html",
        exports=exports,
        running=running,
        blocked=unprintable_works(exports),
        **_templates_context(),
    )


@require(can_print)
def show_export(export_id: int):
    """Show one export: progress while it runs (the page refreshes itself), then the download."""
    export = _as_it_stands(export_id)
    return render_template(
        "printing/export.html",
        export=export,
        blocked=unprintable_works([export]),
        **_templates_context(),
    )


@require(can_print)
def export_status(export_id: int):
    """Report an export's state and progress as JSON for the progress bar."""
    export = _as_it_stands(export_id)
    data = {
        "id": export.id,
        "state": export.state.value,
        "progress": export.progress,
        "total": export.total,
        "sheets": export.sheets,
    }
    blocked = unprintable_works([export]).get(export.id)
    if export.state is ExportState.DONE and not blocked:
        data["download"] = url_for("printing.download_export", export_id=export.id)
    if export.state in (ExportState.FAILED, ExportState.REMOVED):
        data["error"] = error_text(export)
    elif blocked:
        data["error"] = str(operations.unprintable_message(blocked))
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"
    return response


@require(can_print)
def download_export(export_id: int):
    """Download a finished export's PDF, unless a work in it may no longer be printed."""
    export = db.get_or_404(Export, export_id)
    key = operations.pdf_for_download(export)
    return send_stored(key, download_name=operations.download_name(export))


@require(can_print)
def download_credits(export_id: int):
    """Download a singles export's credits file, by the same rule as its PDF."""
    export = db.get_or_404(Export, export_id)
    key = operations.credits_for_download(export)
    return send_stored(key, download_name=operations.download_name(export, "credits"))


@require(can_print)
def retry_export(export_id: int):
    """Queue a failed export again with the same choices."""
    export = _as_it_stands(export_id)
    if export.state is not ExportState.FAILED:
        abort(409)
    operations.retry_export(export=export, by=current_user)
    start_job("export", export.id)
    return redirect(url_for("printing.show_export", export_id=export.id), code=303)


@require(can_print)
def delete_export(export_id: int):
    """Delete an export and, after the commit, its PDF."""
    export = _as_it_stands(export_id)
    if export.is_active:
        abort(409)
    operations.delete_export(export=export, by=current_user)
    flash(_("The export was deleted."), "info")
    return redirect(url_for("printing.list_exports"), code=303)
