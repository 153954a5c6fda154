"""scheduler: job switches, runs per occurrence, SQLite leader lease

Revision ID: scheduler_0001
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa


revision = "scheduler_0001"
down_revision = "0001_core"
branch_labels = ("scheduler",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schedule_jobs",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_schedule_jobs")),
    )
    op.create_table(
        "schedule_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=60), nullable=False),
        sa.Column("occurrence", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("instance", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("written", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("unreachable", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_runs")),
        sa.UniqueConstraint("job", "occurrence", name=op.f("uq_schedule_runs_job_occurrence")),
    )
    op.create_index("ix_schedule_runs_job_started", "schedule_runs", ["job", "started_at"], unique=False)
    op.create_table(
        "schedule_leases",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_schedule_leases")),
    )


def downgrade() -> None:
    op.drop_table("schedule_leases")
    op.drop_index("ix_schedule_runs_job_started", table_name="schedule_runs")
    op.drop_table("schedule_runs")
    op.drop_table("schedule_jobs")
