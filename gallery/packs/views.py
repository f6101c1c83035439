"""Sticker packs: the public list, a pack page, the anonymous PDF download, and staff actions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gallery.accounts.access import require
from gallery.caching import public_cache_seconds, shared_cache
from gallery.errors import flash_refusal
from gallery.extensions import db
from gallery.models import Pack
from gallery.packs import operations as packing
from gallery.packs.forms import ButtonForm, PackForm
from gallery.packs.operations import PackRefused
from gallery.permissions import can_publish_pack
from gallery.refusals import Refused
from gallery.storage.serving import send_stored


def _pack_or_404(pack_id: int) -> Pack:
    """Return a published pack, or any pack for staff who manage packs; else 404."""
    if can_publish_pack(current_user):
        pack = db.session.get(Pack, pack_id)
    else:
        pack = packing.find_public_pack(pack_id)
    if pack is None:
        abort(404)
    return pack


@shared_cache
def index():
    """List the published sticker packs (and, for staff, the hidden ones)."""
    manage = can_publish_pack(current_user)
    hidden = packing.hidden_packs() if manage else []
    blocked = packing.blockers(hidden)
    # Only staff get the buttons' form: visitors' pages set no session cookie.
    button = ButtonForm() if manage else None
    return render_template(
        "packs/index.html",
        packs=packing.published_packs(),
        hidden=hidden,
        blocked=blocked,
        button=button,
    )


@shared_cache
def show(pack_id: int):
    """Show a pack: its first sheet, the paper it needs, and how to print it."""
    pack = _pack_or_404(pack_id)
    manage = can_publish_pack(current_user)
    button = ButtonForm() if manage else None
    blocked = packing.blockers([pack]).get(pack.export_id) if manage else None
    return render_template(
        "packs/show.html", pack=pack, manage=manage, button=button, blocked=blocked
    )


def _show_refused(pack: Pack, refused: Refused):
    """Render a staff pack page saying why an action was refused, with its status."""
    flash_refusal(refused)
    blocked = getattr(refused, "work_ids", None)
    page = render_template(
        "packs/show.html", pack=pack, manage=True, button=ButtonForm(), blocked=blocked
    )
    return page, refused.status


@shared_cache
def download(pack_id: int):
    """Send the pack's PDF to anyone, no account needed (published packs only)."""
    pack = packing.find_public_pack(pack_id)
    if pack is None:
        abort(404)
    name = packing.download_name(pack.id)
    return send_stored(pack.export.pdf_key, max_age=public_cache_seconds(), download_name=name)


@shared_cache
def preview(pack_id: int):
    """Serve the picture of the pack's first sheet."""
    pack = _pack_or_404(pack_id)
    if not pack.preview_key:
        abort(404)
    return send_stored(pack.preview_key, max_age=public_cache_seconds())


@require(can_publish_pack)
def new():
    """Publish a finished export (``?export=<id>``) as a pack with a title and description."""
    export = packing.find_finished_export(request.args.get("export", type=int))
    if export is None:
        abort(404)
    existing = packing.pack_for_export(export)
    if existing is not None:
        flash(_("This export is already a sticker pack."), "info")
        return redirect(url_for("packs.show", pack_id=existing.id), code=303)
    form = PackForm()
    try:
        packing.check_publishable(export)
        if not form.validate_on_submit():
            return render_template("packs/new.html", form=form, export=export)
        pack = packing.publish_pack(
            export=export,
            title=form.title.data,
            description=form.description.data,
            by=current_user,
        )
    except PackRefused as refused:
        flash_refusal(refused)
        code = refused.status if request.method == "POST" else 200
        return render_template("packs/new.html", form=form, export=export), code
    if not pack.preview_key:
        flash(_("The pack is published, but no preview could be made of it."), "info")
    else:
        flash(_("The pack is published."), "success")
    return redirect(url_for("packs.show", pack_id=pack.id), code=303)


@require(can_publish_pack)
def publish(pack_id: int):
    """Show a hidden pack on the public site again."""
    return _toggle(pack_id, published=True, message=_("The pack is published."))


@require(can_publish_pack)
def unpublish(pack_id: int):
    """Hide a pack from the public site (it can be published again)."""
    return _toggle(pack_id, published=False, message=_("The pack is hidden from the public."))


def _toggle(pack_id: int, *, published: bool, message: str):
    """Load the pack, check the button's CSRF, publish or hide it, and go back to it."""
    pack = db.get_or_404(Pack, pack_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        packing.set_published(pack, published=published, by=current_user)
    except Refused as refused:
        return _show_refused(pack, refused)
    flash(message, "success")
    return redirect(url_for("packs.show", pack_id=pack.id), code=303)


@require(can_publish_pack)
def delete(pack_id: int):
    """Delete a pack (the export and its PDF stay on the print side)."""
    pack = db.get_or_404(Pack, pack_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    packing.delete_pack(pack, by=current_user)
    flash(_("The pack is deleted."), "success")
    return redirect(url_for("packs.index"), code=303)
