"""The walls of the house: the parser and the offline tools never load Scrapy or Twisted,
and only the Scrapy layer (apodscrape/crawl/) imports them."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from apodscrape.days import CANONICAL_BASE
from apodscrape.warc import CaptureWriter

from .archives import catalogue
from .conftest import ROOT

PACKAGE = ROOT / "apodscrape"
SCRAPY_LAYER = PACKAGE / "crawl"  # the crawl and what plugs into it
FRAMEWORKS = ("scrapy", "twisted")


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def _outside_the_scrapy_layer() -> list[Path]:
    return [path for path in sorted(PACKAGE.rglob("*.py")) if SCRAPY_LAYER not in path.parents]


def test_the_layers_are_where_the_readme_says() -> None:
    names = {path.relative_to(PACKAGE).as_posix() for path in _outside_the_scrapy_layer()}
    assert {"parse/__init__.py", "parse/classic.py", "archive/dayfile.py", "table.py"} <= names
    inside = {path.relative_to(SCRAPY_LAYER).as_posix() for path in SCRAPY_LAYER.rglob("*.py")}
    assert {"settings.py", "spiders/apod.py", "pipelines.py", "commands/crawl.py"} <= inside


@pytest.mark.parametrize(
    "path", _outside_the_scrapy_layer(), ids=lambda p: p.relative_to(PACKAGE).as_posix()
)
def test_no_module_outside_the_scrapy_layer_imports_scrapy(path: Path) -> None:
    assert not _imported_roots(path) & set(FRAMEWORKS)


def _loaded_frameworks(code: str) -> list[str]:
    """The Scrapy and Twisted modules a fresh interpreter has loaded after running `code`."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORKS!r})))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


def test_the_parser_loads_no_framework(spec: Path) -> None:
    page = spec / "ap250105.reconstructed.html"
    code = (
        "import apodscrape\n"
        f"day = apodscrape.parse_page(open({str(page)!r}, 'rb').read(),"
        " 'https://apod.nasa.gov/apod/ap250105.html')\n"
        "apodscrape.render(day)"
    )
    assert _loaded_frameworks(code) == []


def _tool_runs(tmp: Path, spec: Path) -> dict[str, list[str]]:
    page = tmp / "ap250105.html"
    page.write_bytes((spec / "ap250105.reconstructed.html").read_bytes())
    archive = tmp / "archive"
    archive.mkdir()
    (archive / "ap250105.txt").write_bytes((spec / "ap250105.txt").read_bytes())
    captures = CaptureWriter(archive / "warc")
    captures.write(CANONICAL_BASE + page.name, 200, [("Content-Type", "text/html")], b"<p>a")
    captures.close()
    catalogue(archive)
    return {
        "convert": ["convert", str(page)],
        "check": ["check", str(archive)],
        "audit": ["audit", str(page), "--jobs", "1"],
        "stats": ["stats", str(archive)],
        "export": ["export", str(archive), str(tmp / "apod.csv")],
        "rebuild": ["rebuild", "--out", str(tmp / "rebuilt"), "--warc", str(tmp)],
        "site": ["site", str(archive), str(tmp / "site"), "--quiet", "--jobs", "1"],
        "wacz": ["wacz", str(archive), str(tmp / "apod.wacz")],
    }


@pytest.mark.parametrize(
    "tool", ["convert", "check", "audit", "stats", "export", "rebuild", "site", "wacz"]
)
def test_every_offline_tool_loads_no_framework(tool: str, tmp_path: Path, spec: Path) -> None:
    arguments = _tool_runs(tmp_path, spec)[tool]
    code = f"from apodscrape.__main__ import main\nassert main({arguments!r}) == 0"
    assert _loaded_frameworks(code) == []


def test_the_tools_cover_every_command() -> None:
    from apodscrape.__main__ import TOOLS

    assert sorted(TOOLS) == sorted(
        ["convert", "check", "audit", "stats", "export", "rebuild", "site", "serve", "wacz"]
    )
