"""rules: questions known to be answered by an article

Revision ID: rules_0002
Revises: rules_0001
"""
from alembic import op
import sqlalchemy as sa


revision = "rules_0002"
down_revision = "rules_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_questions")),
        sa.UniqueConstraint("title", "label", "text", name=op.f("uq_rule_questions_title_label_text")),
    )


def downgrade() -> None:
    op.drop_table("rule_questions")
