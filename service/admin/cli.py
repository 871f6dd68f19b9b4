"""Command-line key management: `flask --app service keys create | list | revoke`."""

from __future__ import annotations

from datetime import datetime, timedelta

import click
from flask import Flask

from service import db
from service.admin import keys
from service.admin.audit import Actor
from service.admin.models import Role
from service.content.models import utcnow
from service.errors import NotFound

CLI = Actor(None, "command line")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def register(app: Flask) -> None:
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
        session = db.session()
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
        session = db.session()
        try:
            found = keys.find_key(session, key)
        except NotFound as error:
            raise click.ClickException(error.detail) from None
        keys.revoke_key(session, found, actor=CLI)
        session.commit()
        click.echo(f"Revoked key {found.id} {found.name!r} ({found.prefix}).")
