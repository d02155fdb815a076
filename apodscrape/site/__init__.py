"""The archive as a static site in the classic APOD layout: `site.build.build(archive, out)`.

Reads the archive only through `apodscrape.load`; needs neither Scrapy nor the network.
"""
