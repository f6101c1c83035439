"""The artist's private claim link: follow the entry, edit it, withdraw or delete it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from gallery.intake import print_width_mm
from gallery.models import Entry
from gallery.storage.serving import send_stored
from gallery.submissions.forms import ClaimEditForm, ConfirmForm
from gallery.submissions.operations import (
    delete_entry,
    find_entry_by_claim,
    update_credit,
    withdraw_entry,
)
from gallery.submissions.status import artist_status
from gallery.submissions.views import credit_from_form, forget_entry


def _load(token: str) -> Entry:
    """Return the entry behind the claim token or 404."""
    entry = find_entry_by_claim(token)
    if entry is None:
        abort(404)
    return entry


# Sent with the "deleted" answer: the browser drops what it cached or stored of this site (the
# claim pages and their images). Not "cookies": once ``forget_entry`` has run they hold
# nothing of the entry (the language code, a staff login), and that directive would also
# clear the cookies of every other site under the same parent domain. See the README.
FORGET_SITE_DATA = '"cache", "storage"'
# The withdrawal form's field names start with this ("withdraw-confirm"); deletion's do not.
WITHDRAW_PREFIX = "withdraw"


def show(token: str):
    """Show the entry's status and let the artist edit credit, consents and titles."""
    entry = _load(token)
    form = ClaimEditForm(obj=entry)
    if not form.is_submitted():
        form.anonymous.data = entry.is_anonymous
        form.licence.data = entry.licence.value
        while len(form.titles) < len(entry.works):
            form.titles.append_entry(entry.works[len(form.titles)].title)
    if form.validate_on_submit():
        update_credit(entry, credit=credit_from_form(form), titles=[f.data for f in form.titles])
        flash(_("Your changes are saved."), "success")
        return _back_to_entry(token)
    # Cache-Control: no-store for every claim address is set in gallery/security.py.
    page = render_template(
        "submissions/claim.html",
        entry=entry,
        token=token,
        form=form,
        # Two forms on one page: the withdrawal's fields carry a prefix, so no id is repeated.
        withdraw=ConfirmForm(prefix=WITHDRAW_PREFIX),
        remove=ConfirmForm(),
        status=artist_status,
        print_width_mm=print_width_mm,
    )
    return page, 422 if form.is_submitted() else 200


def _confirmed(prefix: str = "") -> bool:
    """Tell whether the POST carries a valid CSRF token and the ticked confirmation box."""
    form = ConfirmForm(prefix=prefix)
    return form.validate_on_submit() and bool(form.confirm.data)


def _back_to_entry(token: str):
    """Redirect to the claim page after a POST."""
    return redirect(url_for("claim.show", token=token), code=303)


def withdraw(token: str):
    """Withdraw every work of the entry from curation, the site and print."""
    entry = _load(token)
    if not _confirmed(WITHDRAW_PREFIX):
        flash(_("Please tick “Yes, I am sure” to withdraw."), "error")
        return _back_to_entry(token)
    withdraw_entry(entry)
    flash(_("Your entry is withdrawn. It will not be published or printed."), "success")
    return _back_to_entry(token)


def delete(token: str):
    """Delete the entry, its works and their files for good."""
    entry = _load(token)
    if not _confirmed():
        flash(_("Please tick “Yes, I am sure” to delete."), "error")
        return _back_to_entry(token)
    forget_entry(entry.id)
    delete_entry(entry)
    return render_template("submissions/deleted.html"), 200, {"Clear-Site-Data": FORGET_SITE_DATA}


def image(token: str, work_id: int, width: int):
    """Serve a preview of one of the entry's own works to the artist."""
    entry = _load(token)
    work = next((w for w in entry.works if w.id == work_id), None)
    if work is None or width not in work.widths:
        abort(404)
    return send_stored(work.derivative_key(width))
