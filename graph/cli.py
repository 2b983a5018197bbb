"""The `graph` command: serve, migrate, load-demo, export-schema."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from tortoise import Tortoise

from graph import db, logs
from graph.settings import get_settings

SCHEMA_PATH = Path("schema") / "schema.graphql"


async def _with_database(work: Callable[[], Awaitable[None]]) -> None:
    settings = get_settings()
    await db.migrate(settings.database_url)
    await db.init(settings.database_url)
    try:
        await work()
    finally:
        await Tortoise.close_connections()


async def _migrate() -> None:
    print(f"migrated {get_settings().database_url}")


async def _load_demo() -> None:
    from graph.demo.listing import ListingError
    from graph.demo.load import DemoDataError, load_demo

    try:
        result = await load_demo()
    except (ListingError, DemoDataError) as error:
        sys.exit(f"graph load-demo: nothing loaded: {error}")
    if result.posts_created:
        print(f"loaded relay {result.relay_slug!r} with {result.posts_created} posts")
    else:
        print(f"relay {result.relay_slug!r} is already loaded; nothing changed")


async def _prepare_to_serve() -> None:
    from graph import models

    if get_settings().load_demo_on_empty and not await models.Relay.exists():
        await _load_demo()


def serve(args: argparse.Namespace) -> None:
    """Migrate, load the demo into an empty database, then run uvicorn."""
    import uvicorn

    asyncio.run(_with_database(_prepare_to_serve))
    print(f"serving GraphQL at http://{args.host}:{args.port}/graphql")
    uvicorn.run(
        "graph.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
    )


def export_schema(args: argparse.Namespace) -> None:
    """Write the SDL to schema/schema.graphql (or print it with --check's diff status)."""
    from graph.api.schema import schema

    sdl = schema.as_str() + "\n"
    path = Path(args.path)
    if args.check:
        if not path.exists() or path.read_text(encoding="utf-8") != sdl:
            sys.exit(f"{path} is stale: run `graph export-schema`")
        print(f"{path} is current")
        return
    path.write_text(sdl, encoding="utf-8")
    print(f"wrote {path}")


def _parser() -> argparse.ArgumentParser:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="graph", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve the API (migrates and loads demo if empty)")
    run.add_argument("--host", default=settings.host)
    run.add_argument("--port", type=int, default=settings.port)
    run.add_argument("--workers", type=int, default=settings.workers)
    run.set_defaults(handler=serve)
    migrate = commands.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(handler=lambda _args: asyncio.run(_with_database(_migrate)))
    demo = commands.add_parser("load-demo", help="load the demo relay (idempotent)")
    demo.set_defaults(handler=lambda _args: asyncio.run(_with_database(_load_demo)))
    export = commands.add_parser("export-schema", help="write the SDL to schema/schema.graphql")
    export.add_argument("--path", default=str(SCHEMA_PATH))
    export.add_argument("--check", action="store_true", help="fail if the file is stale")
    export.set_defaults(handler=export_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the `graph` console script."""
    logs.configure(get_settings().log_level)
    args = _parser().parse_args(argv)
    args.handler(args)
