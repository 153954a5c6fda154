"""知识竞赛: question bank, group pushes, practice, scored answers

Revision ID: quiz_0001
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa


revision = "quiz_0001"
down_revision = "0001_core"
branch_labels = ("quiz",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quiz_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("stem", sa.String(length=500), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_questions")),
        sa.UniqueConstraint("stem", name=op.f("uq_quiz_questions_stem")),
    )
    op.create_table(
        "quiz_pushes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=60), nullable=False),
        sa.Column("occurrence", sa.DateTime(timezone=True), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name=op.f("fk_quiz_pushes_group_id_groups")),
        sa.ForeignKeyConstraint(["question_id"], ["quiz_questions.id"], name=op.f("fk_quiz_pushes_question_id_quiz_questions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_pushes")),
        sa.UniqueConstraint("job", "occurrence", "group_id", name=op.f("uq_quiz_pushes_job_occurrence_group_id")),
    )
    with op.batch_alter_table("quiz_pushes", schema=None) as batch_op:
        batch_op.create_index("ix_quiz_pushes_group_closes", ["group_id", "closes_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_quiz_pushes_question_id"), ["question_id"], unique=False)
    op.create_table(
        "quiz_practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_quiz_practice_person_id_people")),
        sa.ForeignKeyConstraint(["question_id"], ["quiz_questions.id"], name=op.f("fk_quiz_practice_question_id_quiz_questions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_practice")),
    )
    with op.batch_alter_table("quiz_practice", schema=None) as batch_op:
        batch_op.create_index("ix_quiz_practice_person_started", ["person_id", "started_at"], unique=False)
    op.create_table(
        "quiz_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("push_id", sa.Integer(), nullable=True),
        sa.Column("practice_id", sa.Integer(), nullable=True),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_quiz_answers_person_id_people")),
        sa.ForeignKeyConstraint(["practice_id"], ["quiz_practice.id"], name=op.f("fk_quiz_answers_practice_id_quiz_practice")),
        sa.ForeignKeyConstraint(["push_id"], ["quiz_pushes.id"], name=op.f("fk_quiz_answers_push_id_quiz_pushes")),
        sa.ForeignKeyConstraint(["question_id"], ["quiz_questions.id"], name=op.f("fk_quiz_answers_question_id_quiz_questions")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_quiz_answers_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_answers")),
        sa.UniqueConstraint("person_id", "question_id", name=op.f("uq_quiz_answers_person_id_question_id")),
    )
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.create_index("ix_quiz_answers_answered_at", ["answered_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_answers_answered_at")
    op.drop_table("quiz_answers")
    with op.batch_alter_table("quiz_practice", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_practice_person_started")
    op.drop_table("quiz_practice")
    with op.batch_alter_table("quiz_pushes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_pushes_question_id"))
        batch_op.drop_index("ix_quiz_pushes_group_closes")
    op.drop_table("quiz_pushes")
    op.drop_table("quiz_questions")
