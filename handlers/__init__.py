"""Capabilities: one package each (commands, services, models, migrations, jobs, CLI, dashboard
figures, demo data, settings), described by its `capability.py`; composition.py lists them."""
