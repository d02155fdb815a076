"""Scrapy settings of apodscrape: polite to NASA by default, quiet under cron."""

from apodscrape import __version__

BOT_NAME = "apodscrape"
SPIDER_MODULES = ["apodscrape.spiders"]
NEWSPIDER_MODULE = "apodscrape.spiders"
# `scrapy crawl` with a one-line error for bad arguments and a non-zero exit for lost days.
COMMANDS_MODULE = "apodscrape.commands"

# --- apodscrape ---------------------------------------------------------------------------
APOD_OUTPUT_DIR = "output"  # the archive: one apYYMMDD.txt per day
APOD_CLASSIC_URL = "https://apod.nasa.gov/apod/"  # day pages are {APOD_CLASSIC_URL}apYYMMDD.html
APOD_SCIENCE_URL = (
    "https://science.nasa.gov/"  # the API is {APOD_SCIENCE_URL}wp-json/wp/v2/apod-basic
)
APOD_SOURCE = "auto"  # auto | classic | science: see the spider's documentation
APOD_SCIENCE_PER_PAGE = 100  # days asked per list page (WordPress's maximum; the API may cap it)

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

# --- failures ------------------------------------------------------------------------------
RETRY_ENABLED = True
RETRY_TIMES = 2  # network errors, 5xx and 429 are tried again twice before the day fails

# --- no open ports under cron --------------------------------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- pipeline and output -------------------------------------------------------------------
ITEM_PIPELINES = {
    "apodscrape.pipelines.WriteDayPipeline": 300,
}
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
