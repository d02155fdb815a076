"""The tools of `python -m apodscrape`: one module a command, each with `arguments(parser)`
and `run(args)`; none of them loads Scrapy."""

import argparse
import os


def job_count(text: str) -> int:
    """A `--jobs` value: a number of processes from 1 to the machine's cores (more only
    wait on each other)."""
    cores = os.cpu_count() or 1
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= number <= cores:
        raise argparse.ArgumentTypeError(f"{number}: from 1 to {cores} (the cores here)")
    return number
