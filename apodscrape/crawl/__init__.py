"""The Scrapy layer: the crawl and what plugs into it (settings, spider, pipelines,
middlewares, extensions, exporters, the `crawl` command). Only this package imports Scrapy
or Twisted (tests/test_layers.py)."""
