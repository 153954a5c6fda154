"""作风微课堂: a library of short lessons, the morning push, confirmations and coverage."""
