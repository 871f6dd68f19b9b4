"""`flask --app service search-reindex`: build the search index again from the content."""

from __future__ import annotations

import click
from flask import Flask

from service import db
from service.search.index import rebuild


def register(app: Flask) -> None:
    @app.cli.command("search-reindex")
    def search_reindex() -> None:
        """Index every published item again (after a change to how documents are made)."""
        session = db.session(write=True)
        written = rebuild(session.connection())
        session.commit()
        click.echo(f"indexed {written} documents")
