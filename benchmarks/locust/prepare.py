"""Accounts and targets for one site's load test: ``prepare.py CONFIG N RUNS USERS OUT.json``.

Runs in-process with the site's config (like ``site_worker.py``). Creates ``RUNS × USERS``
registered citizens with an API token each (fresh accounts per Locust run: our site accepts one
pending access request per applicant and entry, so a run must not meet the requests of the one
before), and writes what the Locust users pick from: public entries, conditionally open ones,
search terms, the number of DCAT pages. The same N gives the same names on both sites.
"""
from __future__ import annotations

import json
import math
import sys
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import data  # noqa: E402


def targets(n: int) -> dict:
    saved = HERE.parent.parent / ".services" / "bench" / f"setup-n{n}.json"
    tile = json.loads(saved.read_text()).get("tile", 0) if saved.exists() else 0
    listed = [e for e in (data.entry(s, tile=tile) for s in range(1, n + 1)) if not e["private"]]
    return {
        "public": [e["name"] for e in listed],
        "gated": [e["name"] for e in listed if e["open_class"] == "conditional"],
        "subjects": data._SUBJECTS,  # noqa: SLF001 (the benchmark's own vocabulary)
        "tags": data._TAGS,  # noqa: SLF001
        "dcat_pages": math.ceil(len(listed) / 100),
    }


def citizens(runs: int, per_run: int) -> list[list[str]]:
    """``runs`` lists of ``per_run`` API tokens of newly registered citizens."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    batch = uuid.uuid4().hex[:6]
    tokens: list[list[str]] = []
    for run in range(runs):
        tokens.append([])
        for k in range(per_run):
            name = f"load-{batch}-{run}-{k}"
            tk.get_action("user_create")({"ignore_auth": True, "user": ""}, {
                "name": name, "email": f"{name}@load.example.cn", "password": data.PASSWORD})
            token = tk.get_action("api_token_create")(
                {"user": name}, {"user": name, "name": "locust"})
            tokens[run].append(token["token"])
    model.repo.commit()
    return tokens


def main(argv: list[str]) -> int:
    config_path, n, runs, users, out = argv[1], int(argv[2]), int(argv[3]), int(argv[4]), argv[5]
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(config_path))
    with app._wsgi_app.test_request_context():  # noqa: SLF001 (as site_worker.py does)
        fixtures = dict(targets(n), tokens=citizens(runs, users))
    Path(out).write_text(json.dumps(fixtures, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
