"""Bounded work: what an operation costs, and what each client may spend."""
