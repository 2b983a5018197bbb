"""Planned execution: a query becomes a plan once, then runs as one batched fetch per level.

A small interpreter in four parts, one module each:

- `nodes`: the plan's node types (Shape, Leaf, Join), each with an example query;
- `build`: a validated operation → a Plan, fields collected as graphql-core collects them;
- `catalog` and `sources`: what each schema field is in plan terms, and the read layer's
  batched functions that fetch it (the same ones the standard path's loaders call);
- `run`: the interpreter, which fetches level by level and writes the response's dicts.

`extension` hooks it into Strawberry and falls back to standard execution, per operation,
for anything without a plan; `lane` answers known documents before Strawberry parses them;
`answering` is what both share (the plan cache, the fallback reasons, the counters). Both
paths answer with the same bytes: tests/planning checks.
"""
