"""Team kits: private banks layered on the shared one, requisition loops, and `loopkit init`."""
import datetime
import shutil

import pytest
import yaml
from click.testing import CliRunner

from loopkit.cli import cli
from loopkit.pipeline import Project, check
from loopkit.load import load_bank
from loopkit.teamkit import init_kit
from loopkit.validate import digest, upstream_question

from conftest import FIXTURES


@pytest.fixture
def layers(tmp_path):
    """The fixture bank as the shared layer, and an empty private layer above it."""
    shared = tmp_path / "shared"
    shutil.copytree(FIXTURES / "bank", shared)
    private = tmp_path / "private"
    (private / "questions").mkdir(parents=True)
    return shared, private


def compiled(tmp_path, *banks):
    return check(Project.at(tmp_path, list(banks)))


def private_question(shared, private, new_id, **changes):
    text = (shared / "questions" / "evaluation-set-for-summaries.yaml").read_text()
    text = text.replace("id: evaluation-set-for-summaries", f"id: {new_id}")
    for old, new in changes.items():
        text = text.replace(old, new)
    path = private / "questions" / f"{new_id}.yaml"
    path.write_text(text)
    return path


def test_a_private_layer_adds_overrides_and_retires(tmp_path, layers):
    shared, private = layers
    private_question(shared, private, "our-own-eval-question")
    loop = (shared / "loops" / "ai-application-engineer" / "senior.yaml").read_text()
    (private / "loops" / "ai-application-engineer").mkdir(parents=True)
    (private / "loops" / "ai-application-engineer" / "senior.yaml").write_text(
        "overrides: true\n" + loop.replace("name: Retrieval design", "name: Our retrieval review"))
    (private / "status.yaml").write_text("changes:\n  - id: chunk-size-choice\n    status: retired\n"
                                         "    reason: We replaced it with our own policy documents question.\n")
    result = compiled(tmp_path, shared, private)
    assert result.ok, result.problems
    senior = next(p for p in result.packets if p.level.id == "senior")
    assert senior.stages[0].stage.name == "Our retrieval review"
    evaluation_block = senior.stages[0].blocks[1]
    assert evaluation_block.primary.id == "our-own-eval-question"  # a team's own questions come first
    assert result.bank.questions["chunk-size-choice"].status == "retired"
    assert "chunk-size-choice" not in {i for p in result.packets for s in p.stages for i in s.question_ids}


def test_collisions_and_dangling_overrides_name_the_later_layer(tmp_path, layers):
    shared, private = layers
    path = private_question(shared, private, "chunk-size-choice")
    result = compiled(tmp_path, shared, private)
    collision = [p for p in result.problems if p.code == "LK006"]
    assert collision and collision[0].path.endswith("private/questions/chunk-size-choice.yaml")
    assert collision[0].line == 1 and "write `overrides: true` to replace it" in collision[0].message
    path.write_text(path.read_text().replace("id: chunk-size-choice", "id: brand-new\noverrides: true"))
    dangling = [p for p in compiled(tmp_path, shared, private).problems if p.code == "LK017"]
    assert dangling and dangling[0].path.endswith("private/questions/chunk-size-choice.yaml") and dangling[0].line == 2


def test_a_status_change_for_an_unknown_question_is_an_error(tmp_path, layers):
    shared, private = layers
    (private / "status.yaml").write_text("changes:\n  - id: never-written\n    status: leaked\n"
                                         "    reason: Posted on a forum by a candidate last week.\n")
    problem = next(p for p in compiled(tmp_path, shared, private).problems if p.code == "LK016")
    assert problem.path.endswith("private/status.yaml") and problem.line == 2


REQUISITION = """\
id: senior-evaluation-heavy
title: Senior AI application engineer, evaluation team
role: ai-application-engineer
level: senior
minutes:
  retrieval: 60
add_stages:
  - id: evaluation-deep-dive
    name: Evaluation deep dive
    minutes: 45
    interviewer: Senior engineer from the evaluation team
    interviewer_level: senior
    competencies: [llm-evaluation, rag]
    formats: [design]
"""


def test_a_requisition_loop_gets_its_own_packet(tmp_path, layers):
    shared, private = layers
    (private / "loops" / "requisitions").mkdir(parents=True)
    (private / "loops" / "requisitions" / "senior-evaluation-heavy.yaml").write_text(REQUISITION)
    result = compiled(tmp_path, shared, private)
    assert result.ok, result.problems
    packet = next(p for p in result.packets if p.requisition)
    assert packet.slug == "requisitions/senior-evaluation-heavy"
    assert [s.stage.id for s in packet.stages] == ["retrieval", "evaluation", "evaluation-deep-dive"]
    assert packet.stages[0].stage.minutes == 60 and packet.stages[0].blocks[0].minutes == 27


def test_a_requisition_that_breaks_coverage_is_refused_naming_the_competency(tmp_path, layers):
    shared, private = layers
    (private / "loops" / "requisitions").mkdir(parents=True)
    broken = REQUISITION.replace("add_stages:", "remove_stages: [evaluation]\nadd_stages:").replace(
        "competencies: [llm-evaluation, rag]", "competencies: [rag]")
    (private / "loops" / "requisitions" / "senior-evaluation-heavy.yaml").write_text(broken)
    result = compiled(tmp_path, shared, private)
    refused = [p for p in result.problems if p.code == "LK101"]
    assert refused and "'llm-evaluation'" in refused[0].message
    assert refused[0].path.endswith("private/loops/requisitions/senior-evaluation-heavy.yaml")
    assert not result.ok  # so `loopkit build` refuses it and writes nothing


def test_init_makes_a_kit_that_validates_and_builds(tmp_path, monkeypatch):
    kit = tmp_path / "kit"
    result = CliRunner().invoke(cli, ["init", str(kit), "--name", "Acme"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((kit / "loopkit.yml").read_text())["banks"] == ["shared", "question_bank"]
    monkeypatch.chdir(kit)
    assert CliRunner().invoke(cli, ["validate"]).exit_code == 0
    built = CliRunner().invoke(cli, ["build", "--no-pdf"], catch_exceptions=False)
    assert built.exit_code == 0, built.output
    stage = (kit / "site" / "kit" / "ai-application-engineer" / "senior" / "system-design" / "index.html").read_text()
    assert "Our product search got slower" in stage  # the team's question, mixed into shared packets
    assert "search on-call rotation" in (kit / "site" / "kit" / "ai-application-engineer" / "senior" / "index.html").read_text()
    assert "Acme interview kit" in (kit / "site" / "index.html").read_text()
    workflow = yaml.safe_load((kit / ".github" / "workflows" / "kit.yml").read_text())
    assert "vars.PUBLISH_PAGES == 'true'" in workflow["jobs"]["deploy"]["if"]
    again = CliRunner().invoke(cli, ["init", str(kit)])
    assert again.exit_code == 1 and "is not empty" in again.output


def test_init_files_are_the_teams_only(tmp_path):
    written = init_kit(tmp_path / "kit", "Acme", datetime.date(2026, 11, 23))
    names = {p.relative_to(tmp_path / "kit").as_posix() for p in written}
    assert "question_bank/loops/ai-application-engineer/senior.yaml" in names
    assert not any(name.startswith("question_bank/vocabulary") for name in names)  # the shared bank is not copied


@pytest.mark.slow
def test_a_requisition_is_built_into_pages_and_pdfs(project, layers):
    shared, private = layers
    (private / "loops" / "requisitions").mkdir(parents=True)
    (private / "loops" / "requisitions" / "senior-evaluation-heavy.yaml").write_text(REQUISITION)
    result = CliRunner().invoke(cli, ["build", "--bank", str(shared), "--bank", str(private)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    kit = project / "site" / "kit"
    page = (kit / "requisitions" / "senior-evaluation-heavy" / "index.html").read_text()
    assert "Senior AI application engineer, evaluation team" in page and "requisitions-senior-evaluation-heavy.pdf" in page
    assert (kit / "pdf" / "requisitions-senior-evaluation-heavy.pdf").stat().st_size > 10_000
    assert "evaluation team" in (kit / "ai-application-engineer" / "index.html").read_text()
    assert (kit / "candidates" / "requisitions" / "senior-evaluation-heavy" / "index.html").is_file()


def test_a_partial_override_names_only_what_it_changes_and_problems_point_at_either_file(tmp_path, layers,
                                                                                        monkeypatch):
    shared, private = layers
    monkeypatch.chdir(tmp_path)
    made = CliRunner().invoke(cli, ["new", "question", "--override", "chunk-size-choice",
                                    "--bank", str(shared), "--bank", str(private)])
    assert made.exit_code == 0, made.output
    path = private / "questions" / "rag" / "chunk-size-choice.yaml"
    written = path.read_text()
    assert "# minutes: 20" in written and "digest: " in written
    assert compiled(tmp_path, shared, private).problems == []  # as written: the upstream question, unchanged
    path.write_text(written + "minutes: 15\nbar:\n  senior:\n    separates: A senior answer measures retrieval on our own PDFs.\n")
    result = compiled(tmp_path, shared, private)
    assert result.problems == []
    question = result.bank.questions["chunk-size-choice"]
    assert question.minutes == 15 and question.bar["senior"].separates.endswith("on our own PDFs.")
    assert question.bar["senior"].meets == 3  # an inherited key of a mapping the override names
    assert question.title == "Choosing a chunk size for policy documents" and question.layer == 1
    assert set(question.source.paths) == {"private/questions/rag/chunk-size-choice.yaml",
                                          "shared/questions/chunk-size-choice.yaml"}
    # A field of the override points into the override; an inherited one into the shared file.
    path.write_text(written + "minutes: 200\nlevels: [senior]\n")
    problems = {p.code: p for p in compiled(tmp_path, shared, private).problems}
    assert problems["LK009"].path == "private/questions/rag/chunk-size-choice.yaml"
    assert problems["LK009"].line == written.count("\n") + 1
    path.write_text(written + "levels: [senior]\n")
    problems = {p.code: p for p in compiled(tmp_path, shared, private).problems}
    assert problems["LK010"].path == "shared/questions/chunk-size-choice.yaml"
    shared_lines = (shared / "questions" / "chunk-size-choice.yaml").read_text().splitlines()
    assert problems["LK010"].line == shared_lines.index("bar:") + 1


def test_a_partial_override_warns_once_its_upstream_question_changes(tmp_path, layers):
    shared, private = layers
    upstream = shared / "questions" / "chunk-size-choice.yaml"
    current = digest(upstream_question([load_bank(shared)], "chunk-size-choice").data)
    path = private / "questions" / "rag" / "chunk-size-choice.yaml"
    path.parent.mkdir()
    path.write_text(f"id: chunk-size-choice\noverrides:\n  digest: {current}\nminutes: 15\n")
    assert compiled(tmp_path, shared, private).problems == []
    upstream.write_text(upstream.read_text() + "# a comment and a new layout change nothing\n")
    assert compiled(tmp_path, shared, private).problems == []
    upstream.write_text(upstream.read_text().replace("What would you look at first", "What do you look at first"))
    stale = [p for p in compiled(tmp_path, shared, private).problems if p.code == "LK215"]
    assert len(stale) == 1 and stale[0].severity == "warning" and stale[0].line == 3
    assert stale[0].path == "private/questions/rag/chunk-size-choice.yaml"
    fixed = stale[0].message.rsplit("set `digest: ", 1)[1].rstrip("`")
    path.write_text(path.read_text().replace(current, fixed))
    assert compiled(tmp_path, shared, private).problems == []
    missing = private / "questions" / "rag" / "no-such-question.yaml"
    missing.write_text(f"id: no-such-question\noverrides:\n  digest: {current}\n")
    codes = {p.code for p in compiled(tmp_path, shared, private).problems}
    assert "LK017" in codes  # a partial override of nothing is said, not crashed on
