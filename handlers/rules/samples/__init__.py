"""Sample rule documents (data only)."""
