"""Every URL of the public site and the view that answers it: the gallery, works, artists,
the call for works and its editor, and the Atom feed."""

from __future__ import annotations

from flask import Blueprint

from gallery.public import display, feed, pages, views
from gallery.public.urls import register_converters
from gallery.security import public_page

public = Blueprint("public", __name__)
# Before the routes below are added to the app: the artist route needs the converter.
public.record_once(lambda state: register_converters(state.app))
for helper in (
    display.licence_name,
    display.licence_url,
    display.artist_url,
    display.credit_link,
    display.credit_onion,
    display.link_label,
    display.image_height,
    display.paper_label,
    display.file_size,
):
    public.add_app_template_global(helper, helper.__name__)
public.add_app_template_filter(display.paragraphs, "paragraphs")

# public_page: a page anyone reads, which may name the onion service (Onion-Location).
public.add_url_rule("/", "index", public_page(views.index))
public.add_url_rule("/works/<int:work_id>", "work", public_page(views.work))
public.add_url_rule("/artists/<credit:credit>", "artist", public_page(views.artist))
public.add_url_rule("/works/<int:work_id>/<int:width>.webp", "work_image", views.work_image)
public.add_url_rule("/language/<code>", "set_language", views.set_language)

call = Blueprint("pages", __name__)
call.add_url_rule("/call", "call", public_page(pages.call))
call.add_url_rule("/admin/call", "edit_call", pages.edit_call, methods=["GET", "POST"])

atom = Blueprint("feed", __name__)
atom.add_url_rule("/feed.atom", "atom", feed.atom)

blueprints = (public, call, atom)
