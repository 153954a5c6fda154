"""wecom_bot: the AI bot's inbox (durable copy of each callback, de-duplicated on msgid)

Revision ID: wecom_bot_0001
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa


revision = "wecom_bot_0001"
down_revision = "0001_core"
branch_labels = ("wecom_bot",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wecom_bot_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("msgid", sa.String(length=255), nullable=False),
        sa.Column("req_id", sa.String(length=255), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_user", sa.String(length=64), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=True),
        sa.Column("msg_type", sa.String(length=30), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wecom_bot_inbox")),
        sa.UniqueConstraint("msgid", name=op.f("uq_wecom_bot_inbox_msgid")),
    )
    with op.batch_alter_table("wecom_bot_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_wecom_bot_inbox_status_id", ["status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wecom_bot_inbox_received_at"), ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wecom_bot_inbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wecom_bot_inbox_received_at"))
        batch_op.drop_index("ix_wecom_bot_inbox_status_id")
    op.drop_table("wecom_bot_inbox")
