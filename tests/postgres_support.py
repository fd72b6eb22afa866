"""A throwaway PostgreSQL server per test module (initdb/pg_ctl), as the `postgres_url` fixture.

Each server has its own data and socket directory (mkdtemp) and a port the OS picked, so pytest-xdist
workers can run PostgreSQL tests side by side."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> tuple[list[str], str | None]:
    """Command prefix and user for the server: ourselves, or an unprivileged account when root."""
    if os.geteuid() != 0:
        return [], None
    runuser, setpriv = shutil.which("runuser"), shutil.which("setpriv")
    for user in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(user)
        except KeyError:
            continue
        if runuser:
            return [runuser, "-u", user, "--"], user
        if setpriv:
            return [setpriv, f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups"], user
    raise RuntimeError("running as root and no unprivileged user/runuser to start PostgreSQL with")


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not on PATH; "
                    "install the postgresql server package to run these tests")
    prefix, user = _run_as()
    base = Path(tempfile.mkdtemp(prefix="pmpc-pg-"))
    data, sockets, log = base / "data", base / "sock", base / "server.log"
    sockets.mkdir()
    if user is not None:
        entry = pwd.getpwnam(user)
        for path in (base, sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    subprocess.run([*prefix, initdb, "-D", str(data), "-U", "pmpc", "--auth=trust", "-E", "UTF8",
                    "--locale=C", "--no-sync"], check=True, capture_output=True, timeout=60)
    # the port is free when picked, but another process (a second pytest-xdist worker starting its own server)
    # can take it before PostgreSQL binds it: then pick again
    for _attempt in range(3):
        port = _free_port()
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        started = subprocess.run([*prefix, pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "30",
                                  "-o", options, "start"], capture_output=True, text=True, timeout=60)
        if started.returncode == 0 or "already in use" not in (log.read_text() if log.exists() else ""):
            break
    if started.returncode != 0:
        server_log = log.read_text() if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {started.stderr}\n{server_log}")
    try:
        yield f"postgresql://pmpc@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True,
                       timeout=60)
        shutil.rmtree(base, ignore_errors=True)
