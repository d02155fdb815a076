"""Scrapy settings of apodscrape: polite to NASA by default, quiet under cron."""

from apodscrape import __version__
from apodscrape.table import FEED_FIELDS

BOT_NAME = "apodscrape"
SPIDER_MODULES = ["apodscrape.crawl.spiders"]
NEWSPIDER_MODULE = "apodscrape.crawl.spiders"
# `scrapy crawl` with a one-line error for bad arguments and a non-zero exit for lost days.
COMMANDS_MODULE = "apodscrape.crawl.commands"

# --- apodscrape ---------------------------------------------------------------------------
APOD_OUTPUT_DIR = "output"  # the archive: one apYYMMDD.txt per day
APOD_CLASSIC_URL = "https://apod.nasa.gov/apod/"  # day pages are {APOD_CLASSIC_URL}apYYMMDD.html
APOD_SCIENCE_URL = (
    "https://science.nasa.gov/"  # the API is {APOD_SCIENCE_URL}wp-json/wp/v2/apod-basic
)
APOD_SOURCE = "auto"  # auto | classic | science: see the spider's documentation
APOD_SCIENCE_PER_PAGE = 100  # days asked per list page (WordPress's maximum; the API may cap it)
APOD_LOCK_WAIT = False  # a second run on the archive: exit at once (False) or wait (True)

# --- politeness ----------------------------------------------------------------------------
USER_AGENT = f"apodscrape/{__version__} (+https://github.com/apodscrape/apodscrape)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0  # seconds between requests to one host; AutoThrottle adapts it upwards
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_MAXSIZE = 4 * 1024 * 1024  # a day page is ~5 KiB; anything near this is not one
DOWNLOAD_WARNSIZE = 1024 * 1024

# --- raw captures, progress ----------------------------------------------------------------
APOD_WARC_ENABLED = True  # keep every day response in {APOD_WARC_DIR}/apod-<time>.warc.gz
APOD_WARC_DIR = None  # default: {APOD_OUTPUT_DIR}/warc
# a body identical to the one last kept for its URL is kept as a WARC revisit record
APOD_WARC_REVISITS = True
APOD_PROGRESS_AFTER = 60  # a run longer than this (seconds) logs its progress...
APOD_PROGRESS_INTERVAL = 30  # ...this often (seconds)

# --- failures ------------------------------------------------------------------------------
RETRY_ENABLED = True
RETRY_TIMES = 2  # network errors, 5xx and 429 are tried again twice before the day fails
APOD_RETRY_AFTER_MAX = 600  # longest Retry-After (seconds) honoured; longer: the day fails
DOWNLOAD_FAIL_ON_DATALOSS = True  # a truncated body is an error (retried), never a page
DOWNLOAD_TIMEOUT = 30  # seconds; a dead server costs a 3-day cron run about 3 minutes
APOD_UNREACHABLE_AFTER = 3  # failures in a row without an answer before a host is given up
# --- only what it was pointed at -----------------------------------------------------------
# Hosts besides those of APOD_CLASSIC_URL and APOD_SCIENCE_URL that requests may go to:
# NASA's, where the days' media live.
APOD_HOSTS = ["apod.nasa.gov", "science.nasa.gov", "assets.science.nasa.gov"]
APOD_MEDIA_EXTRA_HOSTS: list[str] = []  # more hosts media downloads (-a media=1) may use
# http(s) only: no file://, ftp://, s3:// or data: request, whatever a page or redirect says
DOWNLOAD_HANDLERS = {"file": None, "s3": None, "ftp": None, "data": None}

# --- no open ports under cron --------------------------------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- middlewares, pipelines, extensions ----------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # first: nothing leaves for a host or scheme the run was not pointed at
    "apodscrape.crawl.middlewares.AllowedHostsMiddleware": 50,
    # above the retries (550): it sees every failed attempt, and stops a dead host's
    "apodscrape.crawl.middlewares.UnreachableHostMiddleware": 560,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "apodscrape.crawl.middlewares.RetryAfterMiddleware": 550,
    # below HttpCompressionMiddleware (590): its process_response sees decoded bodies
    "apodscrape.crawl.middlewares.CaptureMiddleware": 540,
    # AllowedHostsMiddleware does its work, stricter: without allowed_domains it only costs
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    # no site asked needs credentials: one step less for every request
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
}
# No site asked sets a cookie the crawl needs.
COOKIES_ENABLED = False
SPIDER_MIDDLEWARES = {
    # each refill request is one "deeper" than the answer it follows: depth means nothing here
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    # every address is made by the spider: from a date, an API page number, or the redirect of
    # a day page to the same page elsewhere (http -> https)
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
}
EXTENSIONS = {
    "apodscrape.crawl.extensions.LogLevel": 0,  # first: before any other component logs
    # the archive held for the crawl, before the spider reads it
    "apodscrape.crawl.extensions.ArchiveLock": 1,
    "apodscrape.crawl.extensions.RunSummary": 500,
    "apodscrape.crawl.extensions.Progress": 500,
}
# A response gives one day (a list page up to 25): Scrapy starts this many item tasks for
# each response, so its default of 100 is mostly overhead.
CONCURRENT_ITEMS = 4
# Answers waiting for their parse and their items (Scrapy's default: 5 MB, some 1,000
# classic pages): about 200 pages, which bounds the crawl's memory (bench/PERFORMANCE.md).
# An API list page of 100 days is about 1 MB: one is processed at a time (a polite crawl
# asks one a second anyway).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
ITEM_PIPELINES = {
    "apodscrape.crawl.pipelines.WriteDayPipeline": 300,
    "apodscrape.crawl.pipelines.MediaPipeline": 400,  # only with -a media=1
}
APOD_MEDIA_MAXSIZE = 512 * 1024 * 1024  # the largest media file kept (some TIFFs are huge)
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = FEED_FIELDS  # every column of the table, in order, then media files
FEED_EXPORTERS = {"csv": "apodscrape.crawl.exporters.CsvDayExporter"}
LOG_LEVEL = "INFO"
