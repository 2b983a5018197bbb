"""The operation a request runs and its variables coerced, as both extensions need them."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast
from strawberry.types import ExecutionContext


def operation_and_variables(
    execution: ExecutionContext,
) -> tuple[OperationDefinitionNode, Any] | None:
    """The operation and its coerced variables (graphql-core's VariableValues); None when
    there is no document or operation, or the variables are wrong (graphql-core reports it)."""
    document = execution.graphql_document
    if document is None or execution.query is None:
        return None
    operation = get_operation_ast(document, execution.operation_name)
    if operation is None:
        return None
    schema: GraphQLSchema = execution.schema._schema
    variables = get_variable_values(
        schema, operation.variable_definitions or (), execution.variables or {}
    )
    if isinstance(variables, list):
        return None
    return operation, variables
