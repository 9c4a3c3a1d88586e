"""Real CKAN web processes for tests that must cross process boundaries (several workers,
browser journeys). Each serves test.ini (plus any CKAN_* environment overrides) on loopback."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebProcess:
    """``ckan run`` as a separate OS process: its own interpreter, caches and connections."""

    def __init__(self, port: int | None = None, config: Path | None = None):
        self.port = port or free_port()
        self.config = config or ROOT / "test.ini"
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ROOT / ".services" / f"web-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> WebProcess:
        ckan = str(Path(sys.executable).with_name("ckan"))
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [ckan, "-c", str(self.config), "run", "--host", "127.0.0.1",
                 "--port", str(self.port), "--disable-reloader", "--threaded"],
                cwd=ROOT, env=dict(os.environ, CKAN_SITE_URL=self.url), stdout=log,
                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ckan run exited; see {self.log}")
            try:
                with urllib.request.urlopen(self.url + "/api/3/action/status_show", timeout=5):
                    return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"ckan run did not answer on {self.url} within {timeout}s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
