"""Kit plumbing: `loopkit init` makes a repository with a first commit and commented examples,
`loopkit new requisition` scaffolds an opening's loop, and a kit's editions carry the kit's commit."""
import json
import os
import re
import subprocess

import yaml
from click.testing import CliRunner

import loopkit.cli
import loopkit.teamkit
from loopkit.cli import cli
from loopkit.edition import git


def made_kit(tmp_path, monkeypatch):
    kit = tmp_path / "kit"
    result = CliRunner().invoke(cli, ["init", str(kit), "--name", "Acme"])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(kit)
    return kit, result.output


def test_init_commits_the_kit_with_examples_that_validate(tmp_path, monkeypatch):
    kit, output = made_kit(tmp_path, monkeypatch)
    head = git(kit, "rev-parse", "--short=10", "HEAD")
    assert head and f"first commit {head}" in output
    assert git(kit, "status", "--porcelain") == ""  # everything init wrote is in the first commit
    status = (kit / "question_bank" / "status.yaml").read_text()
    assert "reason:" in status and all(not line.strip() or line.startswith("#") for line in status.splitlines())
    requisition = yaml.safe_load((kit / "question_bank" / "loops" / "requisitions" / "search-senior-example.yaml").read_text())
    assert requisition["role"] == "ai-application-engineer" and requisition["minutes"] == {"system-design": 75}
    checked = CliRunner().invoke(cli, ["validate"])
    assert checked.exit_code == 0 and "0 errors, 0 warnings" in checked.output, checked.output
    assert "26 packets" in checked.output  # the 25 loops and the example requisition

    # Uncommented, the example status.yaml retires and marks leaked two shared questions.
    (kit / "question_bank" / "status.yaml").write_text(re.sub(r"(?m)^# (?=changes:|  )", "", status))
    exported = CliRunner().invoke(cli, ["export"])
    statuses = {q["id"]: q["status"] for q in json.loads(exported.output)["questions"]}
    assert statuses["workflow-or-agent-claims-intake"] == "retired"
    assert statuses["agent-runaway-cost-incident"] == "leaked"


def test_init_without_git_still_makes_the_kit(tmp_path, monkeypatch):
    monkeypatch.setattr(loopkit.teamkit.shutil, "which", lambda name: None)
    kit, output = made_kit(tmp_path, monkeypatch)
    assert "git is not installed" in output and not (kit / ".git").exists()
    assert (kit / "loopkit.yml").is_file()


def test_new_requisition_by_flags_and_by_prompts(tmp_path, monkeypatch):
    kit, _ = made_kit(tmp_path, monkeypatch)
    made = CliRunner().invoke(cli, ["new", "requisition", "--title", "Staff ML engineer, ranking",
                                    "--role", "ml-engineer", "--level", "staff"])
    assert made.exit_code == 0, made.output
    path = kit / "question_bank" / "loops" / "requisitions" / "staff-ml-engineer-ranking.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schema/requisition.schema.json\n")
    assert "# Based on loops/ml-engineer/staff.yaml, whose stages are: screen, ai-assisted-coding" in text
    assert yaml.safe_load(text) == {"id": "staff-ml-engineer-ranking", "title": "Staff ML engineer, ranking",
                                    "role": "ml-engineer", "level": "staff"}
    checked = CliRunner().invoke(cli, ["validate"])
    assert checked.exit_code == 0 and "27 packets" in checked.output, checked.output

    monkeypatch.setattr(loopkit.cli, "interactive", lambda: True)
    prompted = CliRunner().invoke(cli, ["new", "requisition", "--id", "search-2"],
                                  input="Search, second opening\nai-application-engineer\nsenior\n")
    assert prompted.exit_code == 0, prompted.output
    assert (kit / "question_bank" / "loops" / "requisitions" / "search-2.yaml").is_file()

    monkeypatch.setattr(loopkit.cli, "interactive", lambda: False)
    taken = CliRunner().invoke(cli, ["new", "requisition", "--id", "search-2", "--title", "Again",
                                     "--role", "ai-application-engineer", "--level", "senior"])
    assert taken.exit_code == 2 and "is taken" in taken.output
    no_loop = CliRunner().invoke(cli, ["new", "requisition", "--title", "Nothing", "--role", "ml-engineer",
                                       "--level", "intern"])
    assert no_loop.exit_code == 2 and "no loop for role 'ml-engineer' at level 'intern'" in no_loop.output


def test_a_committed_kit_prints_its_own_commit_on_every_packet(tmp_path, monkeypatch):
    kit, _ = made_kit(tmp_path, monkeypatch)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    (kit / "README.md").write_text("Our kit.\n")
    subprocess.run(["git", "-C", str(kit), "commit", "-qam", "Our README"], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t", "PATH": os.environ["PATH"]})
    first = git(kit, "rev-parse", "--short=10", "HEAD~1")
    date = git(kit, "log", "-1", "--format=%cs", "HEAD~1")
    built = CliRunner().invoke(cli, ["build", "--no-pdf"], catch_exceptions=False)
    assert built.exit_code == 0, built.output
    pages = sorted((kit / "content" / "kit").rglob("index.md"))
    editions = [re.search(r"edition [^<\n]*", page.read_text()).group(0) for page in pages
                if "Interview packet ·" in page.read_text()]
    assert len(editions) == 26
    # Packets of shared questions only (the ML engineer loops, say) carry the kit's commit too.
    assert all(f"· {date} · commit {first} · content" in edition for edition in editions), editions
    site = (kit / "site" / "kit" / "ml-engineer" / "staff" / "index.html").read_text()
    assert f"commit {first}" in site and "uncommitted" not in site


def test_the_changelog_lists_status_changes_overrides_and_requisitions(tmp_path, monkeypatch):
    kit, _ = made_kit(tmp_path, monkeypatch)
    bank = kit / "question_bank"
    status = (bank / "status.yaml").read_text()
    (bank / "status.yaml").write_text(re.sub(r"(?m)^# (?=changes:|  )", "", status))
    shared = loopkit.teamkit.bundled("question_bank") / "questions" / "rag"
    copy = next(shared.glob("*.yaml"))
    override = yaml.safe_load(copy.read_text())
    (bank / "questions" / "rag").mkdir(parents=True)
    (bank / "questions" / "rag" / copy.name).write_text(
        copy.read_text().replace(f"id: {override['id']}\n", f"id: {override['id']}\noverrides: true\n", 1))
    made = CliRunner().invoke(cli, ["new", "requisition", "--title", "Staff ML engineer, ranking",
                                    "--role", "ml-engineer", "--level", "staff"])
    assert made.exit_code == 0, made.output
    (bank / "loops" / "requisitions" / "search-senior-example.yaml").write_text(
        (bank / "loops" / "requisitions" / "search-senior-example.yaml").read_text().replace("75", "65"))
    assert CliRunner().invoke(cli, ["validate"]).exit_code == 0
    subprocess.run(["git", "-C", str(kit), "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(kit), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm",
                    "Retire two shared questions, override one, open two requisitions"], check=True)

    result = CliRunner().invoke(cli, ["changelog", "HEAD~1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "retired     workflow-or-agent-claims-intake  (status.yaml: We ask our own evaluation question " \
           "instead (our-search-latency-regression).)" in lines
    assert any(line.startswith("leaked      agent-runaway-cost-incident  (status.yaml: Posted on") for line in lines)
    assert f"overridden  {override['id']}  {override['title']}" in lines
    assert "added       requisition staff-ml-engineer-ranking  Staff ML engineer, ranking" in lines
    assert "changed     requisition search-senior-example  Senior AI application engineer, search (example opening)" \
        in lines
    assert "5 change(s) between HEAD~1 and HEAD" in result.stderr

    built = CliRunner().invoke(cli, ["build", "--no-pdf"], catch_exceptions=False)
    assert built.exit_code == 0, built.output
    page = (kit / "content" / "kit" / "changelog.md").read_text()
    assert "- **retired**: [" in page and "(`workflow-or-agent-claims-intake`) in `status.yaml`: We ask our own" in page
    assert f"- **overridden**: [{override['title']}](questions/{override['id']}.md)" in page
    assert "- **added** requisition: Staff ML engineer, ranking (`staff-ml-engineer-ranking`)" in page
