"""The GraphQL edge: types, resolvers and mutations. No ORM queries here; the request context
lives in graph.request, paging in graph.paging, and graph.schema joins this with the planner
and the budgets."""
