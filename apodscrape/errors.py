"""Errors a user or a page can cause: each carries a one-line message for the edge to print."""


class ApodError(Exception):
    """Base of every error apodscrape reports as one line instead of a traceback."""


class ArgumentError(ApodError):
    """A spider argument or APOD_* setting that is unknown, malformed or out of range."""


class NotADayPage(ApodError):
    """A page that is not an APOD day (archive, calendar, FAQ, landing page, error body...)."""


class TruncatedPage(NotADayPage):
    """A page that ends before its explanation does: a cut-off answer, never a day."""


class ArchiveLocked(ApodError):
    """Another run is using the archive: a run on one archive never overlaps another."""


class WrongDayError(ApodError):
    """A page that shows another day than the one its address or the request named."""
