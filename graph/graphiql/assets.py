"""The pinned GraphiQL packages: which npm files are vendored where, and how they are served.

`scripts/update-graphiql` downloads exactly these versions into `graph/static/graphiql/`, one
folder per package and version, so a URL names its version and can be cached for good.
To move to new versions, change the pins here and run the script.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

STATIC_DIR = Path(__file__).resolve().parents[1] / "static" / "graphiql"
MOUNT = "/graphiql"
VERSIONS_FILE = "VERSIONS.md"

# Files under a versioned folder never change; our own start.js can, so it is revalidated.
VERSIONED_CACHE = b"public, max-age=31536000, immutable"
UNVERSIONED_CACHE = b"no-cache"


@dataclass(frozen=True)
class Borrowed:
    """A licence text taken from another npm package, for a package that ships none."""

    package: str
    version: str
    path: str
    why: str


@dataclass(frozen=True)
class Package:
    """One npm package as vendored: its pin, its licence and the files taken from it."""

    name: str
    version: str
    licence: str
    files: Mapping[str, str]  # path inside the npm tarball → file name in its folder
    borrowed: Mapping[str, Borrowed] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        """The folder (and URL segment) holding this version: `plugin-explorer-4.0.6`."""
        return f"{self.name.rsplit('/', 1)[-1]}-{self.version}"

    def url(self, file: str) -> str:
        """The path a browser loads one of this package's files from."""
        return f"{MOUNT}/{self.folder}/{file}"


# Plain <script> files, no bundler: React 18 is the last major with UMD builds (19 has none)
# and GraphiQL 4 the last with one (5 is ES modules plus Monaco's web workers). GraphiQL 4.1.2
# and @graphiql/plugin-explorer 4.0.6 share @graphiql/react 0.34.
REACT = Package(
    "react",
    "18.3.1",
    "MIT",
    {
        "package/umd/react.production.min.js": "react.production.min.js",
        "package/LICENSE": "LICENSE",
    },
)
REACT_DOM = Package(
    "react-dom",
    "18.3.1",
    "MIT",
    {
        "package/umd/react-dom.production.min.js": "react-dom.production.min.js",
        "package/LICENSE": "LICENSE",
    },
)
GRAPHIQL = Package(
    "graphiql",
    "4.1.2",
    "MIT",
    {
        "package/graphiql.min.js": "graphiql.min.js",
        "package/graphiql.min.css": "graphiql.min.css",
        "package/LICENSE": "LICENSE",
    },
)
EXPLORER = Package(
    "@graphiql/plugin-explorer",
    "4.0.6",
    "MIT",
    {"package/dist/index.umd.js": "index.umd.js", "package/dist/style.css": "style.css"},
    borrowed={
        "LICENSE": Borrowed(
            "graphiql",
            "4.1.2",
            "package/LICENSE",
            "the npm package ships no licence file; it is MIT (its package.json) and lives in "
            "GraphiQL's repository, whose licence this is",
        ),
        "LICENSE.graphiql-explorer": Borrowed(
            "graphiql-explorer",
            "0.9.0",
            "package/LICENSE",
            "graphiql-explorer 0.9.0 (MIT) is bundled into index.umd.js",
        ),
    },
)
# In the order the page must load them: each needs the ones before it.
PACKAGES = (REACT, REACT_DOM, GRAPHIQL, EXPLORER)


class GraphiQLFiles(StaticFiles):
    """The vendored files, with a Cache-Control that fits whether their URL is versioned."""

    def __init__(self) -> None:
        super().__init__(directory=STATIC_DIR)
        self.versioned = {package.folder for package in PACKAGES}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        folder = self.get_path(scope).split("/", 1)[0]
        cache = VERSIONED_CACHE if folder in self.versioned else UNVERSIONED_CACHE

        async def with_cache_control(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                message = {**message, "headers": [*message["headers"], (b"cache-control", cache)]}
            await send(message)

        await super().__call__(scope, receive, with_cache_control)
