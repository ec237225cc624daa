"""The ``claimbot`` command: pipeline, search and digests from a terminal, and the Slack entrypoints."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.config import Settings
from bot.errors import BotError, reason_of

if TYPE_CHECKING:
    from bot.claims import Claim
    from bot.services import Services

app = typer.Typer(
    help="Who claims what in the articles your team shares.", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")

out = Console(soft_wrap=True, highlight=False, emoji=False)
err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)
logger = logging.getLogger("bot.entry.cli")


TEAM_HELP = (
    "Only this Slack workspace (team id), seen as its members see it: no private-channel claims "
    "unless --channel names the channel. Without it, the operator sees everything."
)


@dataclass
class CliState:
    settings: Settings


def setup_logging(level: int) -> None:
    """Attach a rich handler to our own loggers only, so library chatter stays quiet."""
    handler = RichHandler(console=err, show_path=False, rich_tracebacks=False)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    for name in ("bot", "handlers", "storage"):
        log = logging.getLogger(name)
        log.handlers = [handler]
        log.setLevel(level)
        log.propagate = False


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"claimbot: {message}", markup=False)
    return typer.Exit(code)


@app.callback()
def main_callback(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens (DEBUG).")] = False,
    database_url: Annotated[
        str | None, typer.Option(help="Database URL (default: env DATABASE_URL or sqlite:///claimbot.db).")
    ] = None,
) -> None:
    setup_logging(logging.DEBUG if verbose else logging.ERROR)
    overrides: dict[str, Any] = {}
    if database_url:
        overrides["database_url"] = database_url
    try:
        ctx.obj = CliState(settings=Settings(**overrides))
    except ValueError as exc:
        raise fail(f"bad configuration: {exc}", 2) from None


def _settings(ctx: typer.Context) -> Settings:
    return ctx.ensure_object(CliState).settings


def _services(ctx: typer.Context) -> Services:
    from bot.services import Services
    from storage.db import SchemaNotCurrent

    try:
        return Services.create(_settings(ctx))
    except SchemaNotCurrent as exc:
        raise fail(str(exc)) from None
    except Exception as exc:  # a wrong URL or an unreachable server: one line, no traceback
        logger.debug("database connection failed", exc_info=True)
        raise fail(f"cannot open the database: {str(exc).splitlines()[0]}") from None


def _progress(total: int) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=total < 2 or not err.is_terminal,
    )


def claim_json(claim: Claim) -> dict[str, Any]:
    return {
        "source": claim.source,
        "source_span": list(claim.source_span) if claim.source_span else None,
        "role": claim.role,
        "cue": claim.cue,
        "cue_span": list(claim.cue_span) if claim.cue_span else None,
        "content": claim.content,
        "content_span": list(claim.content_span),
        "kind": claim.kind,
        "salience": round(float(claim.salience), 4),
        "quantities": [
            {"value": q.value, "text": q.text, "counted": q.counted, "bound": q.bound}
            for q in claim.quantities
        ],
        "shown": claim.shown,
        "act": claim.act,
    }


@app.command()
def extract(
    ctx: typer.Context,
    inputs: Annotated[
        list[str], typer.Argument(help="URLs, .html or .txt files; '-' reads JSON lines from stdin.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per input, one line each.")
    ] = False,
) -> None:
    """Print the claims of one or more articles (nothing is stored)."""
    from bot.claims import extract_claims
    from bot.reading import inputs as inputs_mod
    from bot.services import shared_pipeline
    from bot.views.cards import card_from_claims
    from bot.views.render import card_text

    settings = _settings(ctx)
    try:
        nlp = shared_pipeline(settings.spacy_model)
    except (OSError, ValueError) as exc:
        raise fail(
            f"cannot load the spaCy model {settings.spacy_model!r}: {str(exc).splitlines()[0]}"
        ) from None
    failed = 0

    def emit(loaded: Any) -> None:
        claims = extract_claims(
            nlp,
            loaded.article.text,
            title=loaded.article.title,
            author=loaded.article.author,
            genre=loaded.article.genre,
        )
        if as_json:
            record = {
                "id": loaded.id,
                "title": loaded.article.title or "",
                "text": loaded.article.text,
                "claims": [claim_json(c) for c in claims],
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
        else:
            typer.echo(card_text(card_from_claims(loaded.article, claims, loaded.url)) + "\n")

    for spec in inputs:
        items = inputs_mod.read_stdin(sys.stdin) if spec == "-" else [spec]
        for item in items:
            try:
                if isinstance(item, tuple):
                    raise item[1]
                loaded = item if isinstance(item, inputs_mod.LoadedInput) else inputs_mod.load(item, settings)
                emit(loaded)
            except BotError as exc:
                failed += 1
                name = item[0] if isinstance(item, tuple) else getattr(item, "id", item)
                logger.warning("extract failed for %s: %s", name, reason_of(exc))
                err.print(f"claimbot: {name}: {reason_of(exc)}", markup=False)
    if failed:
        raise typer.Exit(1)


@app.command()
def ingest(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="URLs, .html or .txt files.")],
    channel: Annotated[
        str | None, typer.Option(help="Channel to file the claims under (default: cli).")
    ] = None,
) -> None:
    """Extract and store claims; an article already stored is not stored again."""
    from bot.features.cards import card_for
    from bot.pipeline import ingest
    from bot.reading import inputs as inputs_mod
    from bot.views.render import card_text
    from storage import repository

    services = _services(ctx)
    settings = services.settings
    channel = channel or settings.cli_channel
    failed = 0
    with _progress(len(inputs)) as progress:
        task = progress.add_task("ingesting", total=len(inputs))
        for spec in inputs:
            progress.update(task, description=spec[-60:])
            try:
                if spec == "-":
                    raise inputs_mod.InputError("ingest reads URLs and files; use `extract -` for stdin")
                if inputs_mod.is_url(spec):
                    result, url = ingest(services, spec), spec
                else:
                    loaded = inputs_mod.load(spec, settings)
                    result, url = ingest(services, loaded.url, loaded.article), loaded.url
                with services.transaction() as session:
                    share, _ = repository.record_share(
                        session, team=settings.cli_team, channel=channel, message_ts="cli", url=url
                    )
                    repository.complete_share(
                        session, share, repository.get_article(session, result.article_id)
                    )
                status = "stored" if result.created else "already stored"
                progress.console.print(f"[green]{status}[/green]: {spec}", highlight=False)
                card = card_for(services, result.article_id)
                typer.echo(card_text(card, settings.summary_max_claims) + "\n")
            except BotError as exc:
                failed += 1
                logger.warning("ingest failed for %s: %s", spec, reason_of(exc))
                err.print(f"claimbot: {spec}: {reason_of(exc)}", markup=False)
            progress.advance(task)
    services.close()
    if failed:
        raise typer.Exit(1)


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(help='Words, "phrases", source:NAME, since:7d, in:CHANNEL, include:hidden.')
    ],
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many results.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per result.")] = False,
    team: Annotated[str | None, typer.Option(help=TEAM_HELP)] = None,
) -> None:
    """Search stored claims, newest first (the same search /claims uses)."""
    from bot.features.search import search_line
    from bot.views.render import SearchPage, search_text
    from storage.search import QueryError
    from storage.search import search as run_search

    services = _services(ctx)
    try:
        with services.reading() as session:
            hits = run_search(session, query, team=team, limit=limit)
    except QueryError as exc:
        raise fail(f"bad query: {exc}") from None
    finally:
        services.close()
    if as_json:
        for hit in hits:
            record = {
                "claim_id": hit.claim_id,
                "source": hit.source,
                "role": hit.role,
                "cue": hit.cue,
                "content": hit.content,
                "kind": hit.kind,
                "shown": hit.shown,
                "act": hit.act,
                "article_title": hit.article_title,
                "article_url": hit.article_url,
                "team": hit.team,
                "channel": hit.channel,
                "shared_at": hit.shared_at.isoformat(),
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
        return
    typer.echo(search_text(SearchPage(query=query, lines=[search_line(hit) for hit in hits])))


def parse_window(value: str) -> timedelta:
    from storage.search import QueryError, parse_duration

    try:
        window = parse_duration(value.strip())
    except QueryError as exc:
        raise typer.BadParameter(str(exc)) from None
    if window <= timedelta(0):
        raise typer.BadParameter("the window must be longer than zero")
    return window


@app.command()
def digest(
    ctx: typer.Context,
    since: Annotated[str, typer.Option(help="How far back: 30m, 24h, 7d, 2w.")] = "24h",
    channel: Annotated[str | None, typer.Option(help="Only claims shared in this channel.")] = None,
    team: Annotated[str | None, typer.Option(help=TEAM_HELP)] = None,
) -> None:
    """Print the digest of claims shared recently."""
    from bot.jobs.digest import digest_view
    from bot.views.render import digest_text

    window = parse_window(since)
    services = _services(ctx)
    now = datetime.now(UTC)
    with services.reading() as session:
        view = digest_view(
            session,
            team=team,
            channel=channel,
            since=now - window,
            until=now,
            channel_label=channel,
            # A workspace-wide view, like /claims outside a channel: private channels only when named.
            include_private=team is None or channel is not None,
        )
    services.close()
    typer.echo(digest_text(view))


@db_app.command("upgrade")
def db_upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Apply the migrations to the configured database."""
    from storage import db

    settings = _settings(ctx)
    try:
        db.upgrade(settings.database_url, revision)
    except Exception as exc:
        logger.debug("upgrade failed", exc_info=True)
        raise fail(f"migration failed: {str(exc).splitlines()[0]}") from None
    err.print(f"database at {db.safe_url(settings.database_url)} is at {revision}", markup=False)


@db_app.command("current")
def db_current(ctx: typer.Context) -> None:
    """Print the database's revision and whether it is up to date."""
    from storage import db

    engine = db.make_engine(_settings(ctx).database_url)
    current, head = db.current_revision(engine), db.head_revision()
    engine.dispose()
    out.print(
        f"{current or 'empty'} (head {head}){'' if current == head else ' — run `claimbot db upgrade`'}"
    )


def _check_database(ctx: typer.Context) -> None:
    """Refuse to start on an unmigrated database, with the command that fixes it."""
    _services(ctx).close()


@app.command()
def run(ctx: typer.Context) -> None:
    """Run the Slack app in Socket Mode (no public URL needed): SLACK_BOT_TOKEN and SLACK_APP_TOKEN."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.entry.app import SlackConfigError
    from bot.entry.runtime import build_runtime

    settings = _settings(ctx)
    setup_logging(logging.INFO)
    if not settings.slack_app_token:
        raise fail("Socket Mode needs SLACK_APP_TOKEN (an app-level token with connections:write)")
    _check_database(ctx)
    try:
        runtime = build_runtime(settings, socket_mode=True)
    except SlackConfigError as exc:
        raise fail(str(exc)) from None
    try:
        SocketModeHandler(runtime.app, settings.slack_app_token.get_secret_value()).start()
    finally:
        runtime.close()


@app.command()
def serve(
    ctx: typer.Context,
    port: Annotated[int | None, typer.Option(help="Port (default: $PORT or 3000).")] = None,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes.")] = 2,
) -> None:
    """Run the Slack app in HTTP mode under gunicorn; Slack posts to /slack/events."""
    import os
    import shutil

    settings = _settings(ctx)
    if not settings.slack_signing_secret:
        raise fail("HTTP mode needs SLACK_SIGNING_SECRET")
    _check_database(ctx)
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    bind = f"0.0.0.0:{port or settings.port}"
    args = [
        gunicorn,
        "--config",
        "python:bot.entry.gunicorn_conf",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        "4",
        "bot.entry.web:wsgi_app()",
    ]
    os.execv(gunicorn, args)


@app.command()
def demo(ctx: typer.Context) -> None:
    """Run the product on bundled sample articles and print what Slack would show."""
    from bot.entry.demo import run_demo

    run_demo(out)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
