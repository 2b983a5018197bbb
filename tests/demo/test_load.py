"""The demo loader: the seed page becomes one relay with 25 posts, bylines and organisations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from graph import models
from graph.demo.listing import ListingError
from graph.demo.load import BYLINES, PAGE, DemoDataError, load_demo
from graph.settings import Settings


async def test_demo_relay_has_25_published_posts_with_legs_in_date_order(database: str) -> None:
    posts = await models.Post.filter(relay__slug="lederskabs-stafetten").order_by("leg")
    assert len(posts) == 25
    assert [post.leg for post in posts] == list(range(1, 26))
    dates = [post.published_at for post in posts]
    assert dates == sorted(dates)
    assert posts[0].title == "Gør vi det, vi siger, vi gør?"
    assert {post.status for post in posts} == {models.PostStatus.PUBLISHED}


async def test_dates_are_midnight_in_copenhagen(database: str) -> None:
    post = await models.Post.get(slug="politi-med-bloed-hat")  # 14.05.13, summer time
    assert post.published_at == dt.datetime(2013, 5, 13, 22, 0, tzinfo=dt.UTC)


async def test_nine_posts_have_named_writers_and_sixteen_have_none(database: str) -> None:
    with_byline = await models.Post.filter(bylines__id__isnull=False).distinct().count()
    assert with_byline == 9
    assert await models.Author.all().count() == 9


async def test_organisations_keep_full_names_short_names_and_kinds(database: str) -> None:
    sfi = await models.Organization.get(slug="sfi-det-nationale-forskningscenter-for-velfaerd")
    assert (sfi.short_name, sfi.kind) == ("SFI", models.OrganizationKind.RESEARCH)
    assert await models.Organization.all().count() == 11


async def test_loading_twice_changes_nothing(database: str, settings: Settings) -> None:
    before = await models.Post.all().count(), await models.Byline.all().count()
    result = await load_demo(settings.max_body_chars)
    assert result.posts_created == 0
    assert (await models.Post.all().count(), await models.Byline.all().count()) == before


async def counts() -> tuple[int, ...]:
    return (
        await models.Relay.all().count(),
        await models.Post.all().count(),
        await models.Author.all().count(),
        await models.Organization.all().count(),
    )


async def test_a_malformed_page_names_the_line_and_loads_nothing(
    database: str, settings: Settings, tmp_path: Path
) -> None:
    page = PAGE.read_text(encoding="utf-8").replace("Lederskabs-stafetten", "Prøve-stafetten")
    page = page.replace("13.05.15 Ledelse", "31.02.15 Ledelse")
    broken = tmp_path / "page.txt"
    broken.write_text(page, encoding="utf-8")
    before = await counts()
    with pytest.raises(ListingError) as raised:
        await load_demo(settings.max_body_chars, broken)
    assert raised.value.line == 16
    assert "31.02.15" in str(raised.value)
    assert await counts() == before


async def test_bylines_that_do_not_fit_the_page_load_nothing(
    database: str, settings: Settings, tmp_path: Path
) -> None:
    bylines = json.loads(BYLINES.read_text(encoding="utf-8"))
    bylines["bylines"]["Politi med blød hat"]["organization"] = "Rigspolitiet"
    broken = tmp_path / "bylines.json"
    broken.write_text(json.dumps(bylines), encoding="utf-8")
    before = await counts()
    with pytest.raises(DemoDataError, match="unknown organisation 'Rigspolitiet'"):
        await load_demo(settings.max_body_chars, PAGE, broken)
    assert await counts() == before
