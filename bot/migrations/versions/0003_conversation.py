"""conversation state: what the bot asked a person and expects back (numbered choices, corrections)

Revision ID: 0003_conversation
Revises: 0002_core
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_conversation"
down_revision = "0002_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_state",
        sa.Column("who", sa.String(length=240), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("who", "key", name=op.f("pk_conversation_state")),
    )
    with op.batch_alter_table("conversation_state", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_state_expires_at", ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conversation_state", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_state_expires_at")
    op.drop_table("conversation_state")
