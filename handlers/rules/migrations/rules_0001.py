"""rules knowledge base: documents, articles, revision counter

Revision ID: rules_0001
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa


revision = "rules_0001"
down_revision = "0001_core"
branch_labels = ("rules",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_documents")),
        sa.UniqueConstraint("title", name=op.f("uq_rule_documents_title")),
    )
    op.create_table(
        "rule_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("section", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["rule_documents.id"], name=op.f("fk_rule_articles_document_id_rule_documents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_articles")),
        sa.UniqueConstraint("document_id", "position", name=op.f("uq_rule_articles_document_id_position")),
    )
    with op.batch_alter_table("rule_articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rule_articles_document_id"), ["document_id"], unique=False)
    op.create_table(
        "rules_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules_revision")),
    )


def downgrade() -> None:
    op.drop_table("rules_revision")
    with op.batch_alter_table("rule_articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_articles_document_id"))
    op.drop_table("rule_articles")
    op.drop_table("rule_documents")
