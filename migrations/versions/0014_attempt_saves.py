"""attempt saves: how many times an attempt's answers were saved, so that a submit can grade before it claims the row

Revision ID: 0014_attempt_saves
Revises: 0013_course_translations
Create Date: 2026-12-06 01:00:00

A plain ADD/DROP COLUMN, not batch mode, for the same reason as 0012_i18n: rebuilding a table on SQLite
would drop the triggers that 0011_scale hangs on it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_attempt_saves'
down_revision = '0013_course_translations'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('quiz_attempt', sa.Column('saves', sa.Integer(), nullable=False, server_default=sa.text('0')))


def downgrade():
    op.drop_column('quiz_attempt', 'saves')
