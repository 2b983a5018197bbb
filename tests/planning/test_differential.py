"""Planned and standard execution answer every query with the same bytes and the same tags.

Three corpora, anonymous and with an editor's token: the named operations over real slugs,
page sizes and cursors; every read query the rest of the suite sends; and random documents
generated from the schema. Data for drafts, scheduling and archiving is made once per module.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import GraphQL
from fixtures import editing
from graphql import FieldNode, TypeInfo, TypeInfoVisitor, Visitor, visit
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from planning_corpus import (
    Document,
    Variable,
    named_operations,
    suite_documents,
    variable_sets,
    variables_of,
)
from planning_dataset import Dataset, end_cursors, make_content, read_dataset
from planning_generator import documents
from planning_twins import Caller, Mismatches, Twins, ask, twin_apps
from planning_values import GARBAGE_CURSORS, OUT_OF_RANGE_PAGE_SIZES, candidates

from graph.api.schema import schema
from graph.settings import Settings

# When a field errors, graphql-core cancels its siblings and can leave a resolver coroutine
# never awaited; the garbage collector then reports it during whichever test runs next. That
# is graphql-core's standard execution on error answers (which these tests send on purpose),
# not a difference between the executors, so it must not fail a comparison.
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <coroutine object GraphQLCoreConverter"
        ":pytest.PytestUnraisableExceptionWarning"
    ),
    pytest.mark.filterwarnings("ignore:coroutine 'GraphQLCoreConverter.:RuntimeWarning"),
]
ANONYMOUS = Caller("anonymous")
# Per caller kind; PLANNING_EXAMPLES raises it for a longer local hunt.
EXAMPLES = int(os.environ.get("PLANNING_EXAMPLES", "1000"))
# Fewer distinct documents than this means the extraction broke, not that the suite shrank.
MIN_SUITE_DOCUMENTS = 30
NAMED_PAGE_SIZES = (0, 1, 3, 100, *OUT_OF_RANGE_PAGE_SIZES)


@pytest.fixture(scope="module")
async def twins(database: str, settings: Settings) -> AsyncIterator[Twins]:
    async with twin_apps(settings) as twins:
        yield twins


@pytest.fixture(scope="module")
def callers(editor_token: str) -> dict[str, Caller]:
    editor = Caller("editor", {"Authorization": f"Bearer {editor_token}"})
    return {"anonymous": ANONYMOUS, "editor": editor}


@pytest.fixture(scope="module")
async def dataset(twins: Twins, callers: dict[str, Caller]) -> AsyncIterator[Dataset]:
    editor = GraphQL(twins.standard, callers["editor"].headers)
    async with editing.open_desk(editor) as desk:
        made = await make_content(desk)
        yield await read_dataset(editor, made)


async def test_tags_are_collected_through_http(twins: Twins, dataset: Dataset) -> None:
    query = "query ($slug: String!) { relay(slug: $slug) { slug posts { totalCount } } }"
    body = {"query": query, "variables": {"slug": dataset.made["relay"]}}
    answer = await ask(twins.standard, body, ANONYMOUS)
    # Without them the tag half of every comparison would compare two empty sets.
    assert any(tag.startswith("posts:relay:") for tag in answer.tags), answer.tags


async def test_named_operations_answer_alike(
    twins: Twins, dataset: Dataset, callers: dict[str, Caller]
) -> None:
    operations = named_operations()
    assert len(operations) == 8, [operation.origin for operation in operations]
    mismatches = Mismatches()
    uncosted = []
    for operation in operations:
        for variables in await _named_cases(twins, dataset, callers, operation):
            for caller in callers.values():
                with mismatches.collecting():
                    answer = await twins.compare(
                        operation.text, variables, caller, operation.origin
                    )
                    # Both executors' answers carry the same price (compared with the bytes).
                    if "cost" not in json.loads(answer.content).get("extensions", {}):
                        uncosted.append((operation.origin, variables))
    if mismatches.messages:
        pytest.fail(mismatches.report(), pytrace=False)
    assert not uncosted, uncosted


async def _named_cases(
    twins: Twins, dataset: Dataset, callers: dict[str, Caller], operation: Document
) -> list[dict[str, Any]]:
    """Each slug (or search word) alone, on a page of one and the page after; then every
    page size and cursor kind on the first slug that has a second page."""
    sites = {v.name: v.site.name for v in _variables(operation)}
    primary = next((name for name, site in sites.items() if site in ("slug", "query")), None)
    paging = [name for name, site in sites.items() if site in ("first", "postsFirst")]
    after = next((name for name, site in sites.items() if site == "after"), None)
    cases: list[dict[str, Any]] = []
    rich: tuple[dict[str, Any], str] | None = None
    for base in _primary_values(dataset, operation, primary):
        first_page = {**base, **dict.fromkeys(paging, 1)}
        cases += [base, first_page] if paging else [base]
        cursor = await _end_cursor(twins, callers, operation, first_page) if after else None
        if after and cursor:
            cases.append({**first_page, after: cursor})
            rich = rich or (base, cursor)
    base, cursor = rich or (cases[0], GARBAGE_CURSORS[0])
    if paging:
        cases += [{**base, **dict.fromkeys(paging, size)} for size in NAMED_PAGE_SIZES]
    if after:
        cases += [{**base, after: value} for value in [cursor, *GARBAGE_CURSORS]]
    return cases


async def _end_cursor(
    twins: Twins, callers: dict[str, Caller], operation: Document, variables: dict[str, Any]
) -> str | None:
    """The first `endCursor` the editor (who sees the most) gets for these variables."""
    body = {"query": operation.text, "variables": variables}
    cursors = end_cursors((await ask(twins.standard, body, callers["editor"])).decoded())
    return cursors[0] if cursors else None


def _variables(operation: Document) -> list[Variable]:
    return variables_of(schema._schema, operation)


def _primary_values(
    dataset: Dataset, operation: Document, primary: str | None
) -> list[dict[str, Any]]:
    if primary is None:
        return [{}]
    (variable,) = [v for v in _variables(operation) if v.name == primary]
    choices = candidates(dataset, variable.site, variable.type)
    return [{primary: value} for value in [*choices.ordinary, *choices.hostile]]


async def test_suite_queries_answer_alike(
    twins: Twins, dataset: Dataset, callers: dict[str, Caller], project_root: Path
) -> None:
    corpus = suite_documents(project_root / "tests", schema._schema)
    assert len(corpus) >= MIN_SUITE_DOCUMENTS, [document.origin for document in corpus]
    mismatches = Mismatches()
    for document in corpus:
        for variables in variable_sets(dataset, schema._schema, document):
            for caller in callers.values():
                with mismatches.collecting():
                    await twins.compare(document.text, variables, caller, document.origin)
    if mismatches.messages:
        pytest.fail(mismatches.report(), pytrace=False)


# Nested author lists whose `after` the suite's own queries must exercise (with cursors
# sampled from the data), besides what the generator draws; the named operations page the
# nested post lists, but not these.
NESTED_AUTHOR_PAGES = {"Relay.contributors", "Organization.authors"}


def paged_fields(document: Document) -> set[str]:
    """`Type.field` of each field the document passes `after` to."""
    type_info = TypeInfo(schema._schema)
    found: set[str] = set()

    class Find(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            parent = type_info.get_parent_type()
            if parent is not None and any(a.name.value == "after" for a in node.arguments or ()):
                found.add(f"{parent.name}.{node.name.value}")

    visit(document.tree, TypeInfoVisitor(type_info, Find()))
    return found


def test_suite_queries_page_the_nested_author_lists(project_root: Path) -> None:
    corpus = suite_documents(project_root / "tests", schema._schema)
    paged = set().union(*(paged_fields(document) for document in corpus))
    assert paged >= NESTED_AUTHOR_PAGES, NESTED_AUTHOR_PAGES - paged


@pytest.mark.parametrize("caller_name", ["anonymous", "editor"])
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # The fixtures are module-scoped: nothing is reset between examples, nothing needs to be.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_generated_queries_answer_alike(
    twins: Twins, dataset: Dataset, callers: dict[str, Caller], caller_name: str, data: Any
) -> None:
    generated = data.draw(documents(schema._schema, dataset), label="document")
    origin = f"generated, breaks {generated.breaks}" if generated.breaks else "generated"
    await twins.compare(generated.text, generated.variables, callers[caller_name], origin)


PLANNED_TOTAL = re.compile(r"^graph_execution_planned_total (\d+)$", re.MULTILINE)


async def test_every_named_operation_takes_the_planned_path(
    twins: Twins, dataset: Dataset, callers: dict[str, Caller]
) -> None:
    """The frontend's own queries must not fall back: that is what the planner is for."""
    fell_back = []
    for operation in named_operations():
        sites = {v.name: v.site.name for v in _variables(operation)}
        primary = next((name for name, site in sites.items() if site in ("slug", "query")), None)
        variables = _primary_values(dataset, operation, primary)[0]
        for caller in callers.values():
            before = await _planned_total(twins.planned)
            await ask(twins.planned, {"query": operation.text, "variables": variables}, caller)
            if await _planned_total(twins.planned) != before + 1:
                fell_back.append(f"{Path(operation.origin).name} ({caller.name}, {variables})")
    assert not fell_back, fell_back


async def _planned_total(http: httpx.AsyncClient) -> int:
    metrics = (await http.get("/metrics")).text
    found = PLANNED_TOTAL.search(metrics)
    assert found is not None, f"no graph_execution_planned_total in /metrics:\n{metrics}"
    return int(found.group(1))


REVISIONS = """
query Revisions($first: Int) {
  posts(first: 5, filter: {status: [DRAFT, PUBLISHED]}) {
    edges { node { slug revisions(first: $first) {
      id version actor createdAt changes { field old new }
    } } }
  }
}
"""


@pytest.mark.parametrize("first", [None, 0, 1, 100])
async def test_an_editors_revisions_are_planned_and_answer_alike(
    twins: Twins, dataset: Dataset, callers: dict[str, Caller], first: int | None
) -> None:
    variables = {} if first is None else {"first": first}
    for caller in callers.values():
        before = await _planned_total(twins.planned)
        answer = await twins.compare(REVISIONS, variables, caller, "revisions")
        assert await _planned_total(twins.planned) == before + 1, caller.name
        posts = json.loads(answer.content)["data"]["posts"]["edges"]
        shown = [post["node"]["revisions"] for post in posts]
        if caller.name == "editor" and first != 0:
            assert any(shown), "no post with revisions to compare"
        if caller.name == "anonymous":
            assert shown == [None] * len(shown)


OLD_SLUGS = """
query OldSlugs($relay: String!, $post: String!, $author: String!, $organization: String!,
    $category: String!) {
  relay(slug: $relay) { slug previousSlugs posts(first: 3) { edges { node { slug } } } }
  post(slug: $post) { slug previousSlugs category { slug previousSlugs }
    bylines { author { slug previousSlugs } organization { slug previousSlugs } } }
  author(slug: $author) { slug previousSlugs }
  organization(slug: $organization) { slug previousSlugs }
  category(slug: $category) { slug previousSlugs }
  posts(first: 3, filter: {relay: $relay, category: $category, author: $author,
      organization: $organization}) { totalCount edges { node { slug } } }
}
"""


PENDING = """
query Pending {
  posts(first: 10, filter: {status: [DRAFT, PUBLISHED]}) {
    edges { node { slug pending {
      title slug teaser teaserDerived body html changedFields stagedBy stagedAt
      category { slug name } bylines { role author { slug name } organization { slug } }
    } } }
  }
}
"""


async def test_lookups_by_old_slugs_are_planned_and_answer_alike(
    twins: Twins, dataset: Dataset, callers: dict[str, Caller]
) -> None:
    kinds = ("relay", "post", "author", "organization", "category")
    variables = {kind: dataset.made[f"old_{kind}"] for kind in kinds}
    for caller in callers.values():
        before = await _planned_total(twins.planned)
        answer = await twins.compare(OLD_SLUGS, variables, caller, "old slugs")
        assert await _planned_total(twins.planned) == before + 1, caller.name
        data = json.loads(answer.content)["data"]
        assert data["relay"]["previousSlugs"] == [variables["relay"]]
        assert data["post"]["slug"] != variables["post"]
        assert data["posts"]["totalCount"] == 1


async def test_an_editors_pending_versions_are_planned_and_answer_alike(
    twins: Twins, dataset: Dataset, callers: dict[str, Caller]
) -> None:
    for caller in callers.values():
        before = await _planned_total(twins.planned)
        answer = await twins.compare(PENDING, {}, caller, "pending")
        assert await _planned_total(twins.planned) == before + 1, caller.name
        posts = json.loads(answer.content)["data"]["posts"]["edges"]
        shown = [post["node"]["pending"] for post in posts]
        if caller.name == "editor":
            assert any(shown), "no post with a staged edit to compare"
        else:
            assert shown == [None] * len(shown)
