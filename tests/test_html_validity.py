"""Valid HTML: the Nu Html Checker (vnu.jar from the npm registry, on the machine's Java) finds no error.

One checker run over every HTML file of the sample site, one over a page of each kind of the
synthetic archive (paginated listings, hundreds of generated directive bodies). Pages are grouped
by URL shape (tests/site_pages.py), so new kinds of page are checked without touching this file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import VNU_JAR, npm_tool
from site_pages import html_files, representatives

JAVA = shutil.which("java") or "/usr/bin/java"


def vnu_errors(site: Path, files: list[Path]) -> list[str]:
    """"path:line: message" for every error the checker reports on these files."""
    if not Path(JAVA).exists():
        pytest.fail("Java is missing: run `make test`, which installs default-jre-headless.")
    proc = subprocess.run(
        [JAVA, "-Xss4m", "-jar", str(npm_tool(VNU_JAR)), "--errors-only", "--format", "json", "--exit-zero-always",
         *map(str, files)],
        capture_output=True, text=True, timeout=600,
    )
    report = json.loads(proc.stderr or proc.stdout)
    errors = []
    for m in report["messages"]:
        where = m.get("url", "").removeprefix("file:")
        rel = Path(where).relative_to(site) if where.startswith(str(site)) else where
        errors.append(f"{rel}:{m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '').strip()[:120]}]")
    return errors


def test_every_page_of_the_sample_site(sample_site):
    files = html_files(sample_site.site)
    assert len(files) > 40
    errors = vnu_errors(sample_site.site, files)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors[:60])


def test_each_page_kind_of_a_large_archive(synthetic_site):
    site = synthetic_site.site
    kinds = representatives(site, include_redirects=True)
    assert "van-ban/trang/*" in kinds
    errors = vnu_errors(site, [site / u if u.endswith(".html") else site / u / "index.html" for u in kinds.values()])
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors[:60])


def test_the_checker_reports_errors(tmp_path):
    # The gate is only as good as the checker's run: a broken page must come back as an error.
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="vi"><title>x</title><p><div tabindex="">x</div>', encoding="utf-8")
    errors = vnu_errors(tmp_path, [bad])
    assert any("tabindex" in e for e in errors), errors
