"""scripts/update-graphiql's downloader against a small npm registry on loopback."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from graph.graphiql.assets import Borrowed, Package
from graph.graphiql.update import Registry, UpdateError, update

LEFT_PAD = Package(
    "left-pad",
    "1.3.0",
    "WTFPL",
    {"package/index.js": "left-pad.js", "package/LICENSE": "LICENSE"},
)
PLUGIN = Package(
    "@pads/plugin",
    "2.0.0",
    "MIT",
    {"package/dist/plugin.umd.js": "plugin.umd.js"},
    borrowed={"LICENSE": Borrowed("left-pad", "1.3.0", "package/LICENSE", "it ships none")},
)
TARBALLS = {
    ("left-pad", "1.3.0"): {"package/index.js": b"pad()", "package/LICENSE": b"WTFPL text"},
    ("@pads/plugin", "2.0.0"): {"package/dist/plugin.umd.js": b"plugin()"},
}


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class FakeRegistry:
    """npm's two routes: `/<name>/<version>` (metadata) and the tarball it points at."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.routes: dict[str, bytes] = {}
        for (name, version), files in TARBALLS.items():
            self.publish(name, version, tarball(files))

    def publish(
        self, name: str, version: str, data: bytes, integrity_of: bytes | None = None
    ) -> None:
        """Serve `data` as the tarball; its integrity is that of `integrity_of` if given."""
        digest = hashlib.sha512(data if integrity_of is None else integrity_of).digest()
        tarball_path = f"/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"
        meta = {
            "name": name,
            "version": version,
            "dist": {
                "tarball": self.base + tarball_path,
                "integrity": "sha512-" + base64.b64encode(digest).decode(),
            },
        }
        self.routes[f"/{name}/{version}"] = json.dumps(meta).encode()
        self.routes[tarball_path] = data


@pytest.fixture
def registry() -> Iterator[FakeRegistry]:
    """A registry serving TARBALLS on a loopback port."""
    fake: FakeRegistry

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = fake.routes.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake = FakeRegistry(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def run_update(registry: FakeRegistry, target: Path) -> list[str]:
    with httpx.Client() as client:
        return update(Registry(registry.base, client), target, (LEFT_PAD, PLUGIN))


def test_writes_each_package_into_its_versioned_folder(
    registry: FakeRegistry, tmp_path: Path
) -> None:
    written = run_update(registry, tmp_path)
    assert written == [
        "left-pad-1.3.0/left-pad.js",
        "left-pad-1.3.0/LICENSE",
        "plugin-2.0.0/plugin.umd.js",
        "plugin-2.0.0/LICENSE",
        "VERSIONS.md",
    ]
    assert (tmp_path / "left-pad-1.3.0" / "left-pad.js").read_bytes() == b"pad()"
    assert (tmp_path / "plugin-2.0.0" / "LICENSE").read_bytes() == b"WTFPL text"


def test_versions_md_lists_versions_licences_borrowed_licences_and_checksums(
    registry: FakeRegistry, tmp_path: Path
) -> None:
    run_update(registry, tmp_path)
    versions = (tmp_path / "VERSIONS.md").read_text()
    assert "| left-pad | 1.3.0 | WTFPL | left-pad-1.3.0/ |" in versions
    assert "| @pads/plugin | 2.0.0 | MIT | plugin-2.0.0/ |" in versions
    assert "`plugin-2.0.0/LICENSE`: package/LICENSE of left-pad 1.3.0; it ships none." in versions
    assert f"{hashlib.sha256(b'plugin()').hexdigest()}  plugin-2.0.0/plugin.umd.js" in versions


def test_an_old_version_goes_and_our_own_files_stay(registry: FakeRegistry, tmp_path: Path) -> None:
    (tmp_path / "left-pad-1.2.0").mkdir()
    (tmp_path / "left-pad-1.2.0" / "left-pad.js").write_text("old")
    (tmp_path / "start.js").write_text("ours")
    run_update(registry, tmp_path)
    assert not (tmp_path / "left-pad-1.2.0").exists()
    assert (tmp_path / "start.js").read_text() == "ours"


def test_a_tarball_that_does_not_match_its_integrity_changes_nothing(
    registry: FakeRegistry, tmp_path: Path
) -> None:
    registry.publish(
        "@pads/plugin",
        "2.0.0",
        tarball({"package/dist/plugin.umd.js": b"evil()"}),
        integrity_of=tarball(TARBALLS["@pads/plugin", "2.0.0"]),
    )
    (tmp_path / "left-pad-1.2.0").mkdir()
    with pytest.raises(UpdateError, match="does not match its sha512"):
        run_update(registry, tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == ["left-pad-1.2.0"]


def test_a_missing_file_is_named(registry: FakeRegistry, tmp_path: Path) -> None:
    registry.publish("left-pad", "1.3.0", tarball({"package/index.js": b"pad()"}))
    with pytest.raises(UpdateError, match=re.escape("left-pad@1.3.0 has no package/LICENSE")):
        run_update(registry, tmp_path)


def test_an_unknown_version_is_named(registry: FakeRegistry, tmp_path: Path) -> None:
    del registry.routes["/left-pad/1.3.0"]
    with pytest.raises(UpdateError, match=r"left-pad/1\.3\.0: .*404"):
        run_update(registry, tmp_path)
