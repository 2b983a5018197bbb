"""The DB floor's SQL: one statement per operation, nested parts built as JSON by PostgreSQL.

Each page of posts takes the newest ids first (an index walk with LIMIT) and only then joins
what the page shows, so the cost does not grow with the size of the parent.
"""

from __future__ import annotations

Fields = dict[str, str]

AUTHOR = {"slug": "{t}.slug", "name": "{t}.name"}
ORGANIZATION = {"slug": "{t}.slug", "name": "{t}.name"}
ORGANIZATION_SHORT = {**ORGANIZATION, "shortName": "{t}.short_name"}
RELAY_REF = {"slug": "pr.slug", "title": "pr.title"}
CATEGORY_REF = {"slug": "pc.slug", "name": "pc.name"}
PUBLISHED = "{t}.status = 'published'"
NEWEST = "p.published_at DESC, p.id DESC"


def obj(fields: Fields, alias: str = "") -> str:
    """`json_build_object('key', expression, …)`, `{t}` in expressions replaced by `alias`."""
    pairs = ", ".join(f"'{key}', {value.format(t=alias)}" for key, value in fields.items())
    return f"json_build_object({pairs})"


def nullable(fields: Fields, alias: str) -> str:
    """The object, or JSON null when the (outer-joined) row `alias` is missing."""
    return f"CASE WHEN {alias}.id IS NULL THEN NULL ELSE {obj(fields, alias)} END"


def bylines(author: Fields, organization: Fields | None = None, role: bool = True) -> str:
    """The bylines of post `p` as a JSON array, in printed order."""
    fields = {"role": "bb.role"} if role else {}
    fields["author"] = obj(author, "ba")
    join = ""
    if organization is not None:
        fields["organization"] = nullable(organization, "bo")
        join = "LEFT JOIN organization bo ON bo.id = bb.organization_id "
    return (
        f"(SELECT coalesce(json_agg({obj(fields)} ORDER BY bb.position), '[]') FROM byline bb "
        f"JOIN author ba ON ba.id = bb.author_id {join}WHERE bb.post_id = p.id)"
    )


def newest_posts(source: str, where: str, node: Fields, limit: str) -> str:
    """A JSON array of up to `limit` post nodes from `source` (alias p), newest first.

    Every node also carries `_id` and `_at` (id, published_at) for cursors.
    """
    fields = {**node, "_id": "p.id", "_at": "p.published_at"}
    return (
        f"(SELECT coalesce(json_agg({obj(fields)} ORDER BY t.at DESC, t.id DESC), '[]') FROM ("
        f"SELECT p.id, p.published_at AS at FROM {source} "
        f"WHERE {where} AND p.status = 'published' ORDER BY {NEWEST} LIMIT {limit}) t "
        "JOIN post p ON p.id = t.id JOIN relay pr ON pr.id = p.relay_id "
        "LEFT JOIN category pc ON pc.id = p.category_id)"
    )


def count_posts(source: str, where: str) -> str:
    """How many published posts of `source` (alias p) match `where`."""
    return f"(SELECT count(*) FROM {source} WHERE {where} AND p.status = 'published')"


RELAY_NODE = {
    "slug": "p.slug",
    "title": "p.title",
    "teaser": "p.teaser",
    "publishedAt": "p.published_at",
    "leg": "p.leg",
    "category": nullable(CATEGORY_REF, "pc"),
    "bylines": bylines(AUTHOR, ORGANIZATION_SHORT),
}
# The operations' author pages are their default size: RelayPage's contributors and
# OrganizationPage's authors ask for no `first`.
AUTHORS_FIRST = 20
CONTRIBUTED = """FROM byline b JOIN post p ON p.id = b.post_id
        WHERE p.relay_id = r.id AND p.status = 'published'"""
CONTRIBUTORS = f"""json_build_object(
    'totalCount', (SELECT count(DISTINCT b.author_id) {CONTRIBUTED}),
    'edges', (SELECT coalesce(json_agg(
        json_build_object('node', json_build_object('slug', ca.slug, 'name', ca.name))
        ORDER BY c.first_leg, c.author_id), '[]')
    FROM (SELECT b.author_id, min(p.leg) AS first_leg {CONTRIBUTED} GROUP BY b.author_id
        ORDER BY first_leg, b.author_id LIMIT {AUTHORS_FIRST}) c
    JOIN author ca ON ca.id = c.author_id))"""

RELAY_PAGE = f"""
SELECT r.id, r.slug, r.title, r.intro, upper(r.status) AS status, r.started_on, r.ended_on,
    {CONTRIBUTORS} AS contributors,
    {count_posts("post p", "p.relay_id = r.id")} AS total,
    {newest_posts("post p", "p.relay_id = r.id", RELAY_NODE, "%(limit)s")} AS posts
FROM relay r WHERE r.slug = %(slug)s
"""

FRONT_NODE = {
    "slug": "p.slug",
    "title": "p.title",
    "publishedAt": "p.published_at",
    "leg": "p.leg",
    "category": nullable(CATEGORY_REF, "pc"),
    "bylines": bylines(AUTHOR, ORGANIZATION),
}
RELAY_SORT = "COALESCE(r.started_on, '9999-12-31')"
# Posts only for the relays shown: the one extra relay is fetched to tell whether more follow.
RELAYS_WITH_POSTS = f"""
SELECT r.slug, r.title, upper(r.status) AS status, r.id, r.sort_value,
    (SELECT count(*) FROM relay) AS total,
    CASE WHEN r.n <= %(first)s THEN {count_posts("post p", "p.relay_id = r.id")} END AS posts_total,
    CASE WHEN r.n <= %(first)s THEN
        {newest_posts("post p", "p.relay_id = r.id", FRONT_NODE, "%(posts_first)s")} END AS posts
FROM (
    SELECT r.*, {RELAY_SORT} AS sort_value,
        row_number() OVER (ORDER BY {RELAY_SORT} DESC, r.id DESC) AS n
    FROM relay r ORDER BY {RELAY_SORT} DESC, r.id DESC LIMIT %(limit)s
) r ORDER BY r.n
"""

NEIGHBOUR = """(SELECT json_build_object('slug', q.slug, 'title', q.title, 'leg', q.leg)
    FROM post q WHERE q.relay_id = p.relay_id AND q.status = 'published'
    AND (q.leg, q.id) {op} (p.leg, p.id) ORDER BY q.leg {direction}, q.id {direction} LIMIT 1)"""
ORGANIZATION_FULL = {**ORGANIZATION_SHORT, "kind": "upper({t}.kind)"}
POST_PAGE = f"""
SELECT p.id, p.slug, p.title, p.teaser, p.html, p.published_at, p.leg,
    {nullable(CATEGORY_REF, "pc")} AS category,
    {obj(RELAY_REF)} AS relay,
    {bylines({**AUTHOR, "bio": "{t}.bio"}, ORGANIZATION_FULL)} AS bylines,
    {NEIGHBOUR.format(op="<", direction="DESC")} AS previous,
    {NEIGHBOUR.format(op=">", direction="ASC")} AS next
FROM post p JOIN relay pr ON pr.id = p.relay_id LEFT JOIN category pc ON pc.id = p.category_id
WHERE p.slug = %(slug)s AND p.status = 'published'
"""

LISTING_NODE = {
    "slug": "p.slug",
    "title": "p.title",
    "teaser": "p.teaser",
    "publishedAt": "p.published_at",
    "relay": obj(RELAY_REF),
    "bylines": bylines(AUTHOR, ORGANIZATION, role=False),
}
AFTER = (
    "(%(after_at)s::timestamptz IS NULL OR (p.published_at, p.id) < (%(after_at)s, %(after_id)s))"
)
CATEGORY_PAGE = f"""
SELECT c.slug, c.name,
    {count_posts("post p", "p.category_id = c.id")} AS total,
    {newest_posts("post p", f"p.category_id = c.id AND {AFTER}", LISTING_NODE, "%(limit)s")}
        AS posts
FROM category c WHERE c.slug = %(slug)s
"""

AUTHOR_NODE = {
    "slug": "p.slug",
    "title": "p.title",
    "publishedAt": "p.published_at",
    "relay": obj(RELAY_REF),
    "category": nullable(CATEGORY_REF, "pc"),
}
AFFILIATIONS = """(SELECT coalesce(json_agg(json_build_object('role', af.role,
    'organization', json_build_object('slug', ao.slug, 'name', ao.name,
    'shortName', ao.short_name)) ORDER BY af.position, af.id), '[]')
    FROM affiliation af JOIN organization ao ON ao.id = af.organization_id
    WHERE af.author_id = a.id)"""
BY_AUTHOR = "post p JOIN byline k ON k.post_id = p.id"
AUTHOR_PAGE = f"""
SELECT a.id, a.slug, a.name, a.bio, {AFFILIATIONS} AS affiliations,
    {count_posts(BY_AUTHOR, "k.author_id = a.id")} AS total,
    {newest_posts(BY_AUTHOR, "k.author_id = a.id", AUTHOR_NODE, "%(limit)s")} AS posts
FROM author a WHERE a.slug = %(slug)s
"""

ORGANIZATION_NODE = {
    "slug": "p.slug",
    "title": "p.title",
    "publishedAt": "p.published_at",
    "relay": obj(RELAY_REF),
    "bylines": bylines(AUTHOR),
}
MEMBERS = f"""json_build_object(
    'totalCount', (SELECT count(*) FROM affiliation oc WHERE oc.organization_id = o.id),
    'edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'slug', m.slug, 'name', m.name,
        'affiliations', (SELECT coalesce(json_agg(json_build_object('role', ma.role,
            'organization', json_build_object('slug', mo.slug)) ORDER BY ma.position, ma.id), '[]')
            FROM affiliation ma JOIN organization mo ON mo.id = ma.organization_id
            WHERE ma.author_id = m.id))) ORDER BY m.sort_key, m.id), '[]')
    FROM (SELECT m.id, m.slug, m.name, m.sort_key FROM affiliation oa
        JOIN author m ON m.id = oa.author_id WHERE oa.organization_id = o.id
        ORDER BY m.sort_key, m.id LIMIT {AUTHORS_FIRST}) m))"""
# A post with two bylines from one organisation is listed once.
BY_ORGANIZATION = "post p"
IN_ORGANIZATION = "p.id IN (SELECT k.post_id FROM byline k WHERE k.organization_id = o.id)"
ORGANIZATION_PAGE = f"""
SELECT o.id, o.slug, o.name, o.short_name, upper(o.kind) AS kind, {MEMBERS} AS authors,
    {count_posts(BY_ORGANIZATION, IN_ORGANIZATION)} AS total,
    {newest_posts(BY_ORGANIZATION, IN_ORGANIZATION, ORGANIZATION_NODE, "%(limit)s")} AS posts
FROM organization o WHERE o.slug = %(slug)s
"""
