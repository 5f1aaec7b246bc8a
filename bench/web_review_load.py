"""Load on the team's review queue: twenty reviewers deciding pairs at once through the web
app, five documenters importing lists meanwhile, on SQLite and on PostgreSQL.

A seeded synthetic project (synth, import, link) is served by ``qantar serve`` in a child
process on 127.0.0.1; each reviewer is a thread with its own signed-in HTTP client that
loads /review and posts a decision (no pause: a worst case, real reviewers read for
seconds), each documenter previews and imports a small list again and again. Requests go
to 127.0.0.1 only and stop after ``--seconds`` (at most 600) or ``--max-requests``.

Reported: decisions acknowledged (303 from the server) against decisions stored (rows in
``review_decisions``: they must be equal), pairs decided twice by one reviewer (must be 0),
pairs two reviewers decided that were not chosen for a second opinion (must be 0: a lease
keeps them apart), imports acknowledged against import batches stored, errors, and p50 /
p95 latency per page.

    PYTHONPATH=src python bench/web_review_load.py --seconds 120 --backend both
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from qantar import Project
from qantar.accounts import Role
from qantar.data import read_csv
from qantar.link._review_queue import chosen_for_second_opinion
from qantar.link._tables import review_decisions
from qantar.store.schema import import_batches

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "store"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))
from pg_server import cluster  # the test suite's throw-away cluster
from review_fixtures import linked_synthetic  # the review tests' project, built the same way
from web_fixtures import Account, csrf_of, enrol

ROOT = Path(__file__).resolve().parents[1]
MAX_SECONDS = 600
HOST = "127.0.0.1"
KEYS = re.compile(r'name="key_a" value="([^"]+)".*?name="key_b" value="([^"]+)"', re.S)


@dataclass
class Tally:
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    decided: list[tuple[str, str, str]] = field(default_factory=list)  # a, b, reviewer
    imports: int = 0
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, page: str, call: Any) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = call()
        except httpx.HTTPError as exc:
            with self.lock:
                self.errors[f"{page}: {type(exc).__name__}"] += 1
                self.requests += 1
            return None
        with self.lock:
            self.latency[page].append(time.perf_counter() - started)
            self.requests += 1
        return response


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _serve(project: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    # The server's output goes to a file: a pipe nobody reads fills up and stops the server.
    with log.open("wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "qantar", "--project", str(project), "serve", "--port",
             str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/login", timeout=2).status_code == 200:
                return child
        except httpx.HTTPError:
            time.sleep(0.2)
    child.terminate()
    raise RuntimeError("the server did not start")


def _sign_in(base: str, account: Account) -> httpx.Client:
    client = httpx.Client(base_url=base, headers={"accept-language": "en"}, timeout=60)
    page = client.get("/login")
    done = client.post(
        "/login",
        data={"csrf": csrf_of(page.text), "name": account.name,
              "password": account.password, "code": account.code()},
    )  # fmt: skip
    if done.status_code != 303 or done.headers.get("location", "").endswith("/login"):
        raise RuntimeError(f"{account.name} could not sign in ({done.status_code})")
    return client


def _reviewer(client: httpx.Client, name: str, seed: int, until: float, cap: int, t: Tally) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until and t.requests < cap:
        page = t.timed("GET /review", lambda: client.get("/review"))
        if page is None:
            continue
        if page.status_code != 200:
            with t.lock:
                t.errors[f"GET /review: {page.status_code}"] += 1
            continue
        found = KEYS.search(page.text)
        if found is None:
            time.sleep(0.5)  # nothing left for this reviewer now
            continue
        a, b = found.group(1), found.group(2)
        choice = rng.choices(("match", "non-match", "unsure", "skip"), (3, 5, 2, 1))[0]
        form = {"csrf": csrf_of(page.text), "key_a": a, "key_b": b, "decision": choice}
        done = t.timed("POST /review", partial(client.post, "/review", data=form))
        if done is None:
            continue
        if done.status_code != 303:
            with t.lock:
                t.errors[f"POST /review: {done.status_code}"] += 1
        elif choice != "skip":
            with t.lock:
                t.decided.append((*sorted((a, b)), name))  # type: ignore[arg-type]


def _small_list(rng: random.Random, rows: int) -> str:
    surnames = [r["surname_m"] for r in read_csv("kz/surnames.csv")][:400]
    given = [r["name_cyrillic"] for r in read_csv("kz/given_names.csv")][:300]
    lines = ["ФИО;Дата смерти;Место"]
    for _ in range(rows):
        day = rng.choice(("05.01.2022", "06.01.2022", "07.01.2022"))
        lines.append(f"{rng.choice(surnames)} {rng.choice(given)};{day};Алматы")
    return "\n".join(lines) + "\n"


def _documenter(
    client: httpx.Client, n: int, seed: int, until: float, cap: int, t: Tally, folder: Path
) -> None:
    rng = random.Random(seed)
    turn = 0
    while time.monotonic() < until and t.requests < cap:
        turn += 1
        path = folder / f"doc{n}-{turn}.csv"
        path.write_text(_small_list(rng, 25), encoding="utf-8")
        form_page = t.timed("GET /import", partial(client.get, "/import"))
        if form_page is None or form_page.status_code != 200:
            continue
        with path.open("rb") as handle:
            fields = {"csrf": csrf_of(form_page.text), "source": f"Volunteers {n}", "kind": "ngo"}
            sent = partial(
                client.post,
                "/import/preview",
                data=fields,
                files={"file": (path.name, handle, "text/csv")},
            )
            preview = t.timed("POST /import/preview", sent)
        path.unlink()
        if preview is None or preview.status_code != 200:
            with t.lock:
                t.errors[f"POST /import/preview: {getattr(preview, 'status_code', 'none')}"] += 1
            continue
        upload = re.search(r'name="upload" value="([^"]+)"', preview.text)
        if upload is None:
            with t.lock:
                t.errors["POST /import/preview: no upload"] += 1
            continue
        confirm = {"csrf": csrf_of(preview.text), "upload": upload.group(1), "action": "import"}
        done = t.timed(
            "POST /import/confirm", partial(client.post, "/import/confirm", data=confirm)
        )
        if done is not None and done.status_code == 200:
            with t.lock:
                t.imports += 1
        else:
            with t.lock:
                t.errors[f"POST /import/confirm: {getattr(done, 'status_code', 'none')}"] += 1


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_load(
    base_folder: Path, *, database: str | None, args: argparse.Namespace
) -> dict[str, Any]:
    started = time.perf_counter()
    project = linked_synthetic(base_folder, n=args.n, seed=args.seed, database=database)
    built = time.perf_counter() - started
    reviewers = [enrol(project, f"reviewer-{i:02d}", Role.REVIEWER) for i in range(args.reviewers)]
    documenters = [
        enrol(project, f"documenter-{i}", Role.DOCUMENTER) for i in range(args.documenters)
    ]
    batches_before = _count(project, import_batches)
    queue_size = len(project.review.next_pairs())
    settings = project.settings.review
    root = project.root
    project.close()
    port = _free_port()
    server = _serve(root, port, base_folder / "server.log")
    base = f"http://{HOST}:{port}"
    t = Tally()
    try:
        clients = [_sign_in(base, a) for a in reviewers + documenters]
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=_reviewer,
                args=(clients[i], a.name, args.seed * 1000 + i, until, args.max_requests, t),
            )
            for i, a in enumerate(reviewers)
        ]
        uploads = Path(tempfile.mkdtemp(prefix="qantar-load-"))
        threads += [
            threading.Thread(
                target=_documenter,
                args=(
                    clients[len(reviewers) + i],
                    i,
                    args.seed * 2000 + i,
                    until,
                    args.max_requests,
                    t,
                    uploads,
                ),
            )
            for i in range(len(documenters))
        ]
        load_started = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - load_started
        for c in clients:
            c.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    project = Project.open(root)
    try:
        with project.engine.connect() as conn:
            stored = [
                (r.record_key_a, r.record_key_b, r.reviewer)
                for r in conn.execute(review_decisions.select())
                if r.reviewer.startswith("reviewer-")
            ]
        batches = _count(project, import_batches) - batches_before
    finally:
        project.close()
    by_pair: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a, b, who in stored:
        by_pair[(a, b)].add(who)
    twice_by_one = sum(n - 1 for n in Counter(stored).values() if n > 1)
    shared_unchosen = sum(
        1
        for (a, b), who in by_pair.items()
        if len(who) > 1
        and not chosen_for_second_opinion(
            a, b, share=settings.second_opinion, seed=settings.second_opinion_seed
        )
    )
    return {
        "backend": "postgresql" if database else "sqlite",
        "persons_synthetic": args.n,
        "queue_pairs": queue_size,
        "build_seconds": round(built, 1),
        "seconds": round(elapsed, 1),
        "reviewers": args.reviewers,
        "documenters": args.documenters,
        "requests": t.requests,
        "decisions_acknowledged": len(t.decided),
        "decisions_stored": len(stored),
        "decided_twice_by_one_reviewer": twice_by_one,
        "pairs_two_reviewers_decided_without_second_opinion": shared_unchosen,
        "second_opinions_given": sum(1 for who in by_pair.values() if len(who) > 1),
        "imports_acknowledged": t.imports,
        "import_batches_stored": batches,
        "errors": dict(t.errors),
        "latency_ms": {
            page: {
                "n": len(v),
                "p50": round(1000 * statistics.median(v), 1),
                "p95": round(1000 * _pct(v, 0.95), 1),
            }
            for page, v in sorted(t.latency.items())
        },
    }


def _count(project: Project, table: Any) -> int:
    from sqlalchemy import func, select

    with project.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--documenters", type=int, default=5)
    parser.add_argument("--n", type=int, default=1000, help="persons of the synthetic scenario")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must lie in (0, {MAX_SECONDS}]")
    os.environ.setdefault("QANTAR_PASSPHRASE", "load bench passphrase, synthetic data only")
    os.environ.setdefault("QANTAR_KDF_LOG_N", "10")
    results = []
    with tempfile.TemporaryDirectory(prefix="qantar-load-") as tmp:
        if args.backend in ("sqlite", "both"):
            results.append(run_load(Path(tmp) / "sqlite", database=None, args=args))
            print(json.dumps(results[-1], indent=1), flush=True)
        if args.backend in ("postgres", "both"):
            with cluster() as pg:
                url = pg.url(pg.create_database())
                results.append(run_load(Path(tmp) / "pg", database=url, args=args))
            print(json.dumps(results[-1], indent=1), flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    writer = csv.writer(sys.stdout)
    writer.writerow(["backend", "page", "n", "p50 ms", "p95 ms"])
    for r in results:
        for page, s in r["latency_ms"].items():
            writer.writerow([r["backend"], page, s["n"], s["p50"], s["p95"]])


if __name__ == "__main__":
    main()
