"""course translations: a course's title, summary and objectives in other languages (course.yml `translations`)

Revision ID: 0013_course_translations
Revises: 0012_i18n
Create Date: 2026-12-04 19:05:00

A plain ADD/DROP COLUMN, not batch mode, for the same reason as 0012_i18n: rebuilding a table on SQLite
would drop the triggers that 0011_scale hangs on it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_course_translations'
down_revision = '0012_i18n'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('course', sa.Column('translations', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade():
    op.drop_column('course', 'translations')
