"""The rules of docs/architecture.md a test can hold, and the README as a way in.

The `vanban` package never imports MkDocs (so it can be tested, run as the `vanban` command and
reused without it); the README stays short and leads to the staff guide, the architecture page,
the deploy guide and the benchmarks; the architecture page stays out of the public site.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hooks" / "vanban"
README = ROOT / "README.md"
README_LIMIT = 10 * 1024
"""Bytes: a page a newcomer reads through (issue 24)."""
README_MUST_LINK = ["docs/architecture.md", "docs/pages/huong-dan/dang-van-ban.md", "deploy/README.md",
                    "benchmarks/README.md"]
MKDOCS_NAMES = ("mkdocs", "material")


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_vanban_module_names_mkdocs_in_an_import():
    # Also imports inside functions, which importing the modules below would not run.
    offenders = {str(path.relative_to(ROOT)): sorted(name for name in _imported_modules(path)
                                                      if name.split(".")[0] in MKDOCS_NAMES)
                 for path in sorted(PACKAGE.rglob("*.py"))}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_importing_every_vanban_module_loads_nothing_of_mkdocs():
    modules = sorted(f"vanban.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    assert "vanban.build" in modules and "vanban.loader" in modules
    code = ("import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {MKDOCS_NAMES!r}))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "hooks", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_readme_is_short():
    size = len(README.read_bytes())
    assert size <= README_LIMIT, f"README.md is {size} bytes; move detail to docs/architecture.md or benchmarks/README.md"


def test_readme_names_the_two_commands_and_links_to_the_guides():
    text = README.read_text(encoding="utf-8")
    assert "make serve" in text and "make test" in text
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    for required in README_MUST_LINK:
        assert required in targets, f"README.md does not link to {required}"
    missing = [t for t in targets if "://" not in t and not (ROOT / t).exists()]
    assert missing == []


def test_the_guides_the_readme_points_to_link_back_where_they_say():
    benchmarks = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "../docs/architecture.md" in benchmarks and "../benchmarks/README.md" in architecture


def test_architecture_page_is_outside_the_public_site(sample_site):
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    docs_dir = (ROOT / config["docs_dir"]).resolve()
    assert docs_dir != (ROOT / "docs").resolve()
    assert not (ROOT / "docs" / "architecture.md").resolve().is_relative_to(docs_dir)
    built = [p.relative_to(sample_site.site) for p in sample_site.site.rglob("*architecture*")]
    assert built == []
