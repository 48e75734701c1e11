"""`discovery web`: serve the platform's page with uvicorn (127.0.0.1 unless --host says otherwise)."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
def web(host: str, port: int) -> None:
    """Serve the platform's page: search, producers, artists, and seeding with live progress."""
    import uvicorn

    from discovery.ops import environment
    from discovery.settings import get_settings
    from discovery.web.app import create_app

    settings = get_settings()
    environment.require(settings)
    app = create_app(settings)
    click.echo(f"discovery web on http://{host}:{port}/ (reading as the database's reader role)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
