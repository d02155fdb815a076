"""The `apod` spider: which days to ask for, where, and what each answer means."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from .. import days, parse_page
from ..errors import ApodError, WrongDayError
from ..record import Day


class ApodSpider(scrapy.Spider):
    """Mirror APOD days into the archive.

    Arguments (`-a name=value`): `start` and `end` (ISO dates; `end` defaults to today in
    US Eastern time), or `dates` (comma-separated ISO dates).
    """

    name = "apod"

    def __init__(
        self,
        start: str | None = None,
        end: str | None = None,
        dates: str | None = None,
        **kwargs: Any,
    ) -> None:
        # Taken here, not left to Scrapy: an `-a start=` attribute would shadow start().
        super().__init__(**kwargs)
        self.days = self.requested_days(start=start, end=end, dates=dates)

    @staticmethod
    def requested_days(
        start: str | None = None, end: str | None = None, dates: str | None = None, **_: Any
    ) -> list[dt.date]:
        """The days the arguments ask for; DateArgumentError if they are wrong."""
        return days.select_days(start=start, end=end, dates=dates, today=days.today_eastern())

    async def start(self) -> AsyncIterator[scrapy.Request]:
        classic_url = self.settings.get("APOD_CLASSIC_URL")
        self.crawler.stats.set_value("apod/days", len(self.days))
        self.logger.info(
            "%d day(s) to fetch: %s to %s", len(self.days), self.days[0], self.days[-1]
        )
        for day in self.days:
            yield scrapy.Request(
                f"{classic_url}{days.stem(day)}.html",
                callback=self.parse_classic,
                errback=self.on_error,
                cb_kwargs={"day": day},
                meta={"handle_httpstatus_list": [404], "apod_day": day},
            )

    def parse_classic(self, response: Response, day: dt.date) -> Day | None:
        if response.status == 404:
            self.crawler.stats.inc_value("apod/missing")
            self.logger.info("%s: no page for this day (404)", day)
            return None
        try:
            record = parse_page(response.body, response.url)
            if record.date != day:
                raise WrongDayError(f"{response.url} shows {record.date}, not {day}")
        except ApodError as error:
            self.fail(day, str(error))
            return None
        return record

    def on_error(self, failure: Failure) -> None:
        day = failure.request.meta["apod_day"]
        if failure.check(HttpError):
            self.fail(day, f"HTTP {failure.value.response.status} from {failure.request.url}")
        else:
            self.fail(
                day, f"{failure.getErrorMessage() or failure.type.__name__} ({failure.request.url})"
            )

    def fail(self, day: dt.date, reason: str) -> None:
        """A day lost for this run: logged, counted, no file; the next run tries it again."""
        self.crawler.stats.inc_value("apod/failed")
        self.logger.error("%s: failed: %s", day, reason)
