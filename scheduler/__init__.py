"""Scheduled pushes: jobs declared in config, fired on Chinese working days, sent exactly once.

`scheduler.jobs` is the interface job kinds are written against; `scheduler.runner` runs one
occurrence; `scheduler.service` wires APScheduler into `gridbot serve` under leader election.
"""
