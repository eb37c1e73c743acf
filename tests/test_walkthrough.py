"""The team-kit guide's walkthrough, run whole: a hiring lead makes a kit with `loopkit init`, imports ten
questions of their own (the eight shapes of issue 18), finishes them, overrides a shared question in part,
retires one in status.yaml and opens a requisition whose design round is one 50-minute question rating two
competencies; every question lands where the lead meant it, and the history says what happened."""
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from loopkit.cli import cli
from loopkit.pipeline import Project, check

from conftest import FIXTURES

WALK = FIXTURES / "walkthrough"
REQUISITION = "staff-ai-engineer-expense-automation"
OVERRIDDEN = "rag-review-multitenant-access"
RETIRED = "workflow-or-agent-claims-intake"

# Where the lead meant each question to be asked: packet, stage, block -> the block's primary.
MEANT = {
    "design-an-assistant-that-files-expense-claims-from-receipts": (f"requisitions/{REQUISITION}", "system-design",
                                                                    "llm-system-design"),
    "two-part-coding-a-request-budget-for-an-llm-gateway": ("ai-application-engineer/senior", "screen", "coding"),
    "write-a-scorer-for-citation-accuracy": ("ai-application-engineer/senior", "ai-assisted-coding", "llm-evaluation"),
    "why-does-a-model-give-different-answers-to-the-same-prompt": ("ai-application-engineer/senior", "evaluation",
                                                                   "llm-evaluation"),
    "when-is-fine-tuning-a-better-choice-than-a-longer-prompt": ("ai-application-engineer/senior", "hiring-manager",
                                                                 "llm-system-design"),
    "a-retrieval-latency-spike-after-an-index-rebuild": ("ai-application-engineer/senior", "system-design",
                                                         "llm-system-design"),
    "tell-me-about-a-time-you-stopped-a-launch-because-of-what-an": ("ai-application-engineer/senior", "evaluation",
                                                                     "product-judgment"),
    "staff-rubric-setting-the-technical-direction-for-a-new": ("ai-application-engineer/staff", "technical-depth",
                                                               "leadership"),
    "critique-a-retrieval-design-that-answers-from-stale-pages": ("ai-application-engineer/senior", "screen", "rag"),
    "why-does-batching-requests-raise-gpu-throughput-but-slow-a": ("ml-engineer/junior", "ai-assisted-coding",
                                                                   "model-serving"),
}


def run(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def kit(tmp_path, monkeypatch):
    """The walkthrough up to its commit, each step as the guide gives it."""
    for name, value in (("NAME", "Acme hiring lead"), ("EMAIL", "lead@acme.invalid")):
        monkeypatch.setenv(f"GIT_AUTHOR_{name}", value)
        monkeypatch.setenv(f"GIT_COMMITTER_{name}", value)
    kit = tmp_path / "acme-kit"
    run("init", str(kit), "--name", "Acme")
    monkeypatch.chdir(kit)
    bank = kit / "question_bank"

    imported = run("import", str(WALK / "material" / "wiki.md"), str(WALK / "material" / "sheet.csv"),
                   "--role", "ai-application-engineer", "--level", "senior")
    assert "10 question(s) read, 10 draft(s) written, 0 not imported" in imported.stderr
    drafts = sorted(path.relative_to(bank / "questions") for path in (bank / "questions").rglob("*.yaml")
                    if "status: draft" in path.read_text())
    finished = sorted(path.relative_to(WALK / "finished") for path in (WALK / "finished").rglob("*.yaml"))
    assert drafts == finished  # the lead finishes the drafts import wrote, file by file
    run("validate")  # drafts validate as drafts
    (bank / "questions" / "llm-system-design" / "our-search-latency-regression.yaml").unlink()  # ours replaces it
    for path in finished:
        shutil.copy(WALK / "finished" / path, bank / "questions" / path)

    loop = bank / "loops" / "ai-application-engineer" / "senior.yaml"  # the kit's own loop: the screen asks our critique
    screen_rag = "      rag: {formats: [code-review, design, discussion]}\n"
    assert screen_rag in loop.read_text()
    loop.write_text(loop.read_text().replace(screen_rag, screen_rag[:-2] + (
        ", question: critique-a-retrieval-design-that-answers-from-stale-pages}\n")))

    run("new", "question", "--override", OVERRIDDEN)
    override = bank / "questions" / "rag" / f"{OVERRIDDEN}.yaml"
    override.write_text(override.read_text() + (WALK / "override.yaml").read_text())

    status = bank / "status.yaml"
    status.write_text(re.sub(rf"# changes:\n#   - id: {RETIRED}\n#     status: retired\n#     reason:",
                             f"changes:\n  - id: {RETIRED}\n    status: retired\n    reason:", status.read_text()))

    made = run("new", "requisition", "--title", "Staff AI engineer, expense automation",
               "--role", "ai-application-engineer", "--level", "staff")
    assert made.stdout.startswith(f"question_bank/loops/requisitions/{REQUISITION}.yaml: ")
    shutil.copy(WALK / "requisition.yaml", bank / "loops" / "requisitions" / f"{REQUISITION}.yaml")

    validated = run("validate")
    assert "0 errors" in validated.stderr
    run_git(kit, "add", "-A")
    run_git(kit, "commit", "-qm", "Our own questions, an override, a retirement and the expense requisition")
    return kit


def run_git(kit, *args):
    return subprocess.run(["git", "-C", str(kit), *args], check=True, capture_output=True, text=True).stdout.strip()


def test_every_imported_question_lands_where_the_team_meant_it(kit):
    compiled = check(Project.at(kit))
    assert compiled.ok, [str(p) for p in compiled.problems if p.severity == "error"]
    # No warning: every finished question is placeable, and the retired shared question leaves no block short.
    assert [(p.code, p.path) for p in compiled.problems if p.severity != "notice"] == []
    packets = {packet.slug: packet for packet in compiled.packets}
    for question_id, (slug, stage_id, competency) in MEANT.items():
        stage = next(plan for plan in packets[slug].stages if plan.stage.id == stage_id)
        block = next(block for block in stage.blocks if block.competency.id == competency)
        assert block.primary.id == question_id, (question_id, slug, stage_id, block.primary.id)
    design = next(plan for plan in packets[f"requisitions/{REQUISITION}"].stages if plan.stage.id == "system-design")
    assert [c.id for c in design.blocks[0].rated] == ["llm-system-design", "ai-security"] and design.blocks[0].minutes == 50
    assert RETIRED not in {q.id for packet in compiled.packets for q in packet.questions}
    overridden = compiled.bank.questions[OVERRIDDEN]
    assert overridden.bar["senior"].separates.startswith("Finds both workspace leaks")
    assert overridden.metadata == {"owner": "search team"} and overridden.bar["senior"].meets == 3  # inherited

    explained = run("explain", "design-an-assistant-that-files-expense-claims-from-receipts").stdout.splitlines()
    assert explained[0].startswith("design-an-assistant-that-files-expense-claims-from-receipts: lands in "
                                   "ai-application-engineer/staff, stage 'system-design'")
    assert explained[1].endswith("primary in the llm-system-design block (rating ai-security too)")
    assert REQUISITION in explained[1]

    changes = run("changelog", "HEAD~1").stdout.splitlines()
    assert f"overridden  {OVERRIDDEN}  (fields changed: bar, metadata)" in changes
    assert any(line.startswith(f"retired     {RETIRED}  (status.yaml: ") for line in changes)
    assert f"added       requisition {REQUISITION}  Staff AI engineer, expense automation" in changes
    assert sum(line.startswith("added       ") and "requisition" not in line for line in changes) == 10


@pytest.mark.slow
def test_the_built_kit_carries_its_commit_and_its_history(kit):
    built = run("build", "--no-pdf")
    assert "0 errors" in built.stderr
    commit, date = run_git(kit, "log", "-1", "--format=%h"), run_git(kit, "log", "-1", "--format=%cs")
    site = kit / "site" / "kit"
    packet = (site / "requisitions" / REQUISITION / "index.html").read_text()
    assert f"· {date} · commit {commit}" in packet and "uncommitted" not in packet
    guide = (site / "requisitions" / REQUISITION / "system-design" / "index.html").read_text()
    assert "Design an assistant that files expense claims from receipts: AI safety and LLM security" in guide
    page = (site / "questions" / "design-an-assistant-that-files-expense-claims-from-receipts" / "index.html").read_text()
    assert "difficulty:</strong> Hard" in page and "A model answer" in page and "Listen for:" in page
    changelog = (kit / "content" / "kit" / "changelog.md").read_text()
    assert f"(`{OVERRIDDEN}`): fields changed: bar, metadata" in changelog
    assert f"(`{RETIRED}`) in `status.yaml`: We ask our own" in changelog
    assert f"- **added** requisition: Staff AI engineer, expense automation (`{REQUISITION}`)" in changelog
