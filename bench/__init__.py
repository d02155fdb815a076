"""Benchmarks of apodscrape, and the local site simulator they (and some tests) crawl."""
