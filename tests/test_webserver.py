"""The built site behind a real nginx (Debian's package) with the shipped configuration.

nginx runs in the foreground as the current user, with its pid, logs and temporary files in a temp
folder, on 127.0.0.1 and a free port. Requests check statuses and headers; headless Chromium checks
redirects with anchors and that pages run under the Content-Security-Policy without a violation.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import http.client
import os
import posixpath
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import VENV_BIN, WATCH_CSP, csp_problems, csp_watched_page, fixture_text, make_archive, run_build
from vanban.webserver import write_standalone

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SEED_DIRECTIVE = "/van-ban/2024/15-qd-stttt/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workers_may_read(site: Path) -> None:
    """Let nginx's workers, which drop root to www-data, through pytest's private temporary folders."""
    for folder in [site.resolve(), *site.resolve().parents]:
        mode = folder.stat().st_mode
        if not mode & 0o001:
            folder.chmod(mode | 0o011 | (0o044 if folder == site.resolve() else 0))


@contextlib.contextmanager
def running_nginx(site: Path, prefix: Path):
    """nginx with deploy/nginx.conf over `site`; yields the base URL "http://127.0.0.1:PORT"."""
    if not Path(NGINX).exists():
        pytest.fail("Debian's nginx is missing: run `make test`, which installs it.")
    port = _free_port()
    if os.geteuid() == 0:
        workers_may_read(site)
    conf = write_standalone(prefix, site, f"127.0.0.1:{port}")
    cmd = [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
    check = subprocess.run(cmd + ["-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            if proc.poll() is not None:
                pytest.fail(f"nginx stopped: {proc.stderr.read()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if time.monotonic() > deadline:
                pytest.fail("nginx did not start listening within 10 s")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def nginx(sample_site, tmp_path_factory):
    with running_nginx(sample_site.site, tmp_path_factory.mktemp("nginx")) as base:
        yield base


def get(base: str, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    """One request, redirects not followed; the body is read into `.body`."""
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


# ------------------------------------------------------------------------------------------------
# Statuses and headers
# ------------------------------------------------------------------------------------------------

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize("path, status", [
    ("/", 200), (SEED_DIRECTIVE, 200), ("/khong-co-trang-nay/", 404), ("/so/1562-ubnd-kt", 301),
    ("/van-ban/2024/qd-15-stttt/", 301),
])
def test_every_response_carries_the_security_headers(nginx, path, status):
    r = get(nginx, path)
    assert r.status == status
    for name, value in SECURITY_HEADERS.items():
        assert r.getheader(name) == value, name
    assert "camera=()" in r.getheader("Permissions-Policy")
    csp = r.getheader("Content-Security-Policy")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp and "http" not in csp  # no other host, no blanket inline code
    assert r.getheader("Server") == "nginx"  # no version number


def test_csp_lists_a_hash_for_every_inline_script_of_the_site(nginx, sample_site):
    csp = get(nginx, "/").getheader("Content-Security-Policy")
    script_src = re.search(r"script-src ([^;]+)", csp).group(1).split()
    assert "'wasm-unsafe-eval'" in script_src  # Pagefind compiles WebAssembly
    assert "worker-src 'self' blob:" in csp
    for page in ["index.html", SEED_DIRECTIVE.strip("/") + "/index.html", "404.html"]:
        html = (sample_site.site / page).read_text(encoding="utf-8")
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            if "src=" in attrs or "application/json" in attrs or "ld+json" in attrs:
                continue
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in script_src, (page, body[:60])


def test_fingerprinted_assets_are_cached_for_a_year(nginx, sample_site):
    home = (sample_site.site / "index.html").read_text(encoding="utf-8")
    assets = re.findall(r'(?:src|href)="(assets/[^"]+\.[0-9a-f]{8}\.min\.(?:js|css))"', home)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        r = get(nginx, "/" + asset)
        assert r.status == 200, asset
        assert r.getheader("Cache-Control") == "public, max-age=31536000, immutable", asset
        assert r.getheader("X-Content-Type-Options") == "nosniff"


def test_pages_and_unfingerprinted_files_are_revalidated(nginx):
    assert get(nginx, "/").getheader("Cache-Control") == "public, max-age=300"
    assert get(nginx, SEED_DIRECTIVE).getheader("Cache-Control") == "public, max-age=300"
    assert get(nginx, "/assets/stylesheets/vanban.css").getheader("Cache-Control") == "no-cache"
    pdf = get(nginx, SEED_DIRECTIVE + "15-qd-stttt-ban-ky-so.pdf")
    assert pdf.status == 200 and pdf.getheader("Content-Type") == "application/pdf"
    assert pdf.getheader("Cache-Control") == "public, max-age=86400"


@pytest.fixture(scope="module")
def pagefind_index(sample_site):
    """The sample site's Pagefind files (indexed here until the build writes them itself)."""
    folder = sample_site.site / "pagefind"
    if not (folder / "pagefind.js").exists():
        subprocess.run([sys.executable, "-m", "pagefind", "--site", str(sample_site.site)],
                       check=True, capture_output=True, timeout=300)
    return folder


def test_pagefind_chunks_are_immutable_and_its_entry_files_revalidated(nginx, pagefind_index):
    chunks = [p for p in pagefind_index.rglob("*") if p.is_file() and p.parent.name in ("fragment", "index")]
    chunks += list(pagefind_index.glob("*.pf_meta"))
    assert chunks
    for chunk in chunks:
        r = get(nginx, "/" + chunk.relative_to(pagefind_index.parent).as_posix(), {"Accept-Encoding": "gzip"})
        assert r.status == 200
        assert r.getheader("Cache-Control") == "public, max-age=31536000, immutable", chunk.name
        assert r.getheader("Content-Encoding") is None  # Pagefind compresses its chunks itself
    for entry in ("pagefind.js", "pagefind-entry.json"):
        assert get(nginx, f"/pagefind/{entry}").getheader("Cache-Control") == "no-cache"


def test_text_is_gzipped(nginx, sample_site):
    r = get(nginx, "/", {"Accept-Encoding": "gzip"})
    assert r.getheader("Content-Encoding") == "gzip" and "Accept-Encoding" in r.getheader("Vary")
    assert gzip.decompress(r.body) == (sample_site.site / "index.html").read_bytes()
    assert r.getheader("Content-Type") == "text/html; charset=utf-8"
    js = re.search(r'src="(assets/javascripts/bundle\.[0-9a-f]+\.min\.js)"',
                   (sample_site.site / "index.html").read_text(encoding="utf-8")).group(1)
    assert get(nginx, "/" + js, {"Accept-Encoding": "gzip"}).getheader("Content-Encoding") == "gzip"
    assert get(nginx, "/").getheader("Content-Encoding") is None  # only to clients that accept it


def test_unknown_address_answers_404_with_the_vietnamese_page(nginx):
    for path in ["/khong-co-trang-nay/", "/van-ban/2099/1-kh-ubnd/", "/so/9999-khong-co"]:
        r = get(nginx, path)
        assert r.status == 404
        html = r.body.decode("utf-8")
        assert "<h1>Không tìm thấy trang</h1>" in html and '<html lang="vi"' in html
        assert 'href="/van-ban/"' in html  # links work from any depth
        assert r.getheader("Cache-Control") == "no-cache"


@pytest.mark.parametrize("path, lands_on", [
    ("/so/", "/tim-kiem/"), ("/huong-dan/", "/huong-dan/dang-van-ban/"),
    ("/gioi-thieu/", "/gioi-thieu/ve-kho-van-ban/"), ("/van-ban/khong-ro-nam/", "/van-ban/"),
    ("/assets/", None), ("/pagefind/", None), ("/assets/javascripts/", None), ("/_manifest/", None),
])
def test_every_folder_address_answers_a_vietnamese_page(nginx, path, lands_on):
    r = get(nginx, path)
    html = r.body.decode("utf-8")
    assert r.status in (200, 404) and '<html lang="vi"' in html  # never nginx's English 403
    if lands_on is None:
        assert r.status == 404 and "<h1>Không tìm thấy trang</h1>" in html
    else:
        assert r.status == 200 and "Địa chỉ này không có trang riêng" in html
        target = re.search(r'<a href="([^"]+)">', html).group(1)
        assert posixpath.normpath(posixpath.join(path, target)) + "/" == lands_on
        assert get(nginx, lands_on).status == 200


def test_pages_are_served_from_the_build_s_gz_files(nginx, sample_site):
    for path, file in [("/", "index.html"), (SEED_DIRECTIVE, SEED_DIRECTIVE.strip("/") + "/index.html"),
                       ("/du-lieu/van-ban.json", "du-lieu/van-ban.json")]:
        r = get(nginx, path, {"Accept-Encoding": "gzip"})
        assert r.getheader("Content-Encoding") == "gzip"
        # gzip_static sends the file as written (nginx's own compression would differ in its header).
        assert r.body == (sample_site.site / (file + ".gz")).read_bytes(), path
        assert gzip.decompress(r.body) == (sample_site.site / file).read_bytes()
        assert r.getheader("Content-Security-Policy")


def test_every_compressible_file_has_its_gz(sample_site):
    from vanban.precompress import COMPRESSIBLE, MIN_SIZE
    for path in sample_site.site.rglob("*"):
        if path.suffix in COMPRESSIBLE and path.stat().st_size >= 4 * MIN_SIZE and "_nginx" not in path.parts:
            assert path.with_name(path.name + ".gz").is_file(), path


@pytest.mark.skipif(os.geteuid() != 0, reason="nginx switches users only when started by root")
def test_workers_started_by_root_drop_root(sample_site, tmp_path):
    prefix = tmp_path / "nginx"
    with running_nginx(sample_site.site, prefix) as base:
        assert get(base, "/").status == 200  # the workers can read the site
        assert re.search(r"^user (www-data www-data|nobody nogroup|nobody nobody);$",
                         (prefix / "nginx.conf").read_text(encoding="utf-8"), re.M)
        master = (prefix / "nginx.pid").read_text().strip()
        workers = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == master]
        assert workers and all(_uid(p) != 0 for p in workers) and _uid(Path("/proc", master)) == 0


def _parent(proc: Path) -> str | None:
    try:
        return (proc / "stat").read_text().rsplit(")", 1)[1].split()[1]
    except OSError:
        return None


def _uid(proc: Path) -> int:
    line = next(line for line in (proc / "status").read_text().splitlines() if line.startswith("Uid:"))
    return int(line.split()[2])  # the effective uid


def test_generated_server_files_are_not_served(nginx, sample_site):
    assert (sample_site.site / "_nginx/headers.conf").exists()
    assert get(nginx, "/_nginx/headers.conf").status == 404
    assert get(nginx, "/_nginx/redirects.conf").status == 404


# ------------------------------------------------------------------------------------------------
# Redirects: aliases and short links
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, location", [
    ("/van-ban/2024/qd-15-stttt/", SEED_DIRECTIVE),
    ("/van-ban/2024/qd-15-stttt", SEED_DIRECTIVE),
    ("/van-ban/2024/qd-15-stttt/index.html", SEED_DIRECTIVE),
    ("/so/1562-ubnd-kt", "/van-ban/2022/1562-ubnd-kt/"),
    ("/so/1562-ubnd-kt/", "/van-ban/2022/1562-ubnd-kt/"),
    ("/so/02-kh-ubnd", "/van-ban/2023/02-kh-ubnd/"),
    ("/so/2-kh-ubnd", "/van-ban/2023/02-kh-ubnd/"),  # typed without the leading zero
    ("/so/30-2020-nd-cp", "/van-ban/2020/30-2020-nd-cp/"),
    ("/so/15-qd-stttt?utm_source=bao", SEED_DIRECTIVE + "?utm_source=bao"),  # the query string is kept
    ("/van-ban/2024/qd-15-stttt/?in=1&a=b", SEED_DIRECTIVE + "?in=1&a=b"),
])
def test_old_and_short_links_answer_301(nginx, path, location):
    r = get(nginx, path)
    assert r.status == 301
    assert r.getheader("Location") == location
    assert get(nginx, location).status == 200


def test_every_redirect_of_the_map_lands_on_a_page(nginx, sample_site):
    conf = (sample_site.site / "_nginx/redirects.conf").read_text(encoding="utf-8")
    entries = re.findall(r'^\s+"([^"]+)" "([^"]+)";$', conf, re.M)
    assert len(entries) >= 3 * 13  # every numbered sample directive, with and without slash
    for _source, target in entries:
        assert (sample_site.site / target.strip("/") / "index.html").exists(), target


@pytest.fixture(scope="module")
def ambiguous_site(tmp_path_factory):
    """Two directives numbered 07/KH-UBND, in 2023 and 2026 (numbers restart every year)."""
    plan = fixture_text("ke-hoach-hop-le.md")
    later = (plan.replace("number: 02/KH-UBND", "number: 07/KH-UBND").replace("date: 2023-01-04", "date: 2026-01-09")
             .replace("subject: Cải cách hành chính tỉnh Lạng Sơn năm 2023", "subject: Cải cách hành chính năm 2026"))
    first = plan.replace("number: 02/KH-UBND", "number: 07/KH-UBND")
    assert first != plan and "2026-01-09" in later and "năm 2026" in later
    tmp = tmp_path_factory.mktemp("ambiguous")
    folder = make_archive(tmp / "d", {"2023/07.md": first, "2026/07.md": later,
                                       "2022/1562.md": fixture_text("cong-van-hop-le.md")})
    result = run_build(tmp / "site", folder)
    assert result.returncode == 0, result.output
    with running_nginx(result.site, tmp / "nginx") as base:
        yield base


def test_ambiguous_number_lists_its_directives(ambiguous_site):
    r = get(ambiguous_site, "/so/07-kh-ubnd/")
    assert r.status == 200
    html = r.body.decode("utf-8")
    assert "Có 2 văn bản mang số 07/KH-UBND" in html
    assert 'href="../../van-ban/2026/07-kh-ubnd/"' in html and 'href="../../van-ban/2023/07-kh-ubnd/"' in html
    assert html.index("2026/07-kh-ubnd") < html.index("2023/07-kh-ubnd")  # newest first
    assert get(ambiguous_site, "/so/7-kh-ubnd/").status == 200
    # Without the slash nginx adds it, then lists; a unique number of the same archive still answers 301.
    assert get(ambiguous_site, "/so/07-kh-ubnd").getheader("Location") == "/so/07-kh-ubnd/"
    assert get(ambiguous_site, "/so/1562-ubnd-kt").status == 301


# ------------------------------------------------------------------------------------------------
# In the browser
# ------------------------------------------------------------------------------------------------

_WATCH_CSP = WATCH_CSP  # other test modules import it from here


@pytest.fixture
def page(browser):
    page = csp_watched_page(browser)
    yield page
    page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path, ready", [
    ("/", ".vb-list"),
    (SEED_DIRECTIVE, ".vb-paper__body"),
    ("/khong-co-trang-nay/", "h1"),
    ("/gioi-thieu/kha-nang-tiep-can/", "h1"),
])
def test_pages_run_under_the_csp_without_violation(nginx, page, path, ready):
    response = page.goto(nginx + path)
    page.wait_for_load_state("networkidle")
    assert page.locator(ready).first.is_visible()
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    # Material's scripts ran: the inline bootstrap defines __md_get, the bundle wires the
    # "back to top" button (navigation.top) into the page.
    assert page.evaluate("typeof __md_get") == "function"
    assert page.locator("[data-md-component=top]").count() == 1
    assert csp_problems(page) == []


@pytest.mark.browser
def test_the_violation_watch_sees_a_blocked_script(nginx, page):
    # The watch used above is not blind: code the policy does not list is blocked and reported.
    page.goto(nginx + "/")
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.__ran = 1"; document.body.append(s); }""")
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran") is None
    assert "script-src" in csp_problems(page)[0]


@pytest.mark.browser
def test_short_link_keeps_the_anchor(nginx, page, sample_site):
    html = sample_site.page(SEED_DIRECTIVE)
    anchor = re.search(r'class="vb-paper__body">.*?\bid="([^"]+)"', html, re.S).group(1)
    page.goto(f"{nginx}/so/15-qd-stttt#{anchor}")
    assert page.url == f"{nginx}{SEED_DIRECTIVE}#{anchor}"
    assert page.evaluate("location.hash") == f"#{anchor}"
    assert page.locator(f"#{anchor}").is_visible()
    assert page.evaluate(f"document.getElementById('{anchor}').getBoundingClientRect().top") < 200
    page.goto(f"{nginx}/van-ban/2024/qd-15-stttt/#{anchor}")
    assert page.url == f"{nginx}{SEED_DIRECTIVE}#{anchor}"
    assert csp_problems(page) == []


@pytest.mark.browser
def test_without_nginx_the_short_link_page_forwards_with_the_anchor(served_sample, page):
    # A static host (here Python's http.server) has no redirect map: the build's page forwards.
    page.goto(served_sample + "so/1562-ubnd-kt/?utm_source=bao#muc-1")
    page.wait_for_url("**/van-ban/2022/1562-ubnd-kt/?utm_source=bao#muc-1")  # query and anchor kept
    assert page.evaluate("location.hash") == "#muc-1"
    assert csp_problems(page) == []  # the page's own policy lets its forwarding script run


def test_vanban_nginx_prints_the_filled_configuration(sample_site, tmp_path):
    cmd = [str(VENV_BIN / "vanban"), "nginx", "--site", str(sample_site.site), "--listen", "8080",
           "--server-name", "vanban.example.gov.vn"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert f"root {sample_site.site.resolve()};" in out.stdout and "listen 8080;" in out.stdout
    assert "server_name vanban.example.gov.vn;" in out.stdout and "@" not in out.stdout.split("server {")[1]
    out = subprocess.run(cmd[:2] + ["--site", str(sample_site.site), "--standalone", str(tmp_path / "p")],
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith(f"nginx -p {tmp_path / 'p'}")
    assert subprocess.run(out.stdout.split() + ["-t"], capture_output=True).returncode == 0
    bad = subprocess.run(cmd[:2] + ["--site", str(sample_site.site), "--server-name", "a;b"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Không tạo được cấu hình nginx" in bad.stderr
