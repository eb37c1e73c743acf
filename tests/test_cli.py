"""The command line, as contributors and CI use it."""
import hashlib
import json
import os
import pickle
import pty
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from loopkit.cli import cli
from loopkit.pipeline import Project


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def break_a_question(bank):
    path = bank / "questions" / "chunk-size-choice.yaml"
    path.write_text(path.read_text().replace("minutes: 20", "minutes: 20\nduration: 20"))
    return path


def test_validate_a_clean_bank(fixture_bank):
    result = run("validate", str(fixture_bank))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "9 questions, 2 loops, 2 packets; 0 errors, 0 warnings" in result.stderr


def test_validate_reports_path_line_column_and_code(fixture_bank, monkeypatch):
    monkeypatch.chdir(fixture_bank.parent)
    break_a_question(fixture_bank)
    result = run("validate", "bank")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "bank/questions/chunk-size-choice.yaml:10:1: LK002 unknown key 'duration'; expected one of: id, overrides, title, "
        "status, kind, format, family, topics, roles, levels, competencies, minutes, prompt, material, interviewer_notes, "
        "parts, probes, green_flags, red_flags, rubric, bar, ai_use, calibration, model_answer, metadata, sources, "
        "waivers, author, reviews, reviewed"]
    assert "Traceback" not in result.output


def test_validate_speaks_github_annotations(fixture_bank, monkeypatch):
    monkeypatch.chdir(fixture_bank.parent)
    break_a_question(fixture_bank)
    result = run("validate", "bank", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=bank/questions/chunk-size-choice.yaml,line=10,col=1,title=LK002::")


def test_validate_a_file_that_is_not_yaml(fixture_bank, monkeypatch):
    monkeypatch.chdir(fixture_bank.parent)
    (fixture_bank / "questions" / "bad.yaml").write_text("id: [unclosed\ntitle: x\n")
    result = run("validate", "bank")
    assert result.exit_code == 1
    assert result.stdout.startswith("bank/questions/bad.yaml:2:")
    assert "LK001 YAML syntax" in result.stdout


def test_build_writes_the_site(project, fixture_bank):
    result = run("build", "--bank", str(fixture_bank), "--no-pdf")
    assert result.exit_code == 0, result.output
    site = project / "site"
    assert (site / "index.html").is_file()
    for level in ("junior", "senior"):
        packet = site / "kit" / "ai-application-engineer" / level
        assert "Debrief guide" in (packet / "index.html").read_text()
        assert "Score sheet" in (packet / "retrieval" / "index.html").read_text()
    assert "Refund answers went wrong last week" in (site / "kit/questions/refund-answers-went-wrong/index.html").read_text()


def test_a_broken_bank_leaves_the_previous_site_as_it_was(project, fixture_bank):
    assert run("build", "--bank", str(fixture_bank), "--no-pdf").exit_code == 0
    before = (project / "site" / "kit" / "index.html").read_bytes()
    break_a_question(fixture_bank)
    result = run("build", "--bank", str(fixture_bank), "--no-pdf")
    assert result.exit_code == 1
    assert "LK002" in result.stdout
    assert "nothing was written" in result.stderr and "is unchanged" in result.stderr
    assert (project / "site" / "kit" / "index.html").read_bytes() == before


def test_a_failed_mkdocs_build_leaves_the_previous_site_as_it_was(project, fixture_bank):
    assert run("build", "--bank", str(fixture_bank), "--no-pdf").exit_code == 0
    before = (project / "site" / "index.html").read_bytes()
    (project / "content" / "broken.md").write_text("# Broken\n\n[nowhere](missing-page.md)\n")
    result = run("build", "--bank", str(fixture_bank), "--no-pdf")
    assert result.exit_code == 1
    assert "missing-page.md" in result.stderr
    assert (project / "site" / "index.html").read_bytes() == before
    assert not list(project.glob(".site-*"))


def test_a_build_with_nothing_changed_is_skipped_and_a_change_rewrites_only_its_pages(project, fixture_bank):
    assert run("build", "--bank", str(fixture_bank), "--no-pdf").exit_code == 0
    again = run("build", "--bank", str(fixture_bank), "--no-pdf")
    assert again.exit_code == 0 and "nothing changed since the last build" in again.stderr
    path = fixture_bank / "questions" / "offline-online-gap.yaml"
    path.write_text(path.read_text().replace("minutes: 20", "minutes: 15"))
    changed = run("build", "--bank", str(fixture_bank), "--no-pdf")
    assert "files: " in changed.stderr and "site built" in changed.stderr
    assert "files: 0 written" not in changed.stderr


def test_export_json_keeps_its_contract(fixture_bank):
    result = run("export", "--bank", str(fixture_bank), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    question = next(q for q in data["questions"] if q["id"] == "chunk-size-choice")
    assert {"id", "title", "status", "roles", "levels", "competencies", "rubric", "calibration"} <= set(question)
    assert [point["score"] for point in question["rubric"]] == [1, 2, 3, 4]
    assert question["calibration"] == []
    packet = next(p for p in data["packets"] if p["level"] == "senior")
    assert packet["role"] == "ai-application-engineer"
    assert packet["requisition"] is None
    stage = packet["stages"][0]
    assert {"name", "minutes", "competencies", "questions", "interviewer_level"} <= set(stage)
    assert (stage["phase"], stage["hiring_manager"], stage["replaces"], stage["at_home_minutes"]) == \
        ("onsite", False, None, None)
    assert stage["questions"][:2] == [block["primary"] for block in stage["blocks"]]
    assert all("ranked first of" in block["why"] for block in stage["blocks"])  # selection says why


def test_export_says_which_requisition_a_packet_belongs_to(fixture_bank):
    (fixture_bank / "loops" / "requisitions").mkdir()
    (fixture_bank / "loops" / "requisitions" / "search-team.yaml").write_text(
        "id: search-team\ntitle: Senior AI application engineer, search\nrole: ai-application-engineer\n"
        "level: senior\nrotate: search-2026\n")
    data = json.loads(run("export", "--bank", str(fixture_bank)).stdout)
    assert [p["requisition"] for p in data["packets"]] == [None, None, "search-team"]


def test_rotate_gives_another_selection_from_every_command_that_plans(fixture_bank):
    def packets(*options):
        result = run("export", "--bank", str(fixture_bank), *options)
        assert result.exit_code == 0, result.output
        return [s["questions"] for p in json.loads(result.stdout)["packets"] for s in p["stages"]]

    standing = packets()
    assert packets() == standing
    assert any(packets("--rotate", seed) != standing for seed in ("2026-q1", "2026-q2", "team-b"))
    assert run("validate", str(fixture_bank), "--rotate", "2026-q1").exit_code == 0


def test_export_to_a_file(fixture_bank, tmp_path):
    target = tmp_path / "bank.json"
    assert run("export", "--bank", str(fixture_bank), "-o", str(target)).exit_code == 0
    assert len(json.loads(target.read_text())["packets"]) == 2


def commands(group=cli, prefix=()):
    """Every command the CLI has, as the words that call it (`new question`, say)."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


@pytest.mark.parametrize("command", list(commands()), ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    examples = result.stdout.split("Example:")[1]
    assert f"loopkit {' '.join(command)}" in examples, "the example must show the command itself"


def test_export_csv_has_a_row_per_question(fixture_bank):
    import csv
    import io

    result = run("export", "--bank", str(fixture_bank), "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 9
    row = next(r for r in rows if r["id"] == "chunk-size-choice")
    assert row["status"] == "active" and row["levels"] == "junior; senior"
    assert row["rubric_1"].startswith("Proposes a fix without looking")
    assert "ai-application-engineer/senior/" in row["used_in"]


def on_a_terminal(*command):
    """Run a command with a pseudo-terminal as its stdin, stdout and stderr; its exit code and output."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(command, stdin=secondary, stdout=secondary, stderr=secondary, close_fds=True)
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: the command exited
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    return process.wait(), output.decode("utf-8", "replace")


@pytest.mark.slow
def test_long_steps_show_progress_on_a_terminal_and_nothing_in_a_pipe(project, fixture_bank):
    code, output = on_a_terminal(sys.executable, "-m", "loopkit", "build", "--bank", str(fixture_bank))
    assert code == 0, output
    assert "printing PDFs" in output and "building the site" in output and "100%" in output
    (Project.at(project, fixture_bank).cache / "last-build").unlink()
    piped = subprocess.run([sys.executable, "-m", "loopkit", "build", "--bank", str(fixture_bank)],
                           capture_output=True, text=True, check=True)
    assert "%" not in piped.stderr + piped.stdout and "building the site" not in piped.stderr


def test_the_fingerprint_reads_only_files_whose_size_or_time_changed(project, fixture_bank, monkeypatch):
    from loopkit import pipeline

    source = Project.at(project, fixture_bank)
    old = time.time() - 60
    for path in filter(os.path.isfile, pipeline.input_files(source)):
        os.utime(path, (old, old))  # settled: older than the two seconds a change could hide in
    first = pipeline.fingerprint(source, "x")
    read = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda path, *a, **k: read.append(path) or real_open(path, *a, **k))
    assert pipeline.fingerprint(source, "x") == first and read == []
    question = fixture_bank / "questions" / "offline-online-gap.yaml"
    question.write_text(question.read_text().replace("minutes: 20", "minutes: 15"))  # same size, new time
    assert pipeline.fingerprint(source, "x") != first and read == [str(question)]


@pytest.mark.parametrize("mistake, reason", [("{{ shown_questions|length }}", "'shown_questions' is undefined"),
                                             ("{% if %}", "TemplateSyntaxError")])
def test_a_broken_template_is_reported_at_its_line_and_changes_nothing(project, fixture_bank, mistake, reason):
    """A team's own templates may use a value a newer loopkit no longer passes, or have a typo."""
    assert run("build", "--bank", str(fixture_bank), "--no-pdf").exit_code == 0
    before = (project / "site" / "index.html").read_bytes()
    template = project / "site_templates" / "site" / "competency.md.j2"
    lines = template.read_text().splitlines()
    lines.insert(10, mistake)
    template.write_text("\n".join(lines) + "\n")
    result = run("build", "--bank", str(fixture_bank), "--no-pdf")
    assert result.exit_code == 1
    assert "site_templates/site/competency.md.j2:11: " in result.output and reason in result.output
    assert "Traceback" not in result.output and "is unchanged" in result.output
    assert (project / "site" / "index.html").read_bytes() == before


class _RunsCode:
    """What a hostile pull request could commit as a cache: unpickling it creates a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return open, (str(self.marker), "w")


def test_a_cache_committed_to_the_checkout_is_never_read(project, fixture_bank):
    """A pull request can add any file, a force-added .loopkit-cache/ included; CI then runs validate
    and build on it. Caches live in the user's cache folder and hold JSON, so nothing in the checkout
    is ever unpickled."""
    shutil.copytree(fixture_bank, project / "question_bank")
    marker = project / "code-ran"
    planted = project / ".loopkit-cache"
    planted.mkdir()
    payload = pickle.dumps(_RunsCode(marker))
    key = hashlib.sha256(os.fsencode((project / "question_bank").resolve())).hexdigest()[:16]
    for name in ("digests.pickle", f"parsed-{key}.pickle"):
        (planted / name).write_bytes(payload)
    assert run("validate").exit_code == 0
    assert run("build", "--no-pdf").exit_code == 0
    assert not marker.exists()
    assert not Project.at(project).cache.resolve().is_relative_to(project.resolve())
