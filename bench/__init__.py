"""`make bench`: the project's speed targets, measured (see README)."""
