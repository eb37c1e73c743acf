"""Score sheets as data: each LK3xx rule at its line, sealing, and bad sheets that change nothing."""
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from loopkit.cli import cli
from loopkit.load import load_file
from loopkit.pipeline import Project, check, check_sheets_in, packet_editions
from loopkit.sheets import Sheet, digest
from loopkit.validate import typed

from conftest import FIXTURES

SHEET_RULES = sorted((FIXTURES / "invalid").glob("LK3*.yaml"))
MARK = "# <-"
PACKET = "ai-application-engineer/senior"


def sheet(stage: str, interviewer: str, ratings: list[tuple], edition: str, **more) -> dict:
    data = {"candidate": "cand-fix", "packet": PACKET, "edition": edition, "stage": stage, "interviewer": interviewer,
            "interviewed": "2026-11-20T10:00:00Z", "submitted": "2026-11-20T11:00:00Z", **more,
            "ratings": [{"competency": c, "question": q, "score": s,
                         "evidence": "Named recall at k on a labelled set before moving anything." if s != "no-evidence"
                         else ""} for c, q, s in ratings]}
    return data


def write(path: Path, data: dict, sealed: bool = True) -> Path:
    if sealed:
        data = {**data, "digest": digest(Sheet.model_validate(data))}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def kit(fixture_project):
    """A project with the fixture bank and one candidate's two valid, sealed sheets; the cwd."""
    project = fixture_project
    root = project.root
    edition = packet_editions(project, check(project).packets)[PACKET].digest
    folder = root / "sheets" / "cand-fix"
    write(folder / "retrieval-dana.yaml", sheet("retrieval", "Dana", [
        ("rag", "retrieval-threshold-review", 3), ("llm-evaluation", "grader-disagrees-with-humans", 3)], edition))
    write(folder / "evaluation-sam.yaml", sheet("evaluation", "Sam", [
        ("llm-evaluation", "offline-online-gap", 4), ("rag", "chunk-size-choice", 3)], edition,
        interviewed="2026-11-20T11:30:00Z", submitted="2026-11-20T12:30:00Z"))
    return project, folder, edition


def test_the_base_sheets_are_valid_and_decide(kit):
    project, folder, _ = kit
    compiled, panels, problems = check_sheets_in(project, folder.parent)
    assert problems == [] and len(panels) == 1 and len(panels[0].sheets) == 2
    result = CliRunner().invoke(cli, ["validate", "--bank", "bank", "--sheets", "sheets"])
    assert result.exit_code == 0, result.output
    assert "2 valid sheet(s) of 1 candidate(s) in sheets; 0 errors" in result.output


def place(fixture: Path, folder: Path, edition: str) -> tuple[str, int | None]:
    """Copy a fixture into the candidates' folder with the bank's edition and, where it types, a seal."""
    text = fixture.read_text(encoding="utf-8")
    target = text.splitlines()[0].removeprefix("# target: ")
    text = text.replace("edition: EDITION", f"edition: {edition}")
    path = folder.parent / target
    path.write_text(text, encoding="utf-8")
    if "digest: SEAL" in text:
        document, _ = load_file(path, target, "sheet")
        data = dict(document.data)
        data.pop("digest")
        model = typed(document.__class__(document.kind, document.source, data), [], Sheet)
        seal = f"digest: {digest(model)}" if model is not None else ""
        path.write_text(text.replace("digest: SEAL", seal), encoding="utf-8")
    marked = [n for n, line in enumerate(text.splitlines(), 1) if line.rstrip().endswith(MARK)]
    return f"sheets/{target}", marked[0] if marked else None


@pytest.mark.parametrize("fixture", SHEET_RULES, ids=lambda path: path.stem)
def test_sheet_rule_reports_its_code_at_the_right_place(fixture, kit):
    project, folder, edition = kit
    shown, line = place(fixture, folder, edition)
    _, panels, problems = check_sheets_in(project, folder.parent)
    found = [p for p in problems if p.code == fixture.stem]
    assert found, f"{fixture.stem} not reported; got {problems}"
    assert any(p.path == shown and p.line == line for p in found), found
    assert {p.severity for p in found} == {"error"} and panels == []


@pytest.mark.parametrize("fixture", SHEET_RULES, ids=lambda path: path.stem)
def test_a_bad_sheet_stops_the_debrief_and_writes_nothing(fixture, kit, tmp_path):
    _, folder, edition = kit
    shown, line = place(fixture, folder, edition)
    out = tmp_path / "debriefs"
    result = CliRunner().invoke(cli, ["debrief", str(folder), "--bank", "bank", "--out", str(out), "--no-pdf"])
    assert result.exit_code == 1, result.output
    assert f"{shown}:{line}:" in result.output and fixture.stem in result.output
    assert "nothing was written" in result.output and not out.exists()


def test_seal_records_submission_and_an_edit_after_it_shows(kit):
    project, folder, edition = kit
    path = write(folder / "retrieval-dana.yaml", sheet("retrieval", "Dana", [
        ("rag", "retrieval-threshold-review", 3), ("llm-evaluation", "grader-disagrees-with-humans", 2)], edition),
        sealed=False)
    _, _, problems = check_sheets_in(project, folder)
    assert [(p.code, p.line) for p in problems] == [("LK309", 1)]
    runner = CliRunner()
    assert runner.invoke(cli, ["seal", str(path)]).exit_code == 0
    assert check_sheets_in(project, folder)[2] == []
    refused = runner.invoke(cli, ["seal", str(path)])
    assert refused.exit_code == 1 and "already sealed" in refused.output
    path.write_text(path.read_text().replace("score: 2", "score: 3"), encoding="utf-8")  # after seeing others' sheets
    problems = check_sheets_in(project, folder)[2]
    assert [p.code for p in problems] == ["LK309"] and "changed after it was submitted" in problems[0].message
    assert problems[0].line == path.read_text().splitlines().index(next(
        line for line in path.read_text().splitlines() if line.startswith("digest:"))) + 1


def test_sheets_satisfy_the_schema_loopkit_schema_writes(kit, tmp_path):
    _, folder, _ = kit
    result = CliRunner().invoke(cli, ["schema", "--bank", "bank"])
    assert result.exit_code == 0, result.output
    schema = json.loads((Path("bank") / "schema" / "sheet.schema.json").read_text())
    for path in folder.glob("*.yaml"):
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=lambda moment: moment.isoformat()))
        jsonschema.validate(data, schema)
    bad = {**data, "ratings": [{**data["ratings"][0], "score": 5}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_the_digest_covers_every_field_but_itself(kit):
    _, folder, _ = kit
    document, _ = load_file(folder / "retrieval-dana.yaml", "x", "sheet")
    base = Sheet.model_validate(document.data)
    changes = {"candidate": "cand-other", "interviewer": "Dan", "stage": "evaluation", "shadowing": True,
               "submitted": "2026-11-20T11:01:00Z", "interviewed": "2026-11-20T10:01:00Z", "recommendation": "hire",
               "edition": "0" * 12, "packet": "ai-application-engineer/junior"}
    for key, value in changes.items():
        assert digest(Sheet.model_validate({**document.data, key: value})) != digest(base), key
    for key, value in {"score": 4, "evidence": "Something else entirely was said.", "question": "chunk-size-choice",
                       "competency": "llm-evaluation", "observed": ["staff"]}.items():
        ratings = [{**document.data["ratings"][0], key: value}, document.data["ratings"][1]]
        assert digest(Sheet.model_validate({**document.data, "ratings": ratings})) != digest(base), key
    same_moment = {**document.data, "submitted": "2026-11-20T12:00:00+01:00"}
    assert digest(Sheet.model_validate(same_moment)) == digest(base)


def test_times_need_a_time_zone_and_sheets_name_no_unknown_keys(kit):
    project, folder, _ = kit
    path = folder / "retrieval-dana.yaml"
    text = path.read_text()
    path.write_text(text.replace("2026-11-20T11:00:00Z", "2026-11-20 11:00") + "notes: x\n", encoding="utf-8")
    problems = check_sheets_in(project, folder)[2]
    assert sorted(p.code for p in problems) == ["LK002", "LK009"]
    assert all(p.path == "sheets/cand-fix/retrieval-dana.yaml" and p.line > 0 for p in problems)
    assert any("submitted" in p.message for p in problems if p.code == "LK009")


def test_out_may_not_be_the_site_or_its_pages(kit):
    project, folder, _ = kit
    for place_ in ("site/private", "content/debriefs", "bank/debriefs"):
        result = CliRunner().invoke(cli, ["debrief", str(folder), "--bank", "bank", "--out", place_, "--no-pdf"])
        assert result.exit_code == 2 and "candidate data goes only to a private folder" in result.output, place_
        assert not (project.root / place_).exists()


def test_no_sheet_data_reaches_the_built_site(project, fixture_bank):
    """Sheets kept in the project (outside the pages, as the guide says, or among them by mistake) are
    never copied into site/, its search index included."""
    edition = packet_editions(Project.at(project, fixture_bank), check(Project.at(project, fixture_bank)).packets)
    data = sheet("retrieval", "Dana", [("rag", "retrieval-threshold-review", 3),
                                       ("llm-evaluation", "grader-disagrees-with-humans", 3)], edition[PACKET].digest)
    data["candidate"] = "cand-secret-42"
    data["ratings"][0]["evidence"] = "Private evidence: talked about the Zanzibar incident at length."
    for folder in ("sheets/cand-secret-42", "content/sheets/cand-secret-42"):
        write(project / folder / "retrieval-dana.yaml", dict(data))
        write(project / folder / "retrieval-dana.yml", dict(data))
    result = CliRunner().invoke(cli, ["build", "--bank", str(fixture_bank), "--no-pdf"])
    assert result.exit_code == 0, result.output
    leaked = [path for path in (project / "site").rglob("*") if path.is_file()
              and (b"cand-secret-42" in path.read_bytes() or b"Zanzibar" in path.read_bytes())]
    assert leaked == []
    assert not list((project / "site").rglob("*.yaml")) and not list((project / "site").rglob("*.yml"))
