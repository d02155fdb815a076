"""The `apod` spider: which days to ask for, from which source, and what each answer means.

Sources (argument `source`, setting APOD_SOURCE):
- `classic`: the day pages `{APOD_CLASSIC_URL}apYYMMDD.html` only.
- `science`: science.nasa.gov's apod-basic JSON API only (`{APOD_SCIENCE_URL}wp-json/...`).
- `auto` (default): days since the move (SCIENCE_ONLY_SINCE) come from the API directly.
  For older days, the classic page of the newest is asked first. If the classic site
  answers with that day's page (or a 404), the other days come from it too; if it redirects
  (the 2026 move), shows another day, or does not answer, every day comes from the API and
  the classic site is not asked again. Classic requests are handed to Scrapy only as many
  at a time as the site is asked in parallel, so that a redirect seen later in the run
  sends every day not yet asked to the API (in list pages), none of them to the classic
  site. A single classic page that gives no day is taken from the API as well.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from ... import archive, catalog, days
from ...errors import ApodError, WrongDayError
from ...parse import parse_listing, parse_page, science
from ...plan import (
    AUTO,
    CLASSIC,
    SCIENCE,
    Plan,
    make_plan,
    parse_arguments,
    read_settings,
)
from ...record import Day
from ..extensions import outcome_counts

# Since the 2026 move, the classic site redirects every day page; days from then on are
# published on science.nasa.gov only, so `auto` takes them from its API without asking.
SCIENCE_ONLY_SINCE = dt.date(2026, 9, 1)
_REDIRECTS = [301, 302, 303, 307, 308]


class ApodSpider(scrapy.Spider):
    """Mirror APOD days into the archive.

    Arguments (`-a name=value`, checked by plan.parse_arguments): `start` and `end` (ISO
    dates; `end` defaults to today in US Eastern time), or `dates` (comma-separated ISO
    dates); `source` (auto, classic, science); `refresh` (days fetched again though
    archived: a number, or all); `media=1` (download each day's media too).
    """

    name = "apod"

    def __init__(self, **arguments: str) -> None:
        super().__init__()
        # Checked here, not left to Scrapy: an `-a start=` attribute would shadow start().
        self.arguments = parse_arguments(arguments)
        self.given = dict(arguments)  # as given: the catalog keeps them with the run
        self.classic_queue: list[dt.date] = []  # days still to ask of the classic site
        self.classic_in_flight = 0  # classic requests asked and not yet answered
        self.classic_probed = False  # set once auto's first classic request is answered
        self.classic_moved = False  # set once the classic site is seen redirecting
        self.classic_failed: set[dt.date] = set()  # days the classic site could not give
        self.plan: Plan | None = None  # made by read_archive, once the run holds the archive
        self.catalog: catalog.Recorder | None = None  # opened by read_archive

    @property
    def media(self) -> bool:
        """Whether each day's media is downloaded too (MediaPipeline)."""
        return self.arguments.media

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ApodSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = read_settings(crawler.settings)
        spider.output = crawler.settings.get("APOD_OUTPUT_DIR")
        return spider

    def read_archive(self) -> None:
        """Plan the run from the archive, once the run holds it (the ArchiveLock extension
        calls this). Incremental: what the archive already has is not asked again (but the
        refresh window), and what it lacks since the oldest day ever asked is asked again.
        The catalog records the run as it goes (the first run on an archive written before
        it reads the archive into it); what runs remember comes from it."""
        self.catalog, self.state, said = catalog.record_run(self.output, "crawl", self.given)
        for line in said:
            self.logger.warning(line)
        archived = archive.archived_days(self.output)
        today = days.today_eastern()
        self.plan = make_plan(self.arguments, self.config, archived, today, self.state)
        asked = self.plan.fetch + self.plan.skipped
        self.catalog.asked(self.plan.fetch, min(asked) if asked else None)
        # auto takes from the API what the classic site does not give; classic never does
        self.api_fallback = self.plan.source == AUTO

    def closed(self, reason: str) -> None:
        if self.catalog is None:  # the archive was not held, or could not be read
            return
        stats = self.crawler.stats
        failed = stats.get_value("apod/failed", 0) or reason != "finished"
        counts = outcome_counts(stats.get_stats())
        self.catalog.close(1 if failed else 0, counts)
        for failure in self.catalog.failures:
            self.logger.error("the catalog could not record: %s", failure)
        if self.catalog.failures:  # the next run cannot know what this one learned: exit 1
            stats.set_value("apod/catalog_failed", len(self.catalog.failures))

    async def start(self) -> AsyncIterator[scrapy.Request]:
        plan, stats = self.plan, self.crawler.stats
        assert plan is not None, "read_archive() comes first (the ArchiveLock extension)"
        stats.set_value("apod/days", len(plan.fetch) + len(plan.skipped))
        for day in plan.skipped:
            if day in days.KNOWN_GAPS:
                self.missing(day, "APOD never had it")  # no need to ask
            elif day in self.state.missing:
                self.missing(day, "its source said so before")
            else:
                stats.inc_value("apod/skipped")
        if not plan.fetch:
            self.logger.info("nothing to fetch: the archive has every day asked for")
            return
        self.logger.info(
            "%d day(s) to fetch from %s to %s (%d more not asked: archived or known gaps), "
            "source %s",
            len(plan.fetch),
            plan.fetch[0],
            plan.fetch[-1],
            len(plan.skipped),
            plan.source,
        )
        # Days published since the move exist only on science.nasa.gov (auto asks the API
        # for them); in auto the newest older day probes the classic site first, and its
        # answer decides for the others.
        if plan.source == SCIENCE:
            from_api = plan.fetch
        elif plan.source == AUTO:
            from_api = [day for day in plan.fetch if day >= SCIENCE_ONLY_SINCE]
        else:
            from_api = []
        for request in self.science_requests(from_api):
            yield request
        api_days = set(from_api)
        self.classic_queue = [day for day in plan.fetch if day not in api_days]
        for request in self.refill_classic():
            yield request

    # --- the classic site ----------------------------------------------------------------

    def classic_request(self, day: dt.date, probe: bool = False) -> scrapy.Request:
        return scrapy.Request(
            f"{self.config.classic_url}{days.stem(day)}.html",
            callback=self.parse_classic,
            errback=self.classic_error,
            cb_kwargs={"day": day, "probe": probe},
            meta={
                "apod_day": day,
                "apod_source": CLASSIC,
                "dont_redirect": True,  # a redirect is news (the move), not to be followed blindly
                "handle_httpstatus_list": [404, *_REDIRECTS],
            },
        )

    def refill_classic(self) -> Iterator[scrapy.Request]:
        """The next classic requests, newest day first, while the classic site serves days:
        as many at once as the site is asked in parallel, so that a redirect seen later
        sends every day not yet asked to the API. In auto the first one is a probe, alone
        until it is answered."""
        probing = self.api_fallback and not self.classic_probed
        window = 1 if probing else self.config.classic_parallel
        while self.classic_queue and not self.classic_moved and self.classic_in_flight < window:
            self.classic_in_flight += 1
            yield self.classic_request(self.classic_queue.pop(), probe=probing)

    def parse_classic(self, response: Response, day: dt.date, probe: bool) -> Iterator[Any]:
        self.classic_in_flight -= 1
        try:
            outcome = self.classic_outcome(response, day)
        except Exception as error:  # a bug, not the page: this day fails, the run goes on
            self.fail(day, _unexpected(error))
            outcome = []
        if probe and not any(isinstance(result, scrapy.Request) for result in outcome):
            self.classic_probed = True  # answered (not a redirect being followed): open up
        yield from outcome
        yield from self.refill_classic()

    def classic_outcome(self, response: Response, day: dt.date) -> list[Any]:
        """What one classic answer means for its day: a Day, requests, or nothing."""
        if response.status in _REDIRECTS:
            target = response.urljoin(response.headers.get("Location", b"").decode("latin-1"))
            if _is_page_of(target, day) and not response.meta.get("apod_hop"):
                # the same day's page at another address (http -> https): follow it once,
                # even to the address itself (which the duplicate filter would drop); a
                # host the run was not pointed at is refused (AllowedHostsMiddleware)
                self.classic_in_flight += 1
                meta = {**response.meta, "apod_hop": 1}
                return [response.request.replace(url=target, meta=meta, dont_filter=True)]
            return list(self.moved_off_classic(day, f"redirects to {target}"))
        if response.status == 404:
            self.missing(day, f"HTTP 404 from {response.url}")
            return []
        try:
            found = parse_page(response.body, response.url)
        except WrongDayError as error:  # a page of another day: the move's landing page
            return list(self.moved_off_classic(day, str(error)))
        except ApodError as error:
            return list(self.classic_unusable(day, str(error)))
        if found.date != day:  # an answer fills only the day asked
            return list(self.moved_off_classic(day, f"shows {found.date}"))
        return [found]

    def classic_error(self, failure: Failure) -> Iterator[Any]:
        self.classic_in_flight -= 1
        day = failure.request.meta["apod_day"]
        if failure.request.cb_kwargs.get("probe"):
            # the classic site failed, not moved: the API saying it has a day is no proof
            self.classic_failed.update([day, *self.classic_queue])
            yield from self.moved_off_classic(day, f"does not answer ({_reason(failure)})")
        else:
            yield from self.classic_unusable(day, _reason(failure))
        yield from self.refill_classic()

    def moved_off_classic(self, day: dt.date, reason: str) -> Iterator[Any]:
        """The classic site no longer serves days: the API serves this one and the rest."""
        if not self.api_fallback:  # never write what a redirect shows
            self.fail(day, f"the classic page {reason}")
            return
        if not self.classic_moved:
            self.classic_moved = True
            self.crawler.stats.set_value("apod/classic_moved", 1)
            self.logger.info(
                "the classic page of %s %s: taking days from %s from now on",
                day,
                reason,
                self.config.science_url,
            )
        remaining, self.classic_queue = self.classic_queue, []
        yield from self.science_requests([day, *remaining])

    def classic_unusable(self, day: dt.date, reason: str) -> Iterator[Any]:
        """One classic page that gives no day: the API may still have it (auto mode)."""
        if not self.api_fallback:
            self.fail(day, reason)
            return
        self.classic_failed.add(day)  # the API saying it has none is then no proof
        self.logger.info("%s: the classic page gives no day (%s); asking the API", day, reason)
        yield from self.science_requests([day])

    # --- science.nasa.gov's API ----------------------------------------------------------

    def science_requests(self, wanted: Iterable[dt.date]) -> Iterator[scrapy.Request]:
        """A list page for each run of consecutive days, a single-day request for a lone day."""
        for run in days.runs(sorted(wanted), self.config.per_page):
            if len(run) == 1:
                yield self.science_day_request(run[0])
            else:
                yield self.science_list_request(run, set(run), page=1, page_size=None)

    def science_day_request(self, day: dt.date) -> scrapy.Request:
        return scrapy.Request(
            science.day_url(self.config.science_url, day),
            callback=self.parse_science_day,
            errback=self.science_day_error,
            cb_kwargs={"day": day},
            meta={"apod_day": day, "apod_source": SCIENCE, "handle_httpstatus_list": [404]},
        )

    def parse_science_day(self, response: Response, day: dt.date) -> Day | None:
        if response.status == 404:
            if science.is_not_found(response.text):
                self.missing(day, f"{response.url}: no such day")
            else:
                self.fail(day, f"HTTP 404 from {response.url}")
            return None
        try:
            found = parse_page(response.body, response.url)
        except ApodError as error:
            self.fail(day, str(error))
        except Exception as error:  # a bug, not the record: this day fails, the run goes on
            self.fail(day, _unexpected(error))
        else:
            if found.date == day:
                return found
            # a redirect to another address (a cache, the landing page) fills no other day
            self.fail(day, f"{response.url} holds the record of {found.date}, not this day's")
        return None

    def science_day_error(self, failure: Failure) -> None:
        self.fail(failure.request.meta["apod_day"], _reason(failure))

    def science_list_request(
        self, run: list[dt.date], pending: set[dt.date], page: int, page_size: int | None
    ) -> scrapy.Request:
        return scrapy.Request(
            science.list_url(self.config.science_url, run[0], run[-1], self.config.per_page, page),
            callback=self.parse_science_list,
            errback=self.science_list_error,
            cb_kwargs={"run": run, "pending": pending, "page": page, "page_size": page_size},
            meta={"apod_source": SCIENCE},
        )

    def parse_science_list(
        self,
        response: Response,
        run: list[dt.date],
        pending: set[dt.date],
        page: int,
        page_size: int | None,
    ) -> Iterator[Any]:
        try:
            records = parse_listing(response.body, response.url)
        except Exception as error:  # not a list page, or a bug: its days are asked one by one
            said = str(error) if isinstance(error, ApodError) else _unexpected(error)
            outcome = self.list_fallback(pending, f"{response.url}: {said}")
        else:
            outcome = self.listed(response, records, run, pending, page, page_size)
        yield from outcome

    def listed(
        self,
        response: Response,
        records: list[Day],
        run: list[dt.date],
        pending: set[dt.date],
        page: int,
        page_size: int | None,
    ) -> Iterator[Any]:
        """The days of one list page, then the next page or the days it left out. A date
        the page gives twice is taken from neither record: it is asked alone."""
        dates = Counter(record.date for record in records)
        for twice in sorted(day for day, count in dates.items() if count > 1 and day in pending):
            self.logger.info("%s: the list page %s gives it twice; asking it alone", twice,
                             response.url)  # fmt: skip
        fresh = [record for record in records if record.date in pending and dates[record.date] == 1]
        for record in fresh:
            pending.discard(record.date)
            yield record
        # Paging ends at the last page the API counts (X-WP-TotalPages), at a short or
        # empty page, at one that brings nothing new (an API that ignores page=), or past
        # the run's first day. The API may cap per_page: the first page's length is the cap.
        page_size = page_size or len(records)
        last_page = _whole_header(response, b"X-WP-TotalPages")
        more = page < last_page if last_page is not None else len(records) >= page_size
        if pending and fresh and more and min(r.date for r in records) > run[0]:
            yield self.science_list_request(run, pending, page + 1, page_size)
            return
        # A list that leaves a day out is no proof that it does not exist: ask it alone.
        for day in sorted(pending):
            yield self.science_day_request(day)

    def science_list_error(self, failure: Failure) -> Iterator[scrapy.Request]:
        pending = failure.request.cb_kwargs["pending"]
        yield from self.list_fallback(pending, f"{failure.request.url}: {_reason(failure)}")

    def list_fallback(self, pending: set[dt.date], reason: str) -> Iterator[scrapy.Request]:
        """A list page that failed: its days are asked one by one instead."""
        self.crawler.stats.inc_value("apod/list_fallback")
        self.logger.warning(
            "list page failed (%s); asking its %d days singly", reason, len(pending)
        )
        for day in sorted(pending):
            yield self.science_day_request(day)

    # --- outcomes --------------------------------------------------------------------------

    def missing(self, day: dt.date, reason: str) -> None:
        """A day its source says it does not have (APOD has gaps; today's may not be out
        yet): remembered, not asked again outside the refresh window. Not when the classic
        site failed for it and only the API said so: then the day failed."""
        if day in self.classic_failed:
            self.fail(day, "the classic site could not give it, and the API has no such day")
            return
        self.catalog.outcome(day, catalog.MISSING, reason)
        self.crawler.stats.inc_value("apod/missing")
        self.logger.info("%s: no page for this day", day)

    def fail(self, day: dt.date, reason: str) -> None:
        """A day lost for this run: logged, counted, no file; the next run tries it again."""
        self.catalog.outcome(day, catalog.FAILED, reason)
        self.crawler.stats.inc_value("apod/failed")
        self.logger.error("%s: failed: %s", day, reason)


def _is_page_of(url: str, day: dt.date) -> bool:
    """Whether an address is a classic page of the day (on any host: the host is checked
    by AllowedHostsMiddleware)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.path.endswith(f"/{days.stem(day)}.html")


def _whole_header(response: Response, name: bytes) -> int | None:
    value = response.headers.get(name)
    return int(value) if value and value.strip().isdigit() else None


def _unexpected(error: Exception) -> str:
    return f"unexpected {type(error).__name__}: {error}"


def _reason(failure: Failure) -> str:
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status} from {failure.request.url}"
    return f"{failure.getErrorMessage() or failure.type.__name__} ({failure.request.url})"
