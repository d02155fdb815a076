"""Field by field: small hand-made classic day pages, one per case, parsed per FORMAT.md.

Each fixture in tests/fixtures/classic/ shows one case (an era's layout, an encoding, a
media kind, a trap after the explanation). Every expected value below was read off the
fixture by hand, following /work/shared/spec/FORMAT.md, not copied from the parser.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from apodscrape import (
    ApodError,
    Day,
    NotADayPage,
    WrongDayError,
    parse_page,
    render,
)
from apodscrape.parse.classic import explanation_fragment

FIXTURES = Path(__file__).parent / "fixtures" / "classic"
APOD = "https://apod.nasa.gov/apod/"


def day_url(stem: str) -> str:
    """The apod.nasa.gov address of a day, from its apYYMMDD stem."""
    return f"{APOD}{stem}.html"


# Each day fixture, and the day (apYYMMDD) its page shows.
STEMS = {
    "1995-no-center.html": "ap950703",
    "1995-title-and-credit-in-one-bold.html": "ap950814",
    "1995-colon-outside-bold.html": "ap951009",
    "1996-one-center.html": "ap960318",
    "2002-table-layout-rollover.html": "ap020607",
    "2008-https-youtube-iframe.html": "ap081104",
    "2014-protocol-relative-iframe.html": "ap141020",
    "2014-windows-1252.html": "ap140806",
    "2020-utf8-bom-rollover-hires.html": "ap200214",
    "2021-vimeo-music-credit.html": "ap211003",
    "2022-credits-with-roles.html": "ap220518",
    "2022-image-in-button.html": "ap220401",
    "2024-picture-links-to-web-page.html": "ap241224",
    "2025-html5-video.html": "ap250407",
    "2025-crlf.html": "ap250602",
    "utf16le-bom.html": "ap260312",
    "no-media.html": "ap180909",
    "href-broken-across-lines.html": "ap030615",
    "entities-and-sup.html": "ap190521",
    "notices-after-explanation.html": "ap160320",
    "notices-without-center.html": "ap170828",
    "script-in-page.html": "ap090112",
    "astropix-front-page.html": "ap230305",
    "wrong-day.html": "ap230110",
    "2026-notice-bold-without-colon.html": "ap260814",
    "no-explanation.html": "ap131002",
}
# The address each fixture is parsed as: its own day, except the front page.
URLS = {name: day_url(stem) for name, stem in STEMS.items()}
URLS["astropix-front-page.html"] = f"{APOD}astropix.html"
DAY_PAGES = sorted(STEMS)


def read_fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def day(request: pytest.FixtureRequest) -> Day:
    """The Day a fixture page shows, parsed as read from its usual address."""
    name = request.param
    return parse_page(read_fixture(name), URLS[name])


def cases(table: dict[str, object]) -> pytest.MarkDecorator:
    """Parametrize a test over (fixture page, expected value), ids named for the fixture."""
    params = [pytest.param(name, expected, id=name) for name, expected in table.items()]
    return pytest.mark.parametrize(("day", "expected"), params, indirect=["day"])


def on_every_page() -> pytest.MarkDecorator:
    return pytest.mark.parametrize("day", DAY_PAGES, indirect=True)


def paragraphs(explanation: str) -> list[str]:
    """The explanation's paragraphs; none for a day without an explanation."""
    return explanation.split("\n\n") if explanation else []


# --- date, identity -----------------------------------------------------------------------


def stem_date(stem: str) -> dt.date:
    """The date an apYYMMDD stem names (95-99 are the 1990s)."""
    yy, mm, dd = int(stem[2:4]), int(stem[4:6]), int(stem[6:8])
    return dt.date(1900 + yy if yy >= 95 else 2000 + yy, mm, dd)


DATES = {name: stem_date(stem) for name, stem in STEMS.items()}


def test_dates_table_reads_the_stems() -> None:
    assert DATES["1995-no-center.html"] == dt.date(1995, 7, 3)
    assert DATES["utf16le-bom.html"] == dt.date(2026, 3, 12)
    assert DATES["astropix-front-page.html"] == dt.date(2023, 3, 5)


@cases(DATES)
def test_date(day: Day, expected: dt.date) -> None:
    assert day.date == expected


@cases({name: day_url(stem) for name, stem in STEMS.items()})
def test_canonical_url(day: Day, expected: str) -> None:
    assert day.canonical_url == expected


@cases(URLS)
def test_source_url(day: Day, expected: str) -> None:
    assert day.source_url == expected


@on_every_page()
def test_source_is_classic(day: Day) -> None:
    assert day.source == "classic"


# --- title ----------------------------------------------------------------------------------

TITLES = {
    "1995-no-center.html": "Saturn's Rings Seen Edge-On",
    "1995-title-and-credit-in-one-bold.html": "Jupiter's Great Red Spot",
    "1995-colon-outside-bold.html": "The Pleiades Star Cluster",
    "1996-one-center.html": "The Horsehead Nebula in Orion",
    "2002-table-layout-rollover.html": "Eclipse Shadows",
    "2008-https-youtube-iframe.html": "Milky Way Time Lapse over Kitt Peak",
    "2014-protocol-relative-iframe.html": "Comet Siding Spring Passes Mars",
    "2014-windows-1252.html": "Rosetta Arrives at Comet Churyumov\u2013Gerasimenko",
    "2020-utf8-bom-rollover-hires.html": "The Heart Nebula in Cassiopeia",
    "2021-vimeo-music-credit.html": "Moonrise over the Harbour",
    "2022-credits-with-roles.html": "Animation: A Merging Black Hole Pair",
    "2022-image-in-button.html": "Is the Moon Made of Cheese?",
    "2024-picture-links-to-web-page.html": "A Holiday Launch Loop",
    "2025-html5-video.html": "Aurora Time Lapse over Troms\u00f8",
    "2025-crlf.html": "Noctilucent Clouds over Lake Ladoga",
    "utf16le-bom.html": "Auroras over Kiruna",
    "no-media.html": "Where Is Today's Picture?",
    "href-broken-across-lines.html": "The Lunar X",
    "entities-and-sup.html": "The Sun & its Corona in X-Rays",
    "notices-after-explanation.html": "Sirius: The Dog Star",
    "notices-without-center.html": "Eclipse over the Tetons",
    "script-in-page.html": "The Rosette Nebula",
    "astropix-front-page.html": "Sunspots and a Prominence",
    "wrong-day.html": "Comet ZTF in the Morning Sky",
    "2026-notice-bold-without-colon.html": "The Perseids over Sequoia",
    "no-explanation.html": "Saturn from Above",
}


@cases(TITLES)
def test_title(day: Day, expected: str) -> None:
    assert day.title == expected


# --- media ----------------------------------------------------------------------------------

MEDIA_TYPES = {
    "1995-no-center.html": "image",
    "1995-title-and-credit-in-one-bold.html": "image",
    "1995-colon-outside-bold.html": "image",
    "1996-one-center.html": "image",
    "2002-table-layout-rollover.html": "image",
    "2008-https-youtube-iframe.html": "video",
    "2014-protocol-relative-iframe.html": "video",
    "2014-windows-1252.html": "image",
    "2020-utf8-bom-rollover-hires.html": "image",
    "2021-vimeo-music-credit.html": "video",
    "2022-credits-with-roles.html": "video",
    "2022-image-in-button.html": "image",
    "2024-picture-links-to-web-page.html": "image",
    "2025-html5-video.html": "video",
    "2025-crlf.html": "image",
    "utf16le-bom.html": "image",
    "no-media.html": "other",
    "href-broken-across-lines.html": "image",
    "entities-and-sup.html": "image",
    "notices-after-explanation.html": "image",
    "notices-without-center.html": "image",
    "script-in-page.html": "image",
    "astropix-front-page.html": "image",
    "wrong-day.html": "image",
    "2026-notice-bold-without-colon.html": "image",
    "no-explanation.html": "image",
}


@cases(MEDIA_TYPES)
def test_media_type(day: Day, expected: str) -> None:
    assert day.media_type == expected


IMAGE_URLS = {
    "1995-no-center.html": f"{APOD}image/saturn_edgeon.gif",
    "1995-title-and-credit-in-one-bold.html": f"{APOD}image/jupiter_grs.gif",
    "1995-colon-outside-bold.html": f"{APOD}image/pleiades.gif",
    "1996-one-center.html": f"{APOD}image/horsehead_noao.gif",
    "2002-table-layout-rollover.html": f"{APOD}image/0206/shadows1_kessler.jpg",
    "2008-https-youtube-iframe.html": "https://www.youtube.com/embed/Xk3bT9sQe2w?rel=0&showinfo=0",
    "2014-protocol-relative-iframe.html": (
        "https://www.youtube.com/embed/q7ZoEbT4hWk?rel=0&controls=0"
    ),
    "2014-windows-1252.html": f"{APOD}image/1408/comet67p_rosetta_960.jpg",
    "2020-utf8-bom-rollover-hires.html": f"{APOD}image/2002/HeartNebula_Nunez_960.jpg",
    "2021-vimeo-music-credit.html": (
        "https://player.vimeo.com/video/612345678?h=3a9c1f0e2b&portrait=0&badge=0"
    ),
    "2022-credits-with-roles.html": "https://www.youtube.com/embed/Zr4dT8n2QvE?rel=0",
    "2022-image-in-button.html": f"{APOD}image/2204/MoonCheese_960_question.jpg",
    "2024-picture-links-to-web-page.html": f"{APOD}image/2412/HolidayLaunchSnap600.png",
    "2025-html5-video.html": f"{APOD}image/2504/AuroraTromso_Berg.mp4",
    "2025-crlf.html": f"{APOD}image/2506/NLC_Ladoga_Petrov1024.jpg",
    "utf16le-bom.html": f"{APOD}image/2603/AuroraKiruna_Aberg1080.jpg",
    "no-media.html": None,
    "href-broken-across-lines.html": f"{APOD}image/0306/lunarx_ortega.jpg",
    "entities-and-sup.html": f"{APOD}image/1905/SunXrays_Hinode_960.jpg",
    "notices-after-explanation.html": f"{APOD}image/1603/Sirius_Rossi_960.jpg",
    "notices-without-center.html": f"{APOD}image/1708/EclipseTetons_Ward_960.jpg",
    "script-in-page.html": f"{APOD}image/0901/rosette_lee.jpg",
    "astropix-front-page.html": f"{APOD}image/2303/SunProminence_Garcia1024.jpg",
    "wrong-day.html": f"{APOD}image/2301/CometZTF_Chen_1080.jpg",
    "2026-notice-bold-without-colon.html": f"{APOD}image/2608/PerseidsSequoia_Ortiz1080.jpg",
    "no-explanation.html": f"{APOD}image/1310/saturn_cassini_960.jpg",
}


@cases(IMAGE_URLS)
def test_image_url(day: Day, expected: str | None) -> None:
    assert day.image_url == expected


HD_IMAGE_URLS = {
    # the picture links to itself: that file is the largest there is
    "1995-no-center.html": f"{APOD}image/saturn_edgeon.gif",
    "1995-title-and-credit-in-one-bold.html": f"{APOD}image/jupiter_grs_big.gif",
    "1995-colon-outside-bold.html": f"{APOD}image/pleiades_big.jpg",
    "1996-one-center.html": f"{APOD}image/horsehead_noao_big.jpg",
    # rollover on <a href="#">: no larger file
    "2002-table-layout-rollover.html": None,
    "2008-https-youtube-iframe.html": None,
    "2014-protocol-relative-iframe.html": None,
    "2014-windows-1252.html": f"{APOD}image/1408/comet67p_rosetta_1800.jpg",
    "2020-utf8-bom-rollover-hires.html": f"{APOD}image/2002/HeartNebula_Nunez_2048.jpg",
    "2021-vimeo-music-credit.html": None,
    "2022-credits-with-roles.html": None,
    "2022-image-in-button.html": None,
    # the hi-res link is commented out; the live link goes to a web page, not a file
    "2024-picture-links-to-web-page.html": None,
    "2025-html5-video.html": None,
    "2025-crlf.html": f"{APOD}image/2506/NLC_Ladoga_Petrov.jpg",
    "utf16le-bom.html": f"{APOD}image/2603/AuroraKiruna_Aberg.jpg",
    "no-media.html": None,
    "href-broken-across-lines.html": f"{APOD}image/0306/lunarx_ortega_big.jpg",
    "entities-and-sup.html": f"{APOD}image/1905/SunXrays_Hinode.jpg",
    "notices-after-explanation.html": f"{APOD}image/1603/Sirius_Rossi_1600.jpg",
    "notices-without-center.html": f"{APOD}image/1708/EclipseTetons_Ward_2000.jpg",
    "script-in-page.html": f"{APOD}image/0901/rosette_lee_big.jpg",
    "astropix-front-page.html": f"{APOD}image/2303/SunProminence_Garcia.jpg",
    "wrong-day.html": f"{APOD}image/2301/CometZTF_Chen_2400.jpg",
    "2026-notice-bold-without-colon.html": f"{APOD}image/2608/PerseidsSequoia_Ortiz.jpg",
    "no-explanation.html": f"{APOD}image/1310/saturn_cassini_big.jpg",
}


@cases(HD_IMAGE_URLS)
def test_hd_image_url(day: Day, expected: str | None) -> None:
    assert day.hd_image_url == expected


# --- credit ---------------------------------------------------------------------------------

COPYRIGHT_LINK = f"[Copyright]({APOD}lib/about_apod.html#srapply)"

CREDITS = {
    "1995-no-center.html": [
        "Credit: [Space Telescope Science Institute](http://www.stsci.edu/), NASA",
        "Copyright: 1995 by the Association of Universities for Research in Astronomy."
        " Used by permission.",
    ],
    "1995-title-and-credit-in-one-bold.html": [
        "Picture Credit: NASA, Voyager 1, [NSSDC](http://nssdc.gsfc.nasa.gov/)",
    ],
    "1995-colon-outside-bold.html": [
        "Picture Credit: Palomar Observatory Sky Survey, [STScI](http://www.stsci.edu/dss/)",
    ],
    "1996-one-center.html": [
        "Credit: N. A. Sharp ([NOAO](http://www.noao.edu/) /[AURA](http://www.aura-astronomy.org/)),"
        " [NSF](http://www.nsf.gov/)",
    ],
    "2002-table-layout-rollover.html": [
        "Credit & Copyright: [Ann Kessler](http://www.astrokessler.com/eclipse.html)",
    ],
    "2008-https-youtube-iframe.html": [
        "Credit: [Rita Alvarez](http://www.ritaalvarez.com/timelapse/) & Tom Becker",
    ],
    "2014-protocol-relative-iframe.html": [
        "Video Credit: [NASA/JPL-Caltech](http://www.jpl.nasa.gov/)",
    ],
    "2014-windows-1252.html": [
        "Image Credit: [ESA](http://www.esa.int/)/Rosetta/MPS for OSIRIS Team;"
        " Processing: Ren\u00e9 Dubois",
    ],
    "2020-utf8-bom-rollover-hires.html": [
        "Image Credit & Copyright: [Jos\u00e9 N\u00fa\u00f1ez](https://www.astrobin.com/users/jnunez/)",
    ],
    "2021-vimeo-music-credit.html": [
        "Video Credit & Copyright: [Lena Hart](https://vimeo.com/lenahart);"
        " Music: Night Tide (Owen Marsh)",
    ],
    "2022-credits-with-roles.html": [
        "Credits:",
        "Illustration: [Sam Lee](https://www.samlee-art.com/);",
        "Data: [LIGO](https://www.ligo.caltech.edu/), [Virgo](https://www.virgo-gw.eu/);",
        "Processing: [Ana Kim](https://www.anakim.net/);",
        "Text: [R. Jones](https://www.rjones-astro.org/)",
        "",
    ],
    "2022-image-in-button.html": [
        "Image Credit: [NASA](https://www.nasa.gov/), [LROC](https://www.lroc.asu.edu/)",
    ],
    "2024-picture-links-to-web-page.html": [
        "Image and Video Credit: [NASA](https://www.nasa.gov/)",
    ],
    "2025-html5-video.html": [
        "Video Credit & Copyright: [Kari Berg](https://www.instagram.com/kari.berg.sky/);"
        " Music [Northern Lullaby by Frost Quartet]"
        "(https://www.last.fm/music/Frost+Quartet/Northern+Lullaby)",
    ],
    "2025-crlf.html": [
        f"Image Credit & {COPYRIGHT_LINK}: [Ivan Petrov](https://www.flickr.com/photos/ivanpetrov/)",
    ],
    "utf16le-bom.html": [
        "Image Credit & Copyright: [Dana \u00c5berg](https://www.instagram.com/dana.aberg/)",
    ],
    "no-media.html": [
        f"Text: [APOD Editors]({APOD}lib/about_apod.html)",
    ],
    "href-broken-across-lines.html": [
        "Credit & Copyright: [P. Ortega](http://www.ortega-astro.net/astro/lunar/gallery.html)",
    ],
    "entities-and-sup.html": [
        "Image Credit & Copyright: [Hinode XRT](https://hinode.nao.ac.jp/en/?obs=xrt&lang=en),"
        " [NASA](https://www.nasa.gov/) & JAXA",
    ],
    "notices-after-explanation.html": [
        "Image Credit & Copyright: [Marco Rossi](http://www.marcorossi-astro.it/)",
    ],
    "notices-without-center.html": [
        "Image Credit & Copyright: [Jenna Ward](https://www.jwardphoto.com/)",
    ],
    "script-in-page.html": [
        "Credit & Copyright: [David Lee](http://www.davidlee-astro.com/)",
    ],
    "astropix-front-page.html": [
        f"Image Credit & {COPYRIGHT_LINK}:"
        " [Luc\u00eda Garc\u00eda](https://www.astrobin.com/users/lgarcia/)",
    ],
    "wrong-day.html": [
        "Image Credit & Copyright: [Mei Chen](https://www.astrobin.com/users/mchen/)",
    ],
    "2026-notice-bold-without-colon.html": [
        f"Image Credit & {COPYRIGHT_LINK}:"
        " [Ana Ortiz](https://www.instagram.com/ana.ortiz.nightsky/)",
    ],
    "no-explanation.html": [
        "Image Credit: [Cassini Imaging Team](http://ciclops.org/), [NASA](http://www.nasa.gov/)",
    ],
}


@cases(CREDITS)
def test_credit(day: Day, expected: list[str]) -> None:
    assert day.credit == expected


# --- keywords -------------------------------------------------------------------------------

KEYWORDS = {
    "1995-no-center.html": [],
    "1995-title-and-credit-in-one-bold.html": [],
    "1995-colon-outside-bold.html": [],
    "1996-one-center.html": [],
    "2002-table-layout-rollover.html": ["solar eclipse", "pinhole camera", "shadows"],
    "2008-https-youtube-iframe.html": ["Milky Way", "time lapse", "Kitt Peak"],
    "2014-protocol-relative-iframe.html": ["Comet Siding Spring", "Mars", "flyby"],
    "2014-windows-1252.html": ["Rosetta", "comet", "67P"],
    "2020-utf8-bom-rollover-hires.html": ["IC 1805", "Heart Nebula", "Cassiopeia"],
    "2021-vimeo-music-credit.html": ["Moon", "moonrise", "silhouettes"],
    "2022-credits-with-roles.html": ["black holes", "gravitational waves", "animation"],
    "2022-image-in-button.html": ["Moon", "April Fools", "cheese"],
    "2024-picture-links-to-web-page.html": ["SLS", "rocket", "holiday"],
    "2025-html5-video.html": ["aurora", "time lapse", "Norway"],
    "2025-crlf.html": ["noctilucent clouds", "night shining clouds"],
    "utf16le-bom.html": ["aurora", "Sweden", "geomagnetic storm"],
    "no-media.html": ["APOD", "imagination"],
    "href-broken-across-lines.html": ["Moon", "lunar x", "terminator"],
    "entities-and-sup.html": ["Sun", "corona", "X-rays"],
    "notices-after-explanation.html": ["Sirius", "dog star", "Canis Major"],
    "notices-without-center.html": ["solar eclipse", "Grand Teton"],
    "script-in-page.html": ["Rosette Nebula", "NGC 2237", "emission nebula"],
    "astropix-front-page.html": ["Sun", "prominence", "sunspots"],
    "wrong-day.html": ["comet", "C/2022 E3", "ZTF"],
    "2026-notice-bold-without-colon.html": ["Perseids", "meteor shower", "sequoia"],
    "no-explanation.html": ["Saturn", "Cassini"],
}


@cases(KEYWORDS)
def test_keywords(day: Day, expected: list[str]) -> None:
    assert day.keywords == expected


# --- explanation ----------------------------------------------------------------------------

EXPLANATION_STARTS = {
    "1995-no-center.html": "Every fifteen years the rings of Saturn line up",
    "1995-title-and-credit-in-one-bold.html": "The Great Red Spot is a storm system",
    "1995-colon-outside-bold.html": "The Pleiades is an open cluster",
    "1996-one-center.html": "The dark shape at the center of this picture is the"
    f" [Horsehead Nebula]({APOD}ap960112.html),",
    "2002-table-layout-rollover.html": "Sunlight passing through gaps between the leaves",
    "2008-https-youtube-iframe.html": "Watch the sky turn. This [time-lapse]",
    "2014-protocol-relative-iframe.html": "What happens when a comet passes close to Mars?",
    "2014-windows-1252.html": "Today the [Rosetta]",
    "2020-utf8-bom-rollover-hires.html": "What's that inside the Heart Nebula?",
    "2021-vimeo-music-credit.html": "Have you ever watched the Moon rise?",
    "2022-credits-with-roles.html": "What happens when two black holes merge?",
    "2022-image-in-button.html": "Click the button to find out.",
    "2024-picture-links-to-web-page.html": "Need a calm moment during the holidays?",
    "2025-html5-video.html": "What is happening to the sky?",
    "2025-crlf.html": "What are those glowing clouds? They are [noctilucent clouds]",
    "utf16le-bom.html": "Why are some auroras violet?",
    "no-media.html": "There is no picture today.",
    "href-broken-across-lines.html": "Near the terminator of a [first quarter Moon]",
    "entities-and-sup.html": "Why is the Sun's corona so hot?",
    "notices-after-explanation.html": "What is the brightest star in the night sky?",
    "notices-without-center.html": "Last week the Moon's shadow swept",
    "script-in-page.html": "The Rosette Nebula is not the only cosmic cloud",
    "astropix-front-page.html": "A loop of hot plasma rises above the edge of the Sun",
    "wrong-day.html": "Comet C/2022 E3 (ZTF) is now visible in binoculars before dawn.",
    "2026-notice-bold-without-colon.html": "Have you ever seen a meteor shower from a forest?",
}


@cases(EXPLANATION_STARTS)
def test_explanation_start(day: Day, expected: str) -> None:
    assert day.explanation.startswith(expected), day.explanation[: len(expected) + 40]


EXPLANATION_ENDS = {
    "1995-no-center.html": "see the [STScI press release.](http://www.stsci.edu/pubinfo/PR/95/25.html)",
    "1995-title-and-credit-in-one-bold.html": (
        "Winds at its edge blow at over 400 kilometers per hour."
    ),
    "1995-colon-outside-bold.html": "visible without a telescope in the northern winter sky.",
    "1996-one-center.html": f"about [three light years]({APOD}lib/glossary.html#lightyear) tall.",
    "2002-table-layout-rollover.html": "see the"
    f" [annotated version]({APOD}image/0206/shadows2_kessler.jpg).",
    "2008-https-youtube-iframe.html": "[airglow](http://en.wikipedia.org/wiki/Airglow)"
    " tints the horizon.",
    "2014-protocol-relative-iframe.html": "as seen from [orbiting spacecraft](http://mars.nasa.gov/).",
    "2014-windows-1252.html": "Rosetta\u2019s lander, named Philae, will attempt to touch down"
    " in November.",
    "2020-utf8-bom-rollover-hires.html": "taken over several nights from C\u00f3rdoba, Spain.",
    "2021-vimeo-music-credit.html": "so the Moon appears much larger than the people.",
    "2022-credits-with-roles.html": "by the [black holes]"
    f"({APOD}lib/glossary.html#blackhole) during the last orbits.",
    "2022-image-in-button.html": "a layer of broken rock and dust, and not cheese.",
    "2024-picture-links-to-web-page.html": "of a rocket launch, set to quiet music.",
    "2025-html5-video.html": "The video compresses about two hours into twenty seconds.",
    "2025-crlf.html": "because they are still lit by the Sun below the horizon.",
    "utf16le-bom.html": "while the violet fringes come from nitrogen higher up.",
    "no-media.html": f"imagine the [darkest sky]({APOD}ap180101.html) you have ever seen.",
    "href-broken-across-lines.html": f"and [Purbach]({APOD}lib/glossary.html#crater).",
    "entities-and-sup.html": "\u2013 the debate continues.",
    "notices-after-explanation.html": "which is why it outshines all the others.",
    "notices-without-center.html": f"dark [new Moon]({APOD}ap170822.html) for about two minutes.",
    "script-in-page.html": f"the young stars of [NGC 2244]({APOD}ap081223.html).",
    "astropix-front-page.html": f"are [sunspots]({APOD}ap230101.html), each larger than the Earth.",
    "wrong-day.html": "is now visible in binoculars before dawn.",
    "2026-notice-bold-without-colon.html": "Which meteor is"
    " [your favorite](https://asterisk.apod.com/discuss_apod.php?date=260814)?",
}


@cases(EXPLANATION_ENDS)
def test_explanation_end(day: Day, expected: str) -> None:
    assert day.explanation.endswith(expected), day.explanation[-len(expected) - 40 :]


# Paragraphs the page separates with <p>; blank lines and <br> inside one do not count.
PARAGRAPH_COUNTS = {
    "1995-no-center.html": 2,
    "1995-title-and-credit-in-one-bold.html": 1,
    "1995-colon-outside-bold.html": 2,
    "1996-one-center.html": 1,
    "2002-table-layout-rollover.html": 1,
    "2008-https-youtube-iframe.html": 1,
    "2014-protocol-relative-iframe.html": 1,
    "2014-windows-1252.html": 1,
    "2020-utf8-bom-rollover-hires.html": 2,
    "2021-vimeo-music-credit.html": 1,
    "2022-credits-with-roles.html": 2,
    "2022-image-in-button.html": 1,
    "2024-picture-links-to-web-page.html": 1,
    "2025-html5-video.html": 1,
    "2025-crlf.html": 2,
    "utf16le-bom.html": 1,
    "no-media.html": 1,
    "href-broken-across-lines.html": 1,
    "entities-and-sup.html": 2,
    "notices-after-explanation.html": 2,
    "notices-without-center.html": 1,
    "script-in-page.html": 1,
    "astropix-front-page.html": 1,
    "wrong-day.html": 1,
    "2026-notice-bold-without-colon.html": 1,
    "no-explanation.html": 0,
}


@cases(PARAGRAPH_COUNTS)
def test_explanation_paragraph_count(day: Day, expected: int) -> None:
    assert len(paragraphs(day.explanation)) == expected


@on_every_page()
def test_explanation_is_one_line_per_paragraph(day: Day) -> None:
    for paragraph in paragraphs(day.explanation):
        assert paragraph
        assert "\n" not in paragraph
        assert paragraph == paragraph.strip()
        assert "  " not in paragraph


@on_every_page()
def test_explanation_has_no_label(day: Day) -> None:
    assert not day.explanation.lower().startswith("explanation")
    assert not day.explanation.startswith(":")


@on_every_page()
def test_explanation_has_no_tomorrow_teaser(day: Day) -> None:
    assert "tomorrow" not in day.explanation.lower()


@on_every_page()
def test_explanation_has_no_navigation_or_footer(day: Day) -> None:
    for furniture in ("Archive", "Authors", "editors", "Nemiroff", "&lt;", "&gt;", "Index"):
        assert furniture not in day.explanation


@on_every_page()
def test_no_replacement_character(day: Day) -> None:
    text = "\n".join([day.title, *day.credit, day.explanation])
    assert "\ufffd" not in text


@on_every_page()
def test_no_byte_order_mark_or_carriage_return(day: Day) -> None:
    text = "\n".join([day.title, *day.credit, day.explanation, day.image_url or ""])
    assert "\ufeff" not in text
    assert "\r" not in text


# --- case by case: what each fixture is about ----------------------------------------------


@pytest.mark.parametrize("day", ["1995-colon-outside-bold.html"], indirect=True)
def test_1995_colon_outside_bold_explanation(day: Day) -> None:
    assert day.explanation == (
        "The Pleiades is an open cluster of young stars about 400 light years away."
        " The blue glow around the brightest stars is starlight reflected by dust.\n\n"
        "The cluster is also known as the Seven Sisters and is visible without a telescope"
        " in the northern winter sky."
    )


@pytest.mark.parametrize("day", ["1995-title-and-credit-in-one-bold.html"], indirect=True)
def test_1995_title_and_credit_in_one_bold_title_has_no_credit(day: Day) -> None:
    assert "Credit" not in day.title


@pytest.mark.parametrize("day", ["2002-table-layout-rollover.html"], indirect=True)
def test_2002_table_layout_explanation(day: Day) -> None:
    assert day.explanation == (
        "Sunlight passing through gaps between the leaves of a tree"
        " [acts like a pinhole camera](http://www.exploratorium.edu/eclipse/pinhole.html),"
        " casting images of the Sun on the ground. During the partial phases of an"
        f" [annular eclipse]({APOD}ap020611.html) those images become crescents."
        " Move your mouse over the picture to see the"
        f" [annotated version]({APOD}image/0206/shadows2_kessler.jpg)."
    )


@pytest.mark.parametrize("day", ["href-broken-across-lines.html"], indirect=True)
def test_href_broken_across_lines_explanation(day: Day) -> None:
    assert day.explanation == (
        "Near the terminator of a"
        " [first quarter Moon](http://science.nasa.gov/headlines/y2003/06jun_moonx.htm),"
        " sunlight catches crater rims and forms a bright X. The feature is only visible"
        " for a few hours each [lunar cycle](http://en.wikipedia.org/wiki/Lunar_phase)."
        " It lies between the craters"
        " [Blanchinus](http://www.ortega-astro.net/moon/blanchinus.html) and"
        f" [Purbach]({APOD}lib/glossary.html#crater)."
    )


@pytest.mark.parametrize("day", ["2025-crlf.html"], indirect=True)
def test_2025_crlf_explanation(day: Day) -> None:
    assert day.explanation == (
        "What are those glowing clouds? They are"
        " [noctilucent clouds](https://en.wikipedia.org/wiki/Noctilucent_cloud),"
        " the highest clouds on Earth, floating about 80 kilometers up in the"
        " [mesosphere](https://en.wikipedia.org/wiki/Mesosphere).\n\n"
        f"Seen from high latitudes near the summer [solstice]({APOD}ap250621.html),"
        " they shine long after sunset because they are still lit by the Sun below the horizon."
    )


@pytest.mark.parametrize("day", ["entities-and-sup.html"], indirect=True)
def test_entities_and_sup_explanation(day: Day) -> None:
    assert day.explanation == (
        "Why is the Sun's corona so hot? The"
        " [corona](https://en.wikipedia.org/wiki/Stellar_corona) reaches temperatures above"
        " 10<sup>6</sup> K, while the visible surface is only about 5,800 K."
        " Molecules such as water (H<sub>2</sub>O) cannot survive there.\n\n"
        "Heating by magnetic waves (Alfv\u00e9n waves) & tiny flares is studied in catalog"
        " entries such as NGC_1234 and in"
        " [recent papers](https://ui.adsabs.harvard.edu/search/q=corona&sort=date%20desc)"
        " \u2013 the debate continues."
    )


@pytest.mark.parametrize("day", ["entities-and-sup.html"], indirect=True)
def test_entities_and_sup_keeps_sup_and_sub(day: Day) -> None:
    assert "10<sup>6</sup> K" in day.explanation
    assert "H<sub>2</sub>O" in day.explanation
    assert "106 K" not in day.explanation


@pytest.mark.parametrize("day", ["entities-and-sup.html"], indirect=True)
def test_entities_and_sup_no_entity_left(day: Day) -> None:
    text = "\n".join([day.title, *day.credit, day.explanation])
    for entity in ("&amp;", "&eacute;", "&ndash;"):
        assert entity not in text


@pytest.mark.parametrize("day", ["entities-and-sup.html"], indirect=True)
def test_entities_and_sup_underscore_not_escaped(day: Day) -> None:
    assert "NGC_1234" in day.explanation


@pytest.mark.parametrize("day", ["2014-windows-1252.html"], indirect=True)
def test_2014_windows_1252_explanation_characters(day: Day) -> None:
    assert "67P/Churyumov\u2013Gerasimenko" in day.explanation
    assert "The comet\u2019s nucleus" in day.explanation


@pytest.mark.parametrize("day", ["notices-after-explanation.html"], indirect=True)
def test_notices_after_explanation_explanation(day: Day) -> None:
    assert day.explanation == (
        "What is the brightest star in the night sky?"
        " [Sirius](https://en.wikipedia.org/wiki/Sirius), in the constellation of the"
        " Great Dog, is only 8.6 light-years away.\n\n"
        "Sirius is not the most luminous star nearby, but it is one of the closest,"
        " which is why it outshines all the others."
    )


NOTICES = ("Follow APOD", "Facebook", "email", "subscribe", "Explore Your Universe", "Random APOD")


@pytest.mark.parametrize("day", ["notices-after-explanation.html"], indirect=True)
@pytest.mark.parametrize("notice", NOTICES)
def test_notices_after_explanation_no_notice(day: Day, notice: str) -> None:
    assert notice not in day.explanation


@pytest.mark.parametrize("day", ["2026-notice-bold-without-colon.html"], indirect=True)
def test_2026_notice_bold_without_colon_explanation(day: Day) -> None:
    assert day.explanation == (
        "Have you ever seen a meteor shower from a forest? This composite gathers the brightest"
        f" [Perseid meteors]({APOD}ap250813.html) of one night above giant sequoias."
        " Which meteor is"
        " [your favorite](https://asterisk.apod.com/discuss_apod.php?date=260814)?"
    )


@pytest.mark.parametrize("day", ["2026-notice-bold-without-colon.html"], indirect=True)
def test_2026_notice_bold_without_colon_no_notice(day: Day) -> None:
    assert "APOD's email" not in day.explanation
    assert "APOD Submissions" not in day.explanation


@pytest.mark.parametrize("day", ["no-explanation.html"], indirect=True)
def test_no_explanation_body_is_empty(day: Day) -> None:
    assert day.explanation == ""


@pytest.mark.parametrize("day", ["notices-without-center.html"], indirect=True)
def test_notices_without_center_explanation(day: Day) -> None:
    assert day.explanation == (
        "Last week the Moon's shadow swept across the Grand Teton mountains."
        f" The solar corona shone around the dark [new Moon]({APOD}ap170822.html)"
        " for about two minutes."
    )


@pytest.mark.parametrize(
    "day",
    ["script-in-page.html", "2008-https-youtube-iframe.html", "2022-image-in-button.html"],
    indirect=True,
)
@pytest.mark.parametrize(
    "script_text",
    ["addthis", "digg", "document", "function", "_gaq", "screen.width", "Small screen"],
)
def test_no_script_text(day: Day, script_text: str) -> None:
    text = "\n".join([day.title, *day.credit, day.explanation])
    assert script_text not in text


@pytest.mark.parametrize("day", ["2025-html5-video.html"], indirect=True)
def test_2025_html5_video_fallback_text_not_in_record(day: Day) -> None:
    text = "\n".join([day.title, *day.credit, day.explanation])
    assert "does not support" not in text
    assert "Alt text" not in text


def test_mirror_page_keeps_canonical_identity_and_links() -> None:
    """Served by a mirror: the identity and the relative links stay on apod.nasa.gov."""
    mirror = "http://www.star.ucl.ac.uk/~apod/apod/ap220518.html"
    day = parse_page(read_fixture("2022-credits-with-roles.html"), mirror)
    assert day.canonical_url == day_url("ap220518")
    assert day.source_url == mirror
    assert f"[detected]({APOD}ap160211.html)" in day.explanation


def test_astropix_front_page_without_date_in_address() -> None:
    day = parse_page(read_fixture("astropix-front-page.html"), f"{APOD}astropix.html")
    assert day.date == dt.date(2023, 3, 5)
    assert day.canonical_url == day_url("ap230305")


# --- refused pages --------------------------------------------------------------------------

NOT_DAYS = {
    "not-a-day-archive.html": f"{APOD}archivepix.html",
    "not-a-day-about.html": f"{APOD}lib/about_apod.html",
}


@pytest.mark.parametrize(("name", "url"), list(NOT_DAYS.items()), ids=list(NOT_DAYS))
def test_not_a_day_page_is_refused(name: str, url: str) -> None:
    with pytest.raises(NotADayPage):
        parse_page(read_fixture(name), url)


def test_not_a_day_page_is_an_apod_error() -> None:
    with pytest.raises(ApodError):
        parse_page(read_fixture("not-a-day-archive.html"), f"{APOD}archivepix.html")


def test_wrong_day_is_refused_when_the_address_names_another_day() -> None:
    with pytest.raises(WrongDayError):
        parse_page(read_fixture("wrong-day.html"), day_url("ap230111"))


def test_wrong_day_is_an_apod_error() -> None:
    with pytest.raises(ApodError):
        parse_page(read_fixture("wrong-day.html"), day_url("ap230111"))


def test_wrong_day_fixture_is_fine_under_its_own_address() -> None:
    assert parse_page(read_fixture("wrong-day.html"), day_url("ap230110")).date == dt.date(
        2023, 1, 10
    )


# --- the archive file -----------------------------------------------------------------------

GOLDEN = ["2022-credits-with-roles", "no-media", "no-explanation", "utf16le-bom"]


@pytest.mark.parametrize("stem", GOLDEN)
def test_render_matches_golden_file(stem: str) -> None:
    day = parse_page(read_fixture(f"{stem}.html"), URLS[f"{stem}.html"])
    expected = (FIXTURES / f"{stem}.txt").read_bytes()
    assert render(day).encode("utf-8") == expected


@pytest.mark.parametrize(
    ("fragment", "body"),
    [
        # a bold inside a line is text, and so is a label-like bold after it on that line
        ("<p><b>Hubble</b> <b>team:</b> sees more.", "Hubble team: sees more."),
        # a bold label opening a line is a notice after the explanation
        ("<p>The sky.<p><b>APOD Wall Calendar:</b> buy one", "The sky."),
        # `Tomorrow's picture` ends it wherever it stands
        ("The sky. <b>Tomorrow's picture</b> more sky", "The sky."),
        # a bold label that a paragraph of prose follows is the explanation's own (1995-06-28)
        (
            "The sky.<p><b>Latest APOD Featuring this Image:</b> July 4<p>For more see a"
            " press release.<p><hr>",
            "The sky.\n\nLatest APOD Featuring this Image: July 4\n\nFor more see a press release.",
        ),
        # notices are lines that each open with a bold label, up to the furniture
        (
            "The sky.<p><b>Follow APOD on:</b> Facebook<br><b>APOD's email list:</b> subscribe"
            "<p><center>",
            "The sky.",
        ),
    ],
)
def test_which_bold_ends_the_explanation(fragment: str, body: str) -> None:
    assert explanation_fragment(fragment, "https://apod.nasa.gov/apod/ap250105.html") == body
