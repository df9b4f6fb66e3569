"""`vanban.stopping`: under the preview, SIGTERM and SIGHUP stop it as Ctrl+C does, once."""

from __future__ import annotations

import subprocess
import textwrap

import pytest

from conftest import VENV_BIN, hangup_as_from_a_terminal

# A process that asks for the preview's handling, is stopped, and while it cleans up (MkDocs deletes
# the preview's site in a `finally`) is signalled again, as `timeout` and a harness's `terminate()`
# both do; then it forks a worker that must still die of SIGTERM.
PROGRAM = textwrap.dedent("""
    import os, signal, sys, time
    from vanban.stopping import stop_like_ctrl_c

    stop_like_ctrl_c()
    try:
        os.kill(os.getpid(), signal.{first})
        time.sleep(10)
        sys.exit("not stopped")
    except KeyboardInterrupt:
        print("stopping", flush=True)
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGHUP)
        time.sleep(0.2)
        print("site deleted", flush=True)
    ready, say_ready = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(say_ready, b"x")  # (a signal before the child's start-up is over would be dropped)
        time.sleep(10)
        os._exit(3)
    os.read(ready, 1)
    os.kill(pid, signal.SIGTERM)
    _, status = os.waitpid(pid, 0)
    print("worker ended by signal", os.WTERMSIG(status) if os.WIFSIGNALED(status) else None, flush=True)
""")


@pytest.mark.parametrize("first", ["SIGTERM", "SIGHUP"])
def test_a_second_stop_signal_does_not_cut_the_cleanup_short(first):
    with hangup_as_from_a_terminal():
        proc = subprocess.Popen([str(VENV_BIN / "python"), "-c", PROGRAM.format(first=first)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:  # timed out: leave no process behind, as subprocess.run would not
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out.splitlines() == ["stopping", "site deleted", "worker ended by signal 15"]
    assert "Traceback" not in err


# Started under `nohup`, the preview must outlive the terminal: SIGHUP stays ignored, SIGTERM still stops it.
UNDER_NOHUP = textwrap.dedent("""
    import os, signal, sys, time
    from vanban.stopping import stop_like_ctrl_c

    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as nohup leaves it
    stop_like_ctrl_c()
    os.kill(os.getpid(), signal.SIGHUP)
    time.sleep(0.2)
    print("still serving", flush=True)
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)
        sys.exit("not stopped")
    except KeyboardInterrupt:
        print("stopping", flush=True)
""")


def test_under_nohup_a_hangup_leaves_the_preview_running():
    done = subprocess.run([str(VENV_BIN / "python"), "-c", UNDER_NOHUP], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["still serving", "stopping"]
