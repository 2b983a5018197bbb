"""Installing the peer: without npm, or without a reachable registry, the bench says why
within seconds instead of failing later or hanging."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.peer import install

UNREACHABLE = "http://127.0.0.1:1/"
TIMEOUT_S = 60.0


def test_without_npm_the_peer_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(install.PeerUnavailable, match=r"needs npm .*apt-get install npm"):
        install.ensure(tmp_path / "peer", say=lambda _: None)


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_an_unreachable_registry_is_reported_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("npm_config_registry", UNREACHABLE)
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-cache"))  # nothing cached
    with pytest.raises(install.PeerUnavailable, match="is the npm registry reachable"):
        install.ensure(tmp_path / "peer", say=lambda _: None, timeout_s=TIMEOUT_S)


def test_the_folder_can_be_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(install.FOLDER_VARIABLE, str(tmp_path))
    assert install.folder() == tmp_path


def test_the_default_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(install.FOLDER_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert install.folder() == Path("/somewhere/cache/graph-bench/postgraphile")
