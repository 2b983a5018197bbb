"""Random valid query documents, walked from the schema's own types (a Hypothesis strategy).

Every field of the Query root but those in SKIP is reachable, so a new field is generated as
soon as it exists. A document mixes aliases, `__typename`, named and inline fragments,
`@include`/`@skip` with literals and Boolean variables, arguments as literals or variables
(some with defaults), and now and then breaks the server's depth, alias or token limit on
purpose: both executors must refuse such documents identically too.

Response keys are tracked per selection set so the document stays valid: a key is reused only
by a field with the same name, arguments and type (the two then merge, their sub-selections
sharing one scope), and anything else gets a fresh alias.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLCompositeType,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    get_named_type,
    is_leaf_type,
)
from hypothesis import strategies as st
from planning_dataset import Dataset
from planning_twins import shortened
from planning_values import Site, candidates

from graph.settings import Settings

# Query fields left out, and why: admin-only operational data, not content.
SKIP = frozenset({"Query.jobs", "Query.webhooks", "Query.webhook"})
TYPENAME = "__typename"
# The server's limits; generated documents stay under them unless they break one on purpose.
MAX_DEPTH: int = Settings.model_fields["max_query_depth"].default
MAX_ALIASES: int = Settings.model_fields["max_aliases"].default
MAX_TOKENS: int = Settings.model_fields["max_tokens"].default
# Field nesting generated at most (under MAX_DEPTH), fields per selection set at most.
DEEPEST = 8
WIDEST = 4
LIMIT_BREAKERS = ("depth", "aliases", "tokens")
# How often an argument gets a value that fails or finds nothing. Any error sends the whole
# operation to standard execution, so most documents must be free of them to test plans.
HOSTILE_PERCENT = 8


@dataclass(frozen=True)
class Generated:
    """A query document and the variables sent with it."""

    text: str
    variables: dict[str, Any]
    breaks: str | None = None

    def __repr__(self) -> str:
        return f"Generated({shortened(self.text)!r}, {self.variables!r}, breaks={self.breaks!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis prints the failing example; a token-limit breaker is thousands long.
        printer.text(repr(self))


@dataclass
class _Key:
    """A response key in use: the field it stands for, and its sub-selection's keys."""

    signature: tuple[str, str, str]
    child: dict[str, _Key] = field(default_factory=dict)


@dataclass
class _Builder:
    """The state of one document while it is drawn."""

    draw: Any
    schema: GraphQLSchema
    dataset: Dataset
    depth_limit: int
    budget: int
    definitions: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    fragments: list[str] = field(default_factory=list)
    aliases: int = 0

    def choose(self, values: Any) -> Any:
        return self.draw(st.sampled_from(list(values)))

    def chance(self, percent: int) -> bool:
        return bool(self.draw(st.integers(0, 99)) < percent)

    # Selections.

    def selection(self, parent: GraphQLCompositeType, depth: int, scope: dict[str, _Key]) -> str:
        """A non-empty selection set's contents on `parent`."""
        if isinstance(parent, GraphQLInterfaceType):
            return self._abstract_selection(parent, depth, scope)
        assert isinstance(parent, GraphQLObjectType)
        names = [TYPENAME, *self._fields_of(parent, depth)]
        width = 1 if self.budget <= 0 else self.draw(st.integers(1, WIDEST))
        parts = []
        for _ in range(width):
            self.budget -= 1
            part = self.field(parent, self.choose(names), depth, scope)
            parts.append(self._wrapped(parent, part))
        return " ".join(parts)

    def _fields_of(self, parent: GraphQLObjectType, depth: int) -> list[str]:
        names = [name for name in parent.fields if f"{parent.name}.{name}" not in SKIP]
        if depth >= self.depth_limit:
            # At the bottom only leaves: a composite field would need a selection below it.
            names = [name for name in names if _is_leaf(parent.fields[name])]
        return names

    def _abstract_selection(
        self, parent: GraphQLInterfaceType, depth: int, scope: dict[str, _Key]
    ) -> str:
        possible = self.schema.get_possible_types(parent)
        parts = []
        for _ in range(self.draw(st.integers(1, WIDEST))):
            target = self.choose([None, *possible])
            if target is None:
                part = self.field(parent, self.choose([TYPENAME, *parent.fields]), depth, scope)
            else:
                part = f"... on {target.name} {{ {self.selection(target, depth, scope)} }}"
            parts.append(part)
        return " ".join(parts)

    def _wrapped(self, parent: GraphQLObjectType, part: str) -> str:
        """The part as it is, or inside an inline fragment, a named fragment, a directive."""
        how = self.draw(st.integers(0, 19))
        if how == 0:
            return f"... on {parent.name} {{ {part} }}"
        if how == 1:
            name = f"F{len(self.fragments) + 1}"
            self.fragments.append(f"fragment {name} on {parent.name} {{ {part} }}")
            # Spread twice now and then: identical fields merge.
            return f"...{name}" if self.chance(80) else f"...{name} ...{name}"
        if how == 2:
            return f"... {self._directive()} {{ {part} }}"
        return part

    def field(
        self, parent: GraphQLCompositeType, name: str, depth: int, scope: dict[str, _Key]
    ) -> str:
        """One field (with a sibling copy under the same key sometimes) on `parent`."""
        if name == TYPENAME:
            return self._alias_prefix() + name + self._maybe_directive()
        definition: GraphQLField = parent.fields[name]
        arguments = self.arguments(name, definition)
        signature = (name, arguments, str(definition.type))
        key = name
        taken = scope.get(name)
        if (taken is not None and taken.signature != signature) or self.chance(10):
            key = self._fresh_alias()
            if key is None:
                return TYPENAME  # out of aliases: a field that always merges
        entry = scope.setdefault(key, _Key(signature))
        head = ("" if key == name else f"{key}: ") + name + arguments
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return head + self._maybe_directive()
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        below = self.selection(named, depth + 1, entry.child)
        text = f"{head}{self._maybe_directive()} {{ {below} }}"
        if isinstance(parent, GraphQLObjectType) and self.chance(8):
            # The same key again from a fragment: its sub-selection must merge with the first.
            again = f"{head} {{ {self.selection(named, depth + 1, entry.child)} }}"
            text += " " + self._wrapped_always(parent, again)
        return text

    def _wrapped_always(self, parent: GraphQLObjectType, part: str) -> str:
        if self.chance(50):
            return f"... on {parent.name} {{ {part} }}"
        name = f"F{len(self.fragments) + 1}"
        self.fragments.append(f"fragment {name} on {parent.name} {{ {part} }}")
        return f"...{name}"

    def _alias_prefix(self) -> str:
        if not self.chance(15):
            return ""
        alias = self._fresh_alias()
        return "" if alias is None else f"{alias}: "

    def _fresh_alias(self) -> str | None:
        if self.aliases >= MAX_ALIASES:
            return None
        self.aliases += 1
        return f"a{self.aliases}"

    # Directives.

    def _maybe_directive(self) -> str:
        return " " + self._directive() if self.chance(10) else ""

    def _directive(self) -> str:
        name = self.choose(["include", "skip"])
        if self.chance(50):
            return f"@{name}(if: {self.choose(['true', 'false'])})"
        variable = self._variable("Boolean!", self.draw(st.booleans()))
        return f"@{name}(if: {variable})"

    # Arguments and values.

    def arguments(self, field_name: str, definition: GraphQLField) -> str:
        """The field's arguments: required ones always, optional ones sometimes."""
        returns = get_named_type(definition.type).name
        parts = []
        for name, argument in definition.args.items():
            required = isinstance(argument.type, GraphQLNonNull) and (
                argument.default_value is Undefined
            )
            if not required and self.chance(50):
                continue
            site = Site(field_name, returns, name)
            parts.append(f"{name}: {self._argument_value(site, argument.type)}")
        return f"({', '.join(parts)})" if parts else ""

    def _argument_value(self, site: Site, input_type: GraphQLInputType) -> str:
        if not isinstance(input_type, GraphQLNonNull) and self.chance(5):
            return "null"
        value = self.value(site, input_type)
        how = self.draw(st.integers(0, 2))
        if how == 0:
            return literal(value, input_type)
        if how == 1:
            return self._variable(str(input_type), value)
        # A nullable variable with a default, sent or left out.
        nullable = input_type.of_type if isinstance(input_type, GraphQLNonNull) else input_type
        default = literal(value, nullable)
        sent = self.value(site, input_type) if self.chance(30) else _OMITTED
        return self._variable(f"{nullable} = {default}", sent)

    def value(self, site: Site, input_type: GraphQLInputType) -> Any:
        """A value for `site`: from the data by meaning, input objects field by field."""
        named = get_named_type(input_type)
        if isinstance(named, GraphQLInputObjectType):
            chosen = self.draw(
                st.lists(st.sampled_from(list(named.fields)), unique=True, max_size=3)
            )
            return {
                name: self.value(Site(site.field, site.returns, name), named.fields[name].type)
                for name in chosen
            }
        choices = candidates(self.dataset, site, input_type)
        if choices.hostile and self.chance(HOSTILE_PERCENT):
            return self.choose(choices.hostile)
        return self.choose(choices.ordinary)

    def _variable(self, type_text: str, value: Any) -> str:
        name = f"v{len(self.definitions) + 1}"
        self.definitions.append(f"${name}: {type_text}")
        if value is not _OMITTED:
            self.variables[name] = value
        return f"${name}"

    # The document.

    def document(self, root: GraphQLObjectType) -> str:
        selection = self.selection(root, 1, {})
        head = "query"
        if self.chance(50):
            head += " Generated"
        if self.definitions:
            head += f"({', '.join(self.definitions)})"
        elif head == "query" and self.chance(50):
            head = ""  # the shorthand form
        return " ".join([f"{head} {{ {selection} }}".strip(), *self.fragments])


_OMITTED = object()


def _is_leaf(definition: GraphQLField) -> bool:
    return is_leaf_type(get_named_type(definition.type))


def literal(value: Any, input_type: GraphQLInputType) -> str:
    """A value as a GraphQL literal of `input_type` (enum values bare, strings quoted)."""
    if value is None:
        return "null"
    nullable = input_type.of_type if isinstance(input_type, GraphQLNonNull) else input_type
    if isinstance(nullable, GraphQLList):
        return "[" + ", ".join(literal(item, nullable.of_type) for item in value) + "]"
    if isinstance(nullable, GraphQLInputObjectType):
        fields = (f"{k}: {literal(v, nullable.fields[k].type)}" for k, v in value.items())
        return "{" + ", ".join(fields) + "}"
    if isinstance(nullable, GraphQLEnumType):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _breaker(kind: str) -> str:
    """Extra root selections that break one limit of the server."""
    if kind == "aliases":
        return " ".join(f"b{index}: __typename" for index in range(MAX_ALIASES + 1))
    if kind == "depth":
        chain = "node { slug }"
        for _ in range(MAX_DEPTH // 3 + 1):
            chain = f"node {{ relay {{ posts(first: 1) {{ edges {{ {chain} }} }} }} }}"
        return f"deep: posts(first: 1) {{ edges {{ {chain} }} }}"
    # Fields that merge into one, more of them than the parser reads.
    return " ".join(["__typename"] * (MAX_TOKENS + 500))


@st.composite
def documents(draw: Any, schema: GraphQLSchema, dataset: Dataset) -> Generated:
    """A random query document on `schema` with values from `dataset`."""
    builder = _Builder(
        draw,
        schema,
        dataset,
        depth_limit=draw(st.integers(2, DEEPEST)),
        budget=draw(st.integers(3, 30)),
    )
    root = schema.query_type
    assert root is not None
    text = builder.document(root)
    breaks = draw(st.sampled_from([None] * 30 + list(LIMIT_BREAKERS)))
    if breaks is not None:
        # Inserted into the operation's selection set: the last "}" before the fragments.
        head, brace, tail = text.partition(" } fragment ")
        if brace:
            text = f"{head} {_breaker(breaks)}{brace}{tail}"
        else:
            text = f"{text[:-1].rstrip()} {_breaker(breaks)} }}"
    return Generated(text, builder.variables, breaks)
