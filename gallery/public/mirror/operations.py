"""Mirror the public site into a folder: render what changed, remove what is no longer public."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from gallery.public.mirror.links import LinkStyle, MirrorLinks
from gallery.public.mirror.plan import Output, page_folders, plan_site, render_version
from gallery.public.mirror.render import Renderer
from gallery.public.mirror.site import PublicSite
from gallery.public.mirror.writer import MirrorFolder, Record, sha256

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MirrorReport:
    """What one mirror run holds and did."""

    works: int
    packs: int
    languages: int
    files: int
    written: int
    removed: int


def mirror_site(dest: Path, *, style: LinkStyle, full: bool = False) -> MirrorReport:
    """Write the whole public site into ``dest`` in every language, as plain files.

    Files that are no longer part of the public site (a work withdrawn, deleted, taken off
    the site or without consent; a pack that broke the pack rule) are removed first, before
    anything is rendered. Then each file is made only when what it is made from changed, and
    written only when its bytes did. ``full`` trusts nothing the last run remembered.
    """
    app = current_app._get_current_object()
    languages = list(app.config["LANGUAGES"])
    with _few_collections() as settled, MirrorFolder(Path(dest), full=full) as folder:
        site = PublicSite.load(languages)
        links = MirrorLinks(languages=languages, default=languages[0], style=style)
        renderer = Renderer(app, links)
        version = render_version(app, style)
        outputs = plan_site(site, renderer, languages=languages, version=version)
        planned = {output.path for output in outputs}
        links.hold(pages=page_folders(outputs), files=planned)
        stale = folder.stale(planned)
        folder.remove(stale)
        settled()
        records: dict[str, Record] = {}
        written = 0
        with renderer.active():
            # Each output is let go once done: the records grow as the plan shrinks.
            outputs.reverse()
            while outputs:
                output = outputs.pop()
                records[output.path], changed = _bring_up_to_date(folder, output)
                written += changed
        folder.finish(records)
    log.info("mirror: %s files, %s written, %s removed", len(records), written, len(stale))
    return MirrorReport(
        works=len(site.works),
        packs=len(site.packs),
        languages=len(languages),
        files=len(records),
        written=written,
        removed=len(stale),
    )


def _bring_up_to_date(folder: MirrorFolder, output: Output) -> tuple[Record, bool]:
    """Make ``output`` when what it is made from changed, write it when its bytes did;
    return its record and whether it was written."""
    same = folder.unchanged(output.path, output.source)
    if same is not None:
        return same, False
    data = output.make()
    record = Record(sha256(data), len(data), output.source)
    if folder.holds(output.path, record):
        return record, False
    folder.write(output.path, data)
    return record, True


@contextmanager
def _few_collections() -> Iterator[Callable[[], None]]:
    """Keep the garbage collector from walking the site's objects over and over.

    Reading and planning make some hundred thousand objects that live for the whole run and
    hold no garbage; each collection would walk them all again, which doubled the time of a
    run. Collection is off while they are made; ``settled()`` then sets them aside (``freeze``)
    and turns it back on for rendering, which does leave garbage behind.
    """
    enabled = gc.isenabled()
    gc.disable()

    def settled() -> None:
        """Set the objects made so far aside and collect again from here on."""
        gc.freeze()
        if enabled:
            gc.enable()

    try:
        yield settled
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()
