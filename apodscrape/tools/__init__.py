"""The tools of `python -m apodscrape`: one module a command, each with `register()`."""
