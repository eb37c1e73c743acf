"""Editions: per packet, from git, deterministic."""
import subprocess

from loopkit.edition import Changes, edition_of


def git(folder, *args):
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                   check=True, capture_output=True)


def test_an_edition_names_the_last_commit_that_touched_the_files(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text("a: 1\n")
    two.write_text("b: 1\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "first")
    first = edition_of([one])
    two.write_text("b: 2\n")
    git(tmp_path, "commit", "-qam", "second")
    assert edition_of([one]) == first  # a commit that did not touch one.yaml leaves its edition alone
    assert edition_of([one, two]).commit != first.commit
    one.write_text("a: 2\n")
    changed = edition_of([one])
    assert changed.commit.endswith("with uncommitted changes") and changed.digest != first.digest


def test_source_date_epoch_fixes_the_date(tmp_path, monkeypatch):
    path = tmp_path / "one.yaml"
    path.write_text("a: 1\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    edition = edition_of([path])
    assert edition.date == "2026-01-01"
    assert edition.commit == "uncommitted"


def test_one_history_read_gives_every_edition_and_ignores_files_of_other_checkouts(tmp_path, monkeypatch):
    """A kit's packets mix its own files with the shared bank's, which lives in another checkout (or in
    site-packages): only the kit's own history dates them."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    kit, upstream = tmp_path / "kit", tmp_path / "upstream"
    for repo, name in ((kit, "own.yaml"), (upstream, "shared.yaml")):
        repo.mkdir()
        (repo / name).write_text("a: 1\n")
        git(repo, "init", "-q")
        git(repo, "add", ".")
        git(repo, "commit", "-qm", "first")
    own, shared = kit / "own.yaml", upstream / "shared.yaml"
    changes = Changes.read(kit, kit)
    mixed = edition_of([own, shared], changes)
    assert mixed == edition_of([own, shared])  # the same as reading the history for this packet alone
    assert mixed.commit == edition_of([own]).commit and "uncommitted" not in mixed.commit
    assert mixed.digest != edition_of([own]).digest  # the shared file's content still counts
    (kit / "new.yaml").write_text("b: 1\n")
    assert edition_of([own, kit / "new.yaml"]).commit.endswith("with uncommitted changes")
    assert Changes.read(tmp_path / "nowhere").top is None
