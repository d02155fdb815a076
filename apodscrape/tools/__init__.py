"""The tools of `python -m apodscrape`: one module a command, each with `arguments(parser)`
and `run(args)`; none of them loads Scrapy."""
