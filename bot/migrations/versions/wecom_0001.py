"""wecom: callback inbox, shared access token, stored media

Revision ID: wecom_0001
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa


revision = "wecom_0001"
down_revision = "0001_core"
branch_labels = ("wecom",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wecom_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_user", sa.String(length=64), nullable=False),
        sa.Column("msg_type", sa.String(length=20), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wecom_inbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_wecom_inbox_dedupe_key")),
    )
    with op.batch_alter_table("wecom_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_wecom_inbox_status_id", ["status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wecom_inbox_received_at"), ["received_at"], unique=False)

    op.create_table(
        "wecom_tokens",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_wecom_tokens")),
    )
    op.create_table(
        "wecom_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.String(length=255), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wecom_media")),
        sa.UniqueConstraint("media_id", name=op.f("uq_wecom_media_media_id")),
    )


def downgrade() -> None:
    op.drop_table("wecom_media")
    op.drop_table("wecom_tokens")
    with op.batch_alter_table("wecom_inbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wecom_inbox_received_at"))
        batch_op.drop_index("ix_wecom_inbox_status_id")
    op.drop_table("wecom_inbox")
