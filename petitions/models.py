"""Petition cases (see issue: intake, handling, answer and follow-up)."""
