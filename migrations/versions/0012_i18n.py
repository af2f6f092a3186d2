"""i18n: each person's chosen language for the platform

Revision ID: 0012_i18n
Revises: 0011_scale
Create Date: 2026-12-04 18:30:00

A plain ADD/DROP COLUMN, not batch mode: rebuilding `employee` on SQLite would drop the
triggers that 0011_scale hangs on tables joined to it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_i18n'
down_revision = '0011_scale'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('employee', sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    op.drop_column('employee', 'language')
