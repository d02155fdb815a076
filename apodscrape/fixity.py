"""Fixity of the raw captures: whether every WARC record and every WACZ entry still holds
the bytes it was written with. Each problem is one printable line naming the file, the
offset or entry, and the capture's address where it can be read."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import warc


@dataclass
class Checked:
    files: int = 0
    records: int = 0  # WARC records, and WACZ entries


def check_warcs(directory: Path, checked: Checked) -> Iterator[str]:
    """Every WARC file of a directory of captures: each gzip member decompresses whole (its
    CRC), each record's block and payload digests match what it holds, and each revisit
    names an original that is intact."""
    originals = warc.Originals(directory)
    for path in warc.warc_files(directory):
        checked.files += 1
        damaged: list[str] = []
        for offset, record in warc.records_of(path, damaged, check_digests=True):
            checked.records += 1
            headers = record.rec_headers
            url = headers.get_header("WARC-Target-URI") or "(no address)"
            where = f"{path.name}: the {record.rec_type} record of {url} at byte {offset}"
            record.content_stream().read()
            if record.digest_checker.passed is False:
                problems = "; ".join(record.digest_checker.problems)
                yield f"{where} does not match its digest ({problems})"
            elif record.rec_type == "revisit":
                refers_to = headers.get_header("WARC-Refers-To-Target-URI") or url
                digest = headers.get_header("WARC-Payload-Digest") or ""
                if originals.body(refers_to, digest) is None:
                    yield f"{where} names no intact record ({refers_to}, {digest})"
        yield from damaged


def check_wacz(path: Path, checked: Checked) -> Iterator[str]:
    """A WACZ file: each entry its datapackage.json lists has the size and hash it gives,
    datapackage.json has the hash datapackage-digest.json gives, and nothing is unlisted."""
    checked.files += 1
    try:
        with zipfile.ZipFile(path) as wacz:
            names = set(wacz.namelist())
            package_bytes = wacz.read("datapackage.json")
            digest = json.loads(wacz.read("datapackage-digest.json"))
            package = json.loads(package_bytes)
            listed = {resource["path"]: resource for resource in package["resources"]}
            if digest.get("hash") != f"sha256:{hashlib.sha256(package_bytes).hexdigest()}":
                yield f"{path.name}: datapackage.json differs from datapackage-digest.json's hash"
            for name in sorted(
                names - set(listed) - {"datapackage.json", "datapackage-digest.json"}
            ):
                yield f"{path.name}: {name} is not listed in datapackage.json"
            for name, resource in sorted(listed.items()):
                checked.records += 1
                yield from _entry_problems(path, wacz, name, resource)
    except (OSError, zipfile.BadZipFile, KeyError, TypeError, ValueError) as error:
        yield f"{path.name}: not a readable WACZ file ({type(error).__name__}: {error})"


def _entry_problems(path: Path, wacz: zipfile.ZipFile, name: str, resource: dict) -> Iterator[str]:
    algorithm, _, expected = str(resource.get("hash", "")).partition(":")
    try:
        hasher = hashlib.new(algorithm)
    except ValueError:
        yield f"{path.name}: {name} has no hash this check knows ({resource.get('hash')!r})"
        return
    size = 0
    try:
        with wacz.open(name) as entry:
            while chunk := entry.read(1 << 20):
                hasher.update(chunk)
                size += len(chunk)
    except KeyError:
        yield f"{path.name}: {name} is listed in datapackage.json but missing"
        return
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        yield f"{path.name}: {name} cannot be read whole ({error})"
        return
    if hasher.hexdigest() != expected or size != resource.get("bytes"):
        yield (
            f"{path.name}: {name} has {algorithm}:{hasher.hexdigest()} ({size} bytes);"
            f" datapackage.json gives {resource.get('hash')} ({resource.get('bytes')} bytes)"
        )
