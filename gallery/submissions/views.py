"""Views of the artist's side: the submission form and the receipt."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from gallery.extensions import db, limiter
from gallery.intake import IntakeError, print_width_mm
from gallery.models import Entry, Licence
from gallery.storage.serving import send_stored
from gallery.submissions import antispam
from gallery.submissions.forms import SubmitForm
from gallery.submissions.images import StoredImage, load_pending, pending_token, store_upload
from gallery.submissions.messages import file_too_big_message, refusal_message
from gallery.submissions.operations import (
    Credit,
    ImageAlreadySent,
    create_entry,
    images_already_sent,
)
from gallery.submissions.text import clean_line

_RECEIPT = "submission_receipt"


def _submit_limit() -> str:
    """Return the operator's rate limit for sending the form."""
    return current_app.config["SUBMIT_RATE_LIMIT"]


@limiter.limit(_submit_limit, methods=["POST"])
def submit():
    """Show the submission form; on POST take in the images and create the entry."""
    form = SubmitForm()
    # HEAD is answered like GET (Flask drops the body); only a POST sends the form.
    if request.method != "POST":
        form.started.data = antispam.issue_started_token()
        return render_template("submissions/submit.html", form=form, kept={})
    # Spam checks come first: a refused form never costs a decode or a stored file.
    if form.website.data:
        # A bot filled the hidden field: say nothing useful, store nothing.
        abort(400)
    trapped = _time_trap_problems(form)
    form_ok = form.validate()
    if trapped:
        return _refused(form, _kept_from_earlier(form), {}, trapped)
    problems: list[str] = []
    kept, refused = _take_images(form)
    if not kept and not refused:
        problems.append(_("Please add at least one image."))
    if problems or refused or not form_ok:
        return _refused(form, kept, refused, problems)
    images = [(kept[slot], clean_line(form.images[slot].form.title.data)) for slot in sorted(kept)]
    entry, token = _store_entry(form, images)
    session[_RECEIPT] = {"entry": entry.id, "token": token}
    return redirect(url_for("submissions.receipt"), code=303)


def _store_entry(form: SubmitForm, images: list[tuple[StoredImage, str]]) -> tuple[Entry, str]:
    """Create the entry; return it and its claim token, or refuse a form sent twice."""
    try:
        return create_entry(
            credit=credit_from_form(form),
            contact=form.contact.data,
            wants_contact=form.wants_contact.data,
            note=form.note.data,
            images=images,
        )
    except IntegrityError:
        # Two copies of one form raced past the check; the unique file token let one win. The
        # failed insert leaves the session unusable until it is rolled back.
        db.session.rollback()
        if not images_already_sent([image for image, _title in images]):
            raise
        raise ImageAlreadySent from None


def receipt():
    """Show the claim link once, right after submitting."""
    data = session.pop(_RECEIPT, None)
    if not data:
        return redirect(url_for("submissions.submit"))
    from gallery.submissions.operations import find_entry_by_claim

    entry = find_entry_by_claim(data["token"])
    if entry is None:
        abort(404)
    claim_url = url_for("claim.show", token=data["token"], _external=True)
    # Never stored by a browser or proxy: gallery/security.py marks every /submit answer.
    return render_template(
        "submissions/receipt.html",
        entry=entry,
        claim_url=claim_url,
        print_width_mm=print_width_mm,
    )


def forget_entry(entry_id: int) -> None:
    """Drop from the session what the artist's pages of entry ``entry_id`` left there.

    A receipt not yet shown holds the claim link; the form token served the claim pages (the
    next form gets a new one). The session cookie changes, which is also what makes Chromium
    drop the claim pages it kept for Back: it restores a no-store page only while the site's
    cookies stay the same.
    """
    data = session.get(_RECEIPT)
    if data and data.get("entry") == entry_id:
        session.pop(_RECEIPT)
    session.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def kept_preview(token: str):
    """Show the small preview of an image kept from a refused form (signed token only)."""
    image = load_pending(token)
    if image is None:
        abort(404)
    return send_stored(image.derivative_key(image.widths[0]))


def credit_from_form(form) -> Credit:
    """Read the credit and consent fields shared by the submission and edit forms."""
    return Credit(
        credit="" if form.anonymous.data else form.credit.data,
        credit_url=form.credit_url.data or "",
        consent_publish=form.consent_publish.data,
        consent_print=form.consent_print.data,
        consent_social=form.consent_social.data,
        licence=Licence(form.licence.data),
    )


def _take_images(form: SubmitForm) -> tuple[dict[int, StoredImage], dict[int, str]]:
    """Run every sent file through the intake; return kept images and refusals by slot."""
    kept: dict[int, StoredImage] = {}
    refused: dict[int, str] = {}
    seen: dict[str, int] = {}
    max_bytes = current_app.config["MAX_IMAGE_BYTES"]
    slots = min(current_app.config["MAX_IMAGES_PER_ENTRY"], len(form.images))
    for slot, field in enumerate(form.images[:slots]):
        upload = request.files.get(f"images-{slot}-file")
        # A kept image's file name was dropped with its metadata: only a new file has one.
        name = ""
        if _chosen(upload):
            data = upload.stream.read(max_bytes + 1)
            name = clean_line(upload.filename)[:80]
            if len(data) > max_bytes:
                refused[slot] = _named(slot, name, file_too_big_message(max_bytes))
                continue
            try:
                image = store_upload(data)
            except IntakeError as error:
                refused[slot] = _named(slot, name, refusal_message(error))
                continue
        elif field.form.pending.data:
            image = load_pending(field.form.pending.data)
            if image is None:
                refused[slot] = _named(
                    slot, "", _("This image expired. Please choose the file again.")
                )
                continue
        else:
            continue
        if image.content_sha256 in seen:
            refused[slot] = _named(
                slot,
                name,
                _("This is the same image as image %(n)s.", n=seen[image.content_sha256] + 1),
            )
            continue
        seen[image.content_sha256] = slot
        kept[slot] = image
    return kept, refused


def _named(slot: int, filename: str, message: str) -> str:
    """Prefix a refusal with which image it is about."""
    if filename:
        return _(
            "Image %(n)s (“%(name)s”): %(message)s", n=slot + 1, name=filename, message=message
        )
    return _("Image %(n)s: %(message)s", n=slot + 1, message=message)


def _time_trap_problems(form: SubmitForm) -> list[str]:
    """Return why the time trap refused the form (nothing when it passed)."""
    try:
        antispam.check_started_token(form.started.data)
    except antispam.TimeTrapError as trap:
        problems = [_time_trap_message(trap.reason)]
        if _files_sent(form):
            problems.append(_("The images you chose were not kept. Please choose them again."))
        return problems
    return []


def _files_sent(form: SubmitForm) -> bool:
    """Tell whether the request carries any chosen file (read no further than that)."""
    slots = min(current_app.config["MAX_IMAGES_PER_ENTRY"], len(form.images))
    return any(_chosen(request.files.get(f"images-{slot}-file")) for slot in range(slots))


def _chosen(upload) -> bool:
    """Tell whether a file input carries a file (browsers send an empty part for none)."""
    return isinstance(upload, FileStorage) and bool(upload.filename or upload.content_length)


def _kept_from_earlier(form: SubmitForm) -> dict[int, StoredImage]:
    """Return images kept from an earlier try, by slot, as their signed tokens describe them."""
    kept: dict[int, StoredImage] = {}
    slots = min(current_app.config["MAX_IMAGES_PER_ENTRY"], len(form.images))
    for slot, field in enumerate(form.images[:slots]):
        image = load_pending(field.form.pending.data or "")
        if image is not None:
            kept[slot] = image
    return kept


def _time_trap_message(reason: str) -> str:
    """Explain a time-trap refusal to a person who may not be a bot."""
    if reason == "too_fast":
        return _("The form was sent too quickly. Please check it and send it again.")
    if reason == "too_old":
        return _("The form was open for too long. Please check it and send it again.")
    return _("The form could not be checked. Please send it again.")


def _refused(form: SubmitForm, kept: dict[int, StoredImage], refused: dict[int, str], problems):
    """Show the form again with what went wrong; keep the text and the accepted images."""
    for slot, image in kept.items():
        form.images[slot].form.pending.data = pending_token(image)
    for slot in refused:
        form.images[slot].form.pending.data = ""
    form.started.data = antispam.issue_started_token()
    kept_view = {
        slot: {
            "token": form.images[slot].form.pending.data,
            "mm": print_width_mm(image.width),
            "vector": bool(image.vector_ext),
        }
        for slot, image in kept.items()
    }
    html = render_template(
        "submissions/submit.html", form=form, kept=kept_view, refused=refused, problems=problems
    )
    return html, 422
