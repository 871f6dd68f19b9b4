"""Admin on the command line: keys (`keys create | list | revoke`), `import FILE` with a
progress bar, and an import job worker in the foreground (`jobs work`)."""

from __future__ import annotations

import json
import signal
import sys
from datetime import datetime, timedelta
from typing import IO, Any

import click
from flask import Flask
from sqlalchemy.exc import OperationalError

from service import db
from service.admin import jobs, keys, writes
from service.admin.audit import Actor
from service.admin.bundle import import_bundle
from service.admin.models import Role
from service.content.models import utcnow
from service.db import contention
from service.errors import NotFound, ServiceError

CLI = Actor(None, "command line")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


class ProgressBar:
    """An import's progress on stderr: redrawn in place on a terminal, else a line per tenth."""

    WIDTH = 30

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.shown: tuple[str | None, int] = (None, -1)

    def __call__(self, phase: str, done: int, total: int) -> None:
        percent = jobs.overall_percent(phase, done, total)
        filled = int(self.WIDTH * percent / 100)
        bar = f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {percent:5.1f}%"
        line = f"{phase:<10} {bar}  {done}/{total} items"
        if self.tty:
            click.echo(f"\r{line}", nl=False, file=self.stream)
        elif self.shown != (phase, int(percent // 10)):
            click.echo(line, file=self.stream)
        self.shown = (phase, int(percent // 10))

    def close(self) -> None:
        if self.tty:
            click.echo(file=self.stream)


def _problem_lines(error: ServiceError) -> str:
    lines = [error.detail]
    lines += [f"  {path}: {'; '.join(messages)}" for path, messages in (error.errors or {}).items()]
    return "\n".join(lines)


def register(app: Flask) -> None:
    @app.cli.command("import")
    @click.argument("file", type=click.File("rb"))
    @click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
    @click.option(
        "--prune/--no-prune",
        default=None,
        help="Delete the items of the bundle's collections that it leaves out "
        "(default: the bundle's own `prune`).",
    )
    def import_file(file: IO[bytes], dry_run: bool, prune: bool | None) -> None:
        """Import a bundle from FILE (JSON, as GET /v1/admin/export gives), all or nothing.

        The same checks as POST /v1/admin/import, published items needing reviews; the audit
        log names the command line. A progress bar shows how far it is.
        """
        try:
            bundle = jobs.parse_body(app, file.read())
        except ServiceError as error:
            raise click.ClickException(error.detail) from None
        session = db.session(write=True)
        bar = ProgressBar()

        def work() -> Any:
            result = import_bundle(
                session,
                bundle,
                dry_run=dry_run,
                prune=prune,
                actor=CLI,
                require_review=True,
                progress=bar,
            )
            if dry_run:
                session.rollback()
            else:
                session.commit()
            return result

        try:
            result = writes.run(session, work)
        except ServiceError as error:
            raise click.ClickException(_problem_lines(error)) from None
        except OperationalError as error:
            if contention(error) is None:
                raise
            raise click.ClickException(
                "Another write kept the catalogue busy; try again."
            ) from None
        finally:
            bar.close()
        click.echo(json.dumps(result.summary(), indent=2))

    @app.cli.group("jobs")
    def jobs_group() -> None:
        """Import jobs: large bundles imported outside the request."""

    @jobs_group.command("work")
    def work() -> None:
        """Run import jobs in this process until stopped (SIGTERM or Ctrl-C).

        gunicorn workers run jobs themselves unless JOB_WORKER=false; this is for a process
        that does nothing else (docker-compose.yml's `worker`), or beside `make dev`. A job
        in progress when it stops is rolled back and goes back to the queue at once.
        """
        worker = jobs.Worker(app)

        def stop(_signal: int, _frame: Any) -> None:
            worker.stopping.set()
            worker.wake.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        click.echo("Running import jobs; stop with Ctrl-C.")
        worker.run()

    @app.cli.group("keys")
    def keys_group() -> None:
        """API keys for the admin API."""

    @keys_group.command("create")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--name", required=True, help="Who or what holds the key (shown in the audit).")
    @click.option(
        "--expires-in-days",
        type=click.IntRange(1, 3650),
        default=None,
        help="The key stops working after this many days; never by default.",
    )
    def create(role: str, name: str, expires_in_days: int | None) -> None:
        """Create a key; its secret is the last line of the output, shown this once."""
        if not 1 <= len(name) <= 100:
            raise click.BadParameter("must be 1 to 100 characters", param_hint="--name")
        expires_at = utcnow() + timedelta(days=expires_in_days) if expires_in_days else None
        session = db.session(write=True)
        key, secret = keys.create_key(
            session, name=name, role=Role(role), expires_at=expires_at, actor=CLI
        )
        session.commit()
        click.echo(
            f"Created {key.role} key {key.id} {key.name!r} ({key.prefix}), "
            f"expires {_when(key.expires_at) if key.expires_at else 'never'}."
        )
        click.echo("Store it now: it is shown once and cannot be recovered.")
        click.echo(secret)

    @keys_group.command("list")
    def list_() -> None:
        """List keys (never their secrets)."""
        rows = keys.list_keys(db.session())
        click.echo(
            f"{'id':>4}  {'prefix':<12}  {'role':<6}  {'state':<7}  {'created':<16}  "
            f"{'expires':<16}  {'last used':<16}  name"
        )
        now = utcnow()
        for key in rows:
            if key.revoked_at is not None:
                state = "revoked"
            elif key.expires_at is not None and key.expires_at <= now:
                state = "expired"
            else:
                state = "active"
            click.echo(
                f"{key.id:>4}  {key.prefix:<12}  {key.role:<6}  {state:<7}  "
                f"{_when(key.created_at):<16}  {_when(key.expires_at):<16}  "
                f"{_when(key.last_used_at):<16}  {key.name}"
            )

    @keys_group.command("revoke")
    @click.argument("key")
    def revoke(key: str) -> None:
        """Revoke a key, by id or prefix; it stops working at once."""
        session = db.session(write=True)
        try:
            found = keys.find_key(session, key)
        except NotFound as error:
            raise click.ClickException(error.detail) from None
        keys.revoke_key(session, found, actor=CLI)
        session.commit()
        click.echo(f"Revoked key {found.id} {found.name!r} ({found.prefix}).")
