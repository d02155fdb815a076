"""One vocabulary of media: which hosts embed video, which files are pictures or videos."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from .record import IMAGE, OTHER, VIDEO

# Sites whose embeds (iframes) play video: their pages are no file to download.
VIDEO_HOSTS = ("youtube.com", "youtube-nocookie.com", "youtu.be", "vimeo.com")
VIDEO_FILES = (".mp4", ".m4v", ".mov", ".webm", ".ogv", ".avi", ".mpg", ".mpeg")
IMAGE_FILES = (".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".webp", ".svg", ".bmp")
# What a picture may link to as its larger version: a media file (or anything under APOD's
# own image/ folder), not a web page.
MEDIA_FILE = re.compile(
    r"\.(?:jpe?g|png|gif|tiff?|webp|avif|bmp|svg|mp4|m4v|mov|webm|ogv|avi|mpe?g|fits?)$",
    re.IGNORECASE,
)


def is_video_host(url: str) -> bool:
    """Whether a URL is on a video site (YouTube, Vimeo), whose pages embed the video."""
    return _on_video_host(urlsplit(url).hostname or "")


_VIDEO_SUBDOMAINS = tuple(f".{name}" for name in VIDEO_HOSTS)


def _on_video_host(host: str) -> bool:
    return host in VIDEO_HOSTS or host.endswith(_VIDEO_SUBDOMAINS)


def is_embed(url: str) -> bool:
    """Whether a URL is an embedded player (a video site's page or an /embed/ address)."""
    parts = urlsplit(url)
    return _on_video_host(parts.hostname or "") or "/embed/" in parts.path.lower()


def media_type(image_url: str | None) -> str:
    """What a day's imageUrl shows: video (an embed or a video file), image, or other."""
    if not image_url:
        return OTHER
    path = urlsplit(image_url).path.lower()  # urlsplit keeps its answers: is_embed's is free
    if is_embed(image_url) or path.endswith(VIDEO_FILES):
        return VIDEO
    return IMAGE if path.endswith(IMAGE_FILES) else OTHER


# A YouTube video's id in its embed, watch or short address (11 characters of [\w-]).
_YOUTUBE_ID = re.compile(r"^/(?:embed/|v/|shorts/)?([\w-]{11})(?:[/?]|$)")
YOUTUBE_STILL = "https://img.youtube.com/vi/{id}/hqdefault.jpg"


def youtube_still(url: str | None) -> str | None:
    """The still YouTube serves for a video (hqdefault.jpg), from its address alone."""
    if not url:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host == "youtu.be":
        found = _YOUTUBE_ID.match(parts.path)
    elif is_video_host(url) and "youtube" in host:
        if parts.path == "/watch":
            video = parse_qs(parts.query).get("v", [""])[0]
            found = _YOUTUBE_ID.match(f"/{video}")
        else:
            found = (
                _YOUTUBE_ID.match(parts.path)
                if parts.path.startswith(("/embed/", "/v/", "/shorts/"))
                else None
            )
    else:
        found = None
    if not found or found.group(1) == "videoseries":  # a playlist, not one video
        return None
    return YOUTUBE_STILL.format(id=found.group(1))


def thumbnail(kind: str, image_url: str | None, still: str | None = None) -> str | None:
    """A video day's still: the one its source names (the API's `hdurl`), else a YouTube
    embed's own; None for any other day (no request is made to find one)."""
    if kind != VIDEO:
        return None
    return still or youtube_still(image_url)
