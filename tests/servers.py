"""Real CKAN web processes for tests that must cross process boundaries (several workers,
browser journeys). Each serves test.ini (plus any CKAN_* environment overrides) on loopback."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
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


class PrivatePostgres:
    """A PostgreSQL 15 cluster of one test's own: ``initdb`` into a temporary directory, served
    on a free loopback port, dropped afterwards. A test that restarts or stops the database
    does it here, so the suite's cluster (port 5432), which other runs share, is never touched.
    """

    BIN = Path("/usr/lib/postgresql/15/bin")  # what services/services.sh installs
    USER, PASSWORD, DATABASE = "ckan_default", "pass", "ckan_private"

    def __init__(self) -> None:
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="dongchang-pg-", dir="/var/tmp"))
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"
        self.url = (f"postgresql://{self.USER}:{self.PASSWORD}@127.0.0.1:{self.port}"
                    f"/{self.DATABASE}")

    def _as_owner(self, *command: str, timeout: float = 120) -> None:
        """Run a server program as the cluster's owner (PostgreSQL refuses to run as root).
        No pipes: a started server would hold them open and the call would never return."""
        argv = [str(self.BIN / command[0]), *command[1:]]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=timeout)

    def _pg_ctl(self, action: str) -> None:
        self._as_owner("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                       "-m", "fast", "-o",
                       f"-h 127.0.0.1 -p {self.port} -k {self.base} -c fsync=off"
                       " -c synchronous_commit=off -c full_page_writes=off", action)

    def _admin(self, database: str = "postgres"):
        import sqlalchemy as sa

        return sa.create_engine(f"postgresql://postgres@127.0.0.1:{self.port}/{database}",
                                poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")

    def scalar(self, sql: str, database: str | None = None):
        """One value read as the superuser (default: from CKAN's database)."""
        import sqlalchemy as sa

        engine = self._admin(database or self.DATABASE)
        try:
            with engine.connect() as connection:
                return connection.execute(sa.text(sql)).scalar()
        finally:
            engine.dispose()

    def start(self) -> PrivatePostgres:
        """Create the cluster, the CKAN role and an empty database with ``pg_trgm``."""
        import sqlalchemy as sa

        if not (self.BIN / "initdb").exists():
            raise RuntimeError(f"no PostgreSQL 15 in {self.BIN}: services/services.sh installs it")
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self._as_owner("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                       "-E", "UTF8", "--locale=C.UTF-8")
        self._pg_ctl("start")
        with self._admin().connect() as connection:
            connection.execute(sa.text(
                f"create role {self.USER} login password '{self.PASSWORD}'"))
            connection.execute(sa.text(f"create database {self.DATABASE} owner {self.USER}"
                                       " encoding 'UTF8'"))
        engine = self._admin(self.DATABASE)
        try:
            with engine.connect() as connection:
                connection.execute(sa.text("create extension if not exists pg_trgm"))
        finally:
            engine.dispose()
        return self

    def restart(self) -> None:
        """Restart the server, as its administrator would: every open connection dies."""
        assert self.port != 5432 and self.data.is_relative_to(self.base)
        started = self.scalar("select pg_postmaster_start_time()", "postgres")
        self._pg_ctl("restart")
        restarted = self.scalar("select pg_postmaster_start_time()", "postgres")
        assert restarted > started, "PostgreSQL was not restarted"

    def stop(self) -> None:
        """Stop the server at once and remove the cluster."""
        if (self.data / "postmaster.pid").exists():
            self._as_owner("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)


class UpstreamServer:
    """A department's data server (issue 16 item 3): a real HTTP server on loopback that
    answers every GET with ``body`` (or ``status``), counts the calls, and can be made slow
    (``delay`` seconds) or stopped to stand for an upstream that fails."""

    def __init__(self, body: bytes = b"", content_type: str = "text/csv; charset=utf-8"):
        import http.server
        import threading

        self.body, self.content_type, self.status, self.delay = body, content_type, 200, 0.0
        self.calls: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                server.calls.append(self.path)
                time.sleep(server.delay)
                self.send_response(server.status)
                self.send_header("Content-Type", server.content_type)
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
