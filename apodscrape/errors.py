"""Errors a user or a page can cause: each carries a one-line message for the edge to print."""


class ApodError(Exception):
    """Base of every error apodscrape reports as one line instead of a traceback."""


class DateArgumentError(ApodError):
    """A date argument that is malformed, out of the archive's range, or inverted."""


class NotADayPage(ApodError):
    """A page that is not an APOD day (archive, calendar, FAQ, landing page, error body...)."""


class WrongDayError(ApodError):
    """A page that shows another day than the one its address or the request named."""
