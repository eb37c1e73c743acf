"""The built site as a web server sees it: `loopkit build` run from the command line, as a user runs it,
with a relative or an absolute --site-dir, then served by a static server running as another user."""
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import urllib.request
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import FIXTURES, REPO

UMASK = 0o022


@pytest.fixture
def fresh_project(tmp_path):
    """A fresh copy of the project in a folder every user may enter (as a web server's files would be),
    with the small fixture bank, and the umask most machines have."""
    root = Path(tempfile.mkdtemp(prefix="loopkit-published-"))
    root.chmod(0o755)
    project = root / "project"
    project.mkdir()
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "site_templates", project / "site_templates")
    shutil.copytree(REPO / "content", project / "content", ignore=shutil.ignore_patterns("kit"))
    shutil.copytree(FIXTURES / "bank", project / "question_bank")
    previous = os.umask(UMASK)
    try:
        yield project
    finally:
        os.umask(previous)
        shutil.rmtree(root, ignore_errors=True)


def loopkit(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loopkit", *args], cwd=project, capture_output=True, text=True,
                          timeout=600)


def server_command() -> tuple[str, dict]:
    """A Python to run the static server with, and Popen arguments that run it as `nobody` when the tests
    run as root (CI's container) and such a Python exists (this suite's may sit in a folder only its
    owner may enter); otherwise the user's own server. The mode bits are checked either way."""
    if os.name == "posix" and os.geteuid() == 0:
        import pwd

        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            return sys.executable, {}
        user = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
        for python in (sys.executable, getattr(sys, "_base_executable", ""), "/usr/bin/python3",
                       "/usr/local/bin/python3"):
            try:
                if python and subprocess.run([python, "-c", "pass"], capture_output=True, **user).returncode == 0:
                    return python, user
            except OSError:  # not allowed to run it
                continue
    return sys.executable, {}


@contextmanager
def static_server(folder: Path):
    """`python -m http.server` on a free port of 127.0.0.1, serving `folder`, as another user when it can."""
    python, user = server_command()
    process = subprocess.Popen([python, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                                "--directory", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, **user)
    try:
        port = re.search(r"port (\d+)", process.stdout.readline()).group(1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()


class Assets(HTMLParser):
    """The stylesheets, scripts and images a page loads."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon") or tag in ("script", "img"):
            url = attrs.get("href") or attrs.get("src")
            if url and not urlsplit(url).scheme and not url.startswith("//"):
                self.urls.append(url)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200, url
        return response.read()


def assert_world_readable(site: Path) -> None:
    """What a plain `mkdocs build` gives under the umask: folders o+rx, files o+r."""
    if os.name != "posix":  # no mode bits to speak of
        return
    assert stat.S_IMODE(site.stat().st_mode) == 0o777 & ~UMASK, oct(site.stat().st_mode)
    for path in [site, *site.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        wanted = stat.S_IROTH | stat.S_IXOTH if path.is_dir() else stat.S_IROTH
        assert mode & wanted == wanted, f"{path}: {oct(mode)}"


@pytest.mark.parametrize("audience", ["candidate", "interviewer"])
@pytest.mark.parametrize("where", ["relative", "absolute"])
def test_the_site_lands_in_site_dir_readable_by_a_web_server(fresh_project, audience, where):
    target = Path("public") if where == "relative" else fresh_project.parent / "www" / "public"
    built = loopkit(fresh_project, "build", "--audience", audience, "--no-pdf", "--site-dir", str(target))
    assert built.returncode == 0, built.stdout + built.stderr
    site = fresh_project / target  # an absolute target stays as it is
    assert (site / "index.html").is_file(), f"nothing built in {site}: {sorted(os.listdir(site))}"
    assert f"site built in {target}" in built.stderr or f"site built in {site}" in built.stderr, built.stderr
    # Nothing built elsewhere: no staging folder left next to the site, in the project or in the cache.
    strays = [path for folder in (fresh_project, site.parent) for path in folder.rglob(".public-*")]
    assert strays == []
    assert_world_readable(site)

    with static_server(site) as url:
        page = fetch(url).decode("utf-8")
        assert "<title>" in page
        assets = Assets()
        assets.feed(page)
        assert any(u.endswith(".css") for u in assets.urls) and any(u.endswith(".js") for u in assets.urls)
        for asset in assets.urls:
            assert fetch(urljoin(url, asset)), asset
    if audience == "candidate":
        assert "assets/loopkit.js" in assets.urls  # the theme fixes it carries (accessibility) ship too


@pytest.mark.skipif(os.name != "posix", reason="mode bits")
def test_the_site_takes_the_mode_the_umask_gives_like_a_plain_mkdocs_build(tmp_path):
    """Not a fixed 0755: a user whose umask keeps others out keeps them out of the site too."""
    from loopkit.publish import build_site

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Hello\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: umask\n")
    previous = os.umask(0o027)
    try:
        built, log = build_site(tmp_path / "mkdocs.yml", tmp_path / "out" / "site")
    finally:
        os.umask(previous)
    assert built, log
    assert stat.S_IMODE((tmp_path / "out" / "site").stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "out" / "site" / "index.html").stat().st_mode) == 0o640
