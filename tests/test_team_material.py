"""A team's own material has a home: a model answer, parts with their minutes, follow-ups with what to
listen for, and a metadata map of the team's own labels, shown to interviewers and exported."""
import json

from click.testing import CliRunner

from loopkit.cli import cli
from loopkit.pipeline import Project, check
from loopkit.render import render_site

from conftest import FIXTURES, REPO
from test_render import EDITIONS

MATERIAL = """\
model_answer: |
  Splits the policy by clause before anything else, then measures recall on 30 labelled refund questions.
parts:
  - prompt: Sketch how you would split an 80-page policy into chunks.
    minutes: 8
    listen_for: [Keeps a clause and its exceptions in one chunk.]
  - prompt: Now show how you would test that choice.
    minutes: 10
metadata:
  difficulty: hard
  framework: SFIA DTAN 4
  tags: [retrieval, chunking]
  timed: true
  source-page: 12
"""
PROBES = """\
probes:
  - What would you look at first, and why?
  - ask: How would you know the fix worked?
    listen_for: A labelled set, measured before and after, not a manual check.
"""


def write_material(fixture_bank, extra=MATERIAL, probes=PROBES):
    path = fixture_bank / "questions" / "chunk-size-choice.yaml"
    text = (FIXTURES / "bank" / "questions" / "chunk-size-choice.yaml").read_text()
    start, end = text.index("probes:"), text.index("green_flags:")
    path.write_text(text[:start] + probes + text[end:] + extra)
    return path


def test_model_answer_parts_follow_ups_and_metadata_validate_render_and_export(fixture_bank, monkeypatch):
    write_material(fixture_bank)
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    assert compiled.problems == []
    question = compiled.bank.questions["chunk-size-choice"]
    assert [part.minutes for part in question.parts] == [8, 10] and question.metadata["tags"] == ["retrieval", "chunking"]
    pages = render_site(compiled.bank, compiled.packets, REPO / "site_templates", EDITIONS)
    page = pages["questions/chunk-size-choice.md"]
    assert "<strong>difficulty:</strong> hard" in page and "<strong>tags:</strong> retrieval, chunking" in page
    assert "<strong>timed:</strong> yes" in page and "<strong>source-page:</strong> 12" in page
    assert "A model answer (interviewer only" in page and "Splits the policy by clause" in page
    assert "<strong>Part 2 · 10 min</strong>" in page and "Keeps a clause and its exceptions" in page
    assert "<em>Listen for:</em> A labelled set, measured before and after" in page
    candidate = "\n".join(text for name, text in pages.items() if name.startswith("candidates/"))
    assert "Splits the policy by clause" not in candidate and "SFIA" not in candidate
    monkeypatch.chdir(fixture_bank.parent)
    result = CliRunner().invoke(cli, ["export", "--format", "json", "--bank", "bank"])
    record = next(q for q in json.loads(result.stdout)["questions"] if q["id"] == "chunk-size-choice")
    assert record["metadata"]["framework"] == "SFIA DTAN 4" and record["model_answer"].startswith("Splits")
    assert record["parts"][0]["listen_for"] == ["Keeps a clause and its exceptions in one chunk."]
    assert record["follow_ups"][1]["listen_for"].startswith("A labelled set") and record["title"]  # old keys stay
    rows = CliRunner().invoke(cli, ["export", "--format", "csv", "--bank", "bank"]).stdout
    assert "difficulty: hard; framework: SFIA DTAN 4; tags: retrieval, chunking" in rows


def test_a_teams_keys_outside_metadata_and_parts_longer_than_the_question_are_located(fixture_bank):
    path = write_material(fixture_bank, MATERIAL + "x-difficulty: hard\n")
    lines = path.read_text().splitlines()
    problems = {p.code: p for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems}
    assert problems["LK002"].line == lines.index("x-difficulty: hard") + 1
    assert "go under `metadata:` (metadata: {difficulty: ...})" in problems["LK002"].message
    path = write_material(fixture_bank, MATERIAL.replace("    minutes: 10", "    minutes: 15"))
    lines = path.read_text().splitlines()
    problems = {p.code: p for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems}
    assert problems["LK009"].line == lines.index("parts:") + 1
    assert "8 + 15 = 23 minutes, more than the question's 20" in problems["LK009"].message


def test_metadata_and_follow_ups_are_untrusted_text(fixture_bank):
    write_material(fixture_bank, MATERIAL.replace("difficulty: hard", "difficulty: <script>alert(1)</script>"),
                   PROBES.replace("A labelled set", "<img src=x onerror=alert(1)> A labelled set"))
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    page = render_site(compiled.bank, compiled.packets, REPO / "site_templates", EDITIONS)["questions/chunk-size-choice.md"]
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page
    write_material(fixture_bank, "metadata:\n  difficulty: {level: hard}\n",
                   PROBES.replace("  - ask: How", "  - ask:\n      How"))
    problems = check(Project.at(fixture_bank.parent, fixture_bank)).problems
    assert {p.code for p in problems} == {"LK003"} and all("<" not in p.message for p in problems), problems
