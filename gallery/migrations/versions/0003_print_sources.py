"""print sources: a reduced copy of big masters for exports

Revision ID: 5c1e9a7d2b40
Revises: 934a6e149b68
Create Date: 2026-11-27 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e9a7d2b40'
down_revision = '934a6e149b68'
branch_labels = None
depends_on = None


def upgrade():
    # Existing works keep factor 1: their exports read the master, as before.
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.add_column(sa.Column('print_factor', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_check_constraint('ck_works_print_factor', 'print_factor >= 1')


def downgrade():
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.drop_constraint('ck_works_print_factor', type_='check')
        batch_op.drop_column('print_factor')
