"""``councilkg keys create | list | revoke``: API keys, without opening the store or the
model (so keys can be managed while the server runs)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from ontology.records import AccessLevel
from search_api.keys import KEYS_FILE, KeyStore, Scope

StoreOpt = Annotated[Path | None, typer.Option("--store", help="store directory")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON")]

keys_app = typer.Typer(no_args_is_help=True, help="API keys (stored hashed in the store "
                       "directory, keys.sqlite).")


def _keys(store: Path | None) -> KeyStore:
    from search_api.cli import _settings

    return KeyStore(_settings(store).store / KEYS_FILE)


@keys_app.command("create")
def create(scope: Annotated[Scope, typer.Option("--scope", help="read, or write (upload and "
                                                "delete documents; implies read)")],
           clearance: Annotated[AccessLevel, typer.Option(
               "--clearance", help="public: never sees restricted documents")
           ] = AccessLevel.PUBLIC,
           name: Annotated[str, typer.Option("--name", help="who or what uses it")] = "",
           store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Create a key and print it once: only its hash is kept."""
    keys = _keys(store)
    try:
        info, key = keys.create(scope=scope, clearance=clearance, name=name)
    finally:
        keys.close()
    if as_json:
        typer.echo(json.dumps({**asdict(info), "key": key}, indent=2))
        return
    typer.echo(key)
    typer.echo(f"id {info.id}, scope {info.scope}, clearance {info.clearance}: store the key "
               "now, it is not shown again", err=True)


@keys_app.command("list")
def list_keys(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Every key's id, name, scope, clearance, creation and revocation (never the key)."""
    keys = _keys(store)
    try:
        found = keys.list()
    finally:
        keys.close()
    if as_json:
        typer.echo(json.dumps([asdict(k) for k in found], indent=2))
        return
    for k in found:
        state = f"revoked {k.revoked}" if k.revoked else "active"
        typer.echo(f"{k.id}  {k.scope:5}  {k.clearance:10}  {k.created}  {state}  {k.name}")


@keys_app.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="the key's id (keys list)")],
           store: StoreOpt = None) -> None:
    """Revoke a key; the running server refuses it from the next request."""
    from search_api.cli import _guard

    keys = _keys(store)
    try:
        info = _guard(lambda: keys.revoke(key_id))
    finally:
        keys.close()
    typer.echo(f"revoked {info.id} ({info.revoked})")
