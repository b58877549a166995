"""gunicorn for `benchmarks/scale.py`: started on a free port of 127.0.0.1, its workers found and
measured through /proc, stopped at the end."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.scale_load import Connection

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORKERS = 2
BARE = "/_bench/bare/"  # answers as soon as a worker is up


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(environment: dict[str, str], log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        *(sys.executable, "-m", "gunicorn", "teachingfile.wsgi:application"),
        *("--workers", str(WORKERS), "--bind", f"{HOST}:{port}", "--chdir", str(ROOT)),
        *("--timeout", "120", "--error-logfile", str(log), "--log-level", "warning"),
    ]
    server = subprocess.Popen(command, env=environment, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        probe = Connection(HOST, port)
        try:
            if probe.get(BARE).status == 200 and len(worker_ids(server)) == WORKERS:
                return server, port
        except OSError:
            pass
        finally:
            probe.close()
        time.sleep(0.3)
    stop(server)
    raise SystemExit(f"gunicorn did not answer within a minute:\n{log.read_text()[-3000:]}")


def worker_ids(server: subprocess.Popen) -> list[int]:
    """The gunicorn master's children, from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == server.pid:
                children.append(int(entry.name))
    return sorted(children)


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
