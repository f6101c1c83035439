"""What the mirror may show: exactly what the live site shows, asked of the same rules.

Works come from the public queries (the lifecycle's ``public_condition``: consent, decision,
not withdrawn, not deleted), packs from the packs' own rule (``public_packs``), the call for
works from the admin's texts. Nothing else is read, so nothing else can reach a mirror.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from gallery.models import Pack, Page
from gallery.packs.operations import public_packs
from gallery.public.content import CALL, shown_page
from gallery.public.display import has_artist_page
from gallery.public.queries import Catalogue, PublicWork


@dataclass(frozen=True)
class PublicSite:
    """Everything the public may see, read once: works, packs, the call for works per language."""

    catalogue: Catalogue
    packs: list[Pack]
    calls: dict[str, Page | None]

    @classmethod
    def load(cls, languages: Iterable[str]) -> PublicSite:
        """Read the public works, the public packs and each language's call for works."""
        return cls(
            catalogue=Catalogue.load(),
            packs=public_packs(),
            calls={code: shown_page(CALL, code) for code in languages},
        )

    @property
    def works(self) -> list[PublicWork]:
        """Return every public work, newest first."""
        return self.catalogue.works

    def artists(self) -> list[str]:
        """Return the credits that have an artist page, in a stable order."""
        return sorted(credit for credit in self.catalogue.credits if has_artist_page(credit))


def digest(*parts: object) -> str:
    """Return the hex SHA-256 of ``parts`` (what a file is made from, in the manifest)."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()


def work_digest(shown: PublicWork) -> str:
    """Return what public pages show of a work: when one of these changes, they change.

    Only public facts: the same page shows every one of them (never a contact, a note, a
    file token or a content hash).
    """
    work, entry = shown.work, shown.entry
    return repr(
        (
            work.id,
            work.title,
            work.derivative_widths,
            work.width,
            work.height,
            work.has_alpha,
            entry.credit,
            entry.credit_url,
            str(entry.licence),
            shown.published_at.isoformat(),
        )
    )


def pack_digest(pack: Pack) -> str:
    """Return what public pages and the feed show of a pack (its PDF's own key aside)."""
    export = pack.export
    return repr(
        (
            pack.id,
            pack.title,
            pack.description,
            pack.preview_key is not None,
            pack.page_width_mm,
            pack.page_height_mm,
            pack.published_at and pack.published_at.isoformat(),
            pack.created_at and pack.created_at.isoformat(),
            export.sheets,
            export.layout_name,
            export.pdf_size,
        )
    )
