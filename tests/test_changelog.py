"""`loopkit changelog` and the site's changelog page, from a real git history."""
import subprocess

from click.testing import CliRunner

from loopkit.changelog import history
from loopkit.cli import cli


def git(folder, *args):
    return subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          check=True, capture_output=True, text=True).stdout.strip()


def edit(path, old, new):
    path.write_text(path.read_text().replace(old, new))


def test_changes_between_two_refs(fixture_bank, monkeypatch):
    root = fixture_bank.parent
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first")
    questions = fixture_bank / "questions"
    edit(questions / "chunk-size-choice.yaml", "status: active", "status: leaked")
    edit(questions / "offline-online-gap.yaml", "status: active", "status: retired")
    edit(questions / "grader-disagrees-with-humans.yaml", "minutes: 20", "minutes: 15")
    (questions / "stale-index-after-migration.yaml").unlink()
    new = (questions / "evaluation-set-for-summaries.yaml").read_text().replace(
        "id: evaluation-set-for-summaries", "id: a-brand-new-question")
    (questions / "a-brand-new-question.yaml").write_text(new)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "second")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["changelog", "HEAD~1", "HEAD", "--bank", "bank"])
    assert result.exit_code == 0, result.output
    lines = {tuple(line.split()[:2]) for line in result.stdout.splitlines()}
    assert lines == {("added", "a-brand-new-question"), ("leaked", "chunk-size-choice"),
                     ("retired", "offline-online-gap"), ("changed", "grader-disagrees-with-humans"),
                     ("removed", "stale-index-after-migration")}
    entries = history(root, fixture_bank)
    assert [e.subject for e in entries] == ["second", "first"]
    assert len(entries[1].changes) == 9 and {c.kind for c in entries[1].changes} == {"added"}


def test_unknown_refs_and_no_git_are_clear_errors(fixture_bank, monkeypatch):
    monkeypatch.chdir(fixture_bank.parent)
    result = CliRunner().invoke(cli, ["changelog", "HEAD~1", "--bank", "bank"])
    assert result.exit_code == 1 and "not inside a git checkout" in result.output


def test_a_build_reads_git_history_in_a_few_calls_however_many_commits(project, fixture_bank, monkeypatch):
    """Editions and the changelog page come from one pass over history, not one git call per file or
    commit (a build of the bundled bank used to run about 600)."""
    import shutil

    from loopkit.pipeline import Project, check, render_pages

    shutil.copytree(fixture_bank, project / "question_bank")
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "first")
    questions = sorted((project / "question_bank" / "questions").glob("*.yaml"))
    for number, path in enumerate(questions):
        path.write_text(path.read_text() + f"# edit {number}\n")
        git(project, "commit", "-qam", f"edit {number}")
    calls = []
    real_popen = subprocess.Popen  # subprocess.run starts every process through it

    def counted(command, *args, **kwargs):
        calls.append(command)
        return real_popen(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", counted)
    loopkit_project = Project.at(project)
    pages, _ = render_pages(loopkit_project, check(loopkit_project))
    git_calls = [command for command in calls if command[0] == "git"]
    assert len(git_calls) <= 8, "\n".join(" ".join(command[3:6]) for command in git_calls)
    assert "edit 0" in pages["changelog.md"] and "first" in pages["changelog.md"]


def test_a_commit_of_a_whole_bank_lists_its_first_changes_and_counts_the_rest(fixture_bank, monkeypatch):
    """A team importing its bank in one commit must not get a changelog page (and a build) that reads
    and lists every file of it."""
    from loopkit import changelog

    root = fixture_bank.parent
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first")
    monkeypatch.setattr(changelog, "LISTED", 3)
    [entry] = history(root, fixture_bank)
    assert len(entry.changes) == 3 and entry.unlisted == len(list((fixture_bank / "questions").glob("*.yaml"))) - 3


def test_a_partial_override_is_listed_as_overridden_with_the_fields_it_changes(fixture_bank, monkeypatch):
    root = fixture_bank.parent
    git(root, "init", "-q")
    git(root, "commit", "-q", "--allow-empty", "-m", "first")
    (fixture_bank / "questions" / "our-copy.yaml").write_text(
        "id: chunk-size-choice\noverrides:\n  digest: sha256-0123456789abcdef\nminutes: 15\nbar:\n  senior:\n"
        "    meets: 2\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "override")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["changelog", "HEAD~1", "--bank", "bank"])
    assert "overridden  chunk-size-choice  (fields changed: minutes, bar)" in result.stdout.splitlines()
