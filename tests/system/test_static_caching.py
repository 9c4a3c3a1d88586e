"""Static files in the production topology (issue 17 item 16): nginx serves CKAN's webassets
with a year's lifetime (their names carry a content hash) and the public folders with a week's,
so pages stop re-fetching some twenty files on every view. A real nginx (``make services``
installs Debian's) runs the config ``services/prod/nginx_conf.py`` writes for this site."""
from __future__ import annotations

import getpass
import os
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx(tmp_path):
    port = _free_port()
    conf = tmp_path / "nginx.conf"
    subprocess.run([sys.executable, str(ROOT / "services/prod/nginx_conf.py"), "--config",
                    str(ROOT / "test.ini"), "--listen", str(port), "--upstream",
                    f"127.0.0.1:{_free_port()}", "--state", str(tmp_path), "--out", str(conf)],
                   check=True, capture_output=True, timeout=180, env=os.environ)
    # Workers run as the test's own user (the production config names www-data when run as
    # root, which may not read a checkout in a private temporary directory, as CI's is).
    conf.write_text(conf.read_text().replace("user www-data;\n",
                                             f"user {getpass.getuser()};\n"))
    (tmp_path / "tmp").mkdir()
    subprocess.run(["nginx", "-c", str(conf), "-p", str(tmp_path)], check=True, timeout=30)
    try:
        yield port, conf.read_text()
    finally:
        subprocess.run(["nginx", "-c", str(conf), "-p", str(tmp_path), "-s", "stop"],
                       timeout=30)


def _cache_control(port: int, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        assert response.status == 200
        return response.headers["Cache-Control"]


def test_i17_webassets_for_a_year_and_public_files_for_a_week(nginx):
    port, conf = nginx
    url, folder = re.search(r"location \^~ (\S+)/ \{\s*alias (\S+)/;", conf).groups()
    bundle = Path(folder) / "dongchang-static-test.css"
    bundle.parent.mkdir(parents=True, exist_ok=True)
    bundle.write_text("body{}")
    try:
        assert _cache_control(port, f"{url}/{bundle.name}") == \
            "public, max-age=31536000, immutable"
    finally:
        bundle.unlink()
    assert _cache_control(port, "/base/images/ckan-logo.png") == "public, max-age=604800"
