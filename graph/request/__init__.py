"""One GraphQL request, below the API, the planner and the budgets: its typed context (viewer,
access, per-request loaders), the client errors and their masking, its operation and
variables."""
