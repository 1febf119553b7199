"""Bounded load on loopback: the tutor's /v1/chat vs the LangChain tutorial peer, side by side.

    .venv/bin/python bench/load.py [--requests 240] [--concurrency 1 8 32]

Both run as real single-worker uvicorn servers on 127.0.0.1 with the offline tutor (no LLM).
Prints requests/s, p50, p95, errors and each server's peak RSS (VmHWM from /proc).
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


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def hammer(url: str, questions: list[str], concurrency: int, total: int) -> dict:
    latencies: list[float] = []
    errors = 0
    queue = iter(range(total))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for i in queue:
            started = time.perf_counter()
            try:
                r = await client.post(
                    f"{url}/v1/chat", json={"message": questions[i % len(questions)]}
                )
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
    latencies.sort()
    return {
        "rps": total / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=240)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    args = parser.parse_args()

    questions = [
        json.loads(line)["question"]
        for line in (ROOT / "evals/data/dev.jsonl").read_text().splitlines()
        if line.strip()
    ]
    data_dir = tempfile.mkdtemp(prefix="bench-load-")
    env = {
        "TUTOR_DATA_DIR": data_dir,
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
    rows = []
    try:
        for name, url in (("notes-tutor", tutor_url), ("peer (tutorial)", peer_url)):
            asyncio.run(hammer(url, questions, 4, 40))  # warm up
        for concurrency in args.concurrency:
            for name, url, proc in (
                ("notes-tutor", tutor_url, tutor),
                ("peer (tutorial)", peer_url, peer),
            ):
                result = asyncio.run(hammer(url, questions, concurrency, args.requests))
                rows.append((name, concurrency, result, peak_rss_mb(proc.pid)))
    finally:
        for proc in (tutor, peer):
            proc.terminate()
            proc.wait(timeout=30)

    table = Table(title=f"/v1/chat on loopback, {args.requests} requests per row")
    for col in ("server", "concurrency", "req/s", "p50 ms", "p95 ms", "errors", "peak RSS MB"):
        table.add_column(col, justify="right")
    for name, c, r, rss in rows:
        table.add_row(
            name,
            str(c),
            f"{r['rps']:.1f}",
            f"{r['p50']:.0f}",
            f"{r['p95']:.0f}",
            str(r["errors"]),
            f"{rss:.0f}",
        )
    Console().print(table)
    for c in args.concurrency:
        ours = next(r for n, cc, r, _ in rows if n == "notes-tutor" and cc == c)
        peer_r = next(r for n, cc, r, _ in rows if n != "notes-tutor" and cc == c)
        print(
            f"concurrency {c}: throughput {ours['rps'] / peer_r['rps']:.2f}x the peer's, "
            f"p95 {ours['p95'] / peer_r['p95']:.2f}x the peer's"
        )


if __name__ == "__main__":
    main()
