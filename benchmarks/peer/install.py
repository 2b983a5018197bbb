"""PostGraphile 5 and the Node 22 it runs on, installed with npm into a cache folder once.

Like wrk from apt, the peer is a tool on this machine, not part of the repository: it lives
in `$XDG_CACHE_HOME/graph-bench/postgraphile` (`~/.cache/…` by default), is installed on the
first run that asks for it, and is reused after. The machine's own Node may be older than
PostGraphile 5 wants; the `node` npm package brings Node 22 into the same folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import orjson

from graph.db import libpq_url

PACKAGES = ("node@22", "postgraphile@5")
# One quick retry: an unreachable registry fails in seconds, not after npm's minutes.
NPM_OPTIONS = (
    "--no-audit", "--no-fund", "--fetch-retries=1", "--fetch-retry-mintimeout=2000",
    "--fetch-retry-maxtimeout=5000",
)  # fmt: skip
PRESET = "postgraphile/presets/amber"
INSTALL_TIMEOUT_S = 600.0
VERSION_TIMEOUT_S = 30.0
FOLDER_VARIABLE = "GRAPH_BENCH_PEER_DIR"


class PeerUnavailable(Exception):
    """PostGraphile is not installed and could not be (npm missing, registry unreachable)."""


def folder() -> Path:
    """Where the peer is installed: GRAPH_BENCH_PEER_DIR, else the user's cache folder."""
    given = os.environ.get(FOLDER_VARIABLE)
    if given:
        return Path(given)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "graph-bench" / "postgraphile"


def node(where: Path) -> Path:
    """The Node 22 the `node` npm package installed."""
    return where / "node_modules" / ".bin" / "node"


def cli(where: Path) -> Path:
    """PostGraphile's command-line server."""
    return where / "node_modules" / "postgraphile" / "dist" / "cli-run.js"


def installed(where: Path) -> bool:
    """Whether both the Node binary and PostGraphile are in `where`."""
    return node(where).exists() and cli(where).exists()


def ensure(
    where: Path | None = None,
    say: Callable[[str], None] = print,
    timeout_s: float = INSTALL_TIMEOUT_S,
) -> Path:
    """The install folder, installing into it first when needed; PeerUnavailable says why not."""
    where = where or folder()
    if not installed(where):
        _install(where, say, timeout_s)
    _check_node(where)
    return where


def _install(where: Path, say: Callable[[str], None], timeout_s: float) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise PeerUnavailable(
            "the peer run needs npm to install PostGraphile (once, into "
            f"{where}): apt-get install npm (Debian/Ubuntu) or brew install node"
        )
    say(f"peer: installing {' '.join(PACKAGES)} into {where} with npm (once)")
    where.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--prefix", str(where), *NPM_OPTIONS, *PACKAGES]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise PeerUnavailable(
            f"`{' '.join(command)}` did not finish within {timeout_s:.0f} s "
            "(is the npm registry reachable?)"
        ) from error
    if done.returncode != 0 or not installed(where):
        raise PeerUnavailable(
            f"`{' '.join(command)}` failed ({done.returncode}; is the npm registry "
            f"reachable?):\n{(done.stderr or done.stdout)[-2000:]}"
        )


def _check_node(where: Path) -> None:
    """Run the installed Node once: npm can leave the `node` package without its binary."""
    try:
        done = subprocess.run(
            [str(node(where)), "--version"],
            capture_output=True,
            text=True,
            timeout=VERSION_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PeerUnavailable(f"{node(where)} does not run: {error}") from error
    if done.returncode != 0:
        raise PeerUnavailable(f"{node(where)} does not run: {done.stderr.strip()}")


def command(where: Path, database_url: str) -> list[str]:
    """PostGraphile serving the `public` schema of the database, without host and port."""
    return [
        str(node(where)), str(cli(where)), "--preset", PRESET,
        "--connection", libpq_url(database_url), "--schema", "public",
    ]  # fmt: skip


def describe(where: Path) -> str:
    """`PostGraphile 5.1.5 on Node 22.23.3`, read from the installed packages."""
    return f"PostGraphile {_version(where, 'postgraphile')} on Node {_version(where, 'node')}"


def _version(where: Path, package: str) -> str:
    manifest = where / "node_modules" / package / "package.json"
    try:
        return str(orjson.loads(manifest.read_bytes())["version"])
    except (OSError, KeyError, orjson.JSONDecodeError):
        return "(unknown version)"
