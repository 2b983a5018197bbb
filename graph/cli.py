"""The `graph` command: serve, worker, migrate, load-demo, export-schema, token, bench."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from tortoise import Tortoise

from graph import db, logs, show_sql, subscribers
from graph.migrate import migrate
from graph.settings import Settings, get_settings

SCHEMA_PATH = Path("schema") / "schema.graphql"


async def _with_database(settings: Settings, work: Callable[[], Awaitable[None]]) -> None:
    try:
        await migrate(settings.database_url)
        await db.init(settings.database_url)
        await work()
    finally:
        # Also when migrating fails: an open SQLite connection's thread would keep the
        # process alive after the traceback, so `graph migrate` hung instead of failing.
        await Tortoise.close_connections()


async def _migrate(args: argparse.Namespace) -> None:
    print(f"migrated {args.settings.database_url}")


async def _load_demo(settings: Settings) -> None:
    from graph.demo.listing import ListingError
    from graph.demo.load import DemoDataError, load_demo

    try:
        result = await load_demo(settings.max_body_chars)
    except (ListingError, DemoDataError) as error:
        sys.exit(f"graph load-demo: nothing loaded: {error}")
    if result.posts_created:
        print(f"loaded relay {result.relay_slug!r} with {result.posts_created} posts")
    else:
        print(f"relay {result.relay_slug!r} is already loaded; nothing changed")


async def _prepare_to_serve(settings: Settings) -> None:
    from graph import models

    if settings.load_demo_on_empty and not await models.Relay.exists():
        await _load_demo(settings)


def serve(args: argparse.Namespace) -> None:
    """Migrate, load the demo into an empty database, then run uvicorn."""
    import uvicorn

    settings = args.settings
    asyncio.run(_with_database(settings, lambda: _prepare_to_serve(settings)))
    # Each uvicorn process reads its settings afresh: tell them how many there are.
    os.environ["WORKERS"] = str(args.workers)
    print(f"serving GraphQL at http://{args.host}:{args.port}/graphql")
    uvicorn.run(
        "graph.app:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
        # The app decides who a caller is (graph.proxies, TRUST_FORWARDED_FOR): uvicorn's own
        # X-Forwarded-For handling, on by default for loopback peers, would rewrite the
        # address first and make any client's header a fresh budget.
        proxy_headers=False,
    )


def worker(args: argparse.Namespace) -> None:
    """Run jobs from PostgreSQL until SIGINT/SIGTERM; any number may run at once."""
    settings = args.settings
    if settings.database_url.startswith("sqlite"):
        sys.exit("graph worker: on SQLite the jobs run inside `graph serve`; nothing to do")

    async def work() -> None:
        from graph.jobs import engine
        from graph.jobs.worker import run_worker

        engine.configure(settings)
        async with engine.app.open_async():
            print(f"worker running jobs from {db.libpq_url(settings.database_url)}", flush=True)
            await run_worker(settings, concurrency=args.concurrency)

    asyncio.run(_with_database(settings, work))


def export_schema(args: argparse.Namespace) -> None:
    """Write the SDL to schema/schema.graphql (or print it with --check's diff status)."""
    from graph.schema import build_schema

    sdl = build_schema(args.settings).as_str() + "\n"
    path = Path(args.path)
    if args.check:
        if not path.exists() or path.read_text(encoding="utf-8") != sdl:
            sys.exit(f"{path} is stale: run `graph export-schema`")
        print(f"{path} is current")
        return
    path.write_text(sdl, encoding="utf-8")
    print(f"wrote {path}")


async def _token_create(args: argparse.Namespace) -> None:
    from graph import models
    from graph.tokens import TokenError, create_token

    try:
        token = await create_token(args.name, models.Role(args.role))
    except TokenError as error:
        sys.exit(f"graph token create: {error}")
    print(f"created {args.role} token {args.name!r}; it is shown only this once:", file=sys.stderr)
    print(token)


async def _token_list(_args: argparse.Namespace) -> None:
    from graph.tokens import list_tokens

    print(f"{'NAME':<24} {'ROLE':<7} {'CREATED':<20} {'LAST USED':<20} REVOKED")
    for token in await list_tokens():
        print(
            f"{token.name:<24} {token.role:<7} {_when(token.created_at):<20} "
            f"{_when(token.last_used_at):<20} {_when(token.revoked_at)}"
        )


async def _token_revoke(args: argparse.Namespace) -> None:
    from graph.tokens import TokenError, revoke_token

    try:
        await revoke_token(args.name)
    except TokenError as error:
        sys.exit(f"graph token revoke: {error}")
    print(f"revoked token {args.name!r}")


def _when(moment: dt.datetime | None) -> str:
    return "-" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _run(work: Callable[[argparse.Namespace], Awaitable[None]]) -> Callable[..., None]:
    return lambda args: asyncio.run(_with_database(args.settings, lambda: work(args)))


def _add_token_commands(commands: Any) -> None:
    token = commands.add_parser("token", help="create, list or revoke API tokens")
    actions = token.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a token and print it (once)")
    create.add_argument("--name", required=True, help="who or what uses it, e.g. anne-laptop")
    create.add_argument("--role", required=True, choices=["editor", "admin"])
    create.set_defaults(handler=_run(_token_create))
    listing = actions.add_parser("list", help="list tokens: name, role, created, last used")
    listing.set_defaults(handler=_run(_token_list))
    revoke = actions.add_parser("revoke", help="revoke a token by name")
    revoke.add_argument("name")
    revoke.set_defaults(handler=_run(_token_revoke))


BENCH_HELP = "benchmark the frontend's operations on synthetic data (PostgreSQL, wrk)"
BENCH_NEEDS_CHECKOUT = (
    "graph bench: the benchmark is not part of the installed package; run it from a checkout "
    "of the repository (scripts/bench there installs what it needs)"
)


def _add_bench_command(commands: Any) -> None:
    # The bench lives in the checkout's benchmarks/ package, not in the wheel, and reads its
    # own options: every word after `bench` goes to it as given (a prefix no option uses keeps
    # argparse from reading `--size` as an option of this stub).
    bench = commands.add_parser("bench", help=BENCH_HELP, add_help=False, prefix_chars="+")
    bench.add_argument("options", nargs="*")
    bench.set_defaults(handler=_bench)


def _bench(args: argparse.Namespace) -> None:
    # Imported here, not at the top: an installed wheel has no benchmarks package, and no other
    # command should pay for importing the bench.
    try:
        from benchmarks import command
    except ModuleNotFoundError as missing:
        if missing.name != "benchmarks":
            raise
        sys.exit(BENCH_NEEDS_CHECKOUT)
    parser = argparse.ArgumentParser(prog="graph bench", description=BENCH_HELP)
    command.add_arguments(parser)
    command.run(parser.parse_args(args.options))


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="graph", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve the API (migrates and loads demo if empty)")
    run.add_argument("--host", default=settings.host)
    run.add_argument("--port", type=int, default=settings.port)
    run.add_argument("--workers", type=int, default=settings.workers)
    run.set_defaults(handler=serve)
    jobs = commands.add_parser("worker", help="run jobs (PostgreSQL); start as many as needed")
    jobs.add_argument("--concurrency", type=int, default=settings.worker_concurrency)
    jobs.set_defaults(handler=worker)
    migrate = commands.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(handler=_run(_migrate))
    demo = commands.add_parser("load-demo", help="load the demo relay (idempotent)")
    demo.set_defaults(handler=_run(lambda args: _load_demo(args.settings)))
    export = commands.add_parser("export-schema", help="write the SDL to schema/schema.graphql")
    export.add_argument("--path", default=str(SCHEMA_PATH))
    export.add_argument("--check", action="store_true", help="fail if the file is stale")
    export.set_defaults(handler=export_schema)
    _add_token_commands(commands)
    _add_bench_command(commands)
    show_sql.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `graph` console script."""
    settings = get_settings()
    logs.configure(settings.log_level)
    subscribers.register_all()
    args = _parser(settings).parse_args(argv)
    # Every command runs with the settings read here, once (passed on, never read again).
    args.settings = settings
    args.handler(args)
