"""Politeness off, as the bench's crawls run: the one list of settings that the crawls get
as `-s` arguments, the floor spider (bare_spider) as settings, and the bare fetcher as its
concurrency, so that the three stay comparable."""

from __future__ import annotations

OFF = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "ROBOTSTXT_OBEY": False,
}
ARGUMENTS = [argument for name, value in OFF.items() for argument in ("-s", f"{name}={value}")]
