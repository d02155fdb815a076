"""Day pages for crawl tests, written from the 2020s classic layout (see FORMAT.md)."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any


def classic_page(day: dt.date, title: str, explanation: str = "A picture of the sky.") -> bytes:
    """A classic day page for `day` with a picture, a credit and an explanation."""
    return f"""<!doctype html>
<html>
<head>
<title> APOD: {day.year} {day:%B} {day.day} - {escape(title)}
</title>
<meta name="keywords" content="sky, test">
</head>
<body BGCOLOR="#F4F4FF">
<center>
<h1> Astronomy Picture of the Day </h1>
<p>
{day.year} {day:%B} {day.day}
<br>
<a href="image/{day:%y%m}/sky_big.jpg">
<IMG SRC="image/{day:%y%m}/sky.jpg" alt="See Explanation."></a>
</center>

<center>
<b> {escape(title)} </b> <br>
<b> Image Credit: </b>
<a href="https://www.nasa.gov/">NASA</a>
</center> <p>

<b> Explanation: </b>
{explanation}

<p> <center>
<b> Tomorrow's picture: </b>more sky
<p> <hr>
<a href="archivepix.html">Archive</a>
</center>
</body>
</html>
""".encode()


NOT_A_DAY = b"""<html><head><title>Astronomy Picture of the Day Archive</title></head>
<body><h1>Archive</h1><b>2025 January 04: <a href="ap250104.html">Sky</a></b></body></html>
"""


def science_record(day: dt.date, title: str, *, video: bool = False) -> dict[str, Any]:
    """An apod-basic record as science.nasa.gov serves it (see ../shared/corpus/science)."""
    folder = (
        f"https://assets.science.nasa.gov/content/dam/science/cds/apod/apod/{day:%Y/%B}".lower()
    )
    media = (
        f'<video controls><source src="{folder}/sky.mp4" type="video/mp4"></video>'
        if video
        else f'<a href="{folder}/sky_big.jpg"><IMG SRC="{folder}/sky.jpg" alt="Sky"></a>'
    )
    credit = '<a href="https://www.nasa.gov/">NASA</a>'
    return {
        "date": day.isoformat(),
        "title": escape(title),
        "permalink": f"https://science.nasa.gov/image-article/apod-{day}/",
        "media_type": "video" if video else "image",
        "explanation": f"<strong>Explanation:</strong> The sky of {day}.<br><br>"
        "<strong>Tomorrow&#8217;s picture:</strong> more sky",
        "credit": credit,
        "copyright": credit,
        "url": f"https://science.nasa.gov/image-article/apod-{day}/",
        "hdurl": f"{folder.replace('/content/dam/', '/dynamicimage/assets/')}/still.png?w=960",
        "basic_html": f"""<!doctype html><html><head><title> APOD: {day} - {escape(title)}</title>
</head><body><center><h1> Astronomy Picture of the Day </h1><p>
{day.year} {day:%B} {day.day}<br>
{media}
</center>
<center><b> {escape(title)} </b> <br>
<b>Image Credit &amp; <a href="https://science.nasa.gov/apod/about-apod/">Copyright</a>:</b>
{credit}
</center><p><b> Explanation: </b> The sky of {day}.
<p> <center><b> Tomorrow's picture: </b>more sky</center></body></html>""",
    }
