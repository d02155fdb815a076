"""Day pages for crawl tests, written from the 2020s classic layout (see FORMAT.md)."""

from __future__ import annotations

import datetime as dt
from html import escape


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
