"""One vocabulary of media: which hosts embed video, which files are pictures or videos."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

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
    host = urlsplit(url).hostname or ""
    return any(host == name or host.endswith(f".{name}") for name in VIDEO_HOSTS)


def is_embed(url: str) -> bool:
    """Whether a URL is an embedded player (a video site's page or an /embed/ address)."""
    return is_video_host(url) or "/embed/" in urlsplit(url).path.lower()


def media_type(image_url: str | None) -> str:
    """What a day's imageUrl shows: video (an embed or a video file), image, or other."""
    if not image_url:
        return OTHER
    path = urlsplit(image_url).path.lower()
    if is_embed(image_url) or path.endswith(VIDEO_FILES):
        return VIDEO
    return IMAGE if path.endswith(IMAGE_FILES) else OTHER
