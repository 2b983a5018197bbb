"""Complexity caps: one bounded walk over a parsed document, before graphql-core validates it.

Validation is quadratic where a selection set repeats itself: the overlapping-fields rule
compares every pair of fields sharing a response name in a selection set (its fragments
merged in), every pair of fragments spread into it, and again for the sub-selections of
every such pair. A 390-field document inside the token limit took ~1 s of CPU to validate.
The walk counts what that work grows with and refuses the document, with one error, before
validation runs:

- *aliases* and *directives*, as written;
- *depth*: fields nested in fields (introspection's `__schema`/`__type` subtrees excepted);
- *selection set fields*: the fields one selection set merges, from the set itself, its
  inline fragments and each fragment it spreads (once each), as validation merges them;
- *merge comparisons*: the pairs of fields sharing a response name, and the pairs of
  fragments, in each merged selection set, summed over the document;
- *selections*: the fields, inline fragments and spreads walked, a fragment counted wherever
  it is spread.

The walk stops at the first cap passed, so its own work is bounded by the caps however the
fragments multiply. Each refusal is a GraphQLError whose extensions are
`{"code": "QUERY_TOO_COMPLEX", "measure": …, "count": N, "limit": L}`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
)

from graph.settings import Settings

TOO_COMPLEX = "QUERY_TOO_COMPLEX"

# A selection set to merge, and the fragments spread on the way to it: a fragment spread
# inside itself is a cycle, not expanded here (validation reports it).
Source = tuple[SelectionSetNode, frozenset[str]]
# A merged selection set's fields by response name.
Groups = dict[str, list[tuple[FieldNode, frozenset[str]]]]


@dataclass(frozen=True)
class Caps:
    """The most of each measure a document may have."""

    depth: int
    aliases: int
    directives: int
    selections: int
    selection_set_fields: int
    merge_comparisons: int

    @classmethod
    def of(cls, settings: Settings) -> Caps:
        """The caps the settings declare."""
        return cls(
            depth=settings.max_query_depth,
            aliases=settings.max_aliases,
            directives=settings.max_directives,
            selections=settings.max_selections,
            selection_set_fields=settings.max_selection_set_fields,
            merge_comparisons=settings.max_merge_comparisons,
        )


@dataclass
class Measures:
    """What a walk counted, up to where it stopped."""

    aliases: int = 0
    directives: int = 0
    depth: int = 0
    selections: int = 0
    widest: int = 0  # the most fields one merged selection set had
    merge_comparisons: int = 0


def too_complex(message: str, measure: str, count: int | None, limit: int) -> GraphQLError:
    """The one error a document over a cap gets (`count` None: not known)."""
    counted = {} if count is None else {"count": count}
    extensions = {"code": TOO_COMPLEX, "measure": measure, **counted, "limit": limit}
    return GraphQLError(message, extensions=extensions)


def refusal(document: DocumentNode, caps: Caps) -> GraphQLError | None:
    """The error for the first cap this document passes, or None if it passes none."""
    return Walk(document, caps).refusal()


@dataclass
class Walk:
    """Merges selection sets as validation does, counting as it goes."""

    document: DocumentNode
    caps: Caps
    measures: Measures = field(default_factory=Measures)
    fragments: dict[str, FragmentDefinitionNode] = field(init=False)
    reached: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.fragments = {
            node.name.value: node
            for node in self.document.definitions
            if isinstance(node, FragmentDefinitionNode)
        }

    def refusal(self) -> GraphQLError | None:
        """Written counts first (cheap), then the merged walk, then depth (which needs all
        of the walk)."""
        return self._written() or self._merged() or self._depth()

    def _written(self) -> GraphQLError | None:
        measures, caps = self.measures, self.caps
        for node in _nodes(self.document):
            measures.directives += len(getattr(node, "directives", None) or ())
            measures.aliases += isinstance(node, FieldNode) and node.alias is not None
        if measures.aliases > caps.aliases:
            return too_complex(
                f"This document has {measures.aliases} aliases; the limit is {caps.aliases}.",
                "aliases",
                measures.aliases,
                caps.aliases,
            )
        if measures.directives > caps.directives:
            return too_complex(
                f"This document has {measures.directives} directives; the limit is "
                f"{caps.directives}.",
                "directives",
                measures.directives,
                caps.directives,
            )
        return None

    def _merged(self) -> GraphQLError | None:
        """Every operation, then every fragment no operation spreads (validation checks
        those too)."""
        for node in self.document.definitions:
            if isinstance(node, OperationDefinitionNode):
                error = self._tree([(node.selection_set, frozenset())], counted=True)
                if error is not None:
                    return error
        for name, fragment in self.fragments.items():
            if name not in self.reached:
                self.reached.add(name)
                # Depth is an operation's; validation refuses a fragment no operation uses.
                source = (fragment.selection_set, frozenset({name}))
                error = self._tree([source], counted=False)
                if error is not None:
                    return error
        return None

    def _depth(self) -> GraphQLError | None:
        depth, cap = self.measures.depth, self.caps.depth
        if depth <= cap:
            return None
        return too_complex(
            f"This document nests fields {depth} deep; the limit is {cap}.", "depth", depth, cap
        )

    def _tree(self, root: list[Source], counted: bool) -> GraphQLError | None:
        """The merged selection sets below `root`, depth first, without recursion (fragments
        can nest deeper than Python's stack)."""
        stack: list[tuple[list[Source], int, bool]] = [(root, 0, counted)]
        while stack:
            sources, depth, counted = stack.pop()
            groups, fragments = self._merge(sources)
            error = self._count(groups, fragments)
            if error is not None:
                return error
            if groups and counted:
                self.measures.depth = max(self.measures.depth, depth)
            for nodes in groups.values():
                children = [(node.selection_set, on) for node, on in nodes if node.selection_set]
                if children:
                    # Introspection's subtrees do not count toward depth: the introspection
                    # query nests `ofType` deeper than any content query.
                    inner = counted and not all(n.name.value.startswith("__") for n, _ in nodes)
                    stack.append((children, depth + 1, inner))
        return None

    def _merge(self, sources: list[Source]) -> tuple[Groups, int]:
        """One merged selection set's fields by response name, each fragment merged once;
        and how many fragments it merged."""
        groups: Groups = {}
        merged: set[str] = set()
        stack = list(sources)
        while stack:
            selection_set, spread = stack.pop()
            self.measures.selections += len(selection_set.selections)
            for node in selection_set.selections:
                if isinstance(node, FieldNode):
                    key = node.alias.value if node.alias else node.name.value
                    groups.setdefault(key, []).append((node, spread))
                elif isinstance(node, InlineFragmentNode):
                    stack.append((node.selection_set, spread))
                elif isinstance(node, FragmentSpreadNode):
                    name = node.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None or name in merged or name in spread:
                        continue  # unknown (validation says so), merged already, or a cycle
                    merged.add(name)
                    self.reached.add(name)
                    stack.append((fragment.selection_set, spread | {name}))
        return groups, len(merged)

    def _count(self, groups: Groups, fragments: int) -> GraphQLError | None:
        measures, caps = self.measures, self.caps
        fields = sum(len(nodes) for nodes in groups.values())
        measures.widest = max(measures.widest, fields)
        if fields > caps.selection_set_fields:
            return too_complex(
                f"This document has a selection set of {fields} fields; the limit is "
                f"{caps.selection_set_fields}.",
                "selectionSetFields",
                fields,
                caps.selection_set_fields,
            )
        pairs = sum(_pairs(len(nodes)) for nodes in groups.values()) + _pairs(fragments)
        measures.merge_comparisons += pairs
        if measures.merge_comparisons > caps.merge_comparisons:
            return too_complex(
                f"This document repeats fields or fragments in its selection sets so often "
                f"that checking they merge takes at least {measures.merge_comparisons} "
                f"comparisons; the limit is {caps.merge_comparisons}.",
                "mergeComparisons",
                measures.merge_comparisons,
                caps.merge_comparisons,
            )
        if measures.selections > caps.selections:
            return too_complex(
                f"This document makes at least {measures.selections} selections (a "
                f"fragment's count wherever it is spread); the limit is {caps.selections}.",
                "selections",
                measures.selections,
                caps.selections,
            )
        return None


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def _nodes(document: DocumentNode) -> Iterator[Node]:
    """Definitions, variable definitions and selections, without recursion."""
    stack: list[Node] = list(document.definitions)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(getattr(node, "variable_definitions", None) or ())
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            stack.extend(selection_set.selections)
