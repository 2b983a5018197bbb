"""The HTTP edge of the cache: anonymous GraphQL queries answered from memory.

Pure ASGI in front of the GraphQL app, so a hit costs no routing, no request object and no
GraphQL execution. It also resolves persisted-query hashes for every caller, answers
`If-None-Match` with 304, and labels answers with `ETag`, `Cache-Control` and the content
tags a CDN can purge by. Requests with credentials go straight through, uncached.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    parse,
    print_ast,
)

from graph.budget.spend import RATE_LIMITED, afforded, refusal, spend_of, units_of
from graph.cache import tags as content
from graph.cache.persisted import PersistedQueries, sha256_hex
from graph.cache.requests import (
    GraphQLRequest,
    from_json,
    from_query_string,
    read_body,
    replay,
    rewritten,
)
from graph.cache.store import Entry, ResponseCache
from graph.settings import Settings

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Any

MAX_DOCUMENTS = 2048
# Longer texts are parsed each time rather than remembered (bounds this memo's memory).
MAX_REMEMBERED_TEXT = 20_000
# Proxies refuse responses whose headers pass a few KB; longer tag lists are made coarser.
MAX_TAG_HEADER = 2_000


@dataclass(frozen=True)
class Document:
    """What the cache needs of a query text: its normalised id and its operations' kinds."""

    id: bytes
    operations: dict[str | None, OperationType]

    def is_query(self, operation_name: str | None) -> bool:
        """Whether the operation that would run reads only."""
        if operation_name is None and len(self.operations) == 1:
            (kind,) = self.operations.values()
        else:
            kind = self.operations.get(operation_name)  # type: ignore[assignment]
        return kind is OperationType.QUERY


class Refusal(Exception):
    """A persisted-query problem answered at the edge: HTTP status and GraphQL error."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    def body(self) -> bytes:
        """The GraphQL error document."""
        error = {"message": str(self), "extensions": {"code": self.code}}
        return orjson.dumps({"errors": [error]})


class CachedGraphQL:
    """ASGI middleware for `/graphql`: persisted queries, the response cache, ETags."""

    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        cache: ResponseCache | None,
        persisted: PersistedQueries,
        valid_document: Callable[[str], bool],
        parse_document: Callable[[str], DocumentNode] | None = None,
    ) -> None:
        self.app = app
        self.valid_document = valid_document
        # The schema's parser (graph/api/admission.py) when given: a new text is then parsed
        # once per request, here and for execution, not twice.
        self.parse_document = parse_document or self._parse
        self.cache = cache
        self.persisted = persisted
        self.only_known = settings.apq_only_known
        self.cache_control = settings.cache_control.encode()
        self.tag_header = settings.cache_tag_header.lower().encode()
        self.tag_separator = tag_separator(settings.cache_tag_header)
        self.max_tokens = settings.max_tokens
        self._documents: OrderedDict[str, Document | None] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/graphql":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        headers = dict(scope["headers"])
        anonymous = b"authorization" not in headers
        if method == "GET":
            request = from_query_string(scope["query_string"])
            body = b""
        elif method == "POST" and b"json" in headers.get(b"content-type", b""):
            body = await read_body(receive)
            request = from_json(body)
        else:
            await self.app(scope, receive, send)
            return
        if request is None:
            await self.app(scope, replay(body), send)
            return
        try:
            filled_in = self._resolve_persisted(request, anonymous)
        except Refusal as refusal:
            await _respond(send, refusal.status, [], refusal.body())
            return
        if filled_in:
            scope, body = rewritten(scope, request)
        if not anonymous or self.cache is None or not self.cache.enabled:
            await self.app(scope, replay(body), send)
            return
        await self._cached(scope, body, request, headers, send)

    def _resolve_persisted(self, request: GraphQLRequest, anonymous: bool) -> bool:
        """Fill in the query text from its hash; whether the request had to be rewritten."""
        extensions = request.extensions if isinstance(request.extensions, dict) else {}
        persisted = extensions.get("persistedQuery")
        if persisted is None:
            if request.query is not None:
                self._allow(anonymous, sha256_hex(request.query))
            return False
        digest = persisted_hash(persisted)
        if request.query is not None:
            if sha256_hex(request.query) != digest:
                raise Refusal(400, "provided sha does not match query", "BAD_REQUEST")
            self._allow(anonymous, digest)
            if self.persisted.lookup(digest) is None and self._rememberable(request.query):
                self.persisted.register(digest, request.query)
            return False
        text = self.persisted.lookup(digest)
        if text is None or (anonymous and self.only_known and digest not in self.persisted.known):
            # Apollo clients answer this by sending the text with the hash.
            raise Refusal(200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        request.query = text
        return True

    def _rememberable(self, query: str) -> bool:
        """Only short documents that parse and validate are kept for later requests by hash."""
        return len(query) <= MAX_REMEMBERED_TEXT and self.valid_document(query)

    def _allow(self, anonymous: bool, digest: str) -> None:
        """With APQ_ONLY_KNOWN, anonymous callers run only the named operations."""
        if anonymous and self.only_known and digest not in self.persisted.known:
            raise Refusal(
                400, "Only the named operations are accepted.", "PERSISTED_QUERY_NOT_ALLOWED"
            )

    async def _cached(
        self,
        scope: Scope,
        body: bytes,
        request: GraphQLRequest,
        headers: dict[bytes, bytes],
        send: Any,
    ) -> None:
        assert self.cache is not None
        # No query (e.g. `{"variables": {}}`): the GraphQL app refuses it with a 400.
        document = None if request.query is None else self._document(request.query)
        if document is None or not document.is_query(request.operation_name):
            await self.app(scope, replay(body), send)
            return
        key = _key(document, request)
        is_get = scope["method"] == "GET"
        entry = self.cache.get(key)
        if entry is not None:
            await self._send_entry(scope, send, entry, headers, b"HIT")
            return
        ran: list[bool] = []

        async def produce() -> Entry | None:
            ran.append(True)
            return await self._run(scope, body, send, is_get)

        entry = await self.cache.compute(key, produce)
        if ran:
            return  # this request computed it and has answered already
        if entry is None:
            await self.app(scope, replay(body), send)
        else:
            await self._send_entry(scope, send, entry, headers, b"HIT")

    async def _run(self, scope: Scope, body: bytes, send: Any, is_get: bool) -> Entry | None:
        """Answer through the GraphQL app, keeping the answer if it is a clean result."""
        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        with content.collecting() as collected:
            await self.app(scope, replay(body), capture)
        start = messages[0]
        response = b"".join(m.get("body", b"") for m in messages[1:])
        entry = None
        # A private answer (a preview) goes out as the app made it: private, no-store.
        if start["status"] == 200 and _is_clean(response) and content.PRIVATE not in collected:
            header = content.header_value(collected, self.tag_separator, MAX_TAG_HEADER)
            entry = Entry.of(response, collected, header.encode())
            start = {
                **start,
                "headers": [*start["headers"], *self._labels(entry, is_get), (b"x-cache", b"MISS")],
            }
        await send(start)
        await send({"type": "http.response.body", "body": response})
        return entry

    async def _send_entry(
        self, scope: Scope, send: Any, entry: Entry, headers: dict[bytes, bytes], state: bytes
    ) -> None:
        """A cached answer, charged by its size (a 304 by the least, which it holds already)."""
        is_get = scope["method"] == "GET"
        labels = [*self._labels(entry, is_get), (b"vary", b"Authorization"), (b"x-cache", state)]
        if is_get and none_match(headers.get(b"if-none-match"), entry.etag):
            await _respond(send, 304, labels, b"")
            return
        units = units_of(len(entry.body))
        if not await afforded(scope, units):
            spend = spend_of(scope)
            assert spend is not None  # only a budget refuses
            error = {"message": refusal(spend, units), "extensions": {"code": RATE_LIMITED}}
            await _respond(send, 200, [], orjson.dumps({"errors": [error]}))
            return
        await _respond(send, 200, labels, entry.body)

    def _labels(self, entry: Entry, is_get: bool) -> list[tuple[bytes, bytes]]:
        labels = [(b"etag", entry.etag.encode())]
        if entry.tag_header:
            labels.append((self.tag_header, entry.tag_header))
        if is_get:
            labels.append((b"cache-control", self.cache_control))
        return labels

    def _document(self, query: str) -> Document | None:
        """The parsed facts of a query text (cached); None if it does not parse."""
        if query in self._documents:
            self._documents.move_to_end(query)
            return self._documents[query]
        try:
            ast = self.parse_document(query)
        except GraphQLError:
            document = None
        else:
            operations = {
                (node.name.value if node.name else None): node.operation
                for node in ast.definitions
                if isinstance(node, OperationDefinitionNode)
            }
            document = Document(sha256_hex(print_ast(ast)).encode(), operations)
        if len(query) <= MAX_REMEMBERED_TEXT:
            self._documents[query] = document
            if len(self._documents) > MAX_DOCUMENTS:
                self._documents.popitem(last=False)
        return document

    def _parse(self, query: str) -> DocumentNode:
        # The same token limit as the schema's: a huge text is refused cheaply here too.
        return parse(query, max_tokens=self.max_tokens)


def persisted_hash(persisted: object) -> str:
    """The hash in an `extensions.persistedQuery` of Apollo's protocol, whose only version is 1.

    Anything else is refused as Apollo Server refuses it (400, "Unsupported persisted query
    version"): a later version may hash differently, and guessing would run the wrong text.
    """
    version = persisted.get("version") if isinstance(persisted, dict) else None
    if not isinstance(persisted, dict) or isinstance(version, bool) or version != 1:
        raise Refusal(
            400, "Unsupported persisted query version", "PERSISTED_QUERY_VERSION_NOT_SUPPORTED"
        )
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str):
        raise Refusal(400, "persistedQuery.sha256Hash must be a string.", "BAD_REQUEST")
    return digest


def tag_separator(header_name: str) -> str:
    """How the tag header separates tags: commas in `Cache-Tag`, spaces (Fastly's
    `Surrogate-Key`) otherwise."""
    return "," if header_name.lower() == "cache-tag" else " "


def none_match(header: bytes | None, etag: str) -> bool:
    """Whether `If-None-Match` names this ETag: `*`, or any tag in its list by RFC 9110's
    weak comparison (`W/"x"` matches `"x"`), as caches and CDNs send it after revalidating.
    """
    if header is None:
        return False
    wanted = etag.removeprefix("W/").encode()
    tags = [tag.strip() for tag in header.split(b",")]
    return any(tag == b"*" or tag.removeprefix(b"W/") == wanted for tag in tags)


def _key(document: Document, request: GraphQLRequest) -> bytes:
    """A fixed-size key: huge variables must not make huge keys (entries count bytes)."""
    variables = (
        orjson.dumps(request.variables, option=orjson.OPT_SORT_KEYS) if request.variables else b""
    )
    material = b"\x00".join([document.id, (request.operation_name or "").encode(), variables])
    return hashlib.blake2b(material, digest_size=20).digest()


def _is_clean(body: bytes) -> bool:
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    return isinstance(parsed, dict) and "errors" not in parsed and "data" in parsed


async def _respond(send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    if status != 304:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *headers,
        ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
