"""`fourfold serve`: gunicorn, several application processes of a few threads each.

Measured against waitress and granian under load (README, Deployment): see benchmarks/load.py.
The command binds the socket itself, so that a port taken is one sentence, `--port 0` prints
the port the system chose, and every process shares one listening socket.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter


class Failure(Exception):
    """The server could not start: one sentence for the command line."""


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on the address, or Failure saying why not."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(2048)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise Failure(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    listener.set_inheritable(True)
    return listener


class _Arbiter(Arbiter):  # type: ignore[misc]
    """gunicorn's master process, which remembers whether a signal stopped it."""

    stopped_by_signal = False

    def handle_int(self) -> None:
        type(self).stopped_by_signal = True
        super().handle_int()

    def handle_term(self) -> None:
        type(self).stopped_by_signal = True
        super().handle_term()


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        from fourfold.wsgi import application

        return application

    def run(self) -> None:
        _Arbiter(self).run()


def serve(listener: socket.socket, processes: int, threads: int) -> None:
    """Serve the application on the socket until Ctrl+C or SIGTERM (then KeyboardInterrupt)."""
    from django.db import connections

    # The processes are forked from this one: none may inherit its database connection.
    connections.close_all()
    options = {
        "bind": [f"fd://{listener.fileno()}"],
        "workers": processes,
        "threads": threads,
        "worker_class": "gthread",
        # A request may take long (an import, the whole organization scored): the threads'
        # process keeps telling the master it lives, so only a stuck process is replaced.
        "timeout": 120,
        "graceful_timeout": 20,
        "keepalive": 5,
        # The longest request line gunicorn takes (its default is half): a long filter of a
        # list fits, as behind the usual proxies (nginx's buffers are 8 KB too).
        "limit_request_line": 8190,
        "preload_app": True,  # loaded once, shared by the processes; an error shows once
        "loglevel": "warning",
        "accesslog": None,
        "proc_name": "fourfold",
    }
    master = os.getpid()
    try:
        _Gunicorn(options).run()
    except SystemExit as exc:
        if os.getpid() != master:
            # A worker process ends here, forked from this command: it must not unwind
            # through the command's own `finally` blocks (the demo's background worker).
            os._exit(exc.code if isinstance(exc.code, int) else 1)
        if not _Arbiter.stopped_by_signal:
            raise
    # Stopped by Ctrl+C or SIGTERM: the command ends as every other one stopped by Ctrl+C does.
    raise KeyboardInterrupt


def default_processes() -> int:
    """Two processes a core, at most eight: a page waits on the database part of its time."""
    return max(2, min(8, 2 * (os.cpu_count() or 1)))
