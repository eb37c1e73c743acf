"""ATS interchange: sheets out as Greenhouse-style scorecards and Ashby-style feedback forms, and in from a
CSV with one row per rating, located at its rows and columns when wrong."""
import csv
import json

import yaml
from click.testing import CliRunner

from loopkit import ats
from loopkit.cli import cli
from loopkit.debrief import debrief
from loopkit.load import load_sheets
from loopkit.pipeline import Project, packet_editions
from loopkit.sheets import check_sheets

from conftest import REPO



def test_greenhouse_rates_each_question_against_its_bar(world):
    compiled, _, planted, panels = world
    candidate = next(iter(planted.silent))  # has "no evidence" ratings too
    panel = panels[candidate]
    cards = ats.greenhouse(panel)
    assert len(cards) == len(panel.sheets)
    level = panel.packet.level.id
    asked = {q.id: q for q in panel.packet.questions}
    for card, sheet in zip(cards, panel.sheets):
        assert card["interview_step"]["id"] == sheet.stage and card["submitted_by"]["name"] == sheet.interviewer
        assert card["overall_recommendation"] == ats.RECOMMENDATION[sheet.recommendation]
        assert card["loopkit"]["digest"] == sheet.digest
        for attribute, rating in zip(card["attributes"], sheet.ratings):
            question = asked[rating.question]
            assert attribute["name"] == question.title
            if rating.point is None:
                assert attribute["rating"] is None and attribute["note"].startswith("No evidence")
            else:
                distance = rating.point - question.bar[level].meets
                assert attribute["rating"] == {-2: "definitely_not", -1: "no", 0: "yes"}.get(distance, "strong_yes")
                assert attribute["note"].startswith(f"Point {rating.point} of 4")
                assert question.title in card["ratings"][attribute["rating"]]
    assert any(a["rating"] is None for card in cards for a in card["attributes"])


def test_ashby_scores_are_the_rubric_points_with_evidence_as_comments(world):
    _, _, planted, panels = world
    panel = panels[next(iter(planted.silent))]
    for submission, sheet in zip(ats.ashby(panel), panel.sheets):
        fields = {f["path"]: f["value"] for f in submission["feedbackForm"]["fieldSubmissions"]}
        for rating in sheet.ratings:
            if rating.point is None:
                assert f"{rating.competency} ({rating.question}): no evidence" in fields["notes"]
            else:
                assert fields[rating.competency]["score"] == rating.point in (1, 2, 3, 4)
                assert fields[rating.competency]["comments"] == {"type": "PlainText", "value": rating.evidence.strip()}


def test_sheets_export_writes_json_for_every_valid_sheet(world, tmp_path, monkeypatch):
    _, folder, _, panels = world
    monkeypatch.chdir(REPO)
    for style in ("greenhouse", "ashby"):
        out = tmp_path / f"{style}.json"
        result = CliRunner().invoke(cli, ["sheets", "export", str(folder), "--format", style, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert len(json.loads(out.read_text())) == sum(len(panel.sheets) for panel in panels.values())
    refused = CliRunner().invoke(cli, ["sheets", "export", str(folder), "--format", "ashby", "-o", "content/x.json"])
    assert refused.exit_code == 2 and not (REPO / "content" / "x.json").exists()


def as_csv(sheets: list[dict], path):
    """What an ATS export or a spreadsheet gives: one row per rating."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(ats.CSV_COLUMNS)
        for data in sheets:
            for r in data["ratings"]:
                writer.writerow([data["candidate"], data["packet"], data["edition"], data["stage"], data["interviewer"],
                                 str(data["shadowing"]).lower(), data["interviewed"], data["submitted"],
                                 data.get("recommendation") or "", r["competency"], r["question"], r["score"],
                                 r["evidence"], ";".join(r["observed"])])


def test_a_csv_of_ratings_imports_as_sealed_sheets_that_debrief_alike(world, tmp_path, monkeypatch):
    compiled, folder, planted, panels = world
    monkeypatch.chdir(REPO)
    chosen = [next(iter(planted.disagreements)), next(iter(planted.held))]
    sheets = [yaml.safe_load(path.read_text()) for candidate in chosen for path in sorted((folder / candidate).glob("*.yaml"))]
    as_csv(sheets, tmp_path / "ratings.csv")
    out = tmp_path / "imported"
    result = CliRunner().invoke(cli, ["sheets", "import", str(tmp_path / "ratings.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(list(out.rglob("*.yaml"))) == len(sheets)
    imported, problems = check_sheets(load_sheets(out), compiled.packets, packet_editions(Project.at(REPO),
                                      compiled.packets), compiled.bank.levels)
    assert problems == []
    for panel in imported:
        assert debrief(panel, compiled.bank.levels).decision == debrief(panels[panel.candidate],
                                                                        compiled.bank.levels).decision
    again = CliRunner().invoke(cli, ["sheets", "import", str(tmp_path / "ratings.csv"), "--out", str(out)])
    assert again.exit_code == 1 and "already exists; nothing was written" in again.output


def test_a_bad_csv_row_is_reported_at_its_row_and_column_and_nothing_is_written(world, tmp_path, monkeypatch):
    _, folder, planted, _ = world
    monkeypatch.chdir(REPO)
    candidate = next(iter(planted.disagreements))
    sheets = [yaml.safe_load(path.read_text()) for path in sorted((folder / candidate).glob("*.yaml"))]
    sheets[1]["ratings"][0]["score"] = 7
    sheets[2]["ratings"][1]["question"] = "no-such-question"
    as_csv(sheets, tmp_path / "ratings.csv")
    rows = list(csv.reader((tmp_path / "ratings.csv").open(encoding="utf-8")))
    score_line = 1 + next(i for i, row in enumerate(rows) if row[11] == "7")
    question_line = 1 + next(i for i, row in enumerate(rows) if row[10] == "no-such-question")
    out = tmp_path / "imported"
    result = CliRunner().invoke(cli, ["sheets", "import", str(tmp_path / "ratings.csv"), "--out", str(out)])
    assert result.exit_code == 1
    assert f"ratings.csv:{score_line}:12: LK305" in result.output
    assert "nothing was written" in result.output and not out.exists()
    sheets[1]["ratings"][0]["score"] = 3
    sheets[1]["ratings"][0]["evidence"] = "Named the three checks the rubric lists, in order."
    as_csv(sheets, tmp_path / "ratings.csv")
    result = CliRunner().invoke(cli, ["sheets", "import", str(tmp_path / "ratings.csv"), "--out", str(out)])
    assert result.exit_code == 1 and f"ratings.csv:{question_line}:11: LK304" in result.output
    assert not out.exists()
