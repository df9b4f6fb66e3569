"""One build per site folder: a second build stops at once and names the process holding the folder;
no wait for Pagefind lasts for ever."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from conftest import fixture_text, make_archive, run_build
from vanban.sitelock import SiteBusy, SiteLock, lock_path

HOLD = """
import sys, time
sys.path.insert(0, {hooks!r})
from vanban.sitelock import SiteLock
lock = SiteLock({site!r}); lock.acquire(); print("held", flush=True); time.sleep(60)
"""


@pytest.fixture
def held(tmp_path):
    """The lock of tmp_path/site, held by another process (its pid is yielded)."""
    from conftest import ROOT
    site = tmp_path / "site"
    proc = subprocess.Popen([sys.executable, "-c", HOLD.format(hooks=str(ROOT / "hooks"), site=str(site))],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield site, proc.pid
    proc.kill()
    proc.wait()


def test_a_second_lock_fails_at_once_naming_the_holder(held):
    site, pid = held
    started = time.monotonic()
    with pytest.raises(SiteBusy, match=f"tiến trình {pid}"):
        SiteLock(site).acquire()
    assert time.monotonic() - started < 1


def test_the_lock_is_free_again_once_the_holder_ends(held, tmp_path):
    site, _ = held
    subprocess.run(["kill", "-9", str(held[1])], check=True)
    time.sleep(0.3)
    lock = SiteLock(site)
    lock.acquire()  # a killed build leaves no stale lock
    assert lock.held and lock_path(site) == tmp_path / ".site.lock"
    lock.release()


def test_a_second_build_into_the_same_folder_stops_at_once(held, tmp_path):
    site, pid = held
    started = time.monotonic()
    result = run_build(site)
    assert result.returncode != 0
    assert f"đang được một bản dựng khác ghi (tiến trình {pid}" in result.output
    assert "Traceback" not in result.output
    assert time.monotonic() - started < 30  # MkDocs' start-up; no page was built


def build_with_pagefind(tmp_path, script: str, timeout: str):
    """A build of one directive with `script` as the Pagefind binary; (result, seconds taken)."""
    binary = tmp_path / "pagefind-fake"
    binary.write_text(script)
    binary.chmod(0o755)
    folder = make_archive(tmp_path / "d", {"2023/a.md": fixture_text("ke-hoach-hop-le.md")})
    started = time.monotonic()
    result = run_build(tmp_path / "site", folder, extra_env={"PAGEFIND_BINARY_PATH": str(binary),
                                                             "VANBAN_PAGEFIND_TIMEOUT": timeout})
    return result, time.monotonic() - started


def test_a_pagefind_that_never_answers_ends_the_build_with_a_clear_error(tmp_path):
    result, seconds = build_with_pagefind(tmp_path, "#!/bin/sh\n# reads every request, answers none\ncat >/dev/null\n", "2")
    assert result.returncode != 0
    assert "Pagefind không trả lời sau 2 giây" in result.output
    assert "Traceback" not in result.output
    assert seconds < 60


def test_what_a_silent_pagefind_printed_is_named_in_the_error(tmp_path):
    # A Rust panic has no comma to end it: it waits unread in the pipe, and is the one clue to the wait.
    result, _ = build_with_pagefind(
        tmp_path, "#!/bin/sh\nprintf \"thread 'main' panicked at src/output/mod.rs: No such file or directory\"\n"
                  "cat >/dev/null\n", "2")
    assert result.returncode != 0
    assert "Pagefind không trả lời sau 2 giây" in result.output
    assert "Pagefind in ra: \"thread 'main' panicked at src/output/mod.rs: No such file or directory\"" in result.output


def test_text_pagefind_writes_instead_of_a_reply_is_named_and_the_build_ends_when_it_exits(tmp_path):
    result, seconds = build_with_pagefind(
        tmp_path, "#!/bin/sh\n# answers the first request with text that is not a reply, then exits\n"
                  "read -r -d , request; printf 'không phải trả lời,'\n", "120")
    assert result.returncode != 0
    assert "Pagefind in ra dòng không phải câu trả lời" in result.output and "Pagefind dừng giữa chừng" in result.output
    assert "Traceback" not in result.output
    assert seconds < 60


def test_text_pagefind_writes_to_its_error_output_is_not_taken_for_a_reply(tmp_path):
    """Pagefind's Python package reads the binary's standard error from the same pipe as replies: an
    exception in the loop reading them (a comma in that text) left every request waiting."""
    from pagefind.service import get_executable

    result, _ = build_with_pagefind(
        tmp_path, f"#!/bin/sh\necho 'Pagefind: a warning, then the replies' >&2\nexec {get_executable()} \"$@\"\n", "30")
    assert result.returncode == 0, result.output[-2000:]
    assert (tmp_path / "site" / "pagefind" / "buckets.json").is_file()
