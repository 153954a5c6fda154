"""outbox: next_attempt_at, so failed deliveries back off instead of giving up within seconds

Revision ID: 0002_core
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_core"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("next_attempt_at")
