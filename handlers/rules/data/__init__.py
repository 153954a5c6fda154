"""Word lists for rules retrieval (data only)."""
