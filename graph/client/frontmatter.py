"""Markdown files with YAML front matter, and the stable YAML the clients write."""

from __future__ import annotations

from typing import Any

import yaml

FENCE = "---"


class FrontMatterError(ValueError):
    """A file whose front matter is missing or is not a YAML mapping."""


def split(text: str) -> tuple[dict[str, Any], str]:
    """The front matter mapping and the Markdown body of a file's text.

    Blank lines around the body and trailing whitespace are not part of it: they mean
    nothing to Markdown, and dropping them lets a file be written back unchanged.
    """
    # Split on "\n" only: str.splitlines also breaks at form feeds and U+2028 in the text.
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise FrontMatterError("does not start with a '---' front matter line")
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() == FENCE:
            header = "\n".join(lines[1:index])
            return _mapping(header), normalized_body("\n".join(lines[index + 1 :]))
    raise FrontMatterError("front matter has no closing '---' line")


def normalized_body(body: str) -> str:
    """The body as a file holds it: no blank lines before it, no whitespace after it."""
    return body.lstrip("\n").rstrip()


def _mapping(header: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(header)
    except yaml.YAMLError as error:
        # The header starts on the file's second line, below the opening fence.
        raise FrontMatterError(f"front matter is not valid YAML: {_one_line(error, 2)}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter must be a mapping of keys to values")
    return data


def _one_line(error: yaml.YAMLError, first_line: int) -> str:
    """`line N: problem`, N counted from `first_line`; else the error's text on one line."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        return f"line {error.problem_mark.line + first_line}: {error.problem}"
    return " ".join(str(error).split())


def join(front: dict[str, Any], body: str) -> str:
    """A file's text: the front matter (keys in the given order), a blank line, the body."""
    text = f"{FENCE}\n{dump(front)}{FENCE}\n"
    body = normalized_body(body)
    return f"{text}\n{body}\n" if body else text


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line text as a literal block, readable in a diff."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # PyYAML falls back to a quoted style by itself when the text cannot be a block.
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def dump(data: Any) -> str:
    """Stable YAML: keys in insertion order, Danish letters as they are, no line folding."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=10_000,
    )


def load(text: str) -> Any:
    """Parse YAML with the safe loader; FrontMatterError (one line) if it is not YAML."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FrontMatterError(f"not valid YAML: {_one_line(error, 1)}") from error
