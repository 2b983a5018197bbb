"""graph.show_sql: `graph show-sql` lays a statement out to be read.

Writing a statement needs no database: these run on either backend.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from fixtures.units import SETTINGS

from graph.show_sql import laid_out, show

OPERATIONS = Path(__file__).resolve().parents[1] / "schema" / "operations"


def test_each_subquery_and_clause_is_a_line_indented_by_nesting() -> None:
    sql = "SELECT a, (SELECT b FROM t WHERE c = ')(' ORDER BY d) FROM u WHERE e"
    assert laid_out(sql).splitlines() == [
        "SELECT a,",
        "  (SELECT b",
        "  FROM t",
        "  WHERE c = ')('",
        "  ORDER BY d)",
        "FROM u",
        "WHERE e",
    ]


def _args(document: Path, variables: str = "{}", editor: bool = False) -> argparse.Namespace:
    return argparse.Namespace(
        document=str(document),
        operation=None,
        variables=variables,
        editor=editor,
        settings=SETTINGS,
    )


def test_a_frontend_operation_prints_its_statement_and_parameters(
    capsys: pytest.CaptureFixture[str],
) -> None:
    show(_args(OPERATIONS / "RelayPage.graphql", '{"slug": "klima", "first": 3}'))
    printed = capsys.readouterr().out
    assert printed.startswith("SELECT json_build_object('relay',")
    assert "'klima'" in printed.splitlines()[-1]  # bound, not written into the text
    assert "'klima'" not in "\n".join(printed.splitlines()[:-1])


def test_a_search_is_planned_but_not_compiled(tmp_path: Path) -> None:
    document = tmp_path / "search.graphql"
    document.write_text('{ search(query: "klima", first: 2) { edges { node { slug } } } }')
    with pytest.raises(SystemExit, match="planned, but not compiled"):
        show(_args(document))


def test_a_document_that_does_not_validate_says_why(tmp_path: Path) -> None:
    document = tmp_path / "wrong.graphql"
    document.write_text("{ relay { nonsense } }")
    with pytest.raises(SystemExit, match="nonsense"):
        show(_args(document))
