"""A Danish vocabulary for synthetic posts: ranked so a few words are common and many rare.

The ranking follows Zipf's law: small function words first, then the words of the demo relay
page (by how often they occur there), then a hand-written list of public-sector words, then
compounds built from them the Danish way (`ledelses` + `reform`). Search then has real work:
a common word matches a large share of the posts, a compound from the tail only a few.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from graph.danish import DANISH_STOP_WORDS
from graph.demo.load import PAGE as DEMO_PAGE


def _words(prose: str) -> list[str]:
    """The words of a block of prose: lists of hundreds of words read better that way."""
    return prose.split()


# Roughly in the order of their frequency in Danish prose.
FUNCTION_WORDS = _words(
    """
og i at det en den til er som på de med af for ikke der var men et har om vi nu over da fra
man hvor eller hvad skal her alle vil blev kunne når være noget deres efter også under have
meget mod disse hvis nogle hos blive mange bliver været sådan kan så mere mellem hele både
"""
)

CONTENT_WORDS = _words(
    """
ledelse leder ledere lederskab medarbejder medarbejdere borger borgere kommune kommuner
region regioner stat staten sektor sektoren velfærd velfærden opgave opgaver ansvar
tillid tilliden reform reformen styring kvalitet udvikling forandring forandringer
innovation samarbejde dialog viden forskning praksis faglighed fagligheden resultat
resultater effekt effekter indsats indsatser område områder politik politikere politisk
økonomi budget budgetter prioritering prioriteringer investering investeringer
sundhed ældre børn unge familie familier skole skoler uddannelse beskæftigelse job
arbejde arbejdsplads arbejdspladser fællesskab fællesskaber civilsamfund frivillige
organisation organisationer direktør direktøren chef chefen formand formanden
konsulent forsker forskere professor minister ministeriet styrelse styrelsen
udfordring udfordringer løsning løsninger mulighed muligheder krav rammer regler
mål målet strategi strategien plan planer vision visioner værdi værdier
kultur kulturen holdning holdninger erfaring erfaringer kompetence kompetencer
digitalisering data teknologi teknologier system systemer platform løsningen
borgerne kommunerne regionerne medarbejderne lederne politikerne forskerne
fremtid fremtiden nutid hverdag hverdagen tid tiden år årene måned måneder
land landet danmark danske dansk europa verden samfund samfundet offentlig offentlige
privat private virksomhed virksomheder marked markedet konkurrence partnerskab
netværk team teams enhed enheder afdeling afdelinger center centre institution
institutioner sygehus sygehuse plejehjem daginstitution daginstitutioner bibliotek
ny nye gammel gamle stor store lille små god gode bedre bedst svær svære vigtig vigtige
stærk stærke klar klare tydelig tydelige konkret konkrete fælles central centrale
lokal lokale national nationale social sociale faglig faglige økonomisk økonomiske
ansvarlig ansvarlige effektiv effektive bæredygtig bæredygtige helhedsorienteret
skabe skaber skabt udvikle udvikler udviklet forandre forandrer styre styrer styret
lede leder ledet arbejde arbejder arbejdet samarbejde samarbejder samarbejdet
tænke tænker tænkt handle handler handlet vise viser vist se ser set sige siger sagt
give giver givet tage tager taget gøre gør gjort finde finder fundet bruge bruger brugt
lære lærer lært kende kender kendt møde møder mødt tale taler talt skrive skriver skrevet
styrke styrker styrket sikre sikrer sikret fastholde fastholder prioritere prioriterer
investere investerer evaluere evaluerer måle måler målt dokumentere dokumenterer
inddrage inddrager inddraget involvere involverer motivere motiverer begejstre
rekruttere rekrutterer uddanne uddanner videreuddanne understøtte understøtter
forenkle forenkler afbureaukratisere digitalisere digitaliserer automatisere
opgaveløsning opgaveløsningen kerneopgave kerneopgaven velfærdsteknologi
samskabelse samproduktion nærhed nærheden tryghed trygheden trivsel trivslen
mestring rehabilitering forebyggelse behandling pleje omsorg læring dannelse
inklusion integration ligestilling mangfoldighed demokrati retssikkerhed
gennemsigtighed åbenhed legitimitet ansvarlighed professionalisme
borgerinddragelse brugerinddragelse medborgerskab frivillighed
konsekvens konsekvenser beslutning beslutninger proces processer metode metoder
analyse analyser evaluering evalueringer rapport rapporter undersøgelse undersøgelser
tal statistik dokumentation måling målinger benchmark sammenligning
grund grunden årsag årsager betydning betydningen rolle rollen position positionen
perspektiv perspektiver blik blikket retning retningen kurs kursen vej vejen
skridt skridtet fokus fokuset balance balancen spænding spændinger dilemma dilemmaer
paradigme paradigmet modsætning modsætninger sammenhæng sammenhænge helhed helheden
ressource ressourcer penge millioner milliarder kroner besparelse besparelser
vækst væksten produktivitet produktiviteten effektivisering effektiviseringer
borgmester borgmesteren byråd byrådet udvalg udvalget folketing folketinget
regering regeringen aftale aftaler lov loven lovgivning bekendtgørelse
tilsyn tilsynet kontrol kontrollen bureaukrati bureaukratiet regelforenkling
stafet stafetten stafetter blog blogs indlæg skribent skribenter debat debatten
spørgsmål svar eksempel eksempler historie historier fortælling fortællinger
tilgang tilgange model modeller koncept koncepter idé idéer tanke tanker
"""
)

COMPOUND_HEADS = _words(
    """
reform plan strategi indsats model område politik ledelse ansvar opgave system forløb
team enhed center råd udvalg budget aftale tilbud kultur praksis viden rapport analyse
evaluering styring kvalitet udvikling projekt program netværk forum sekretariat afdeling
personale sager møde konference krav regler rammer mål resultater effekter partnerskab
samarbejde dialog løsning udfordring forandring innovation teknologi platform økonomi
investering prioritering forskning uddannelse vision værdier kompetencer metode proces
"""
)

COMPOUND_STEMS = _words(
    """
ledelses børne social sundheds velfærds kommune borger medarbejder forsknings uddannelses
beskæftigelses ældre familie skole data klima innovations styrings økonomi forvaltnings
regions stats lokal arbejds kvalitets tillids reform budget digitaliserings
rehabiliterings forebyggelses psykiatri handicap integrations by trafik miljø energi
bolig kultur idræts frivilligheds netværks samarbejds partnerskabs udviklings
evaluerings effekt resultat indsats myndigheds sags plan dialog ungdoms folkeskole
dagtilbuds hospitals pleje omsorgs læge sygepleje politi beredskabs affalds vand
"""
)

_WORD_RE = re.compile(r"[^\W\d_]+")


def demo_words() -> list[str]:
    """The demo relay page's words, most frequent first (ties in order of first use)."""
    words = _WORD_RE.findall(DEMO_PAGE.read_text(encoding="utf-8").lower())
    counts = Counter(words)
    first_use = {word: index for index, word in reversed(list(enumerate(words)))}
    return sorted(counts, key=lambda word: (-counts[word], first_use[word]))


def compounds() -> list[str]:
    """Every stem + head compound, in a fixed order, skipping `stem` == head doubles."""
    return [stem + head for head in COMPOUND_HEADS for stem in COMPOUND_STEMS if stem != head]


@cache
def vocabulary() -> tuple[str, ...]:
    """All words, by rank: function words, demo words, listed words, then compounds."""
    ranked: dict[str, None] = {}
    for word in [*FUNCTION_WORDS, *demo_words(), *CONTENT_WORDS, *compounds()]:
        if len(word) > 1 or word == "i":
            ranked.setdefault(word, None)
    return tuple(ranked)


def common_word() -> str:
    """The highest-ranked word that search does not drop as a stop word."""
    return next(word for word in vocabulary() if word not in DANISH_STOP_WORDS)


# Rare words: three-part compounds (`børne` + `data` + `platform`), drawn uniformly from
# more combinations than there are posts, so most of them occur once or not at all.
def rare_compound(first: str, second: str, head: str) -> str:
    """One rare word from two stems and a head."""
    return first + second + head


FIRST_NAMES = _words(
    """
Anne Mette Hanne Susanne Lene Marianne Camilla Louise Charlotte Maria Pia Helle Tina Lone
Karen Kirsten Inge Lise Bente Eva Ida Sofie Emma Laura Julie Mads Peter Jens Lars Henrik
Søren Niels Anders Thomas Michael Martin Morten Jesper Rasmus Christian Klaus Jørgen Poul
Ole Steffen Frederik Mikkel Jakob Kasper Simon Jonas Emil Agi Diana Jane Bjarne Kåre Åse
"""
)

MIDDLE_NAMES = _words("Mose Roke Holm Skov Bach Juul Lund Krogh Dam Brink Friis Kjær Bøgh")

LAST_NAMES = _words(
    """
Nielsen Jensen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen
Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen
Knudsen Jakobsen Mikkelsen Frederiksen Olesen Lauridsen Henriksen Laursen Schmidt Kjeldsen
Clausen Bohni Csonka Wiis Østergaard Ærø Åberg Vestergaard Thygesen Bertelsen Dahl Bang
"""
)

TOWNS = _words(
    """
København Aarhus Odense Aalborg Esbjerg Randers Kolding Horsens Vejle Roskilde Herning
Hørsholm Silkeborg Næstved Fredericia Viborg Køge Holstebro Taastrup Slagelse Hillerød
Sønderborg Svendborg Hjørring Holbæk Frederikshavn Nørresundby Ringsted Haderslev Skive
Ølstykke Nykøbing Glostrup Gentofte Gladsaxe Ballerup Rødovre Lyngby Greve Ishøj Aabenraa
Tønder Varde Ribe Billund Ikast Lemvig Struer Thisted Morsø Rebild Mariagerfjord Favrskov
Skanderborg Odder Samsø Syddjurs Norddjurs Faaborg Assens Nyborg Kerteminde Middelfart
Langeland Ærøskøbing Bornholm Læsø Fanø Stevns Faxe Vordingborg Guldborgsund Lolland Sorø
"""
)

ROLES = [
    *_words("direktør vicedirektør kommunaldirektør centerchef afdelingschef kontorchef"),
    *_words("formand næstformand konsulent chefkonsulent seniorforsker professor lektor"),
    *_words("borgmester rådmand skoleleder dagtilbudsleder sekretariatschef udviklingschef"),
    *_words("HR-chef økonomichef digitaliseringschef projektleder"),
    "leder af Børn og Familie",
    "leder af Sundhed og Omsorg",
]

CATEGORIES = [
    *_words("Ledelse Politik Økonomi Sundhed Beskæftigelse Ældre Digitalisering Klima"),
    *_words("Uddannelse Innovation Forskning"),
    "Børn og unge",
]

THEMES = _words(
    """
Lederskabs Velfærds Tillids Innovations Sundheds Digitaliserings Klima Borger Reform
Samskabelses Ældre Børne Beskæftigelses Uddannelses Forsknings Frivilligheds Kvalitets
Styrings Bæredygtigheds Fællesskabs
"""
)
