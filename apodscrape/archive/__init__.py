"""The archive: a folder of day files (FORMAT.md) and what a run keeps beside them.

One module a job: dayfile (the format both ways: render, store, read_day, load; the names
of day files and the folders beside them), files (atomic writes, for everyone), lock (one
run at a time), state (what runs remember besides the files), leftovers (the temporaries
of a killed run). The names callers use are here: `from apodscrape import archive`, then
`archive.render(day)`, `archive.store(directory, day)`, `archive.lock(directory)`.
"""

from .dayfile import (
    CATALOG_NAME,
    FIELDS,
    HANDLER,
    MEDIA_DIRNAME,
    RUN_STAMP,
    UNCHANGED,
    WARC_DIRNAME,
    WRITTEN,
    ArchiveHandler,
    Stored,
    archive_files,
    archived_days,
    compose,
    day_of_name,
    day_path,
    entries,
    front_matter,
    is_day_entry,
    load,
    read,
    read_day,
    read_front_matter,
    read_text,
    records,
    render,
    store,
    warc_dir,
)
from .files import (
    read_own,
    remove_leftovers,
    replace_atomic,
    write_atomic,
    write_chunks_atomic,
    write_if_changed,
)
from .leftovers import TEMPORARY, remove_stale_temporaries
from .lock import LOCK_NAME, lock
from .state import STATE_NAME, State, read_state

__all__ = [
    "CATALOG_NAME",
    "FIELDS",
    "HANDLER",
    "LOCK_NAME",
    "MEDIA_DIRNAME",
    "RUN_STAMP",
    "STATE_NAME",
    "TEMPORARY",
    "UNCHANGED",
    "WARC_DIRNAME",
    "WRITTEN",
    "ArchiveHandler",
    "State",
    "Stored",
    "archive_files",
    "archived_days",
    "compose",
    "day_of_name",
    "day_path",
    "entries",
    "front_matter",
    "is_day_entry",
    "load",
    "lock",
    "read",
    "read_day",
    "read_front_matter",
    "read_own",
    "read_state",
    "read_text",
    "records",
    "remove_leftovers",
    "remove_stale_temporaries",
    "render",
    "replace_atomic",
    "store",
    "warc_dir",
    "write_atomic",
    "write_chunks_atomic",
    "write_if_changed",
]
