"""The graphql runner: prints the response, fails on HTTP, GraphQL and typed errors."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures.pricing import cost_extension

from client.servers import Server

CREATE = """mutation Create($title: String!) {
  createPost(input: {relay: "ingen-stafet", title: $title}) {
    __typename
    ... on ValidationFailed { message fieldErrors { path message } }
  }
}"""


def document(folder: Path, text: str) -> Path:
    """A .graphql file holding `text`."""
    path = folder / "operation.graphql"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_query_prints_the_response(demo_server: Server, tmp_path: Path) -> None:
    text = "query Q($slug: String!) { post(slug: $slug) { title leg } }"
    path = document(tmp_path, text)

    result = demo_server.run("graphql", path, "--var", "slug=politi-med-bloed-hat")

    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {
        "data": {"post": {"title": "Politi med blød hat", "leg": 2}},
        "extensions": cost_extension(text, slug="politi-med-bloed-hat"),
    }


def test_variables_as_json_and_the_wrapper_from_another_folder(
    demo_server: Server, tmp_path: Path
) -> None:
    document(tmp_path, "query Q($first: Int!) { posts(first: $first) { edges { node { leg } } } }")

    result = demo_server.run_wrapper(
        "graphql", "operation.graphql", "--variables", '{"first": 2}', cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["data"]["posts"]["edges"] == [
        {"node": {"leg": 25}},
        {"node": {"leg": 24}},
    ]


def test_a_typed_error_result_fails_with_its_reason(demo_server: Server, tmp_path: Path) -> None:
    result = demo_server.run("graphql", document(tmp_path, CREATE), "--var", "title=Ny")

    assert result.returncode == 1
    assert json.loads(result.stdout)["data"]["createPost"]["__typename"] == "ValidationFailed"
    assert result.stderr == (
        "graphql: createPost: ValidationFailed: relay: no relay with the slug 'ingen-stafet'\n"
    )


def test_without_a_token_a_mutation_is_forbidden(demo_server: Server, tmp_path: Path) -> None:
    path = document(
        tmp_path, CREATE.replace("__typename", "__typename ... on Forbidden { message }")
    )

    result = demo_server.run("graphql", path, "--var", "title=Ny", token=False)

    assert result.returncode == 1
    assert result.stderr.startswith("graphql: createPost: Forbidden: This needs an API token")


def test_graphql_errors_fail_with_the_message(demo_server: Server, tmp_path: Path) -> None:
    result = demo_server.run("graphql", document(tmp_path, "{ nope }"))

    assert result.returncode == 1
    assert "errors" in json.loads(result.stdout)
    assert result.stderr == (
        "graphql: GraphQL error: Cannot query field 'nope' on type 'Query'. Did you mean 'node'?\n"
    )


def test_an_unreachable_server_is_one_line(demo_server: Server, tmp_path: Path) -> None:
    down = Server("http://127.0.0.1:9/graphql", demo_server.token)

    result = down.run("graphql", document(tmp_path, "{ categories { slug } }"))

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith("graphql: cannot connect to http://127.0.0.1:9/graphql: ")
    assert len(result.stderr.splitlines()) == 1


def test_a_bad_var_is_a_usage_error(demo_server: Server, tmp_path: Path) -> None:
    result = demo_server.run("graphql", document(tmp_path, "{ categories { slug } }"), "--var", "x")

    assert (result.returncode, result.stderr) == (1, "graphql: --var 'x': expected name=value\n")
