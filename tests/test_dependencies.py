"""Locked dependencies: the lock files pin every dependency of pyproject.toml with hashes, the venv
and the deploy workflows install from them, and the sample builds the same under ProperDocs (the
maintained fork of MkDocs 1.x: the migration path once MkDocs 1.x breaks)."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT
from test_cache import _pagefind_unstable  # Pagefind names its filter chunks differently every run

LOCKS = {"requirements.lock": (), "requirements-dev.lock": ("test",)}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$", re.M)


def pins(name: str) -> dict[str, list[tuple[str, str]]]:
    """Package → [(version, environment marker)] of a lock file; every pin must carry a hash."""
    text = (ROOT / name).read_text(encoding="utf-8")
    found: dict[str, list[tuple[str, str]]] = {}
    for block in re.split(r"\n(?=\S)", text):
        match = _PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{name}: {match.group(1)} has no hash"
            found.setdefault(canonicalize_name(match.group(1)), []).append((match.group(2), match.group(3) or ""))
    return found


def requirements(extras: tuple[str, ...]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = project["dependencies"] + [r for extra in extras for r in project["optional-dependencies"][extra]]
    return [Requirement(r) for r in names]


@pytest.mark.parametrize("lock, extras", LOCKS.items())
def test_the_lock_pins_every_dependency_within_pyproject_s_bounds(lock, extras):
    pinned = pins(lock)
    for requirement in requirements(extras):
        versions = pinned.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not in {lock}: run `make lock` after changing pyproject.toml"
        for version, _ in versions:
            assert requirement.specifier.contains(version, prereleases=True), (lock, requirement, version)


def test_the_tests_run_on_the_locked_versions():
    # The venv `make venv` made is what every test here ran on: it must be the dev lock, exactly.
    for name, versions in pins("requirements-dev.lock").items():
        wanted = [v for v, marker in versions if not marker or _applies(marker)]
        if wanted:
            assert metadata.version(name) == wanted[0], name


def _applies(marker: str) -> bool:
    from packaging.markers import Marker
    return Marker(marker).evaluate()


def test_make_venv_installs_the_lock_then_the_project_alone():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^\$\(VENV\)/\.installed: (.*)\n((?:\t.*\n)+)", text, re.M)
    assert "requirements-dev.lock" in recipe.group(1)
    lines = [line.strip() for line in recipe.group(2).splitlines()]
    assert "$(PY) -m pip install -q --require-hashes -r requirements-dev.lock" in lines
    assert lines.index("$(PY) -m pip install -q --no-deps -e .") > lines.index(
        "$(PY) -m pip install -q --require-hashes -r requirements-dev.lock")
    assert not [line for line in lines if re.search(r"pip install(?! -q --require-hashes)(?! -q --no-deps -e \.)", line)]
    assert re.search(r"^lock:", text, re.M)


# ------------------------------------------------------------------------------------------------
# ProperDocs: the sample builds the same in a throwaway venv
# ------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_sample_builds_the_same_under_properdocs(sample_site, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    for args in (["--require-hashes", "-r", str(ROOT / "requirements.lock")], ["properdocs>=1.6,<2"],
                 ["--no-deps", "-e", str(ROOT)]):
        proc = subprocess.run(pip + args, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stderr[-2000:]
    site = tmp_path / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([str(venv / "bin" / "properdocs"), "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                           "-d", str(site)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ours = _files(site)
    assert ours.keys() == _files(sample_site.site).keys()
    reference = _files(sample_site.site)
    differ = [name for name in ours if ours[name] != reference[name]]
    assert differ == [], differ[:10]  # only the generator's name differs, and it is left out


_GENERATOR = re.compile(rb'\s*<meta name="generator" content="[^"]*">')


def _files(site: Path) -> dict[str, bytes]:
    out = {}
    for path in site.rglob("*"):
        if path.is_file() and not _pagefind_unstable(path.relative_to(site).as_posix()):
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            out[path.relative_to(site).as_posix()] = _GENERATOR.sub(b"", data)
    return out
