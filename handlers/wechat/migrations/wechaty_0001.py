"""personal WeChat: one-time binding codes

Revision ID: wechaty_0001
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa


revision = "wechaty_0001"
down_revision = "0001_core"
branch_labels = ("wechaty",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bind_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_bind_codes_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bind_codes")),
    )
    with op.batch_alter_table("bind_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bind_codes_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_bind_codes_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bind_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bind_codes_person_id"))
        batch_op.drop_index(batch_op.f("ix_bind_codes_code"))
    op.drop_table("bind_codes")
