from alembic import context

from bot.db import Base, UtcDateTime

# The capabilities' models are imported by whoever composed the application; the core's channels'
# own tables are imported here.
from bot.channels.wecom import models as _wecom_models  # noqa: E402,F401
from bot.channels.wecom_bot import models as _wecom_bot_models  # noqa: E402,F401
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    # Migrations stay independent of application types: a UTC timestamp is a plain timestamptz.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run() -> None:
    engine = context.config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            render_item=render_item,
        )
        context.run_migrations()


run()
