"""The temporaries a killed run left in an archive (files.py names them `.NAME.RANDOM.tmp`)."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from .lock import LOCK_NAME
from .state import STATE_NAME

# What write_atomic leaves behind when a crash interrupts it: a day's file, the state, the
# lock's pid.
_NAMES = "|".join(re.escape(name[1:]) for name in (STATE_NAME, LOCK_NAME))
TEMPORARY = re.compile(rf"\.(?:ap\d{{6}}\.txt|{_NAMES})\..+\.tmp")


def remove_stale_temporaries(directory: str | os.PathLike[str]) -> int:
    """Remove the temporary files of writes a killed run left behind; how many there were."""
    removed = 0
    with contextlib.suppress(FileNotFoundError), os.scandir(directory) as entries:
        for entry in entries:
            if TEMPORARY.fullmatch(entry.name):
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    return removed
