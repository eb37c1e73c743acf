"""Shared pieces of the browser tests: build a site once, serve it on 127.0.0.1, drive Debian's chromium."""
import functools
import http.server
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner
from playwright.sync_api import sync_playwright

from loopkit.cli import cli

from conftest import REPO

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def build_site(root: Path, bank: Path, *options: str) -> Path:
    """A throwaway project built from `bank`; returns its site folder."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("kit"))
    previous = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(cli, ["build", "--bank", str(bank), "--no-pdf", *options], catch_exceptions=False)
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    return root / "site"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def served(site: Path):
    """Serve `site` on a free loopback port; search needs http, not file://."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
