"""Download the pinned GraphiQL packages from the npm registry into the package's static folder.

`python -m graph.graphiql.update` (or `scripts/update-graphiql`): each tarball is checked
against the registry's published sha512 before a file is taken from it; the old folders are
replaced only once every download succeeded; `VERSIONS.md` lists what was written.
"""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import sys
import tarfile
from collections.abc import Iterable
from pathlib import Path

import httpx

from graph.graphiql.assets import PACKAGES, STATIC_DIR, VERSIONS_FILE, Package

REGISTRY = "https://registry.npmjs.org"
TIMEOUT_S = 60


class UpdateError(Exception):
    """A download failed or did not match what the registry says it should be."""


class Registry:
    """npm tarballs by name and version, each fetched once and checked against its integrity."""

    def __init__(self, base: str, client: httpx.Client) -> None:
        self.base = base.rstrip("/")
        self.client = client
        self._tarballs: dict[tuple[str, str], dict[str, bytes]] = {}

    def file(self, name: str, version: str, path: str) -> bytes:
        """One file out of `name@version`'s tarball."""
        files = self._tarballs.get((name, version))
        if files is None:
            files = self._tarballs[name, version] = _members(self._download(name, version))
        if path not in files:
            raise UpdateError(f"{name}@{version} has no {path}")
        return files[path]

    def _download(self, name: str, version: str) -> bytes:
        meta = self._get(f"{self.base}/{name}/{version}").json()
        dist = meta["dist"]
        tarball = self._get(dist["tarball"]).content
        algorithm, _, expected = dist["integrity"].partition("-")
        if algorithm != "sha512":
            raise UpdateError(f"{name}@{version}: unexpected integrity {dist['integrity']!r}")
        actual = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
        if actual != expected:
            raise UpdateError(f"{name}@{version}: the tarball does not match its sha512")
        return tarball

    def _get(self, url: str) -> httpx.Response:
        try:
            response = self.client.get(url, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise UpdateError(f"GET {url}: {error}") from error
        return response


def _members(tarball: bytes) -> dict[str, bytes]:
    files = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive.getmembers():
            content = archive.extractfile(member) if member.isfile() else None
            if content is not None:
                files[member.name] = content.read()
    return files


def package_files(registry: Registry, package: Package) -> dict[str, bytes]:
    """Every file of one package's folder, by name: its own files and borrowed licences."""
    files = {
        name: registry.file(package.name, package.version, path)
        for path, name in package.files.items()
    }
    for name, source in package.borrowed.items():
        files[name] = registry.file(source.package, source.version, source.path)
    return files


def versions_text(written: list[tuple[Package, dict[str, bytes]]]) -> str:
    """VERSIONS.md: what is here, under which licence, where licences came from, checksums."""
    lines = [
        "# GraphiQL, vendored",
        "",
        "Written by `scripts/update-graphiql` from the npm registry: change the pins in",
        "`graph/graphiql/assets.py` and run it; do not edit these folders by hand. `start.js`",
        "(mounts GraphiQL on the page) is ours and is not touched by the script.",
        "",
        "| package | version | licence | folder | files |",
        "|---|---|---|---|---|",
    ]
    for package, files in written:
        names = ", ".join(sorted(files))
        lines.append(
            f"| {package.name} | {package.version} | {package.licence} "
            f"| {package.folder}/ | {names} |"
        )
    lines += ["", "Licence files a package does not ship itself:", ""]
    for package, _ in written:
        for name, source in package.borrowed.items():
            lines.append(
                f"- `{package.folder}/{name}`: {source.path} of {source.package} "
                f"{source.version}; {source.why}."
            )
    lines += ["", "SHA-256 of every file:", "", "```"]
    for package, files in written:
        for name, data in sorted(files.items()):
            lines.append(f"{hashlib.sha256(data).hexdigest()}  {package.folder}/{name}")
    lines += ["```", ""]
    return "\n".join(lines)


def update(registry: Registry, target: Path, packages: Iterable[Package] = PACKAGES) -> list[str]:
    """Replace the vendored folders in `target` with the pinned packages; the paths written."""
    written = [(package, package_files(registry, package)) for package in packages]
    for old in target.iterdir() if target.exists() else ():
        if old.is_dir():
            shutil.rmtree(old)
    paths = []
    for package, files in written:
        folder = target / package.folder
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
            paths.append(f"{package.folder}/{name}")
    (target / VERSIONS_FILE).write_text(versions_text(written), encoding="utf-8")
    return [*paths, VERSIONS_FILE]


def main() -> None:
    """Download the pins from the npm registry into graph/static/graphiql/."""
    try:
        with httpx.Client(timeout=TIMEOUT_S) as client:
            paths = update(Registry(REGISTRY, client), STATIC_DIR)
    except UpdateError as error:
        sys.exit(f"update-graphiql: nothing changed: {error}")
    for path in paths:
        print(f"wrote graph/static/graphiql/{path}")


if __name__ == "__main__":
    main()
