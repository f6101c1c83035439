"""deliberation: curators' comments on works and declared conflicts of interest

Revision ID: a17c0de5e0f1
Revises: a13c0de5e0f1
Create Date: 2026-12-02 09:00:00.000000

Two new tables, nothing existing changes. Comments go with their work and conflicts with
their entry (ON DELETE CASCADE); both keep their ids unique forever (AUTOINCREMENT on SQLite).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17c0de5e0f1'
down_revision = 'a13c0de5e0f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index('ix_comments_work', ['work_id', 'id'], unique=False)

    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['entries.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'entry_id', name='uq_conflicts_user_entry'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_conflicts_entry', ['entry_id'], unique=False)


def downgrade():
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_conflicts_entry')
    op.drop_table('conflicts')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_work')
    op.drop_table('comments')
