"""The wheel, not the checkout: a team installs loopkit, runs `loopkit init`, and builds its kit from the
shared bank, templates and pages that ship inside the package."""
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import REPO
from loopkit import DISTRIBUTION, __version__

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel pip builds from a clean copy of this checkout, built once for the module."""
    folder = tmp_path_factory.mktemp("wheel")
    source, wheels = folder / "source", folder / "wheels"
    # A clean copy: setuptools reuses a checkout's build/ folder, which can hold files the wheel would miss.
    shutil.copytree(REPO, source, ignore=lambda parent, names: [
        name for name in names if name == "__pycache__" or name.endswith(".egg-info")
        or (parent == str(REPO) and name in {".git", ".venv", "build", "site", ".loopkit-cache", ".cache"})])
    shutil.rmtree(source / "content" / "kit", ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)],
                   check=True, capture_output=True, timeout=600)
    (built,) = wheels.glob("*.whl")
    return built


def test_a_kit_made_from_the_installed_wheel_builds_its_site(tmp_path, wheel):
    installed, kit = tmp_path / "installed", tmp_path / "our-kit"
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


def the_other_loopkit(folder: Path) -> Path:
    """A stand-in for the package index's own `loopkit` (1.0.1, a library for feedback control loops):
    a wheel of that name and version, with a package and no command."""
    folder.mkdir()
    path = folder / "loopkit-1.0.1-py3-none-any.whl"
    files = {
        "loopkit/__init__.py": '"""Feedback control loops (not the interview kit)."""\n',
        "loopkit-1.0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: loopkit\nVersion: 1.0.1\n",
        "loopkit-1.0.1.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                         "Tag: py3-none-any\n",
    }
    files["loopkit-1.0.1.dist-info/RECORD"] = "".join(f"{name},,\n" for name in files) + \
        "loopkit-1.0.1.dist-info/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def pip_arguments(line: str) -> list[str]:
    """The arguments of the `pip install` in a shell line such as `... && .venv/bin/pip install -r x && ...`."""
    (command,) = [part for part in line.split("&&") if re.search(r"\bpip install\b", part)]
    words = shlex.split(command)
    return words[words.index("install") + 1:]


def test_the_kits_own_install_line_installs_this_loopkit_even_where_the_index_has_another(tmp_path, wheel):
    """The kit's requirements name this project with a version, so an index that also serves the
    other `loopkit` (here a local folder standing in for it, at a higher version) cannot win."""
    kit, venv = tmp_path / "our-kit", tmp_path / "clean"
    subprocess.run([sys.executable, "-m", "loopkit", "init", str(kit), "--name", "Our kit"], check=True,
                   capture_output=True, timeout=600)
    requirements = [line for line in (kit / "requirements.txt").read_text(encoding="utf-8").splitlines()
                    if line.strip() and not line.startswith("#")]
    assert requirements and all(re.fullmatch(rf"{DISTRIBUTION}[<>=~!]=?\d[\w.,<>=~!]*", r) for r in requirements), \
        requirements
    # Every install line the kit writes goes through requirements.txt: its README and its workflow.
    lines = [line for name in ("README.md", ".github/workflows/kit.yml")
             for line in (kit / name).read_text(encoding="utf-8").splitlines() if re.search(r"\bpip install\b", line)]
    assert len(lines) == 2 and all("-r requirements.txt" in line for line in lines), lines
    assert not re.search(r"pip install[^\n&]*\bloopkit\b(?!-)", (kit / "README.md").read_text(encoding="utf-8"))

    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=600)
    scripts = Path(sysconfig.get_path("scripts", vars={"base": str(venv), "platbase": str(venv)}))
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    index = tmp_path / "index"
    index.mkdir()
    shutil.copy(wheel, index)
    the_other_loopkit(tmp_path / "elsewhere")
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", *pip_arguments(lines[0]), "--no-deps",
                                "--no-index", "--find-links", str(index), "--find-links", str(tmp_path / "elsewhere")],
                               cwd=kit, capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # Offline, loopkit's dependencies come from this suite's environment, added once the install is done
    # and after the venv's own packages (a .pth line appends to the path, and the editable checkout's
    # finder there is not run): the loopkit the venv runs is only ever the one the install line put there.
    site_packages = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                   check=True, capture_output=True, text=True).stdout.strip()
    Path(site_packages, "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")

    command = scripts / ("loopkit.exe" if os.name == "nt" else "loopkit")
    assert command.is_file(), "the install line gave no loopkit command"
    version = subprocess.run([str(command), "--version"], capture_output=True, text=True, timeout=600)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip().endswith(f"version {__version__}"), version.stdout
    helped = subprocess.run([str(command), "--help"], capture_output=True, text=True, timeout=600)
    for name in ("build", "validate", "init", "export"):
        assert re.search(rf"^\s+{name}\s", helped.stdout, re.MULTILINE), helped.stdout
    where = subprocess.run([str(python), "-c", "import loopkit; print(loopkit.__file__)"], capture_output=True,
                           text=True, check=True).stdout
    assert where.startswith(site_packages), where
