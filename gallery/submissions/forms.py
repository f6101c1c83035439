"""The submission form and the claim-link forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, Length, Optional, ValidationError

from gallery.models import Licence
from gallery.submissions.text import clean_block, clean_line

LICENCE_CHOICES = [
    SelectChoice(
        Licence.CAMPAIGN.value, _l("Campaign use only (website, stickers, campaign posts)")
    ),
    SelectChoice(Licence.CC_BY.value, _l("Creative Commons Attribution 4.0 (CC BY 4.0)")),
    SelectChoice(
        Licence.CC_BY_NC.value, _l("Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)")
    ),
    SelectChoice(
        Licence.CC_BY_SA.value, _l("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    ),
    SelectChoice(Licence.CC0.value, _l("Public domain dedication (CC0 1.0)")),
]

SLOTS = 10


def _strip(value: str | None) -> str:
    """Filter: clean a one-line text field."""
    return clean_line(value)


class ImageSlotForm(Form):
    """One image of the entry: the file (or an image kept from an earlier try) and its title."""

    file = FileField(_l("Image"))
    title = StringField(_l("Title (optional)"), filters=[_strip], validators=[Length(max=200)])
    pending = HiddenField()


class CreditFields:
    """Credit, link and consents shared by the submission and the claim-link edit form."""

    credit = StringField(
        _l("Credit: how to name you on stickers and on the site"),
        filters=[_strip],
        validators=[Length(max=120)],
        description=_l("A name or a pseudonym. Leave empty and tick “anonymous” to stay unnamed."),
    )
    anonymous = BooleanField(_l("Credit me as anonymous"))
    credit_url = StringField(
        _l("Link shown with your credit (optional)"),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=500),
            URL(
                require_tld=True,
                message=_l("Please enter a full web address starting with https://"),
            ),
        ],
    )
    consent_publish = BooleanField(_l("You may publish my works on the campaign website"))
    consent_print = BooleanField(_l("You may print my works as stickers"))
    consent_social = BooleanField(_l("You may share my works on social media (optional)"))
    licence = RadioField(_l("Licence"), choices=LICENCE_CHOICES, default=Licence.CAMPAIGN.value)

    def validate_credit(self, field: StringField) -> None:
        """Either a credit or the anonymous box, not neither."""
        if not field.data and not self.anonymous.data:
            raise ValidationError(_l("Please enter a credit, or tick “Credit me as anonymous”."))

    def validate_credit_url(self, field: StringField) -> None:
        """Only ordinary web links (no javascript:, data: or other schemes)."""
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError(_l("Please enter a full web address starting with https://"))

    def validate_consent_print(self, field: BooleanField) -> None:
        """A work with neither consent could never be used: ask for at least one."""
        if not field.data and not self.consent_publish.data:
            raise ValidationError(
                _l("Please allow publishing on the website, printing as stickers, or both.")
            )


class SubmitForm(CreditFields, FlaskForm):
    """The public submission form: one entry of 1 to 10 images."""

    contact = StringField(
        _l("Private contact (optional)"),
        filters=[_strip],
        validators=[Length(max=300)],
        description=_l(
            "E-mail or another way to reach you. Kept only if you tick the box below, and"
            " then seen only by the campaign's admins, never by curators or the public."
        ),
    )
    wants_contact = BooleanField(_l("I would like the campaign to contact me"))
    note = TextAreaField(
        _l("Note to the curators (optional)"), filters=[clean_block], validators=[Length(max=2000)]
    )
    images = FieldList(FormField(ImageSlotForm), min_entries=SLOTS, max_entries=SLOTS)
    # Honeypot: hidden from people by CSS, filled in by naive bots.
    website = StringField(_l("Leave this field empty"))
    started = HiddenField()

    def validate_wants_contact(self, field: BooleanField) -> None:
        """Asking to be contacted needs a contact."""
        if field.data and not self.contact.data:
            raise ValidationError(_l("Please give a contact, or untick this box."))


class ClaimEditForm(CreditFields, FlaskForm):
    """What the artist may change later through the claim link."""

    titles = FieldList(
        StringField(_l("Title"), filters=[_strip], validators=[Length(max=200)]), min_entries=0
    )


class ConfirmForm(FlaskForm):
    """A POST-only button (withdraw, delete) that carries CSRF."""

    confirm = BooleanField(_l("Yes, I am sure"))
