"""The read contract on the demo relay: what a frontend renders from each query."""

from __future__ import annotations

from conftest import GraphQL

POSTS_BY_CATEGORY = """
query ($category: String!) {
  posts(filter: {category: $category}) {
    totalCount
    edges { node { title publishedAt category { slug name } } }
  }
}
"""


async def test_category_filter_gives_politik_posts_newest_first(gql: GraphQL) -> None:
    data = await gql.data(POSTS_BY_CATEGORY, category="politik")
    titles = [edge["node"]["title"] for edge in data["posts"]["edges"]]
    assert titles == [
        "Et barn har kun en barndom: Vi har et etisk ansvar for at vide, hvad vi gør",
        "Topleder i KL: Kommunerne skal turde at gå nye veje",
    ]
    assert data["posts"]["totalCount"] == 2


async def test_published_at_is_copenhagen_time(gql: GraphQL) -> None:
    data = await gql.data(POSTS_BY_CATEGORY, category="politik")
    dates = [edge["node"]["publishedAt"] for edge in data["posts"]["edges"]]
    # 24.04.15 is summer time (+02:00), 04.02.15 winter time (+01:00).
    assert dates == ["2015-04-24T00:00:00+02:00", "2015-02-04T00:00:00+01:00"]


async def test_organization_page_lists_author_and_post(gql: GraphQL) -> None:
    data = await gql.data(
        """{ organization(slug: "moedrehjaelpen") {
              name kind authors { totalCount edges { node { name slug } } }
              posts { totalCount edges { node { title bylines { author { name } role } } } } } }"""
    )
    organization = data["organization"]
    assert organization["name"] == "Mødrehjælpen"
    assert organization["kind"] == "NGO"
    assert organization["authors"] == {
        "totalCount": 1,
        "edges": [{"node": {"name": "Mads Roke Clausen", "slug": "mads-roke-clausen"}}],
    }
    (edge,) = organization["posts"]["edges"]
    assert edge["node"]["title"].startswith("Et barn har kun en barndom")
    assert edge["node"]["bylines"] == [
        {"author": {"name": "Mads Roke Clausen"}, "role": "direktør"}
    ]


async def test_relay_page_has_intro_posts_in_leg_order_and_contributors(gql: GraphQL) -> None:
    data = await gql.data(
        """{ relay(slug: "lederskabs-stafetten") {
              title intro status startedOn endedOn
              contributors { totalCount edges { node { name } } }
              posts(first: 25) { totalCount edges { node { leg } } } } }"""
    )
    relay = data["relay"]
    assert relay["title"] == "Lederskabs-stafetten"
    assert relay["intro"].startswith("Lederskabs-stafetten skal mobilisere lederskabsreformen")
    assert (relay["status"], relay["startedOn"], relay["endedOn"]) == ("ACTIVE", "2013-04-30", None)
    assert [edge["node"]["leg"] for edge in relay["posts"]["edges"]] == list(range(25, 0, -1))
    contributors = [edge["node"]["name"] for edge in relay["contributors"]["edges"]]
    assert contributors[0] == "Jesper Christiansen"  # earliest named writer (06.03.14)
    assert contributors[-1] == "Diana Mose Olsen"  # the newest post
    assert len(contributors) == 9 == relay["contributors"]["totalCount"]


async def test_post_page_has_neighbours_by_leg(gql: GraphQL) -> None:
    data = await gql.data(
        """{ post(slug: "traed-ind-i-minefeltet-offentlige-ledere") {
              title leg html relay { slug }
              previous { title leg } next { title leg }
              bylines { author { name slug } role organization { name } } } }"""
    )
    post = data["post"]
    assert post["leg"] == 15
    assert post["previous"] == {"title": "Velfærdens transformationer og transformanter", "leg": 14}
    assert post["next"] == {"title": "Moderniseringsbølger solgt som naturlove", "leg": 16}
    assert post["relay"] == {"slug": "lederskabs-stafetten"}
    assert post["bylines"] == [
        {
            "author": {"name": "Jesper Christiansen", "slug": "jesper-christiansen"},
            "role": "kommunaldirektør",
            "organization": None,
        }
    ]
    assert post["html"].startswith("<p>Vi skal ikke skrue tiden 50 år tilbage.")


async def test_first_and_last_posts_have_no_outer_neighbours(gql: GraphQL) -> None:
    data = await gql.data(
        """{ posts(first: 1) { edges { node { leg next { leg } } } }
             relay(slug: "lederskabs-stafetten") {
               posts(first: 25) { edges { node { leg previous { leg } } } } } }"""
    )
    assert data["posts"]["edges"][0]["node"] == {"leg": 25, "next": None}
    oldest = data["relay"]["posts"]["edges"][-1]["node"]
    assert oldest == {"leg": 1, "previous": None}


async def test_post_without_named_writer_has_no_bylines(gql: GraphQL) -> None:
    data = await gql.data('{ post(slug: "politi-med-bloed-hat") { bylines { role } } }')
    assert data["post"] == {"bylines": []}


async def test_author_page_lists_affiliations_and_posts(gql: GraphQL) -> None:
    data = await gql.data(
        """{ author(slug: "annette-laigaard") {
              name affiliations { role organization { slug shortName } }
              posts { edges { node { slug } } } } }"""
    )
    author = data["author"]
    assert author["affiliations"] == [
        {
            "role": "adm. direktør for Socialforvaltningen",
            "organization": {"slug": "koebenhavns-kommune", "shortName": None},
        }
    ]
    assert [edge["node"]["slug"] for edge in author["posts"]["edges"]] == [
        "topleder-i-koebenhavns-kommune-opgaverne-skal-loeses-taet-paa-borgeren"
    ]


async def test_categories_are_in_danish_order_with_their_posts(gql: GraphQL) -> None:
    data = await gql.data("{ categories { slug name posts(first: 0) { totalCount } } }")
    assert data["categories"] == [
        {"slug": "ledelse", "name": "Ledelse", "posts": {"totalCount": 21}},
        {"slug": "politik", "name": "Politik", "posts": {"totalCount": 2}},
        {"slug": "velfaerd", "name": "Velfærd", "posts": {"totalCount": 2}},
    ]


async def test_category_by_slug(gql: GraphQL) -> None:
    data = await gql.data(
        '{ category(slug: "velfaerd") { name posts { edges { node { leg } } } } }'
    )
    assert data["category"] == {
        "name": "Velfærd",
        "posts": {"edges": [{"node": {"leg": 3}}, {"node": {"leg": 2}}]},
    }


async def test_unknown_slugs_are_null(gql: GraphQL) -> None:
    data = await gql.data(
        """{ relay(slug: "nope") { id } post(slug: "nope") { id } author(slug: "nope") { id }
             organization(slug: "nope") { id } category(slug: "nope") { slug } }"""
    )
    assert set(data.values()) == {None}


async def test_node_fetches_each_type_by_global_id(gql: GraphQL) -> None:
    data = await gql.data(
        """{ relay(slug: "lederskabs-stafetten") { id }
             post(slug: "politi-med-bloed-hat") { id }
             author(slug: "jane-wiis") { id }
             organization(slug: "socialstyrelsen") { id } }"""
    )
    query = """query ($id: ID!) { node(id: $id) { __typename id
        ... on Relay { slug } ... on Post { slug } ... on Author { slug }
        ... on Organization { slug } } }"""
    for expected_type, value in data.items():
        node = (await gql.data(query, id=value["id"]))["node"]
        assert node["__typename"].lower() == expected_type
        assert node["id"] == value["id"]


async def test_node_with_garbage_id_is_a_clear_error(gql: GraphQL) -> None:
    body = await gql('{ node(id: "not-an-id!") { id } }')
    assert body["errors"][0]["message"] == "Invalid id 'not-an-id!'."


async def test_filters_combine_with_and(gql: GraphQL) -> None:
    data = await gql.data(
        """{ posts(filter: {organization: "kommunernes-landsforening", category: "politik",
                            publishedAfter: "2015-02-04T00:00:00",
                            publishedBefore: "2015-02-05T00:00:00"}) {
              edges { node { slug } } } }"""
    )
    assert [edge["node"]["slug"] for edge in data["posts"]["edges"]] == [
        "topleder-i-kl-kommunerne-skal-turde-at-gaa-nye-veje"
    ]
    data = await gql.data(
        """{ posts(filter: {organization: "kommunernes-landsforening", category: "ledelse"}) {
              totalCount } }"""
    )
    assert data["posts"]["totalCount"] == 0


async def test_author_filter_and_unknown_slug_filter(gql: GraphQL) -> None:
    data = await gql.data(
        """{ a: posts(filter: {author: "steffen-bohni"}) { totalCount }
             b: posts(filter: {relay: "no-such-relay"}) { totalCount } }"""
    )
    assert data == {"a": {"totalCount": 1}, "b": {"totalCount": 0}}


async def test_nul_bytes_in_slugs_and_filters_are_just_unknown(gql: GraphQL) -> None:
    data = await gql.data(
        """query ($slug: String!) { post(slug: $slug) { id }
             posts(filter: {category: $slug}) { totalCount } }""",
        slug="politi\u0000med-bloed-hat",
    )
    assert data == {"post": None, "posts": {"totalCount": 0}}
