"""Two builds of the same bank give byte-identical sites, PDFs included: sorted iteration, no clock,
no absolute paths in the output; and a bank loaded from the parse cache is the bank parsed afresh.
Also a smoke run of the benchmark, which builds synthetic banks the same way (its figures depend on
the machine, so only its report's shape is checked)."""
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from loopkit.bench import ROWS
from loopkit.cli import cli
from loopkit.load import load_bank
from loopkit.validate import validate

from conftest import FIXTURES, REPO

# mkdocs writes the build day (UTC) into the gzip header of sitemap.xml.gz unless SOURCE_DATE_EPOCH is
# set, so two builds either side of midnight differ in that file alone; the second test pins the date.
DATED_BY_MKDOCS = {"sitemap.xml.gz"}


def build(root: Path, monkeypatch, *options: str) -> dict[str, bytes]:
    """A fresh project at `root` holding the fixture bank, built; its site's files."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("kit"))
    shutil.copytree(FIXTURES / "bank", root / "question_bank")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["build", *options], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    site = root / "site"
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*") if path.is_file()}


def differing(first: dict[str, bytes], second: dict[str, bytes]) -> list[str]:
    return sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))


def test_two_builds_with_pdfs_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    # Folders of different lengths, so an absolute path leaking into a page or PDF would show.
    first = build(tmp_path / "a", monkeypatch)
    second = build(tmp_path / "second-project", monkeypatch)
    assert [name for name in first if name.endswith(".pdf")], "the build printed no PDFs"
    assert sorted(first) == sorted(second)
    assert [name for name in differing(first, second) if name not in DATED_BY_MKDOCS] == []


def test_with_source_date_epoch_even_the_sitemap_is_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    first = build(tmp_path / "a", monkeypatch, "--no-pdf")
    second = build(tmp_path / "second-project", monkeypatch, "--no-pdf")
    assert DATED_BY_MKDOCS <= first.keys()
    assert differing(first, second) == []


def test_the_benchmark_prints_its_table_and_targets():
    result = subprocess.run([sys.executable, "-m", "loopkit.bench", "--quick"], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("loopkit ") and " benchmark, " in lines[0]
    assert lines[1].startswith("machine: ") and " cores, " in lines[1]
    assert "| measure | 200 questions |" in lines
    for label, _, _ in ROWS:
        assert any(line.startswith(f"| {label} | ") for line in lines), label
    verdicts = lines[lines.index("| target (at 200 questions) | wanted | measured | holds |") + 2:]
    assert len(verdicts) == 4
    assert all(line.endswith((" | yes |", " | NO |")) for line in verdicts), verdicts


def test_the_parse_cache_gives_the_same_documents_and_positions(fixture_bank, tmp_path):
    path = fixture_bank / "questions" / "chunk-size-choice.yaml"
    path.write_text(path.read_text().replace("minutes: 20", "minutes: twenty"))
    cache = tmp_path / "cache"
    fresh = load_bank(fixture_bank, base=tmp_path)
    filled = load_bank(fixture_bank, base=tmp_path, cache=cache)
    cached = load_bank(fixture_bank, base=tmp_path, cache=cache)
    assert [d.data for d in fresh.documents] == [d.data for d in filled.documents] == [d.data for d in cached.documents]
    assert [(p.code, p.line, p.col) for p in validate(cached)[1]] == [("LK003", 9, 1)]


def test_the_parse_cache_follows_edits_and_survives_damage(fixture_bank, tmp_path):
    cache = tmp_path / "cache"
    load_bank(fixture_bank, base=tmp_path, cache=cache)
    path = fixture_bank / "questions" / "chunk-size-choice.yaml"
    path.write_text(path.read_text().replace("minutes: 20", "minutes: 25"))
    edited = {d.source.path: d.data for d in load_bank(fixture_bank, base=tmp_path, cache=cache).documents}
    assert edited["bank/questions/chunk-size-choice.yaml"]["minutes"] == 25
    [cache_file] = cache.iterdir()
    cache_file.write_bytes(b"not a pickle")
    again = load_bank(fixture_bank, base=tmp_path, cache=cache)
    assert {d.source.path: d.data for d in again.documents} == edited
    assert again.problems == []


def test_bank_layers_sharing_a_cache_folder_keep_their_own_entries(fixture_bank, tmp_path):
    cache = tmp_path / "cache"
    other = tmp_path / "other"
    shutil.copytree(fixture_bank, other)
    for bank in (fixture_bank, other, fixture_bank):
        load_bank(bank, base=tmp_path, cache=cache)
    assert len(list(cache.iterdir())) == 2
