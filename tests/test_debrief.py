"""`loopkit debrief` and `loopkit calibrate` on the synthetic sheets of tests/synthetic.py: every planted
effect is found, and every candidate's outcome is the one the printed rule gives."""
import re

import pytest
from click.testing import CliRunner

from loopkit import calibrate as calibration
from loopkit.cli import cli
from loopkit.debrief import EXIT_CODES, debrief
from loopkit.decision import HIRE, HOLD, NO_HIRE, decide, next_level
from loopkit.pipeline import Project

from conftest import REPO
from synthetic import LENIENT, PACKETS, PER_PACKET
from test_decision import plain



def test_the_data_set_is_big_enough_to_mean_something(world):
    _, _, planted, panels = world
    assert len(panels) == len(PACKETS) * PER_PACKET >= 40
    assert len({panel.packet.slug for panel in panels.values()}) == 4
    assert sum(len(panel.sheets) for panel in panels.values()) > 300
    assert sum(sheet.shadowing for panel in panels.values() for sheet in panel.sheets) > 50


def test_the_debrief_outcome_is_the_printed_rule_on_every_candidate(world):
    compiled, _, _, panels = world
    outcomes = set()
    for panel in panels.values():
        result = debrief(panel, compiled.bank.levels)
        assert result.decision == decide(panel.packet, panel.ratings(), next_level(compiled.bank.levels,
                                                                                    panel.packet.level))
        assert result.decision.outcome == plain(panel.packet, panel.ratings()), panel.candidate
        assert result.exit_code == EXIT_CODES[result.decision.outcome]
        outcomes.add(result.decision.outcome)
    assert outcomes == {HIRE, NO_HIRE, HOLD}


def test_the_debrief_finds_every_planted_effect(world):
    compiled, _, planted, panels = world
    levels = compiled.bank.levels
    for candidate, competency in planted.disagreements.items():
        found = {d.competency.id: d for d in debrief(panels[candidate], levels).disagreements}
        assert competency in found and found[competency].spread >= 2, candidate
    for candidate, stage in planted.late.items():
        late = debrief(panels[candidate], levels).late
        assert stage in {item.sheet.stage for item in late}, candidate
    for candidate, competency in planted.held.items():
        result = debrief(panels[candidate], levels)
        name = compiled.bank.competencies[competency].name
        assert result.decision.outcome == HOLD and any(reason.startswith(name) for reason in result.decision.reasons)
    for candidate, competency in planted.silent.items():
        assert competency in {c.id for c in debrief(panels[candidate], levels).silent}, candidate
    on_time = [c for c in panels if c not in planted.late]
    assert sum(bool(debrief(panels[c], levels).late) for c in on_time) == 0  # no false alarm on independence


def test_debrief_exits_with_the_outcome_and_writes_only_to_out(world, tmp_path, monkeypatch):
    compiled, folder, planted, panels = world
    monkeypatch.chdir(REPO)
    by_outcome = {}
    for candidate, panel in sorted(panels.items()):
        by_outcome.setdefault(debrief(panel, compiled.bank.levels).decision.outcome, candidate)
    runner = CliRunner()
    for outcome, candidate in by_outcome.items():
        out = tmp_path / candidate
        result = runner.invoke(cli, ["debrief", str(folder / candidate), "--out", str(out), "--no-pdf"])
        assert result.exit_code == {HIRE: 0, NO_HIRE: 10, HOLD: 11}[outcome], result.output
        assert f"outcome: {outcome}" in result.output
        assert [path.name for path in out.iterdir()] == [f"debrief-{candidate}.html"]
        page = (out / f"debrief-{candidate}.html").read_text()
        assert f"Computed outcome: {outcome}" in page and "<script" not in page
    several = runner.invoke(cli, ["debrief", str(folder), "--out", str(tmp_path / "all"), "--no-pdf"])
    assert several.exit_code == 2 and not (tmp_path / "all").exists()


def test_interviewer_text_cannot_put_markup_on_the_debrief_page(world, tmp_path):
    compiled, _, _, panels = world
    from loopkit.pipeline import write_private
    from loopkit.sheets import utc
    panel = next(iter(panels.values()))
    hostile = panel.sheets[0].ratings[0].model_copy(update={"evidence": "<script>alert(1)</script> <img src=x onerror=y>"})
    sheet = panel.sheets[0].model_copy(update={"ratings": [hostile, *panel.sheets[0].ratings[1:]],
                                               "interviewer": "<b onclick=x>Eve</b>"})
    result = debrief(type(panel)(panel.folder, panel.candidate, panel.packet, (sheet, *panel.sheets[1:])),
                     compiled.bank.levels)
    [path] = write_private(Project.at(REPO), tmp_path, "d", "debrief.html.j2", None, result=result,
                           levels=compiled.bank.levels, utc=utc, disagreement=2)
    page = path.read_text()
    assert "<script" not in page and "<img" not in page and "<b onclick" not in page
    assert "&#60;script&#62;alert(1)" in page


@pytest.fixture(scope="module")
def calibrated(world):
    compiled, _, _, panels = world
    return calibration.calibrate(list(panels.values()), compiled.bank.levels,
                                 {c.id: c.name for c in compiled.bank.competencies.values()})


def test_calibrate_finds_the_lenient_interviewer_and_only_them(calibrated):
    flagged = {item.interviewer: item for item in calibrated.interviewers if item.flag}
    assert set(flagged) == {LENIENT} and flagged[LENIENT].flag == "lenient"
    assert flagged[LENIENT].offset > 0.5 and flagged[LENIENT].ratings >= calibration.MIN_RATINGS
    others = [item.offset for item in calibrated.interviewers if item.interviewer != LENIENT]
    assert max(abs(offset) for offset in others) < 0.3


def test_calibrate_finds_the_ceiling_question(world, calibrated):
    _, _, planted, _ = world
    use = next(use for use in calibrated.questions if use.question.id == planted.ceiling)
    assert use.shown and "ceiling" in use.effects and use.share(4) == 1.0
    assert use.counts == {4: use.uses}


def test_agreement_is_shown_only_from_its_minimum_sample(calibrated):
    rows = calibrated.competencies + calibrated.stages
    assert all((row.units >= calibration.MIN_UNITS) == row.shown for row in rows)
    shown = [row for row in rows if row.shown]
    assert len(calibrated.competencies) >= 8 and len(shown) >= 20
    assert all(-1 <= row.low <= row.alpha <= row.high <= 1 for row in shown)


def test_a_small_sample_shows_sizes_not_figures(world):
    compiled, _, _, panels = world
    small = calibration.calibrate(list(panels.values())[:1], compiled.bank.levels, {})
    assert not any(row.shown for row in small.competencies + small.stages)
    assert not any(item.shown for item in small.interviewers)
    assert not any(use.shown or use.separation is not None for use in small.questions)


def test_calibrate_writes_a_static_report_with_sample_sizes(world, tmp_path, monkeypatch):
    _, folder, planted, _ = world
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["calibrate", str(folder), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"interviewer {LENIENT}: lenient" in result.output
    assert f"question {planted.ceiling}: ceiling effect, 100%" in result.output
    page = (tmp_path / "calibration.html").read_text()
    assert "<script" not in page and not re.search(r"(src|href)=\"https?:", page)
    assert page.count("<svg") > 40 and "not shown: fewer than" in page
    assert "Units rated twice" in page and "Shared ratings" in page


@pytest.mark.slow
def test_the_debrief_pdf_is_printed_offline_and_tagged(world, tmp_path, monkeypatch):
    from pypdf import PdfReader

    compiled, folder, planted, panels = world
    monkeypatch.chdir(REPO)
    candidate = next(iter(planted.late))
    result = CliRunner().invoke(cli, ["debrief", str(folder / candidate), "--out", str(tmp_path)])
    assert result.exit_code in (0, 10, 11), result.output
    reader = PdfReader(tmp_path / f"debrief-{candidate}.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    outcome = debrief(panels[candidate], compiled.bank.levels).decision.outcome
    assert f"Computed outcome: {outcome}" in text and "Independence" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, as the packets are
