"""Faults laid over the simulated sites' answers: server errors, 429s, truncated bodies, delays."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Faults:
    """Faults drawn per request (seeded by path and attempt, so a retry of the same address
    gets a fresh draw). Rates are fractions of requests."""

    error_rate: float = 0.0  # 500 Internal Server Error
    throttle_rate: float = 0.0  # 429 Too Many Requests with Retry-After
    truncate_rate: float = 0.0  # a body cut short of the Content-Length it announced
    delay: float = 0.0  # each answer waits a random time up to this many seconds
    retry_after: int = 1  # seconds, in the 429's Retry-After header

    def draw(self, seed: int, path: str, attempt: int) -> tuple[str | None, float]:
        """The fault (None, "500", "429" or "truncated") and the delay of one request."""
        rng = random.Random(f"{seed}:{path}:{attempt}")
        roll, wait = rng.random(), rng.random() * self.delay
        if roll < self.throttle_rate:
            return "429", wait
        if roll < self.throttle_rate + self.error_rate:
            return "500", wait
        if roll < self.throttle_rate + self.error_rate + self.truncate_rate:
            return "truncated", wait
        return None, wait


DEFAULT_FAULTS = Faults(error_rate=0.05, throttle_rate=0.02, truncate_rate=0.02, delay=0.01)
