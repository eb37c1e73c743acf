"""The wheel, not the checkout: a team installs loopkit, runs `loopkit init`, and builds its kit from the
shared bank, templates and pages that ship inside the package."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow


def test_a_kit_made_from_the_installed_wheel_builds_its_site(tmp_path):
    source, wheels, installed, kit = (tmp_path / name for name in ("source", "wheels", "installed", "our-kit"))
    # A clean copy: setuptools reuses a checkout's build/ folder, which can hold files the wheel would miss.
    shutil.copytree(REPO, source, ignore=lambda folder, names: [
        name for name in names if name == "__pycache__" or name.endswith(".egg-info")
        or (folder == str(REPO) and name in {".git", ".venv", "build", "site", ".loopkit-cache", ".cache"})])
    shutil.rmtree(source / "content" / "kit", ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = wheels.glob("loopkit-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(installed),
                    str(wheel)], check=True, capture_output=True, timeout=600)
    # The wheel's loopkit comes first on the path, ahead of the checkout this suite runs from.
    environment = dict(os.environ, PYTHONPATH=str(installed))
    where = subprocess.run([sys.executable, "-c", "import loopkit; print(loopkit.__file__)"], env=environment,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(installed)), where

    def loopkit(*args: str, cwd=tmp_path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "loopkit", *args], cwd=cwd, env=environment,
                              capture_output=True, text=True, timeout=600)

    made = loopkit("init", str(kit), "--name", "Our kit")
    assert made.returncode == 0, made.stdout + made.stderr
    built = loopkit("build", "--no-pdf", cwd=kit)
    assert built.returncode == 0, built.stdout + built.stderr
    site = kit / "site"
    assert "Our kit" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "kit" / "ai-application-engineer" / "senior" / "index.html").is_file()
    code_review = site / "kit" / "questions" / "review-agent-loop-code" / "index.html"
    assert '<pre class="highlight">' in code_review.read_text(encoding="utf-8")  # loopkit.highlight, installed
