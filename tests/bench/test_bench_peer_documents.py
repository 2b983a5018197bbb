"""The peer's documents: one per operation it can express, each asking for what ours asks but
for the fields it says it leaves out, under our names."""

from __future__ import annotations

import orjson
import pytest
from graphql import FieldNode, OperationDefinitionNode, SelectionSetNode, parse

from benchmarks import operations
from benchmarks.peer.documents import (
    FOLDER,
    PEER_DOCUMENTS,
    PeerDocument,
    differences,
    peer_version,
    text,
)


def query(source: str) -> OperationDefinitionNode:
    (definition,) = parse(source).definitions
    assert isinstance(definition, OperationDefinitionNode)
    return definition


def paths(selections: SelectionSetNode | None, prefix: str = "") -> set[str]:
    """Every place in the answer, as response keys joined by dots."""
    found: set[str] = set()
    for selection in selections.selections if selections else ():
        assert isinstance(selection, FieldNode), "the documents use no fragments"
        key = (selection.alias or selection.name).value
        path = f"{prefix}.{key}" if prefix else key
        found |= {path, *paths(selection.selection_set, path)}
    return found


def ours_without_omitted(document: PeerDocument) -> set[str]:
    ours = paths(query(operations.document(document.name)).selection_set)
    return {
        path
        for path in ours
        if not any(path == gone or path.startswith(f"{gone}.") for gone in document.omitted)
    }


def peer_as_ours(document: PeerDocument) -> set[str]:
    """The peer's places, with PostGraphile's `nodes` wrappers and `through` steps left out."""
    found = set()
    for path in paths(query(text(document.name)).selection_set):
        for at, key in document.through.items():
            path = path.replace(f"{at}.{key}", at)
        found.add(".".join(part for part in path.split(".") if part != "nodes"))
    return found


DOCUMENTS = list(PEER_DOCUMENTS.values())


def test_every_peer_document_has_a_file_and_every_file_a_document() -> None:
    assert {path.stem for path in FOLDER.glob("*.graphql")} == set(PEER_DOCUMENTS)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda document: document.name)
def test_the_peer_asks_for_what_we_ask_but_what_it_leaves_out(document: PeerDocument) -> None:
    assert peer_as_ours(document) == ours_without_omitted(document)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda document: document.name)
def test_the_peer_document_is_named_and_takes_variables_as_ours(document: PeerDocument) -> None:
    ours, theirs = query(operations.document(document.name)), query(text(document.name))
    assert theirs.name is not None and theirs.name.value == document.name
    variables = [
        [variable.variable.name.value for variable in definition.variable_definitions or ()]
        for definition in (ours, theirs)
    ]
    assert variables[0] == variables[1]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda document: document.name)
def test_what_the_peer_leaves_out_is_in_our_document_and_said(document: PeerDocument) -> None:
    ours = paths(query(operations.document(document.name)).selection_set)
    said = " ".join(differences(document.name))
    assert differences(document.name), "each version says how it differs"
    for gone in document.omitted:
        assert gone in ours
        assert f"`{gone.rsplit('.', 1)[-1]}`" in said


@pytest.mark.parametrize("name", ["Search", "SearchWithFacets", "OrganizationPage"])
def test_what_the_peer_cannot_express_has_no_version(name: str) -> None:
    assert peer_version(operations.Operation(name, name, {"slug": "s"})) is None


def test_the_peer_version_sends_the_peer_document_with_our_variables() -> None:
    full = operations.Operation("RelayPage", "RelayPage", {"slug": "s"})
    assert peer_version(full) is None  # ours asks for contributors: not compared
    cut = operations.Operation(
        operations.PEERS_RELAY_PAGE, "RelayPage", {"slug": "s"}, without=("relay.contributors",)
    )
    version = peer_version(cut)
    assert version is not None
    payload = orjson.loads(version.payload())
    assert "relayBySlug" in payload["query"]
    assert payload["variables"] == {"slug": "s"}
    assert payload["operationName"] == "RelayPage"
