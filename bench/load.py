"""Bounded load on loopback: the tutor's /v1/chat vs the LangChain tutorial peer, side by side.

    .venv/bin/python bench/load.py [--requests 120 240] [--concurrency 1 8] [--rounds 4]
                                   [--backend onnx|torch]

Both run as real single-worker uvicorn servers on 127.0.0.1 with the offline tutor (no LLM), in
one run. Every request a server gets is a distinct question of evals/data/dev.jsonl (warm-up
included); both servers get the same questions. Each concurrency's requests are split into
rounds that alternate tutor and peer, so load from elsewhere on the machine falls on both alike.
Prints requests/s, p50, p95, CPU ms per request (from /proc: steadier than wall clock on a
shared machine), errors, each server's peak RSS (VmHWM), and per concurrency the ratios to the
peer with the targets: at 8, >= 1.5x throughput and p95 <= 1.0x; at 1, p50 <= 1.0x.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(app: str, env: dict[str, str], *, factory: bool = False) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [
        PYTHON,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    if factory:
        cmd.append("--factory")
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"{app} exited with {proc.returncode}")
        time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"{app} did not become ready")


def cpu_s(pid: int) -> float:
    """CPU seconds the process has used (user + system, all threads): on a shared machine the
    figure per request is steadier than wall-clock ones."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def hammer(url: str, questions: list[str], concurrency: int) -> dict:
    """Each question once, `concurrency` at a time."""
    latencies: list[float] = []
    errors = 0
    queue = iter(questions)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for question in queue:
            started = time.perf_counter()
            try:
                r = await client.post(f"{url}/v1/chat", json={"message": question})
                if r.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append(time.perf_counter() - started)

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"latencies": latencies, "elapsed": elapsed, "errors": errors}


WARMUP = 16
TARGETS = {8: ("rps", 1.5, "p95", 1.0), 1: (None, None, "p50", 1.0)}


def distinct_questions() -> list[str]:
    seen: dict[str, None] = {}
    for line in (ROOT / "evals/data/dev.jsonl").read_text().splitlines():
        if line.strip():
            seen.setdefault(json.loads(line)["question"].strip(), None)
    return list(seen)


def merge(parts: list[dict]) -> dict:
    latencies = sorted(x for p in parts for x in p["latencies"])
    elapsed = sum(p["elapsed"] for p in parts)
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "errors": sum(p["errors"] for p in parts),
        "cpu_ms": sum(p["cpu"] for p in parts) / len(latencies) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, nargs="+", default=[120, 240])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--backend", default=os.environ.get("TUTOR_EMBEDDING__BACKEND", "onnx"))
    args = parser.parse_args()
    counts = (args.requests * len(args.concurrency))[: len(args.concurrency)]

    questions = distinct_questions()
    needed = WARMUP + sum(counts)
    if needed > len(questions):
        raise SystemExit(
            f"{needed} requests need {needed} distinct questions; dev has {len(questions)}"
        )
    data_dir = tempfile.mkdtemp(prefix="bench-load-")
    env = {
        "TUTOR_DATA_DIR": data_dir,
        "TUTOR_EMBEDDING__BACKEND": args.backend,
        "TUTOR_EMBEDDING__CACHE_DIR": os.environ.get(
            "TUTOR_EMBEDDING__CACHE_DIR", str(ROOT / ".data" / "models")
        ),
        "TUTOR_RATE_LIMIT": "1000000/minute",
        "TUTOR_LOG_LEVEL": "WARNING",
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
    }
    subprocess.run(
        [str(Path(PYTHON).parent / "tutor"), "ingest"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )
    tutor, tutor_url = start("api.app:app_from_env", env, factory=True)
    peer, peer_url = start("bench.peer_app:app", env)
    servers = (("notes-tutor", tutor_url, tutor), ("peer (tutorial)", peer_url, peer))
    rows = []
    try:
        for _, url, _ in servers:
            asyncio.run(hammer(url, questions[:WARMUP], 4))
        offset = WARMUP
        for concurrency, count in zip(args.concurrency, counts):
            batch = questions[offset : offset + count]
            offset += count
            parts: dict[str, list[dict]] = {name: [] for name, _, _ in servers}
            size = -(-count // args.rounds)
            for lo in range(0, count, size):
                for name, url, proc in servers:
                    used = cpu_s(proc.pid)
                    part = asyncio.run(hammer(url, batch[lo : lo + size], concurrency))
                    part["cpu"] = cpu_s(proc.pid) - used
                    parts[name].append(part)
            for name, _, proc in servers:
                rows.append((name, concurrency, merge(parts[name]), peak_rss_mb(proc.pid)))
    finally:
        for proc in (tutor, peer):
            proc.terminate()
            proc.wait(timeout=30)

    table = Table(
        title=f"/v1/chat on loopback, distinct questions, tutor embedding backend {args.backend}"
    )
    columns = (
        "server",
        "concurrency",
        "req/s",
        "p50 ms",
        "p95 ms",
        "CPU ms/req",
        "errors",
        "peak RSS MB",
    )
    for col in columns:
        table.add_column(col, justify="right")
    for name, c, r, rss in rows:
        table.add_row(
            name,
            str(c),
            f"{r['rps']:.1f}",
            f"{r['p50']:.0f}",
            f"{r['p95']:.0f}",
            f"{r['cpu_ms']:.1f}",
            str(r["errors"]),
            f"{rss:.0f}",
        )
    Console().print(table)
    for c, count in zip(args.concurrency, counts):
        ours = next(r for n, cc, r, _ in rows if n == "notes-tutor" and cc == c)
        theirs = next(r for n, cc, r, _ in rows if n != "notes-tutor" and cc == c)
        ratios = {k: ours[k] / theirs[k] for k in ("rps", "p50", "p95")}
        verdicts = []
        up, floor, down, ceiling = TARGETS.get(c, (None, None, None, None))
        if up:
            verdicts.append(f"{up} >= {floor}: {'met' if ratios[up] >= floor else 'MISSED'}")
        if down:
            verdicts.append(
                f"{down} <= {ceiling}: {'met' if ratios[down] <= ceiling else 'MISSED'}"
            )
        print(
            f"concurrency {c} ({count} requests each): throughput {ratios['rps']:.2f}x the peer's,"
            f" p50 {ratios['p50']:.2f}x, p95 {ratios['p95']:.2f}x"
            + (f"  [{'; '.join(verdicts)}]" if verdicts else "")
        )


if __name__ == "__main__":
    main()
