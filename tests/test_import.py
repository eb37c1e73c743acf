"""`loopkit import`: existing material (Markdown headings, CSV rows) becomes draft questions that validate
as drafts, keep what has no field of ours, and say what they still need before they can be active."""
import shutil

import yaml
from click.testing import CliRunner

from loopkit.cli import cli
from loopkit.pipeline import Project, check

from conftest import FIXTURES

SOURCES = FIXTURES / "import"
DEFAULTS = ["--role", "ai-application-engineer", "--level", "senior", "--author", "Ada"]


def imported(bank, *args):
    return CliRunner().invoke(cli, ["import", "--bank", str(bank), *args])


def drafts(bank):
    return {path.stem: (path.read_text(encoding="utf-8"), yaml.safe_load(path.read_text(encoding="utf-8")))
            for path in (bank / "questions").rglob("*.yaml") if "Imported by `loopkit import`" in path.read_text()}


def test_markdown_and_csv_become_drafts_that_validate(tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURES.parent.parent / "question_bank", bank)
    result = imported(bank, str(SOURCES / "agent-interviews.md"), str(SOURCES / "staff-bank.csv"), *DEFAULTS)
    assert result.exit_code == 0, result.output + result.stderr
    assert "8 question(s) read, 8 draft(s) written" in result.stderr
    found = drafts(bank)
    assert len(found) == 8 and all(data["status"] == "draft" for _, data in found.values())
    validated = CliRunner().invoke(cli, ["validate", str(bank)])
    assert validated.exit_code == 0, validated.output
    compiled = check(Project.at(tmp_path, bank))
    assert compiled.ok, [str(p) for p in compiled.problems]
    assert not [p for p in compiled.problems if p.severity == "error"]

    # The 45-60-minute agent design: seven follow-ups are probes, the tag and the time marker are
    # metadata, the model answer is the model_answer, the time marker sets the minutes.
    text, design = found["design-an-agent-that-books-work-travel-for-staff"]
    assert design["competencies"] == ["agents"] and design["minutes"] == 60 and design["kind"] == "situational"
    assert len(design["probes"]) == 7 and design["probes"][6].startswith("What changes if the company doubles")
    assert design["metadata"] == {"difficulty": "Hard", "time": "45–60 min"}
    assert "keeps booking behind an idempotency key" in design["model_answer"]
    assert "interviewer_notes" not in design or "Imported, not mapped" not in design["interviewer_notes"]
    assert "# Before `status: active`, this draft still needs" in text
    assert "missing required field 'rubric'" in text

    # The two-part coding question: each part with its minutes, their sum the question's; tags as a list.
    _, coding = found["two-part-coding-a-token-bucket-limiter-for-an-llm-gateway"]
    assert coding["format"] == "implementation" and coding["minutes"] == 40
    assert [part["minutes"] for part in coding["parts"]] == [20, 20]
    assert coding["parts"][1]["prompt"].startswith("Now requests cost different amounts of tokens")
    assert coding["metadata"] == {"difficulty": "Medium", "tags": ["python", "concurrency"]}

    # A concept question whose heading is the question, with its model answer.
    _, concept = found["what-does-the-temperature-setting-change-when-a-model"]  # cut at a whole word
    assert concept["prompt"] == "What does the temperature setting change when a model samples?"
    assert concept["model_answer"].startswith("Temperature divides the logits")

    # A behavioural question: one expected story per level becomes the bar's `separates`.
    _, story = found["tell-me-about-a-time-you-argued-against-shipping-a-model"]
    assert story["format"] == "behavioural" and story["levels"] == ["junior", "senior", "staff"]
    assert story["bar"]["staff"]["separates"].startswith("Changed how the organisation decides launches")
    assert story["red_flags"][1] == "Cannot say what happened to the change in the end."

    # The staff rubric scored 1-5 with a pass mark has no home: all of it is kept for a person.
    _, staff = found["lead-a-migration-of-our-serving-stack-to-a-new-inference"]
    assert staff["roles"] == ["ml-engineer"] and staff["levels"] == ["staff"]
    assert "5: Turns the migration into a paved road" in staff["interviewer_notes"]
    assert staff["metadata"] == {"difficulty": "hard", "pass_mark": "18 of 25 across five areas",
                                 "source_id": "EXT-204"}

    # CSV names a competency and a level by their names, not only by their ids.
    _, csv_row = found["how-would-you-evaluate-a-summarisation-feature-before-launch"]
    assert csv_row["competencies"] == ["llm-evaluation"] and csv_row["levels"] == ["senior"]
    assert csv_row["probes"] == ["What goes in the evaluation set?", "Who labels it?",
                                 "How do you track quality after launch?"]


def test_the_report_comes_from_the_validator_run_as_if_active(tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(FIXTURES.parent.parent / "question_bank", bank)
    result = imported(bank, str(SOURCES / "agent-interviews.md"), *DEFAULTS, "--dry-run")
    assert result.exit_code == 0, result.output + result.stderr
    assert drafts(bank) == {}  # a dry run writes nothing
    out = result.output
    assert "agent-interviews.md:5 -> " in out and "(would be written)" in out
    # missing fields and the bar per level, from the validator
    assert "needs: LK004 missing required field 'ai_use'" in out
    assert "needs: LK010 bar must have one entry per level in `levels` (missing senior)" in out
    # and where it would land, from the planner: no block is long enough for the 40-minute coding question
    assert "it takes 40 minutes and the longest of the" in out
    # an ML concept question with no answer needs probes too
    section = out.split("agent-interviews.md:62 -> ")[1].split("agent-interviews.md:69")[0]
    assert "needs: LK004 missing required field 'probes'" in section and "Model answer" not in section


def test_questions_without_a_competency_are_not_imported(fixture_bank, tmp_path):
    source = tmp_path / "one.md"
    source.write_text("# Our questions\n\n## How do you choose a chunk size?\n\nSay why.\n\n"
                      "## How do you pick an embedding model?\n\nSay why.\n", encoding="utf-8")
    result = imported(fixture_bank, str(source), *DEFAULTS)
    assert result.exit_code == 1
    assert "one.md:3: not imported: no competencies in the source and no default given (--competency)" in result.output
    unknown = imported(fixture_bank, str(source), *DEFAULTS, "--competency", "vibes")
    assert unknown.exit_code == 2 and "unknown competency 'vibes'" in unknown.output
    given = imported(fixture_bank, str(source), *DEFAULTS, "--competency", "rag")
    assert given.exit_code == 0, given.output
    assert (fixture_bank / "questions" / "rag" / "how-do-you-choose-a-chunk-size.yaml").is_file()
    assert check(Project.at(tmp_path, fixture_bank)).ok


def test_material_with_no_questions_says_so(fixture_bank, tmp_path):
    source = tmp_path / "notes.md"
    source.write_text("Just a paragraph, no headings.\n", encoding="utf-8")
    result = imported(fixture_bank, str(source), *DEFAULTS, "--competency", "rag")
    assert result.exit_code == 1 and "no questions found" in result.output


def test_what_our_rules_refuse_is_kept_and_reported(fixture_bank, tmp_path):
    source = tmp_path / "long.md"
    source.write_text("# Ours\n\n## Plan a full-day migration workshop (90–120 min)\n\nCompetency: rag\n\n"
                      "Walk us through it.\n\nFollow-ups:\n1. What would you cut first if the day ran short?\n\n"
                      "## Design a retrieval cache for product search\n\nCompetency: rag\n\nThe cache sits in front "
                      "of the index.\n", encoding="utf-8")
    result = imported(fixture_bank, str(source), *DEFAULTS)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((fixture_bank / "questions" / "rag" / "plan-a-full-day-migration-workshop.yaml").read_text())
    assert data["minutes"] == 20  # 120 is over the 90 a question may take: the placeholder stays
    assert "minutes from the source, refused by the rules: 120" in data["interviewer_notes"]
    assert data["probes"][0] == "What would you cut first if the day ran short?" and len(data["probes"]) == 2
    assert "needs: LK004 missing required field 'minutes'" in result.output
    assert "needs: LK009 probes: needs at least 2 items; it has 1" in result.output
    assert check(Project.at(tmp_path, fixture_bank)).ok
