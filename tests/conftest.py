import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="Rewrite tests/golden/ from the current output.")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture
def fixture_bank(tmp_path) -> Path:
    """A private copy of the small valid bank, safe to edit."""
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURES / "bank", bank)
    return bank


@pytest.fixture
def fixture_project(tmp_path, monkeypatch):
    """A project whose bank is a private copy of the small valid bank, as the cwd: where score sheets are
    written and read back against a packet small enough to reason about."""
    from loopkit.pipeline import Project

    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "bank", root / "bank")
    monkeypatch.chdir(root)
    return Project.at(root, root / "bank")


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A loopkit project in a temporary folder (config, hand-written pages, templates), as the cwd."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("kit"))
    monkeypatch.chdir(root)
    return root


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    """The bundled bank compiled, and the synthetic hiring data of tests/synthetic.py written as sealed
    sheets and checked: (compiled, sheets folder, planted effects, panels by candidate). Shared by the
    tests of the debrief, calibration and ATS interchange, which only read it."""
    from loopkit.load import load_sheets
    from loopkit.pipeline import Project, check, packet_editions
    from loopkit.sheets import check_sheets
    from synthetic import generate

    project = Project.at(REPO)
    compiled = check(project)
    editions = packet_editions(project, compiled.packets)
    folder = tmp_path_factory.mktemp("hiring") / "sheets"
    planted = generate(folder, compiled.packets, editions)
    panels, problems = check_sheets(load_sheets(folder), compiled.packets, editions, compiled.bank.levels)
    assert problems == []
    return compiled, folder, planted, {panel.candidate: panel for panel in panels}
