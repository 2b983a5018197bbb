"""The feed and sitemap URLs: `/feeds/…[?archive=N]`, `/sitemap.xml`,
`/sitemaps/relays/{slug}.xml[?page=N]`.

A computed document costs the client's budget its price (graph/feeds/prices.py), known
before it is built; one from the response cache costs 1, as a cached GraphQL answer does.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from graph.feeds import archives, formats, model, prices, sitemaps
from graph.feeds.archives import PAGE
from graph.feeds.model import FORMATS, SUBJECT_FOLDERS, Format
from graph.feeds.responses import not_found, respond
from graph.read.posts import Scope
from graph.settings import Settings


async def all_posts_feed(request: Request) -> Response:
    """`/feeds/posts.{atom,rss,json}[?archive=N]`: the newest posts of every relay, or an
    archive page of older ones."""
    format = FORMATS.get(request.path_params["format"])
    if format is None:
        return not_found("feed")
    return await _feed(request, Scope.ALL, None, f"/feeds/posts.{format.extension}", format)


async def subject_feed(request: Request) -> Response:
    """`/feeds/{relays,categories,authors,organizations}/{slug}.{atom,rss,json}[?archive=N]`."""
    folder = request.path_params["folder"]
    slug, dot, extension = request.path_params["name"].rpartition(".")
    scope, format = SUBJECT_FOLDERS.get(folder), FORMATS.get(extension)
    if scope is None or format is None or not dot or not slug:
        return not_found("feed")
    return await _feed(request, scope, slug, f"/feeds/{folder}/{slug}.{extension}", format)


async def _feed(
    request: Request, scope: Scope, slug: str | None, path: str, format: Format
) -> Response:
    settings: Settings = request.app.state.settings
    page_text = request.query_params.get(archives.PARAMETER)
    if page_text is not None and not PAGE.fullmatch(page_text):
        return not_found("feed")
    page = None if page_text is None else int(page_text)

    async def produce() -> bytes | None:
        feed = await model.build(settings, scope, slug, path, page)
        return None if feed is None else formats.render(feed, format)

    key = path if page is None else archives.archive_url(path, page)
    price = prices.feed_price(settings)
    return await respond(request, key, format.media_type, produce, "feed", price)


async def sitemap_index(request: Request) -> Response:
    """`/sitemap.xml`: the index of every relay's sitemap files."""
    settings: Settings = request.app.state.settings

    async def produce() -> bytes | None:
        index = await sitemaps.index(settings)
        return None if index is None else index.xml

    price = prices.sitemap_index_price(settings)
    return await respond(request, "/sitemap.xml", sitemaps.MEDIA_TYPE, produce, "sitemap", price)


async def relay_sitemap(request: Request) -> Response:
    """`/sitemaps/relays/{slug}.xml[?page=N]`: one file of a relay's posts' pages."""
    settings: Settings = request.app.state.settings
    slug, dot, extension = request.path_params["name"].rpartition(".")
    page_text = request.query_params.get("page", "1")
    if not dot or extension != "xml" or not PAGE.fullmatch(page_text):
        return not_found("sitemap")
    page = int(page_text)

    async def produce() -> bytes | None:
        sitemap = await sitemaps.relay_sitemap(settings, slug, page)
        return None if sitemap is None else sitemap.xml

    key = sitemaps.relay_sitemap_path(slug, page)
    price = prices.sitemap_price(settings)
    return await respond(request, key, sitemaps.MEDIA_TYPE, produce, "sitemap", price)


routes = [
    Route("/feeds/posts.{format}", all_posts_feed, methods=["GET"]),
    Route("/feeds/{folder}/{name}", subject_feed, methods=["GET"]),
    Route("/sitemap.xml", sitemap_index, methods=["GET"]),
    Route("/sitemaps/relays/{name}", relay_sitemap, methods=["GET"]),
]
