"""Review records: who reviewed a question, when, what they checked and what it changed. They are data,
so the question page shows the latest one, the export carries them all, and `reviewed` cannot be older
than the latest of them."""
import json

from click.testing import CliRunner

from loopkit.cli import cli
from loopkit.pipeline import Project, check
from loopkit.render import render_site

from conftest import REPO
from test_render import EDITIONS

REVIEWS = """reviews:
  - by: interviewer panel lead
    date: 2026-10-02
    checked: rubric anchors observable
  - by: senior AI hiring manager
    date: 2026-11-01
    checked: "arithmetic recomputed; planted defect run"
    changes: "the p95 in the material corrected from 2.4 s to 2.1 s"
"""


def with_reviews(fixture_bank, reviewed="2026-11-01"):
    path = fixture_bank / "questions" / "chunk-size-choice.yaml"
    text = path.read_text()
    assert "reviewed: 2026-11-01\n" in text
    path.write_text(text.replace("reviewed: 2026-11-01\n", REVIEWS + f"reviewed: {reviewed}\n"))
    return check(Project.at(fixture_bank.parent, fixture_bank))


def test_the_question_page_shows_the_latest_review(fixture_bank):
    compiled = with_reviews(fixture_bank)
    assert compiled.problems == []
    question = compiled.bank.questions["chunk-size-choice"]
    assert [r.by for r in question.reviews] == ["interviewer panel lead", "senior AI hiring manager"]
    assert question.reviews[0].changes == "none"
    page = render_site(compiled.bank, compiled.packets, REPO / "site_templates", EDITIONS)["questions/chunk-size-choice.md"]
    line = next(line for line in page.splitlines() if "Latest review" in line)
    assert "2026-11-01 by senior AI hiring manager" in line
    assert "arithmetic recomputed; planted defect run" in line and "corrected from 2.4 s to 2.1 s" in line
    assert "rubric anchors observable" not in line and "2 reviews in the file" in line


def test_a_question_without_reviews_has_no_review_line(fixture_bank):
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    page = render_site(compiled.bank, compiled.packets, REPO / "site_templates", EDITIONS)["questions/chunk-size-choice.md"]
    assert "Latest review" not in page


def test_reviewed_is_never_earlier_than_the_latest_review(fixture_bank):
    compiled = with_reviews(fixture_bank, reviewed="2026-10-15")
    found = [p for p in compiled.problems if "latest review" in p.message]
    assert len(found) == 1 and not compiled.ok
    assert found[0].path == "bank/questions/chunk-size-choice.yaml"
    assert "2026-10-15" in found[0].message and "2026-11-01" in found[0].message


def test_the_export_carries_every_review(fixture_bank, monkeypatch):
    with_reviews(fixture_bank)
    monkeypatch.chdir(fixture_bank.parent)
    result = CliRunner().invoke(cli, ["export", "--format", "json", "--bank", str(fixture_bank)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    by_id = {q["id"]: q for q in json.loads(result.stdout)["questions"]}
    assert by_id["chunk-size-choice"]["reviews"] == [
        {"by": "interviewer panel lead", "date": "2026-10-02", "checked": "rubric anchors observable",
         "changes": "none"},
        {"by": "senior AI hiring manager", "date": "2026-11-01", "checked": "arithmetic recomputed; planted defect run",
         "changes": "the p95 in the material corrected from 2.4 s to 2.1 s"}]
    assert all(q["reviews"] == [] for key, q in by_id.items() if key != "chunk-size-choice")
