"""`loopkit new question`: a valid draft with a fresh id, by flags or by prompts."""
import yaml
from click.testing import CliRunner

import loopkit.cli
from loopkit.cli import cli
from loopkit.pipeline import Project, check

FLAGS = ["--title", "Refund answers went wrong last week", "--role", "ai-application-engineer", "--level", "senior",
         "--competency", "rag", "--kind", "situational", "--format", "design", "--minutes", "20", "--author", "Ada"]


def test_flags_scaffold_a_valid_draft_with_a_fresh_id(fixture_bank):
    result = CliRunner().invoke(cli, ["new", "question", "--bank", str(fixture_bank), *FLAGS])
    assert result.exit_code == 0, result.output
    path = fixture_bank / "questions" / "rag" / "refund-answers-went-wrong-last-week.yaml"
    assert path.read_text().startswith("# yaml-language-server: $schema=../../schema/question.schema.json\n")
    data = yaml.safe_load(path.read_text())
    assert data["status"] == "draft" and data["author"] == "Ada" and sorted(data["rubric"]) == [1, 2, 3, 4]
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    assert compiled.ok and compiled.problems == []
    again = CliRunner().invoke(cli, ["new", "question", "--bank", str(fixture_bank), *FLAGS])
    assert "refund-answers-went-wrong-last-week-2" in again.output


def test_a_terminal_gets_prompts(fixture_bank, monkeypatch):
    monkeypatch.setattr(loopkit.cli, "interactive", lambda: True)
    answers = "Stale answers after a reindex\nai-application-engineer\njunior, senior\nrag, llm-evaluation\n\n\n\n"
    result = CliRunner().invoke(cli, ["new", "question", "--bank", str(fixture_bank), "--author", "Ada"], input=answers)
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((fixture_bank / "questions" / "rag" / "stale-answers-after-a-reindex.yaml").read_text())
    assert data["levels"] == ["junior", "senior"] and data["competencies"] == ["rag", "llm-evaluation"]
    assert data["kind"] == "situational" and data["minutes"] == 20


def test_scripts_must_give_every_field_and_known_ids(fixture_bank):
    missing = CliRunner().invoke(cli, ["new", "question", "--bank", str(fixture_bank), "--title", "A new question"])
    assert missing.exit_code == 2 and "--role is required when not run in a terminal" in missing.output
    wrong = [*FLAGS[:6], "--competency", "vibes"]
    unknown = CliRunner().invoke(cli, ["new", "question", "--bank", str(fixture_bank), *wrong])
    assert unknown.exit_code == 2 and "unknown competency 'vibes'" in unknown.output
