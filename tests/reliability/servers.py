"""Real processes for the fault tests: the service under gunicorn, and a private PostgreSQL.

Both listen on free loopback ports and are stopped and removed by their context managers,
whatever happens in the test. The private PostgreSQL cluster is the test's own: restarting it
disturbs no one (the shared server at 127.0.0.1:5432 is never touched).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests import system_parts

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(check: Callable[[], object], timeout: float, what: str) -> None:
    """Call `check` until it returns something true (its exceptions count as false)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def children(pid: int) -> set[int]:
    """Process ids whose parent is `pid` (gunicorn's workers, for its master)."""
    found = set()
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat, encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.split("/")[2]))
    return found


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def folder(self) -> Path:
        """The instance's own folder (its log, its metrics)."""
        return self.log.parent

    def workers(self) -> set[int]:
        return children(self.process.pid)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-5000:]


@contextmanager
def gunicorn(
    database_url: str,
    *,
    workers: int = 2,
    app: str = "service:create_app()",
    access_log: str = "/dev/null",
    ready_path: str = "/healthz",
    **env: str,
) -> Iterator[Server]:
    """The service (or `app`) under gunicorn (gunicorn.conf.py) on a free loopback port.

    gunicorn's access lines go to `access_log` (empty: wherever gunicorn.conf.py sends them,
    as in production). It is ready when `ready_path` answers 200 and every worker started.
    """
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="backcare-gunicorn-"))
    log = folder / "gunicorn.log"
    environment = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"PROMETHEUS_MULTIPROC_DIR", "RATELIMIT_FILE"}
        },
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "false",
        "WEB_CONCURRENCY": str(workers),
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
        "RATELIMIT_FILE": str(folder / "ratelimits.sqlite"),
        "LOG_LEVEL": "warning",
        **env,
    }
    binary = Path(sys.executable).with_name("gunicorn")
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                str(binary),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                *(["--access-logfile", access_log] if access_log else []),
                app,
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until(
            lambda: (
                httpx.get(server.url + ready_path, timeout=1).status_code == 200
                and len(server.workers()) == workers
            ),
            30,
            "gunicorn to answer",
        )
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class PrivatePostgres:
    bin: Path
    data: Path
    port: int
    folder: Path
    # Started at least once: stopped (if still running) when its context ends.
    running: bool = False

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/backcare"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        # pg_ctl refuses to run as root: run the cluster as the postgres OS user.
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w",
            "start",
        )  # fmt: skip

    def started(self) -> PrivatePostgres:
        self.start()
        self.running = True
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")


@contextmanager
def _cluster(binaries: Path, prefix: str) -> Iterator[PrivatePostgres]:
    """A cluster's temporary folder, owned by the server's user; on leaving, the cluster is
    stopped (if `started()` ran) and its folder removed."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster = PrivatePostgres(binaries, folder / "data", free_port(), folder)
    try:
        yield cluster
    finally:
        if cluster.running:
            with contextlib.suppress(AssertionError):  # already stopped
                cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A throwaway PostgreSQL cluster in a temporary folder, on a free port."""
    binaries = system_parts.require("initdb").parent
    if system_parts.require("pg_ctl").parent != binaries:
        pytest.fail(f"initdb and pg_ctl come from different PostgreSQL versions ({binaries})")
    if os.geteuid() == 0:
        system_parts.require("runuser")
    with _cluster(binaries, "backcare-pg-") as cluster:
        cluster._run(
            "initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-sync",
        )  # fmt: skip
        yield cluster.started()


@contextmanager
def streaming_replica(primary: PrivatePostgres) -> Iterator[PrivatePostgres]:
    """A hot standby of `primary` (pg_basebackup -R), streaming from it, on a free port.

    The private cluster's initdb lets trust-authenticated replication connections in from
    loopback, and PostgreSQL 15's defaults (wal_level replica, 10 WAL senders) allow streaming.
    """
    system_parts.require("pg_basebackup")
    # The server's own folder (initdb may be a link to it): the same version's pg_basebackup.
    binaries = (primary.bin / "initdb").resolve().parent
    if not (binaries / "pg_basebackup").exists():
        pytest.fail(f"no pg_basebackup beside {binaries / 'initdb'}, the primary's version")
    with _cluster(binaries, "backcare-replica-") as standby:
        standby._run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(standby.data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync",
        )  # fmt: skip
        yield standby.started()


def prepare_database(url: str, role: str = "editor") -> str:
    """Create, migrate and seed the database at `url`; return the secret of a key."""
    from alembic import command
    from sqlalchemy.orm import Session

    from service.admin import keys
    from service.admin.audit import SYSTEM
    from service.admin.bundle import import_bundle
    from service.admin.models import Role
    from service.admin.seed import read_seed
    from service.db import create_database, make_engine
    from tests.toolkit.repository import alembic_config

    create_database(url)
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            import_bundle(session, read_seed(ROOT / "seed"))
            _key, secret = keys.create_key(session, name=role, role=Role(role), actor=SYSTEM)
            session.commit()
    finally:
        engine.dispose()
    return secret


NGINX_CONF = ROOT / "deploy" / "nginx" / "backcare.conf"


@dataclass
class Proxy:
    url: str
    process: subprocess.Popen[bytes]
    folder: Path

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def access_log(self) -> list[str]:
        return (self.folder / "access.log").read_text(encoding="utf-8").splitlines()


def proxy_config(upstream: str, port: int, folder: Path) -> str:
    """deploy/nginx/backcare.conf with its upstream and port for loopback, in a main config."""
    shipped = NGINX_CONF.read_text(encoding="utf-8")
    server_line, listen_line = "    server api:8000;\n", "    listen 8080;\n"
    assert server_line in shipped and listen_line in shipped, "the shipped config changed shape"
    site = (
        shipped.replace(server_line, f"    server {upstream};\n")
        .replace(listen_line, f"    listen 127.0.0.1:{port};\n")
        .replace("access_log /dev/stdout", f"access_log {folder / 'access.log'}")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    return (
        f"{user}worker_processes 1;\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    default_type application/octet-stream;\n"
        f"{temp}\n"
        f"    uwsgi_temp_path {folder / 'uwsgi'};\n"
        f"    scgi_temp_path {folder / 'scgi'};\n"
        f"{site}\n"
        "}\n"
    )


@contextmanager
def nginx(upstream: str) -> Iterator[Proxy]:
    """nginx with the shipped config, in the foreground on a free port, in front of `upstream`."""
    binary = system_parts.require("nginx")
    folder = Path(tempfile.mkdtemp(prefix="backcare-nginx-"))
    port = free_port()
    config = folder / "nginx.conf"
    config.write_text(proxy_config(upstream, port, folder), encoding="utf-8")
    command = [str(binary), "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    proxy = Proxy(f"http://127.0.0.1:{port}", process, folder)
    try:
        wait_until(
            lambda: httpx.get(proxy.url + "/healthz", timeout=1).status_code == 200,
            15,
            "nginx to answer",
        )
        yield proxy
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Pooler:
    port: int
    process: subprocess.Popen[bytes]
    folder: Path

    def url(self, database_url: str) -> str:
        """`database_url` (a database of the shared server) reached through the pooler."""
        import sqlalchemy as sa

        parsed = sa.engine.make_url(database_url)
        through = parsed.set(host="127.0.0.1", port=self.port)
        return through.render_as_string(hide_password=False)

    def log_text(self) -> str:
        return (self.folder / "pgbouncer.log").read_text(encoding="utf-8", errors="replace")


@contextmanager
def pgbouncer(database_url: str, pool_size: int = 2) -> Iterator[Pooler]:
    """PgBouncer in transaction mode on a free port, before the server of `database_url`.

    Its pool is small on purpose, so that consecutive transactions of one client land on
    different server connections, as they do under load in production.
    """
    import sqlalchemy as sa

    binary = system_parts.require("pgbouncer")
    server = sa.engine.make_url(database_url)
    folder = Path(tempfile.mkdtemp(prefix="backcare-pgbouncer-"))
    port = free_port()
    (folder / "users.txt").write_text(f'"{server.username}" ""\n', encoding="utf-8")
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={server.host or '127.0.0.1'} port={server.port or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        "pool_mode = transaction\n"
        f"default_pool_size = {pool_size}\nmax_client_conn = 500\n"
        f"logfile = {folder / 'pgbouncer.log'}\npidfile = {folder / 'pgbouncer.pid'}\n",
        encoding="utf-8",
    )
    command = [str(binary), str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        command = [str(system_parts.require("runuser")), "-u", "postgres", "--", *command]
        shutil.chown(folder, "postgres", "postgres")
        for name in folder.iterdir():
            shutil.chown(name, "postgres", "postgres")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    pooler = Pooler(port, process, folder)
    try:

        def listening() -> bool:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True

        wait_until(listening, 15, "pgbouncer to listen")
        yield pooler
    finally:
        process.send_signal(signal.SIGTERM)  # immediate shutdown: its clients are gone
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
