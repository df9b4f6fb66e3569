"""Shared fixtures: build the sample site once, build small throw-away archives, serve a site."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VENV_BIN = Path(sys.executable).parent
REGISTRIES = ROOT / "directives" / "_registries"


@dataclass
class BuildResult:
    returncode: int
    output: str
    site: Path

    def page(self, url: str) -> str:
        """HTML of the page at site-relative URL "van-ban/2023/x/"."""
        return (self.site / url.strip("/") / "index.html").read_text(encoding="utf-8")


def run_build(site_dir: Path, directives: Path | None = None, strict: bool = True, extra_env: dict | None = None,
              args: list[str] | None = None) -> BuildResult:
    """`mkdocs build` of the project config over `directives` (the sample archive by default)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if directives is not None:
        env["VANBAN_DIRECTIVES"] = str(directives)
    env.update(extra_env or {})
    cmd = [str(VENV_BIN / "mkdocs"), "build", "--site-dir", str(site_dir), "--config-file", str(ROOT / "mkdocs.yml")]
    if strict:
        cmd.append("--strict")
    cmd += args or []
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    return BuildResult(proc.returncode, proc.stdout + proc.stderr, site_dir)


def make_archive(folder: Path, files: dict[str, str | bytes], registries: bool = True) -> Path:
    """A directives folder with the project's registries and the given files (path → content)."""
    folder.mkdir(parents=True, exist_ok=True)
    if registries:
        shutil.copytree(REGISTRIES, folder / "_registries", dirs_exist_ok=True)
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> BuildResult:
    """The bundled sample archive, built once with --strict."""
    result = run_build(tmp_path_factory.mktemp("sample") / "site")
    assert result.returncode == 0, result.output
    return result


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


@pytest.fixture(scope="session")
def served_sample(sample_site):
    """The sample site over HTTP on a free localhost port (search needs HTTP, not file://)."""
    handler = functools.partial(_QuietHandler, directory=str(sample_site.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make test`, which installs it.")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "browser: drives headless Chromium")
    config.addinivalue_line("markers", "slow: installs or builds in a throwaway venv (runs in `make test` too)")


# ------------------------------------------------------------------------------------------------
# Quality gates: npm tools, a synthetic archive, serving any built site
# ------------------------------------------------------------------------------------------------

TOOLS = ROOT / "tests" / "tools" / "node_modules"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
SYNTHETIC_COUNT = 300


def npm_tool(path: Path) -> Path:
    """A file from tests/tools/node_modules, or a failure that says how to install it."""
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `make test-tools` (npm ci in tests/tools).")
    return path


@contextlib.contextmanager
def serve_dir(folder: Path):
    """`folder` over HTTP on a free localhost port; yields the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def synthetic_site(tmp_path_factory) -> BuildResult:
    """A synthetic archive of a few hundred directives (benchmarks/generate.py), built once with --strict."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    folder = tmp_path_factory.mktemp("synthetic") / "directives"
    generate(folder, SYNTHETIC_COUNT, seed=11)
    result = run_build(tmp_path_factory.mktemp("synthetic-site") / "site", folder)
    assert result.returncode == 0, result.output
    return result


@pytest.fixture(scope="session")
def served_synthetic(synthetic_site):
    with serve_dir(synthetic_site.site) as base:
        yield base


# ------------------------------------------------------------------------------------------------
# Content-Security-Policy violations seen by the browser
# ------------------------------------------------------------------------------------------------

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(
    e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || "")));
"""
"""Init script recording every CSP violation of a page in `window.__cspViolations`."""


def csp_watched_page(browser, **context_options):
    """A page (and its context, closed by the caller via `page.context.close()`) that records CSP
    violations and console messages (`page.console_messages`)."""
    context = browser.new_context(**context_options)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda m: page.console_messages.append(m.text))
    return page


def csp_problems(page) -> list[str]:
    """Violations the page recorded plus CSP errors in its console."""
    seen = page.evaluate("window.__cspViolations")
    return seen + [m for m in page.console_messages if "Content Security Policy" in m]


def fragments_text(site: Path) -> str:
    """Pagefind's page fragments (gzip JSON) of every bucket of a built or previewed site, decoded:
    the text the search index holds."""
    texts = []
    for path in (site / "pagefind").glob("*/fragment/*.pf_fragment"):  # every bucket
        try:
            texts.append(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        except (OSError, EOFError):
            pass  # being rewritten
    return "\n".join(texts)


@contextlib.contextmanager
def hangup_as_from_a_terminal():
    """Processes started inside get SIGHUP's default action, as a preview started from a terminal
    has it. A test runner started under `nohup` passes the signal on ignored, and an ignored SIGHUP
    stays ignored in the preview (as `vanban.stopping` means it to): the tests of what a closed
    terminal does would then test `nohup` and fail. Only the start-up is inside: a hangup of the
    runner itself is handled as before the moment the child exists."""
    before = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, before)
