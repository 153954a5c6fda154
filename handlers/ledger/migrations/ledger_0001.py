"""ledger (整改台账): rectification tasks and their progress log

Revision ID: ledger_0001
Revises: 0001_core
Depends on: reports_0001 (a task may come from a report)
"""
from alembic import op
import sqlalchemy as sa


revision = 'ledger_0001'
down_revision = '0001_core'
branch_labels = ('ledger',)
depends_on = ('reports_0001',)


def upgrade() -> None:
    op.create_table('ledger_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('category', sa.String(length=50), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('lead_leader_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('long_term', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('close_note', sa.Text(), nullable=False),
    sa.Column('rechecked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['lead_leader_id'], ['people.id'], name=op.f('fk_ledger_tasks_lead_leader_id_people')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_ledger_tasks_report_id_reports')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_ledger_tasks_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_tasks'))
    )
    with op.batch_alter_table('ledger_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_tasks_lead_leader_id'), ['lead_leader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_tasks_report_id'), ['report_id'], unique=False)
        batch_op.create_index('ix_ledger_tasks_status_deadline', ['status', 'deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_tasks_unit_id'), ['unit_id'], unique=False)

    op.create_table('ledger_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=50), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['people.id'], name=op.f('fk_ledger_progress_author_id_people')),
    sa.ForeignKeyConstraint(['task_id'], ['ledger_tasks.id'], name=op.f('fk_ledger_progress_task_id_ledger_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_progress')),
    sa.UniqueConstraint('key', name=op.f('uq_ledger_progress_key'))
    )
    with op.batch_alter_table('ledger_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_progress_task_id'), ['task_id'], unique=False)

    op.create_table('ledger_reminder_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=200), nullable=False),
    sa.Column('occurrence', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['ledger_tasks.id'], name=op.f('fk_ledger_reminder_steps_task_id_ledger_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_reminder_steps')),
    sa.UniqueConstraint('step', name=op.f('uq_ledger_reminder_steps_step'))
    )
    with op.batch_alter_table('ledger_reminder_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_reminder_steps_task_id'), ['task_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ledger_reminder_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_reminder_steps_task_id'))
    op.drop_table('ledger_reminder_steps')
    with op.batch_alter_table('ledger_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_progress_task_id'))
    op.drop_table('ledger_progress')
    with op.batch_alter_table('ledger_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_tasks_unit_id'))
        batch_op.drop_index('ix_ledger_tasks_status_deadline')
        batch_op.drop_index(batch_op.f('ix_ledger_tasks_report_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_tasks_lead_leader_id'))
    op.drop_table('ledger_tasks')
