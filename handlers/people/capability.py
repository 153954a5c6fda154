"""The roster: import and list people (CLI; the admin console uses the same service)."""

from bot.capability import Capability
from handlers.people import cli

CAPABILITY = Capability(name="people", title="花名册", cli=cli.register)
