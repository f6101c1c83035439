"""vector works: a drawing's cleaned SVG or PDF source is kept beside its raster master

Revision ID: a13c0de5e0f1
Revises: 7d3f0b1c9e52
Create Date: 2026-12-02 02:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a13c0de5e0f1'
down_revision = '7d3f0b1c9e52'
branch_labels = None
depends_on = None


def upgrade():
    # Every existing work is a pixel image: empty means "no vector source".
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('vector_ext', sa.String(length=4), server_default='', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('works', schema=None) as batch_op:
        batch_op.drop_column('vector_ext')
