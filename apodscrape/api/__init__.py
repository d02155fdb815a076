"""The APOD API (NASA's v1 contract and more) served from an archive's catalog."""

from .app import create_app

__all__ = ["create_app"]
