"""The roster's public functions, for other capabilities (the admin console uses the CLI's import)."""

from handlers.people.roster import MOBILE, USERID, ImportResult, RowProblem, import_roster  # noqa: F401
