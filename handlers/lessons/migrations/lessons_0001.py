"""作风微课堂: lessons, deliveries to groups, confirmations

Revision ID: lessons_0001
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa


revision = "lessons_0001"
down_revision = "0001_core"
branch_labels = ("lessons",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons")),
        sa.UniqueConstraint("title", name=op.f("uq_lessons_title")),
    )
    op.create_table(
        "lesson_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("job", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name=op.f("fk_lesson_deliveries_group_id_groups")),
        sa.ForeignKeyConstraint(["lesson_id"], ["lessons.id"], name=op.f("fk_lesson_deliveries_lesson_id_lessons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_deliveries")),
        sa.UniqueConstraint("group_id", "day", name=op.f("uq_lesson_deliveries_group_id_day")),
    )
    with op.batch_alter_table("lesson_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_deliveries_day"), ["day"], unique=False)
        batch_op.create_index("ix_lesson_deliveries_group_lesson", ["group_id", "lesson_id"], unique=False)
    op.create_table(
        "lesson_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lesson_id"], ["lessons.id"], name=op.f("fk_lesson_confirmations_lesson_id_lessons")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_lesson_confirmations_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_confirmations")),
        sa.UniqueConstraint("person_id", "lesson_id", name=op.f("uq_lesson_confirmations_person_id_lesson_id")),
    )
    with op.batch_alter_table("lesson_confirmations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_confirmations_lesson_id"), ["lesson_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lesson_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_confirmations_lesson_id"))
    op.drop_table("lesson_confirmations")
    with op.batch_alter_table("lesson_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_lesson_deliveries_group_lesson")
        batch_op.drop_index(batch_op.f("ix_lesson_deliveries_day"))
    op.drop_table("lesson_deliveries")
    op.drop_table("lessons")
