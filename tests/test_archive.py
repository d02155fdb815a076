"""Every real day page of the archive (../shared/corpus/archive/pages-2026-01.tar.xz) as
the audit reads it: each converts to its own day, and a second reading of the page (the
standard library's HTML5 tokenizer, not the parser's lxml tree) finds nothing wrong with
the record: title, furniture, decoding, markup, credit words, explanation words."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from apodscrape.audit import Audit
from apodscrape.days import canonical_url, day_in_name
from apodscrape.tools import audit

# Every test here reads the whole archive (9,702 pages): `make quick` leaves them out.
pytestmark = pytest.mark.slow

ARCHIVE = Path("archive") / "pages-2026-01.tar.xz"
# Pages the audit flags that were reviewed and accepted: name -> (rule, reason).
# None today: every page of the archive passes every rule (see tests/golden/archive/REVIEW.md).
REVIEWED: dict[str, tuple[str, str]] = {}


@pytest.fixture(scope="module")
def audits(corpus: Path) -> dict[str, Audit]:
    path = corpus / ARCHIVE
    if not path.is_file():
        pytest.skip(f"the archive of real pages is not at {path}")
    found = audit.audit_all(audit.pages([str(path)]), jobs=os.cpu_count() or 1)
    return {page.name: page for page in found}


@pytest.fixture(scope="module")
def listed(corpus: Path) -> list[str]:
    sums = (corpus / ARCHIVE).with_name("SHA256SUMS").read_text(encoding="utf-8")
    return sorted(line.split()[-1] for line in sums.splitlines() if line.strip())


def test_every_listed_page_is_audited(audits: dict[str, Audit], listed: list[str]) -> None:
    assert len(listed) == 9702
    assert sorted(audits) == listed


def test_every_page_converts(audits: dict[str, Audit]) -> None:
    assert {name: page.failure for name, page in audits.items() if page.failure} == {}


def test_every_page_is_its_own_day(audits: dict[str, Audit]) -> None:
    wrong = {
        name: page.day.canonical_url
        for name, page in audits.items()
        if page.day and page.day.canonical_url != canonical_url(day_in_name(name))
    }
    assert wrong == {}


def test_every_page_has_a_title(audits: dict[str, Audit]) -> None:
    assert [name for name, page in audits.items() if page.day and not page.day.title] == []


def test_nothing_flagged_but_the_reviewed_pages(audits: dict[str, Audit]) -> None:
    flagged = {name: page.flags for name, page in audits.items() if page.flags}
    assert {name: sorted({rule for rule, _ in flags}) for name, flags in flagged.items()} == {
        name: [rule] for name, (rule, _reason) in REVIEWED.items()
    }, flagged
