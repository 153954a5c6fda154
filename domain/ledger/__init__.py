"""整改台账: rectification tasks (the four lists), progress, close-out by the lead leader, reminders, 回头看."""
