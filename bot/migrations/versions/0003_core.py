"""outbox: delivery claims (claimed_by, claimed_until), and an index to find what a person was recently sent

Revision ID: 0003_core
Revises: 0002_core
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_core"
down_revision = "0002_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_outbox_target_sent_at", ["target", "sent_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_target_sent_at")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")
