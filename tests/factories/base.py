"""What every factory shares: unique numbers, the optional own app context, row ids."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import TypeVar

from flask import Flask
from sqlalchemy import inspect

from gallery.extensions import db

Row = TypeVar("Row")

_numbers = itertools.count(1)


def next_number() -> int:
    """Return a number no other factory call in this test process has had (unique names)."""
    return next(_numbers)


@contextmanager
def own_context(app: Flask | None) -> Iterator[None]:
    """Run in ``app``'s own app context when given, else in the one the test already holds.

    A test whose client makes requests must not hold an app context meanwhile (the requests
    would share its ``g`` and its logged-in user), so it passes ``app=`` instead.
    """
    with app.app_context() if app is not None else nullcontext():
        yield


def committed(row: Row, *related: str) -> Row:
    """Commit, then load ``row`` (and its ``related`` rows) so it stays readable detached.

    With ``app=`` the factory's context ends on return: the row comes back detached, its
    columns as committed; only the relationships named here can be followed.
    """
    db.session.commit()
    return loaded(row, *related)


def loaded(row: Row, *related: str) -> Row:
    """Load ``row``'s columns and its ``related`` rows from the database (no commit)."""
    db.session.refresh(row)
    for name in related:
        value = getattr(row, name)
        for other in value if isinstance(value, list) else [value]:
            if other is not None and inspect(other).persistent:
                db.session.refresh(other)
    return row


def id_of(row_or_id) -> int:
    """Return the id of a row, or the id itself: factories take either."""
    return row_or_id if isinstance(row_or_id, int) else row_or_id.id
