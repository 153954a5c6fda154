"""outbox: sending_since, set while a row's API call is under way (merges the core heads 0003_core and 0003_conversation)

A row whose call began but whose result was never recorded (the instance died mid-call, or the call ended
without an answer) keeps it: whoever sends it next knows a copy may have reached the API, and sends it only
with the channel's duplicate check.

Revision ID: 0004_outbox_sending
Revises: 0003_core, 0003_conversation
"""
from alembic import op
import sqlalchemy as sa

revision = "0004_outbox_sending"
down_revision = ("0003_core", "0003_conversation")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sending_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("sending_since")
