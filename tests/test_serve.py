"""`loopkit serve` recompiles when a bank file changes, and the preview shows the change."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from conftest import REPO


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, contains: str, timeout: float = 60) -> str:
    """Poll until the page contains `contains` (the server starts, then rebuilds, in its own time)."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            last = urllib.request.urlopen(url, timeout=5).read().decode()
            if contains in last:
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never contained {contains!r}")


@contextmanager
def serving(project, bank):
    """`loopkit serve` on a free port, in its own process group; its base address. Stopped afterwards."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "loopkit", "serve", "--bank", str(bank), "--port", str(port)],
                              cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=dict(os.environ, PYTHONPATH=str(REPO / "scripts")), start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def test_serve_rebuilds_after_a_bank_edit(project, fixture_bank):
    with serving(project, fixture_bank) as base:
        url = f"{base}kit/questions/chunk-size-choice/"
        fetch(url, "Choosing a chunk size for policy documents")
        path = fixture_bank / "questions" / "chunk-size-choice.yaml"
        path.write_text(path.read_text().replace("Choosing a chunk size for policy documents",
                                                 "Choosing a chunk size for contract documents"))
        fetch(url, "Choosing a chunk size for contract documents")


def test_serve_shows_a_broken_edit_in_the_browser_until_it_is_fixed(project, fixture_bank):
    with serving(project, fixture_bank) as base:
        url = f"{base}kit/questions/chunk-size-choice/"
        fetch(url, "Choosing a chunk size for policy documents")
        path = fixture_bank / "questions" / "chunk-size-choice.yaml"
        good = path.read_text()
        path.write_text(good.replace("minutes: 20", " minutes: 20"))
        page = fetch(url, "The bank has errors")
        assert ("questions/chunk-size-choice.yaml:9:2: LK001 YAML indentation: `minutes:` starts at column 2" in
                page.replace("&#x60;", "`").replace("&#96;", "`"))
        assert "Choosing a chunk size for policy documents" in page  # the last good page stays below the errors
        home = urllib.request.urlopen(f"{base}kit/", timeout=5).read().decode()
        assert "The bank has errors" in home
        path.write_text(good.replace("Choosing a chunk size for policy documents", "Choosing a chunk size for contracts"))
        page = fetch(url, "Choosing a chunk size for contracts")
        assert "The bank has errors" not in page
