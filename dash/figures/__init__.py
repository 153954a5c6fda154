"""The figures behind each page: SQL aggregations narrowed by a Scope, one module per capability.

A capability that is not installed (its models module is missing) yields None, and the page
says so instead of showing zeros that would look like real figures.
"""
