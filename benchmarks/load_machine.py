"""What the load test runs beside its simulated users (benchmarks.load): a PostgreSQL server of
its own, the application server, and the account of where the machine's CPU went."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent

# --- PostgreSQL and the server ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Postgres:
    url: str
    folder: Path | None  # its data folder, when the benchmark started the server

    def pid(self) -> int | None:
        """The server's main process, whose children serve the connections."""
        if self.folder is None:
            return None
        return int((self.folder / "postmaster.pid").read_text().split()[0])


@contextlib.contextmanager
def postgres(port: int | None) -> Iterator[Postgres]:
    """A PostgreSQL server in a private folder on loopback, as scripts/test.sh starts one."""
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]
    data, sock = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    shutil.chown(data, "postgres")
    shutil.chown(sock, "postgres")
    port = port or free_port()

    def as_postgres(*args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True)

    as_postgres(str(pgbin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust")
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sock} -c max_connections=200"
    as_postgres(
        str(pgbin / "pg_ctl"), "-D", str(data), "-l", f"{data}/log", "-w", "-o", options, "start"
    )
    try:
        subprocess.run(
            ["psql", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c",
             "CREATE ROLE fourfold LOGIN PASSWORD 'fourfold'", "-c",
             "CREATE DATABASE fourfold OWNER fourfold"],
            check=True, capture_output=True,
        )  # fmt: skip
        yield Postgres(f"postgres://fourfold:fourfold@127.0.0.1:{port}/fourfold", data)
    finally:
        as_postgres(str(pgbin / "pg_ctl"), "-D", str(data), "-m", "fast", "stop")
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(sock, ignore_errors=True)


def server_command(kind: str, port: int, processes: int, threads: int) -> list[str]:
    app = "fourfold.wsgi:application"
    if kind == "fourfold":
        return [str(BIN / "fourfold"), "serve", "--port", str(port), "--processes", str(processes)]
    if kind == "waitress":
        return [
            str(BIN / "waitress-serve"),
            f"--listen=127.0.0.1:{port}",
            f"--threads={threads}",
            app,
        ]
    if kind == "gunicorn":
        return [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(processes),
                "--threads", str(threads), "--worker-class", "gthread", app]  # fmt: skip
    if kind == "granian":
        return [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1",
                "--port", str(port), "--workers", str(processes),
                "--blocking-threads", str(threads), app]  # fmt: skip
    raise SystemExit(f"--server must be fourfold, waitress, gunicorn or granian, not {kind!r}")


@contextlib.contextmanager
def serving(
    command: list[str], env: dict[str, str], port: int
) -> Iterator[subprocess.Popen[bytes]]:
    log = tempfile.TemporaryFile()  # noqa: SIM115 (read only if the server fails)
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                log.seek(0)
                raise SystemExit(f"the server stopped: {log.read().decode()[-2000:]}")
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/accounts/login/")
                if conn.getresponse().status == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("the server did not answer within 90 s")
            time.sleep(0.3)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


# --- where the CPU went ------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, float]]:
    """Every process: its parent and the CPU seconds it has used (user and system)."""
    found: dict[int, tuple[int, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # it ended meanwhile
            continue
        fields = text[text.rindex(")") + 2 :].split()
        found[int(stat.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    return found


def tree_cpu(root: int | None, processes: dict[int, tuple[int, float]]) -> float:
    """CPU seconds of a process and every process below it (those alive now)."""
    if root is None:
        return 0.0
    children: dict[int, list[int]] = defaultdict(list)
    for pid, (parent, _) in processes.items():
        children[parent].append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += processes.get(pid, (0, 0.0))[1]
        stack.extend(children[pid])
    return total


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy (every core, idle and I/O wait left out)."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / TICK


@dataclass
class Cpu:
    """CPU seconds used so far: the server's processes, PostgreSQL's, this load generator's
    (every simulated user is a thread of it), and the whole machine's."""

    server: float
    database: float
    generator: float
    machine: float

    @classmethod
    def now(cls, server: int, database: int | None) -> Cpu:
        processes = _processes()
        return cls(
            tree_cpu(server, processes),
            tree_cpu(database, processes),
            time.process_time(),
            machine_cpu(),
        )

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(
            self.server - other.server,
            self.database - other.database,
            self.generator - other.generator,
            self.machine - other.machine,
        )


def where_cpu_went(
    used: Cpu, elapsed: float, load: float, requests: int, own_database: bool
) -> None:
    """The CPU seconds of the run by who used them, so that a figure is read with its cause:
    the load generator runs on the same cores as the server it measures."""
    cores = os.cpu_count() or 1
    others = used.machine - used.server - used.database - used.generator
    print(f"\nload average at start: {load:.2f}; {cores} cores x {elapsed:.0f} s = "
          f"{cores * elapsed:.0f} CPU seconds, of which busy {used.machine:.0f} s:")  # fmt: skip
    print(f"  application server {used.server:7.1f} s   "
          f"{1000 * used.server / max(requests, 1):.0f} ms a request")  # fmt: skip
    if own_database:
        print(f"  PostgreSQL         {used.database:7.1f} s")
    print(f"  load generator     {used.generator:7.1f} s   ({used.generator / cores / elapsed:.0%}"
          " of the machine)")  # fmt: skip
    label = "everything else" if own_database else "everything else, PostgreSQL included"
    print(f"  {label:<18} {others:7.1f} s")
