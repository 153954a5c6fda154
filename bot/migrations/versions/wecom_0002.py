"""wecom: inbox retries back off (next_attempt_at)

Revision ID: wecom_0002
Revises: wecom_0001
"""
from alembic import op
import sqlalchemy as sa

revision = "wecom_0002"
down_revision = "wecom_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wecom_inbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wecom_inbox", schema=None) as batch_op:
        batch_op.drop_column("next_attempt_at")
