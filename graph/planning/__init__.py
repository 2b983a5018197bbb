"""Planned execution: a query becomes a plan once, then runs as one batched fetch per level.

A small interpreter and what it reads:

- `nodes`: the plan's node types (Shape, Leaf, Join), each with an example query;
- `build`: a validated operation → a Plan, fields collected as graphql-core collects them;
- `relations`: each object-valued field declared once by kind (to-one, list, connection,
  lookup), from which both the interpreter's sources and the compiler's subqueries derive;
- `catalog`, `sources` and `pages`: what each schema field is in plan terms (a scalar's
  reader is declared on its Strawberry type), and the read layer's batched functions that
  fetch it (the same ones the standard path's loaders call); `pages` makes connections;
- `run`: the interpreter, which fetches level by level and writes the response's dicts.

`extension` hooks it into Strawberry and falls back to standard execution, per operation,
for anything without a plan; `lane` answers known documents before Strawberry parses them;
`answering` is what both share (the plan cache, the fallback reasons, the counters). Both
paths answer with the same bytes: tests/planning checks.
"""
