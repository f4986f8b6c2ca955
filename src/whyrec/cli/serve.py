"""``whyrec serve``: the HTTP API and web page in one process; ``whyrec keys``: its API keys."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from whyrec.cli.common import emit_json, json_option, print_warnings, start_up_done, store_option
from whyrec.config import default as builtin_default
from whyrec.errors import ConfigError
from whyrec.loaders import open_db


@click.command()
@click.option("--config", "config", type=click.Path(path_type=Path), default=None,
              help="Settings file (default: whyrec --config, $WHYREC_CONFIG, else "
                   "./whyrec.toml when present): its top level and its [serve] table.")
@click.option("--data", default=None, metavar="SOURCE",
              help="'demo', a MovieLens folder, or a whyrec dataset folder "
                   f"[default: {builtin_default('data')}].")
@click.option("--algo", default=None,
              help=f"Recommender to train at start-up [default: {builtin_default('algorithm')}].")
@click.option("--recommender", default=None, metavar="DIR",
              help="A recommender saved by 'whyrec train' instead of training one.")
@click.option("--backend", default=None,
              help="llamacpp, openai, template or a plug-in "
                   f"[default: {builtin_default('backend')}].")
@click.option("--model", default=None, help="GGUF file (llamacpp) or model name (openai).")
@click.option("--base-url", default=None, help="OpenAI-compatible server (openai backend).")
@click.option("--prefill/--no-prefill", default=None,
              help="The openai server continues a started answer (llama.cpp server, vLLM).")
@click.option("--host", default=None, help="Address to listen on [default: 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [default: 8000].")
# not a SettingOption: load_settings reads the configuration, with --config's file
@click.option("--db", "db_url", default=None, metavar="URL",
              help="Store for feedback, keys and the cache: a database URL or SQLite file "
                   "(default: $WHYREC_DB_URL, else $WHYREC_HOME/whyrec.sqlite).")
@click.option("--no-auth", "no_auth", is_flag=True,
              help="Serve without API keys (only on a loopback address).")
@click.option("--llm-timeout", type=float, default=None,
              help="Seconds a model call may take before the template answers [default: 10; "
                   "a service always has a deadline].")
@click.pass_context
def serve(ctx: click.Context, config: Path | None, data: str | None, algo: str | None,
          recommender: str | None, backend: str | None, model: str | None,
          base_url: str | None, prefill: bool | None, host: str | None, port: int | None,
          db_url: str | None, no_auth: bool, llm_timeout: float | None) -> None:
    """Serve the API (/v1, docs at /docs) and the web page (/) until interrupted.

    Settings: option > WHYREC_<NAME> > whyrec.toml's [serve] table > its top level > default
    ('whyrec config serve' shows them).
    """
    import warnings

    from whyrec.service import build_app, require_serve_extra

    require_serve_extra()
    import uvicorn

    from whyrec.config import ConfigWarning
    from whyrec.service.settings import load_settings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConfigWarning)
        settings = load_settings(config or ctx.find_root().params.get("config_path"),
                                 data=data, algorithm=algo, recommender=recommender,
                                 backend=backend, llm_model=model, base_url=base_url,
                                 prefill=prefill, host=host,
                                 port=port, db_url=db_url, auth=False if no_auth else None,
                                 llm_timeout=llm_timeout)
    print_warnings([str(w.message) for w in caught if issubclass(w.category, ConfigWarning)])
    if not settings.auth and not settings.loopback():
        raise ConfigError(f"refusing to serve without API keys on {settings.host}: keys are "
                          "off only on a loopback address (127.0.0.1, ::1, localhost)")
    _check_port_free(settings.host, settings.port)  # before minutes of loading, not after
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)  # one line per recogniser
    click.echo(f"whyrec: loading {settings.data} and the {settings.backend} backend…", err=True)
    app = build_app(settings)
    if settings.auth:
        click.echo("whyrec: API keys required (create one with 'whyrec keys create NAME')",
                   err=True)
    click.echo(f"whyrec: serving on http://{settings.host}:{settings.port} (docs at /docs)",
               err=True)
    start_up_done(freeze=True)  # the collector runs again, over what serving makes
    # uvicorn's access log prints raw paths, which hold people's ids: whyrec logs routes instead
    uvicorn.run(app, host=settings.host, port=settings.port, access_log=False,
                log_level="warning", timeout_graceful_shutdown=5)


def _check_port_free(host: str, port: int) -> None:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror} "
                              "(pick another --port)") from None


@click.group()
def keys() -> None:
    """API keys of the HTTP service (stored hashed; a key is shown once, when created)."""


@keys.command("create")
@click.argument("name")
@click.option("--scope", type=click.Choice(["read", "write", "admin"]), default="read",
              show_default=True,
              help="read: recommendations and explanations; write: + feedback and chat; "
                   "admin: + metrics.")
@click.option("--rate", "rate", type=int, default=600, show_default=True,
              help="Requests a minute this key may make.")
@store_option
@json_option
def create(name: str, scope: str, rate: int, db_url: str | None, as_json: bool) -> None:
    """Create a key; its secret is printed once and never stored."""
    from whyrec.service.keys import create_key

    with open_db(db_url) as store:
        key, token = create_key(store, name, scope, rate_per_minute=rate)
    if as_json:
        emit_json({**key.to_dict(), "token": token})
        return
    click.echo(token)
    click.echo(f"key {key.key_id} ({scope}, {rate}/min): keep the line above secret; it is "
               "not shown again", err=True)


@keys.command("list")
@store_option
@json_option
def list_command(db_url: str | None, as_json: bool) -> None:
    """Every key (never the secrets)."""
    from whyrec.service.keys import list_keys

    with open_db(db_url) as store:
        found = [k.to_dict() for k in list_keys(store)]
    if as_json:
        emit_json(found)
        return
    for key in found:
        state = "revoked" if key["revoked"] else "active"
        click.echo(f"{key['key_id']}  {key['scope']:<5}  {key['rate_per_minute']:>5}/min  "
                   f"{state:<7}  {key['name']}")


@keys.command("revoke")
@click.argument("key_id")
@store_option
def revoke(key_id: str, db_url: str | None) -> None:
    """Revoke a key (effective within seconds in running services)."""
    from whyrec.service.keys import revoke_key

    with open_db(db_url) as store:
        if not revoke_key(store, key_id):
            raise ConfigError(f"no active key {key_id!r} (see 'whyrec keys list')")
    click.echo(f"revoked {key_id}")
