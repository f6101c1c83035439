"""lifecycle: publication and print selection as separate decisions, export items as foreign
keys, the deletion ledger, ids that are never reused, contacts kept only when wanted

Revision ID: 7d3f0b1c9e52
Revises: 5c1e9a7d2b40
Create Date: 2026-12-02 09:00:00.000000

Existing data: a work that was "published" stays published, one that was "selected" stays
selected (and is not made public: publishing it is a curator's decision nobody took). Old
decision rows keep what they decided. Export items move from a JSON list to rows with foreign
keys; an export that named a work that no longer exists is marked removed. A private contact
given without asking to be contacted is erased.
"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d3f0b1c9e52'
down_revision = '5c1e9a7d2b40'
branch_labels = None
depends_on = None

# Every table with an integer id: on SQLite they are rebuilt with AUTOINCREMENT, so the id of
# a deleted row is never handed out again (PostgreSQL sequences never go back anyway).
ID_TABLES = (
    'users', 'invites', 'entries', 'works', 'votes', 'decisions', 'duplicate_pairs',
    'releases', 'pages', 'exports', 'packs', 'pair_comparisons', 'pair_reservations',
    'pairwise_refresh',
)

works = sa.table(
    'works',
    sa.column('id', sa.Integer),
    sa.column('status', sa.String),
    sa.column('published', sa.Boolean),
    sa.column('selected', sa.Boolean),
)
decisions = sa.table(
    'decisions',
    sa.column('action', sa.String),
    sa.column('from_status', sa.String),
    sa.column('to_status', sa.String),
    sa.column('published', sa.Boolean),
    sa.column('selected', sa.Boolean),
)
exports = sa.table(
    'exports',
    sa.column('id', sa.Integer),
    sa.column('items', sa.Text),
    sa.column('state', sa.String),
    sa.column('error', sa.Text),
    sa.column('pdf_key', sa.String),
)
export_items = sa.table(
    'export_items',
    sa.column('export_id', sa.Integer),
    sa.column('position', sa.Integer),
    sa.column('work_id', sa.Integer),
    sa.column('copies', sa.Integer),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


entries = sa.table(
    'entries',
    sa.column('contact', sa.String),
    sa.column('wants_contact', sa.Boolean),
)


def upgrade():
    # A private contact is kept only when the artist asked to be contacted.
    op.execute(entries.update().where(entries.c.wants_contact.is_(False)).values(contact=''))

    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('selected', sa.Boolean(), server_default=sa.false(), nullable=False))
    for old in ('published', 'selected'):
        op.execute(
            works.update().where(works.c.status == old).values({old: sa.true(), 'status': 'accepted'})
        )
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.create_check_constraint('ck_works_accepted', "(status = 'accepted') = (published OR selected)")

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action', sa.Enum('shortlisted', 'published', 'unpublished', 'selected', 'unselected', 'declined', name='decisionaction', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('selected', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(decisions.update().values(action=decisions.c.to_status))
    for old in ('published', 'selected'):
        op.execute(decisions.update().where(decisions.c.to_status == old).values({old: sa.true(), 'to_status': 'accepted'}))
        op.execute(decisions.update().where(decisions.c.from_status == old).values(from_status='accepted'))
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.alter_column('action', existing_type=sa.String(length=20), nullable=False)

    op.create_table('export_items',
    sa.Column('export_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('work_id', sa.Integer(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.CheckConstraint('copies >= 1', name='ck_export_items_copies'),
    sa.ForeignKeyConstraint(['export_id'], ['exports.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('export_id', 'position')
    )
    with op.batch_alter_table('export_items', schema=None) as batch_op:
        batch_op.create_index('ix_export_items_work', ['work_id'], unique=False)
    _move_export_items()
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.drop_column('items')

    op.create_table('deletions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('entry_deleted', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Enum('artist', 'moderation', 'duplicate', 'retention', 'missing-files', 'restore', name='deletionreason', native_enum=False, length=20), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('deletions', schema=None) as batch_op:
        batch_op.create_index('ix_deletions_time', ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deletions_work_id'), ['work_id'], unique=False)

    if _sqlite():
        for table in ID_TABLES:
            with op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_autoincrement': True}):
                pass


def _move_export_items():
    """Copy each export's JSON items into rows; an export naming a vanished work is removed."""
    bind = op.get_bind()
    existing = set(bind.execute(sa.select(works.c.id)).scalars())
    rows, removed = [], []
    for export_id, items in bind.execute(sa.select(exports.c.id, exports.c['items'])):
        pairs = [(int(w), int(c)) for w, c in json.loads(items or '[]')]
        if any(work_id not in existing for work_id, _copies in pairs):
            removed.append(export_id)
            pairs = [(w, c) for w, c in pairs if w in existing]
        rows += [
            {'export_id': export_id, 'position': n, 'work_id': w, 'copies': max(1, c)}
            for n, (w, c) in enumerate(pairs)
        ]
    if rows:
        op.bulk_insert(export_items, rows)
    if removed:
        # Their PDFs hold a deleted work: the row no longer names them, so `storage sweep`
        # removes the files.
        op.execute(
            exports.update()
            .where(exports.c.id.in_(removed))
            .values(state='removed', error='work-deleted', pdf_key=None)
        )


def downgrade():
    if _sqlite():
        for table in ID_TABLES:
            with op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_autoincrement': False}):
                pass

    with op.batch_alter_table('deletions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deletions_work_id'))
        batch_op.drop_index('ix_deletions_time')
    op.drop_table('deletions')

    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('items', sa.Text(), server_default='[]', nullable=False))
    bind = op.get_bind()
    lists: dict[int, list] = {}
    query = sa.select(export_items.c.export_id, export_items.c.work_id, export_items.c.copies).order_by(export_items.c.export_id, export_items.c.position)
    for export_id, work_id, copies in bind.execute(query):
        lists.setdefault(export_id, []).append([work_id, copies])
    for export_id, items in lists.items():
        op.execute(exports.update().where(exports.c.id == export_id).values(items=json.dumps(items)))
    op.execute(exports.update().where(exports.c.state == 'removed').values(state='failed'))
    with op.batch_alter_table('export_items', schema=None) as batch_op:
        batch_op.drop_index('ix_export_items_work')
    op.drop_table('export_items')

    # Back to one status: a work both published and selected becomes "selected".
    for flag in ('selected', 'published'):
        op.execute(
            decisions.update().where(decisions.c.to_status == 'accepted', decisions.c[flag].is_(True)).values(to_status=flag)
        )
    op.execute(decisions.update().where(decisions.c.to_status == 'accepted').values(to_status='shortlisted'))
    op.execute(decisions.update().where(decisions.c.from_status == 'accepted').values(from_status='shortlisted'))
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('selected')
        batch_op.drop_column('published')
        batch_op.drop_column('action')

    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.drop_constraint('ck_works_accepted', type_='check')
    for flag in ('selected', 'published'):
        op.execute(works.update().where(works.c.status == 'accepted', works.c[flag].is_(True)).values(status=flag))
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.drop_column('selected')
        batch_op.drop_column('published')
