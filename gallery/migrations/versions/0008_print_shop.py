"""print shop: die-cut singles exports, their separate credits file, the preflight result

Revision ID: a12c0de5e0f1
Revises: a17c0de5e0f1
Create Date: 2026-12-03 09:00:00.000000

Existing exports are sheets, have no credits file and were never preflighted (an empty list).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a12c0de5e0f1'
down_revision = 'a17c0de5e0f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('sheets', 'singles', name='exportkind', native_enum=False, length=20), server_default='sheets', nullable=False))
        batch_op.add_column(sa.Column('credits_key', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('credits_size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('credits_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('preflight', sa.Text(), server_default='{}', nullable=False))


def downgrade():
    # A singles export has no meaning to the old code: its row goes, its files become orphans
    # that `storage sweep` removes.
    # Migrations run with foreign keys off, so nothing cascades: delete the dependants first.
    singles = "SELECT id FROM exports WHERE kind = 'singles'"
    op.execute(sa.text(f"DELETE FROM packs WHERE export_id IN ({singles})"))
    op.execute(sa.text(f"DELETE FROM export_items WHERE export_id IN ({singles})"))
    op.execute(sa.text("DELETE FROM exports WHERE kind = 'singles'"))
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.drop_column('preflight')
        batch_op.drop_column('credits_digest')
        batch_op.drop_column('credits_size')
        batch_op.drop_column('credits_key')
        batch_op.drop_column('kind')
