"""The sandbox in a process of its own (`discovery sandbox`), driven over its control endpoints:
for measurements, where a sandbox served by threads of the measuring process would share that
process's interpreter lock with the measurement."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from discovery.local.processes import DISCOVERY, Supervisor, free_port, wait_for

CONTROL_TIMEOUT_S = 10


class SandboxProcess:
    """`with SandboxProcess(catalog, log_dir, latency_ms={...}) as sandbox:` serves `catalog` at
    `sandbox.url` with those knobs; `stats()` and `reset()` as SandboxServer has them."""

    def __init__(self, catalog: dict[str, Any], log_dir: Path, **knobs: Any) -> None:
        self.catalog = catalog
        self.log_dir = log_dir
        self.knobs = knobs
        self.url = ""
        self.pid = 0
        self._procs = Supervisor(log_dir, dict(os.environ))

    def __enter__(self) -> SandboxProcess:
        catalog_file = self.log_dir / "sandbox-catalog.json"
        catalog_file.write_text(json.dumps(self.catalog))
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        proc = self._procs.start("sandbox", DISCOVERY + ["sandbox", "--catalog", str(catalog_file), "--port", str(port)])
        self.pid = proc.pid
        try:
            wait_for(lambda: self._up() or proc.poll() is not None, 60, "the sandbox process")
            if proc.poll() is not None:
                raise RuntimeError(f"the sandbox exited with status {proc.returncode}:\n{self._procs.log('sandbox')}")
            if self.knobs:
                self._control("post", "config", json=self.knobs)
        except BaseException:
            self._procs.stop()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._procs.stop()

    def stats(self) -> dict[str, Any]:
        return dict(self._control("get", "stats"))

    def reset(self) -> None:
        self._control("post", "reset")

    def cpu_s(self) -> float:
        """CPU seconds the sandbox process has used so far (the emulated APIs' side of the calls)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return math.nan
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def _up(self) -> bool:
        try:
            return requests.get(f"{self.url}/_sandbox/stats", timeout=1).ok
        except requests.ConnectionError:
            return False

    def _control(self, method: str, what: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.url}/_sandbox/{what}", timeout=CONTROL_TIMEOUT_S, **kwargs)
        response.raise_for_status()
        return response.json()
