"""Lists as both executors read them (the API's resolvers and the planner): keyset cursors,
page-size checks, the post filter argument, global ids, search hits. Below graph.api and
graph.planning, so neither has to import the other."""
