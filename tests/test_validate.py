"""Each validation rule, exercised by one invalid fixture named after its code."""
import shutil
from pathlib import Path

import pytest

from loopkit.pipeline import Project, check
from loopkit.problems import CODES

from conftest import FIXTURES

INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
MARK = "# <-"


def test_the_fixture_bank_is_clean(fixture_bank):
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    assert compiled.problems == []
    assert len(compiled.packets) == 2


def test_every_code_has_a_fixture():
    assert {path.stem for path in INVALID} == set(CODES)


AS_OF = "1795392000"  # 2026-11-23: the date "not reviewed in a year" counts from


@pytest.mark.parametrize("fixture", INVALID, ids=lambda path: path.stem)
def test_rule_reports_its_code_at_the_right_place(fixture: Path, fixture_bank: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AS_OF)
    code = fixture.stem
    text = fixture.read_text()
    directive, argument = text.splitlines()[0].lstrip("# ").split(": ", 1)
    if directive == "remove":
        (fixture_bank / argument).unlink()
        expected_line = 0
    else:
        target = fixture_bank / argument
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(fixture, target)
        marked = [n for n, line in enumerate(text.splitlines(), 1) if line.rstrip().endswith(MARK)]
        expected_line = marked[0] if marked else None

    compiled = check(Project.at(fixture_bank.parent, fixture_bank))

    found = [p for p in compiled.problems if p.code == code]
    assert found, f"{code} not reported; got {compiled.problems}"
    assert all(p.path.startswith("bank/") for p in found)
    assert any(p.path == f"bank/{argument}" for p in found), found
    if expected_line is not None:
        assert expected_line in [p.line for p in found], f"expected line {expected_line}, got {found}"
    severity = "warning" if code.startswith("LK2") and code != "LK202" else "error"
    assert {p.severity for p in found} == {severity}
    assert compiled.ok == (severity == "warning")


def test_a_question_keeps_a_warning_only_with_a_written_waiver(fixture_bank, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AS_OF)
    path = fixture_bank / "questions" / "chunk-size-choice.yaml"
    path.write_text(path.read_text().replace("reviewed: 2026-11-01", "reviewed: 2024-03-01"))
    assert [p.code for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems] == ["LK207"]
    path.write_text(path.read_text() + "waivers:\n  - code: LK207\n    reason: Unchanged on purpose, it anchors our calibration set.\n")
    assert check(Project.at(fixture_bank.parent, fixture_bank)).problems == []
