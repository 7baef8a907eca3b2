"""`gridwatch serve api`, `gridwatch apikey add|list|revoke`, `gridwatch token add`: the field API's
service and its credentials (docs/ARCHITECTURE.md "The field API", docs/SECURITY.md)."""

from __future__ import annotations

import ipaddress

import typer
from rich.table import Table

from gridwatch.cli.root import (
    EXIT_USER_ERROR,
    DbOption,
    JsonOption,
    app,
    console,
    errors,
    open_store,
    print_json,
)
from gridwatch.db import field as bookkeeping

serve_app = typer.Typer(help="Serve the store to the field over HTTP.", no_args_is_help=True)
app.add_typer(serve_app, name="serve")
key_app = typer.Typer(
    help="Open311 client apps' keys (on PostgreSQL: the owner's or the service's --db).", no_args_is_help=True
)
app.add_typer(key_app, name="apikey")
token_app = typer.Typer(help="Field app tokens without a password (SQLite stores).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@serve_app.command("api")
def serve_api(
    bind: str = typer.Option(
        "127.0.0.1:8080", "--bind", help="HOST:PORT to listen on (TLS: a reverse proxy)."
    ),
    db: str | None = DbOption,
    rate: float = typer.Option(20.0, "--rate", help="Requests per second per token or key (0: no limit)."),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="Processes serving the port (one per core)."
    ),
    media_allow: list[str] = typer.Option(
        [],
        "--media-allow",
        help="A network Open311's media_url may reach besides public addresses (e.g. a site's own media "
        "server, 10.1.2.0/24); repeatable. Loopback and private addresses are refused otherwise.",
    ),
) -> None:
    """The field app API (/api/v1), Open311 (/open311/v2) and the OpenAPI document (/openapi.json, /docs).

    On PostgreSQL, connect as the service's login role (NOINHERIT, member of gridwatch_service)."""
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        errors.print(f"[red]--bind '{bind}': give HOST:PORT, e.g. 127.0.0.1:8080.[/red]")
        raise typer.Exit(EXIT_USER_ERROR)
    from gridwatch.api.app import serve  # FastAPI and uvicorn load only for the service

    for network in media_allow:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            errors.print(f"[red]--media-allow '{network}': give a network, e.g. 10.1.2.0/24.[/red]")
            raise typer.Exit(EXIT_USER_ERROR) from None

    with open_store(db) as store:  # the URL checked and the store reached; the service opens its own pool
        url = store.url
    console.print(f"gridwatch API on http://{host}:{port} (OpenAPI: /openapi.json)")
    serve(
        url,
        host,
        int(port),
        workers=workers,
        rate=rate,
        burst=max(rate * 3, 1.0),
        media_allow=media_allow,
    )


@key_app.command("add")
def key_add(
    app_name: str = typer.Argument(..., help="The client app (a mini-program, a citizen app)."),
    user: str = typer.Option(..., "--user", help="The person the app's reports are made by."),
    db: str | None = DbOption,
) -> None:
    """Print a new key on one line; it is shown only this once."""
    with open_store(db) as store:
        typer.echo(bookkeeping.add_api_key(bookkeeping.keeper(store), app_name, user))


@key_app.command("list")
def key_list(db: str | None = DbOption, as_json: bool = JsonOption) -> None:
    with open_store(db) as store:
        rows = bookkeeping.list_api_keys(bookkeeping.keeper(store))
    if as_json:
        print_json([r.__dict__ for r in rows])
        return
    table = Table("app", "reports as", "created", "revoked")
    for r in rows:
        table.add_row(r.app_name, r.username, f"{r.created_at:%Y-%m-%d %H:%M}", "yes" if r.revoked else "")
    console.print(table)


@key_app.command("revoke")
def key_revoke(app_name: str = typer.Argument(...), db: str | None = DbOption) -> None:
    """The app's key stops working now."""
    with open_store(db) as store:
        bookkeeping.revoke_api_key(bookkeeping.keeper(store), app_name)
    console.print(f"Revoked the key of {app_name}.")


@token_app.command("add")
def token_add(
    username: str = typer.Argument(..., help="The person the token signs in."),
    hours: float = typer.Option(12.0, "--hours", min=0.1, max=24 * 30, help="How long it lasts."),
    db: str | None = DbOption,
) -> None:
    """Print a field token on one line (an SQLite store has no passwords to sign in with)."""
    from datetime import timedelta

    with open_store(db) as store:
        typer.echo(bookkeeping.issue_token(bookkeeping.keeper(store), username, timedelta(hours=hours)).token)
