"""Placeholder until this feature lands: no tasks."""
