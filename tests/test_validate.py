"""Each validation rule, exercised by one invalid fixture named after its code."""
import os
import shutil
from pathlib import Path

import pytest

from loopkit.pipeline import Project, check
from loopkit.plan import unused_bar
from loopkit.problems import CODES

from conftest import FIXTURES

INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
BANK_RULES = [path for path in INVALID  # LK3xx: score sheets, test_sheets.py; LK402 needs a crowd, test_selection.py
              if not path.stem.startswith("LK3") and path.stem != "LK402"]
MARK = "# <-"


def test_the_fixture_bank_is_clean(fixture_bank):
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    assert compiled.problems == []
    assert len(compiled.packets) == 2


def test_every_code_has_a_fixture():
    assert {path.stem for path in INVALID} == set(CODES)


AS_OF = "1795392000"  # 2026-11-23: the date "not reviewed in a year" counts from


@pytest.mark.parametrize("fixture", BANK_RULES, ids=lambda path: path.stem)
def test_rule_reports_its_code_at_the_right_place(fixture: Path, fixture_bank: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AS_OF)
    code = fixture.stem
    text = fixture.read_text()
    directive, argument = text.splitlines()[0].lstrip("# ").split(": ", 1)
    banks, shown = [fixture_bank], "bank"
    if directive == "overlay":  # the fixture is a file of a second bank layer, over the fixture bank
        banks.append(fixture_bank.parent / "overlay")
        shown, fixture_bank = "overlay", banks[-1]
        (fixture_bank / "questions").mkdir(parents=True)
    if directive == "remove":
        removed = fixture_bank / argument
        shutil.rmtree(removed) if removed.is_dir() else removed.unlink()
        expected_line = 0
    else:
        target = fixture_bank / argument
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and target.name not in os.listdir(target.parent):
            pytest.skip(f"{argument} would replace a file on this case-insensitive file system")
        shutil.copy(fixture, target)
        marked = [n for n, line in enumerate(text.splitlines(), 1) if line.rstrip().endswith(MARK)]
        expected_line = marked[0] if marked else None

    compiled = check(Project.at(fixture_bank.parent, banks))

    notices = [unused_bar(question, level, compiled.loops) for question, level in compiled.unused_bars]
    found = [p for p in compiled.problems + notices if p.code == code]
    assert found, f"{code} not reported; got {compiled.problems}"
    assert all(p.path.startswith(f"{shown}/") for p in found)
    assert any(p.path == f"{shown}/{argument}" for p in found), found
    if expected_line is not None:
        assert expected_line in [p.line for p in found], f"expected line {expected_line}, got {found}"
    severity = ("warning" if code.startswith("LK2") and code != "LK202" else "notice" if code.startswith("LK4")
                else "error")
    assert {p.severity for p in found} == {severity}
    assert compiled.ok == (severity != "error")


def test_a_question_keeps_a_warning_only_with_a_written_waiver(fixture_bank, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", AS_OF)
    path = fixture_bank / "questions" / "chunk-size-choice.yaml"
    path.write_text(path.read_text().replace("reviewed: 2026-11-01", "reviewed: 2024-03-01"))
    assert [p.code for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems] == ["LK207"]
    path.write_text(path.read_text() + "waivers:\n  - code: LK207\n    reason: Unchanged on purpose, it anchors our calibration set.\n")
    assert check(Project.at(fixture_bank.parent, fixture_bank)).problems == []


def test_relative_links_in_bank_text_are_reported_where_they_are(fixture_bank):
    """Bank text is shown at several folder depths and in PDFs, so a relative link ships broken;
    full addresses (protocol-relative ones too) and autolinks are fine."""
    question = fixture_bank / "questions" / "chunk-size-choice.yaml"
    text = question.read_text()
    text = text.replace("  - What would you look at first, and why?",
                        "  - What would you look at first ([the dashboard](../dash#latency)), and why?", 1)
    text = text.replace("  chunk size and overlap for retrieval over them, and how would you test your choice?",
                        "  chunk size, [answers](https://example.com/a) about [refunds](//example.com/r) in mind"
                        " <https://example.com/x> ![chart](chart.png), mail [us](mailto:a@example.com).\n\n"
                        "  The [runbook][rb] says more.\n\n  [rb]: runbooks/refunds.md", 1)
    question.write_text(text)
    roles = fixture_bank / "vocabulary" / "roles.yaml"
    roles.write_text(roles.read_text().replace("    summary: ", "    summary: See [the guide](#guide). ", 1))
    problems = [p for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems if p.code == "LK020"]
    assert sorted((p.path, p.message.split(" links to ")[0], p.message.split("'")[1]) for p in problems) == [
        ("bank/questions/chunk-size-choice.yaml", "probes[0]", "../dash#latency"),
        ("bank/questions/chunk-size-choice.yaml", "prompt", "runbooks/refunds.md"),
        ("bank/vocabulary/roles.yaml", "summary", "#guide")], problems
    lines = question.read_text().splitlines()
    probe = next(p for p in problems if p.message.startswith("probes[0]"))
    assert lines[probe.line - 1][probe.col - 1:].startswith("What would you look at first")


def test_ids_cannot_name_a_page_loopkit_generates(fixture_bank):
    """The names validate keeps from ids are the ones render lays out: a role folder, a question or a
    competency page or a stage guide with one of them would replace a generated page."""
    from loopkit.edition import Edition
    from loopkit.render import render_site
    from loopkit.validate import TAKEN

    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    editions = {p.slug: Edition("0.1.0", "2026-11-01", "0", "a") for p in compiled.packets}
    pages = render_site(compiled.bank, compiled.packets, FIXTURES.parent.parent / "site_templates", editions)
    top = {path.split("/")[0].removesuffix(".md") for path in pages} - set(compiled.bank.roles)
    assert {name for name in top if not name.startswith("_") and name != "index"} <= TAKEN["role"]
    assert "questions/index.md" in pages and "competencies/index.md" in pages
    assert all(f"{packet.slug}/index.md" in pages for packet in compiled.packets)


def test_assistant_use_is_scored_where_an_assistant_is_allowed(fixture_bank):
    """LK214: allowing an assistant means a rubric line scores its use; an ai-assisted exercise allows one."""
    path = fixture_bank / "questions" / "chunk-size-choice.yaml"
    text = path.read_text()
    path.write_text(text.replace("allowed: false", "allowed: true"))
    found = [p for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems if p.code == "LK214"]
    assert len(found) == 1 and "no rubric line scores its use" in found[0].message
    path.write_text(text.replace("allowed: false", "allowed: true").replace(
        "- Reads a few failing examples", "- Takes the assistant's first chunk size; reads a few failing examples"))
    assert [p.code for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems] == []
    path.write_text(text.replace("format: design", "format: ai-assisted"))
    found = [p for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems if p.code == "LK214"]
    assert len(found) == 1 and "does not allow one" in found[0].message
