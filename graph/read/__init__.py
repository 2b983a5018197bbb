"""The read layer: every query the API runs, as batched functions returning plain rows."""
