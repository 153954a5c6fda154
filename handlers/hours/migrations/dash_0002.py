"""hours: a covering index for monthly hours per person (first written for the dashboard, hence its id)

Revision ID: dash_0002
Revises: dash_0001
"""
from alembic import op


revision = "dash_0002"
down_revision = "dash_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hour_entries", schema=None) as batch_op:
        batch_op.create_index("ix_hour_entries_person_day_hours", ["person_id", "day", "hours"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hour_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_hour_entries_person_day_hours")
