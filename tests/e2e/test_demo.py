"""The README's main job: `make demo` (which runs `discovery demo` once installed)."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from importlib import resources
from pathlib import Path

import pytest

from tests.support.processes import REPO_ROOT, service_env

pytestmark = pytest.mark.integration


def demo_truth() -> dict:
    text = resources.files("discovery.sandbox").joinpath("demo_catalog.truth.json").read_text(encoding="utf-8")
    return json.loads(text)


def processes_with_env(marker: str) -> list[str]:
    """Command lines of live processes whose environment contains `marker`."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
    return found


def test_the_demo_prints_the_demo_artists_producers_with_roles_and_instagram_and_leaves_nothing_running(
    make_database, redis_url, tmp_path
):
    # The demo migrates and creates its database itself: give it a name that does not exist yet.
    url = make_database()
    env = service_env(
        DATABASE_URL=url,
        REDIS_URL=redis_url,
        COLUMNS="200",
        DISCOVERY_HOME=str(tmp_path / "home"),
        SPOTIFY_CLIENT_ID="",
        SPOTIFY_CLIENT_SECRET="",
        GENIUS_ACCESS_TOKEN="",
        INSTAGRAM_API_KEY="",
    )
    # `make demo` itself, with this test's virtualenv (already installed: -o keeps make from
    # installing it again) and the graph written into the test's directory.
    venv = Path(sys.executable).parent.parent
    done = subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO_ROOT), "-o", f"{venv}/.installed", "demo",
         f"VENV={venv}", f"DEMO_ARGS=--graph {tmp_path}/graph.svg"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240,
    )

    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    out = done.stdout
    truth = demo_truth()
    for artist in truth["artists"]:
        assert artist["name"] in out
    credited = {
        credit["producer"]: credit["role"] for credits in truth["tracks"].values() for credit in credits
    }
    for name, role in credited.items():
        assert name in out, name
        assert role in out, role
    handles = [p["socials"]["instagram"] for p in truth["producers"].values() if p["socials"]["instagram"]]
    assert handles
    for handle in handles:
        assert f"@{handle}" in out, handle
    assert "stopped" in out
    # The demo offered the graph and wrote it: an SVG
    assert f"collaboration graph to {tmp_path}/graph.svg" in out
    assert ElementTree.parse(tmp_path / "graph.svg").getroot().tag == "{http://www.w3.org/2000/svg}svg"
    assert "using embedded" not in out, "reachable services are used, never replaced"
    assert f"logs in {tmp_path}/home/demo-logs/" in out.splitlines()[-1]
    assert processes_with_env(f"DATABASE_URL={url}") == []
