"""The one fake NASA: apod.nasa.gov and science.nasa.gov on 127.0.0.1, for tests and the bench.

Every day from 1995-06-16 to an end date has a page, except the real gaps
(`apodscrape.days.KNOWN_GAPS`); or, for a test, only the days it publishes. Pages are written
lazily from the date alone (a seeded random draw picks the title, credit, media and words), in
the layout of the day's era (`classic`), and the same day as an apod-basic record (`science`).
Every page comes with what the project must read from it (`Expected`), so tests can check a
crawl day by day; a test may change what a day shows (its title, media, ...).

Modes (science.nasa.gov's API serves every day in each of them: since the move the spider
takes the newest days from it whatever the classic site does):
- `classic`: the classic site serves every day, `/apod/apYYMMDD.html`.
- `moved`: after the 2026 move: every classic day page answers 301 to a landing page that
  shows the last day.
- `faults`: the classic site with server errors, delays, truncated bodies and 429s
  (see `Faults`; faults can also be laid over the other modes).

The API, under `/science/wp-json/wp/v2/apod-basic`, answers as WordPress does (`science`).
Scripted answers (`SiteSim.page`, `SiteSim.answers`, `SiteSim.routes`: a status, headers and
body per path, cut short or delayed if asked) stand in front of the site. Every request is
logged (`SiteSim.hits`, `requested`, `times`) and counted by kind, the counts served at
`/__sim/stats` (not counted).

    python -m sitesim --mode moved --end 2026-11-23     # prints its URL, serves until ^C

Not installed with apodscrape: tests and `bench/` import it from the checkout.
"""

from .classic import ARCHIVE_PAGE, Page, classic_page
from .content import Content, Expected, archive_days, content, era, has_page
from .faults import DEFAULT_FAULTS, Faults
from .science import LIST_CAP, science_record
from .server import API_PATH, LANDING_PATH, MODES, STATS_PATH, Answer, Hit, SiteSim

__all__ = [
    "API_PATH",
    "ARCHIVE_PAGE",
    "DEFAULT_FAULTS",
    "LANDING_PATH",
    "LIST_CAP",
    "MODES",
    "STATS_PATH",
    "Answer",
    "Content",
    "Expected",
    "Faults",
    "Hit",
    "Page",
    "SiteSim",
    "archive_days",
    "classic_page",
    "content",
    "era",
    "has_page",
    "science_record",
]
