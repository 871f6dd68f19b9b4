"""Command-line tasks: `flask --app service create-db | seed`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask

from service import db
from service.admin.bundle import import_bundle
from service.admin.seed import read_seed
from service.db import create_database
from service.errors import InvalidInput
from service.media_api import archive


def register(app: Flask) -> None:
    @app.cli.command("create-db")
    def create_db() -> None:
        """Create the PostgreSQL database named in DATABASE_URL if it does not exist yet."""
        url = app.config["SETTINGS"].database_url
        if create_database(url):
            click.echo(f"created database {url.rsplit('/', 1)[-1]}")

    @app.cli.command("seed")
    @click.option(
        "--directory",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=Path("seed"),
        show_default=True,
        help="Folder of YAML files, one per collection.",
    )
    @click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
    def seed(directory: Path, dry_run: bool) -> None:
        """Load the seed content (idempotent: unchanged items are left alone)."""
        pictures = directory / "pictures"
        if pictures.is_dir() and not dry_run:
            media = app.extensions["media"]
            found = {path.name: path.read_bytes() for path in sorted(pictures.iterdir())}
            try:
                archive.import_files(media["storage"], found, media["limits"])
            except InvalidInput as error:
                raise click.ClickException(f"{pictures}: {error.detail} {error.errors}") from None
        session = db.session(write=True)
        try:
            result = import_bundle(
                session, read_seed(directory), dry_run=dry_run, require_review=True
            )
        except InvalidInput as error:
            lines = [
                f"  {path}: {'; '.join(messages)}"
                for path, messages in (error.errors or {}).items()
            ]
            raise click.ClickException("\n".join([error.detail, *lines])) from None
        if dry_run:
            session.rollback()
        else:
            session.commit()
        click.echo(json.dumps(result.summary(), indent=2))
