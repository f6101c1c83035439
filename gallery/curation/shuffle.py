"""The per-curator shuffled order of works: computed in SQL, stored per curator for speed.

Order does not bias judging when each curator sees the works in their own fixed, random-looking
order. The key is integer arithmetic in SQL (SQLite and PostgreSQL alike), seeded from the app
secret and the curator; the grid reads it from ``shuffle_keys`` (indexed per curator) so a page
costs an index range scan instead of sorting every work.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    bindparam,
    cast,
    exists,
    func,
    literal,
    select,
)

from gallery.database import dialect_insert
from gallery.extensions import db
from gallery.models import User, Work
from gallery.models.curation import ShuffleKey

# A prime just under 2**31: products of two residues stay below 2**62, inside SQLite's and
# PostgreSQL's 64-bit integers.
_MODULUS = 2_147_483_647
# Bind parameter names of the curator's four numbers (see ``shuffle_key_parameters``).
_PARAMETERS = ("shuffle_a", "shuffle_b", "shuffle_c", "shuffle_d")


def shuffle_key(user_id: int) -> ColumnElement[int]:
    """Return the curator's pseudo-random sort key of ``Work`` rows as a SQL expression.

    Two rounds (an affine map, then a squaring) modulo a prime, seeded from the app secret and
    the curator: the same curator always gets the same order, another curator another one, and
    nobody can steer it.
    """
    return _key(*_coefficients(user_id))


def shuffle_key_parameters() -> ColumnElement[int]:
    """Return ``shuffle_key`` with the curator's numbers as bind parameters.

    For statements built once and run for any curator; run them with
    ``shuffle_parameters(user_id)``.
    """
    return _key(*(bindparam(name, type_=BigInteger) for name in _PARAMETERS))


def shuffle_parameters(user_id: int) -> dict[str, int]:
    """Return the bind parameters of ``shuffle_key_parameters`` for the curator."""
    return dict(zip(_PARAMETERS, _coefficients(user_id), strict=True))


def _coefficients(user_id: int) -> tuple[int, int, int, int]:
    """Return the curator's four numbers of the key, derived from the app secret."""
    secret = current_app.config["SECRET_KEY"]
    digest = hmac.new(str(secret).encode(), f"shuffle:{user_id}".encode(), hashlib.sha256).digest()
    a, b, c, d = (int.from_bytes(digest[i : i + 4], "big") % _MODULUS for i in range(0, 16, 4))
    return a, b or 1, c, d or 1


def _key(a, b, c, d) -> ColumnElement[int]:
    """Return the key of ``Work`` rows for the numbers ``a`` to ``d`` (values or parameters)."""
    first = (cast(Work.id, BigInteger) * b + a) % _MODULUS
    return ((first * first) % _MODULUS * d + c) % _MODULUS


def _insert_ignoring():
    """Return INSERT … ON CONFLICT DO NOTHING into ``shuffle_keys`` (racing fills are fine)."""
    return dialect_insert(ShuffleKey).on_conflict_do_nothing()


def _fill(user_id: int, *conditions) -> int:
    """Store the curator's keys of the works matching ``conditions``; return how many."""
    have = exists().where(ShuffleKey.user_id == user_id, ShuffleKey.work_id == Work.id)
    source = select(literal(user_id), Work.id, shuffle_key(user_id)).where(~have, *conditions)
    statement = _insert_ignoring().from_select(["user_id", "work_id", "key"], source)
    return db.session.execute(statement).rowcount


def keys_behind(user_id) -> ColumnElement[bool]:
    """Return "works exist that are newer than the curator's newest key" (two index lookups).

    Work ids only grow, so this tells cheaply whether ``store_shuffle_keys`` has work to do;
    ``user_id`` may be a bind parameter.
    """
    newest = select(func.max(Work.id)).scalar_subquery()
    known = select(func.max(ShuffleKey.work_id)).where(ShuffleKey.user_id == user_id)
    return newest > func.coalesce(known.scalar_subquery(), 0)


def store_shuffle_keys(user_id: int) -> int:
    """Store the curator's keys of every work that has none yet; return how many."""
    return _fill(user_id)


def shuffle_new_works(works: Iterable[Work]) -> None:
    """Give new works their keys for every staff account, in the transaction creating them.

    Only accounts that hold keys already get them. An account without any (new, or never on
    the grid) gets all of its keys at once on its first view; a key for the newest work alone
    would make ``keys_behind`` believe its keys complete and hide every older work.
    """
    ids = [work.id for work in works]
    if not ids:
        return
    has_keys = exists().where(ShuffleKey.user_id == User.id)
    for user_id in db.session.scalars(select(User.id).where(has_keys)):
        _fill(user_id, Work.id.in_(ids))
