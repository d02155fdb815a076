"""Row 9: the APOD API (`python -m apodscrape serve`) under load, beside nginx.

A synthetic archive of 11,500 days (quick: 200) and its catalog; the server started as a
user starts it (one process); nginx (Debian's, one worker process, a temporary config on
127.0.0.1) serving the very same answers as static files. Debian's wrk makes the load (one
thread, 32 connections) on each in turn, for each kind of question: a single date (a
different day each request, over 1,000 days), a 30-day range, count=10, a search. The
machine is shared: the ratio of the two, measured side by side, is the number to read.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from apodscrape import catalog
from apodscrape.days import today_eastern

from . import synthetic

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 32
NGINX_CONFIG = """\
{user}worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    default_type application/json;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        # each answer is a file named by its request's path and query
        location / {{ try_files $uri$is_args$args.json =404; }}
    }}
}}
"""


@dataclass
class Load:
    requests_per_second: float
    p99_ms: float
    errors: int
    cpu_us: float  # the server's CPU time a request (user + system): what load cannot skew


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A port free on 127.0.0.1 now (a server started on it may still find it taken)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> float:
    """Seconds until `url` answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as answer:
            if answer.status == 200:
                return time.monotonic() - started
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextlib.contextmanager
def api_server(archive: Path, probe: str) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """`python -m apodscrape serve ARCHIVE`, one process: its URL, process, seconds to ready."""
    port = free_port()
    command = [sys.executable, "-m", "apodscrape", "serve", str(archive), "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        ready = wait_for(url + probe, process)
        yield url, process, ready
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def nginx(root: Path, work: Path) -> Iterator[tuple[str, int]]:
    """Debian's nginx, one worker process, serving `root` as static files: its URL and its
    worker's pid."""
    port = free_port()
    root.mkdir(parents=True, exist_ok=True)
    (root / "probe.json").write_text("{}")
    config = work / "nginx.conf"
    # as root, nginx's worker would be `nobody`, who cannot read the bench's private temp
    user = "user root;\n" if os.geteuid() == 0 else ""
    config.write_text(NGINX_CONFIG.format(user=user, work=work, port=port, root=root))
    process = subprocess.Popen(
        ["nginx", "-c", str(config), "-p", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/probe", process)
        yield url, children(process.pid)[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


def children(pid: int) -> list[int]:
    """The processes a running process started (none once it has ended)."""
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in listed.split()]


def peak_rss_mb(pid: int) -> float:
    """The high-water mark of a running process's resident memory (VmHWM), MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024  # type: ignore[index]


def wrk(url: str, paths: list[str], seconds: float, work: Path, pid: int) -> Load:
    """wrk's rate and 99th percentile over `paths`, asked in turn (one thread, 32
    connections)."""
    script = work / "paths.lua"
    listed = ",\n".join(f'  "{path}"' for path in paths)
    script.write_text(
        f"local paths = {{\n{listed}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\nend\n'
    )
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", str(script)]
    before = cpu_seconds(pid)
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    spent = cpu_seconds(pid) - before
    count = int(re.search(r"(\d+) requests in", done.stdout)[1])  # type: ignore[index]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)[1])  # type: ignore[index]
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", done.stdout, re.MULTILINE)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99[2]]  # type: ignore[index]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    failed = int(errors[1]) if errors else 0
    return Load(rate, float(p99[1]) * scale, failed, spent / max(count, 1) * 1e6)  # type: ignore[index]


def static_copy(url: str, paths: list[str], root: Path) -> None:
    """Each path's answer from the API, saved where nginx serves it (NGINX_CONFIG)."""
    for path in paths:
        with urllib.request.urlopen(url + path) as answer:
            body = answer.read()
        target = root / f"{path.lstrip('/')}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)


def questions(dates: list[str], rng: random.Random) -> dict[str, list[str]]:
    """The paths each kind of load asks, in turn."""
    singles = rng.sample(dates, min(1000, len(dates)))
    starts = rng.sample(dates[:-30], min(200, len(dates) - 30))
    words = ["galaxy", "nebula", "moon", "saturn", "eclipse", "comet", "aurora", "milky way"]
    return {
        "single date": [f"/planetary/apod?date={d}" for d in singles],
        "30-day range": [
            f"/planetary/apod?start_date={d}&end_date={dates[dates.index(d) + 29]}" for d in starts
        ],
        "count=10": ["/planetary/apod?count=10"],
        "search": [f"/planetary/apod/search?q={quote(w)}" for w in words],
    }


def row_api(quick: bool, workdir: Path, number: int = 9) -> list:  # type: ignore[type-arg]
    from .run import Row, verdict  # run.py imports this module: no cycle at import time

    if shutil.which("wrk") is None or shutil.which("nginx") is None:
        return [Row(number, "API beside nginx", "not measured: Debian's wrk and nginx needed")]
    count = 200 if quick else synthetic.DAYS
    seconds = 1 if quick else 8
    archive = workdir / "api-archive"
    # the synthetic days run a few past today: those are out of v1's range (400)
    written = synthetic.write_archive(archive, count)
    dates = [d.isoformat() for d in written if d <= today_eastern()]
    started = time.monotonic()
    db = catalog.open_catalog(archive)
    catalog.build(db, archive)
    db.close()
    built = time.monotonic() - started
    size = catalog.catalog_path(archive).stat().st_size / 1e6
    asked = questions(dates, random.Random(2026))
    rows = [
        Row(number, f"API: the catalog of {count:,} days built (catalog.build)",
            f"{built:.1f} s, {size:.0f} MB"),
    ]  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="nginx-", dir=workdir))
    static = work / "root"
    probe = f"/planetary/apod?date={dates[-1]}"
    with (
        api_server(archive, probe) as (url, process, ready),
        nginx(static, work) as (static_url, worker),
    ):
        ready_cpu = cpu_seconds(process.pid)  # what a loaded machine's wait does not skew
        for paths in asked.values():
            static_copy(url, paths, static)
        for kind, paths in asked.items():
            theirs = wrk(static_url, paths, seconds, work, worker)
            ours = wrk(url, paths, seconds, work, process.pid)
            ratio = ours.requests_per_second / theirs.requests_per_second
            limit = 50.0 if kind == "search" else 20.0
            met = ours.p99_ms < limit and (kind != "single date" or ratio >= 0.25)
            target = (
                f">= 1/4 of nginx, p99 < {limit:.0f} ms"
                if kind == "single date"
                else (f"p99 < {limit:.0f} ms")
            )
            rows.append(
                Row(
                    number,
                    f"API {kind}: req/s, p99 (nginx, same answers as files)",
                    f"{ours.requests_per_second:,.0f}/s, {ours.p99_ms:.1f} ms "
                    f"(nginx {theirs.requests_per_second:,.0f}/s, {theirs.p99_ms:.1f} ms): "
                    f"{ratio:.2f} of nginx; CPU a request {ours.cpu_us:.0f} us (nginx "
                    f"{theirs.cpu_us:.0f} us)" + (f", {ours.errors} errors" if ours.errors else ""),
                    target,
                    verdict(met and not ours.errors),
                )
            )
        memory = peak_rss_mb(process.pid)
    rows.append(
        Row(number, f"API: ready (first answer; its CPU), peak memory over {count:,} days",
            f"{ready:.2f} s ({ready_cpu:.2f} s CPU), {memory:.0f} MB", "< 2 s, < 300 MB",
            verdict(ready < 2 and memory < 300)),
    )  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    return rows
