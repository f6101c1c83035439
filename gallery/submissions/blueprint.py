"""Every URL an artist uses (the form, the receipt, the private claim link) and its view."""

from __future__ import annotations

from flask import Blueprint

from gallery.submissions import claim, views

submit = Blueprint("submissions", __name__)
submit.add_url_rule("/submit", "submit", views.submit, methods=["GET", "POST"])
submit.add_url_rule("/submit/receipt", "receipt", views.receipt)
submit.add_url_rule("/submit/kept/<path:token>", "kept_preview", views.kept_preview)

claim_link = Blueprint("claim", __name__, url_prefix="/claim")
claim_link.add_url_rule("/<token>", "show", claim.show, methods=["GET", "POST"])
claim_link.add_url_rule("/<token>/withdraw", "withdraw", claim.withdraw, methods=["POST"])
claim_link.add_url_rule("/<token>/delete", "delete", claim.delete, methods=["POST"])
claim_link.add_url_rule("/<token>/works/<int:work_id>/<int:width>.webp", "image", claim.image)

blueprints = (submit, claim_link)
