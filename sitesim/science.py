"""science.nasa.gov's apod-basic API (WordPress) as it answers since the 2026 move.

One day at `.../apod-basic/YYMMDD`; a range newest first at
`.../apod-basic?date_from=YYMMDD&date_to=YYMMDD&per_page=N&page=K`, per_page capped at 25
(WordPress's default is 10), with X-WP-Total and X-WP-TotalPages; a page past the last is a 400
`rest_post_invalid_page_number`, a day without an APOD a 404 `apod_basic_not_found`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from html import escape
from typing import Any

from apodscrape.days import FIRST_DAY

from .classic import date_line, day_media
from .content import Content, Expected, content, day_of_yymmdd, explanation_markdown, name_links

LIST_CAP = 25  # science.nasa.gov gives at most 25 records a page, whatever per_page asks
LIST_DEFAULT = 10  # WordPress's per_page when none is given
DAM = "https://assets.science.nasa.gov/content/dam/science/cds/apod/apod/"
RENDITIONS = "https://assets.science.nasa.gov/dynamicimage/assets/science/cds/apod/apod/"
JSON = "application/json; charset=UTF-8"
NOT_FOUND_JSON = json.dumps(
    {"code": "apod_basic_not_found", "message": "APOD not found.", "data": {"status": 404}}
).encode()


def science_record(
    day: dt.date, seed: int = 0, **changes: object
) -> tuple[dict[str, Any], Expected]:
    """The apod-basic record of a day and what it must read as; `changes` to what the day
    shows as for `content`."""
    c = content(day, seed, **changes)
    folder = f"{DAM}{day.year}/{day:%B}/".lower()
    renditions = folder.replace(DAM, RENDITIONS)
    permalink = (
        f"https://science.nasa.gov/image-article/apod-{day.year}-{day:%B}-{day.day}-"
        f"{c.slug.replace('_', '-')}/".lower()
    )
    video = c.kind in ("youtube", "vimeo", "video")
    media_type = "video" if video else "other" if c.kind == "none" else "image"
    with_page = c.variant != 0  # a few records have no basic_html
    media_html, media_url = "", None
    if c.kind in ("image", "rollover"):
        media_url = f"{folder}{c.slug}.jpg"
        media_html = f'<a href="{folder}{c.slug}_big.jpg"><IMG SRC="{media_url}" alt=""></a>'
    elif c.kind == "video":
        media_url = f"{folder}{c.slug}.mp4"
        media_html = f'<video controls title="">\n<source src="{media_url}" type="video/mp4">\n'
        media_html += "</video>"
    elif c.kind in ("youtube", "vimeo"):
        media_html, media_url = day_media(c, "2020s")
    if c.variant == 1 and c.kind in ("image", "rollover"):
        media_html = ""  # basic_html without media: the file behind hdurl stands in
    links_html, links = name_links(c)
    explanation = (
        "<strong>Explanation:\xa0</strong>"
        + "<p>".join(" ".join(t.api for t in paragraph) for paragraph in c.paragraphs)
        + "<br><br><strong>Tomorrow&#8217;s picture: </strong>more sky"
    )
    record: dict[str, Any] = {
        "date": day.isoformat(),
        "post_id": 1_000_000 + (day - FIRST_DAY).days,
        "title": escape(c.title, quote=False),
        "permalink": permalink,
        "media_type": media_type,
        "explanation": explanation,
        "credit": links_html,
        "copyright": links_html,
        "alt": f"A picture of {escape(c.title, quote=False)}.",
        "url": permalink,
    }
    if c.kind != "none":
        record["hdurl"] = f"{renditions}{c.slug}_big.jpg?w=1080&h=1350&fit=clip"
    if with_page:
        record["basic_html"] = _basic_html(c, media_html, links_html)
    if with_page and media_html:
        image_url = media_url
    elif c.kind in ("image", "rollover"):
        image_url = f"{folder}{c.slug}_big.jpg"
    else:
        image_url = None
    expected = Expected(
        title=c.title,
        image_url=image_url,
        credit=(links,),
        explanation=explanation_markdown(c, separate=True),
    )
    return record, expected


def _basic_html(c: Content, media: str, links_html: str) -> str:
    return f"""<!doctype html>
<html>
<head>
<meta charset="UTF-8">
<title> APOD: {date_line(c.day)} - {escape(c.title)}</title>
</head>
<body BGCOLOR="#F4F4FF" text="#000000">
<center>
<h1> Astronomy Picture of the Day </h1>
<p>
{date_line(c.day)}<br>
{media}
</center>
<center>
<b> {escape(c.title)} </b> <br>
<b>Image Credit &
<a href="https://science.nasa.gov/apod/about-apod/">Copyright</a>:</b>
{links_html}
</center>
<p>
<b> Explanation: </b>
{" ".join(t.api for t in c.paragraphs[0])}
<p> <center>
<b> Tomorrow's picture: </b>more sky
</center>
</body>
</html>
"""


def list_page(
    query: dict[str, list[str]],
    days_between: Callable[[dt.date, dt.date], list[dt.date]],
    record: Callable[[dt.date], dict[str, Any]],
    cap: int = LIST_CAP,
) -> tuple[int, bytes, dict[str, str]]:
    """One page of the list form of the API: status, body and headers, as WordPress answers.
    `days_between(first, last)` are the days with a record, newest first; `record(day)` one."""

    def number(name: str, default: int) -> int:
        try:
            return max(1, int(query.get(name, [str(default)])[0]))
        except ValueError:
            return default

    try:
        first = day_of_yymmdd(query["date_from"][0]) if "date_from" in query else FIRST_DAY
        last = day_of_yymmdd(query["date_to"][0]) if "date_to" in query else dt.date.max
    except ValueError:
        return 400, _error("rest_invalid_param", "Invalid date."), {"Content-Type": JSON}
    per_page = min(number("per_page", LIST_DEFAULT), cap)
    page = number("page", 1)
    found = days_between(first, last)
    pages = max(1, -(-len(found) // per_page))
    if page > pages:
        message = "The page number requested is larger than the number of pages available."
        return 400, _error("rest_post_invalid_page_number", message), {"Content-Type": JSON}
    chosen = found[(page - 1) * per_page : page * per_page]
    body = json.dumps([record(d) for d in chosen], ensure_ascii=True)
    headers = {"Content-Type": JSON, "X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)}
    return 200, body.encode(), headers


def _error(code: str, message: str) -> bytes:
    return json.dumps({"code": code, "message": message, "data": {"status": 400}}).encode()
