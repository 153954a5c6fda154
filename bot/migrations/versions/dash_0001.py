"""dashboard: one-time login links and browser sessions

Revision ID: dash_0001
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa


revision = "dash_0001"
down_revision = "0001_core"
branch_labels = ("dash",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dash_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_dash_links_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dash_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dash_links_token_hash")),
    )
    with op.batch_alter_table("dash_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dash_links_person_id"), ["person_id"], unique=False)

    op.create_table(
        "dash_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_dash_sessions_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dash_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_dash_sessions_token_hash")),
    )
    with op.batch_alter_table("dash_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_dash_sessions_expires_at", ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_dash_sessions_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dash_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dash_sessions_person_id"))
        batch_op.drop_index("ix_dash_sessions_expires_at")
    op.drop_table("dash_sessions")
    with op.batch_alter_table("dash_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dash_links_person_id"))
    op.drop_table("dash_links")
