"""Two builds of the same bank, in separate processes with different hash seeds, give byte-identical
sites, PDFs included: sorted iteration, no clock, no absolute paths in the output. Also a smoke run of
the benchmark, which builds synthetic banks the same way (its figures depend on the machine, so only
its report's shape is checked)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from loopkit.bench import PRINT_ROWS, ROWS, copied, measure_print, print_table

from conftest import FIXTURES, REPO

pytestmark = pytest.mark.slow

# mkdocs writes the build day (UTC) into the gzip header of sitemap.xml.gz unless SOURCE_DATE_EPOCH is
# set, so two builds either side of midnight differ in that file alone; the second test pins the date.
DATED_BY_MKDOCS = {"sitemap.xml.gz"}


def build(root: Path, seed: str, *options: str) -> dict[str, bytes]:
    """A fresh project at `root` holding the fixture bank, built by `loopkit build` in its own process
    with PYTHONHASHSEED=`seed` (set iteration order differs between seeds); its site's files."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("kit"))
    shutil.copytree(FIXTURES / "bank", root / "question_bank")
    result = subprocess.run([sys.executable, "-m", "loopkit", "build", *options], cwd=root, capture_output=True,
                            text=True, timeout=600, env=dict(os.environ, PYTHONHASHSEED=seed))
    assert result.returncode == 0, result.stdout + result.stderr
    site = root / "site"
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*") if path.is_file()}


def differing(first: dict[str, bytes], second: dict[str, bytes]) -> list[str]:
    return sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))


def test_two_builds_with_pdfs_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    # Folders of different lengths, so an absolute path leaking into a page or PDF would show.
    first = build(tmp_path / "a", "1")
    second = build(tmp_path / "second-project", "2")
    assert [name for name in first if name.endswith(".pdf")], "the build printed no PDFs"
    assert sorted(first) == sorted(second)
    assert [name for name in differing(first, second) if name not in DATED_BY_MKDOCS] == []


def test_with_source_date_epoch_even_the_sitemap_is_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    first = build(tmp_path / "a", "3", "--no-pdf")
    second = build(tmp_path / "second-project", "4", "--no-pdf")
    assert DATED_BY_MKDOCS <= first.keys()
    assert differing(first, second) == []


def test_the_benchmark_prints_its_table_and_targets():
    result = subprocess.run([sys.executable, "-m", "loopkit.bench", "--quick"], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("loopkit ") and " benchmark, " in lines[0]
    assert lines[1].startswith("machine: ") and " cores, " in lines[1]
    assert "| measure | 400 questions |" in lines
    for label, _, _ in ROWS:
        assert any(line.startswith(f"| {label} | ") for line in lines), label
    verdicts = lines[lines.index("| target (at 400 questions) | wanted | measured | holds |") + 2:]
    assert len(verdicts) == 5 and verdicts[3].startswith("| search index / question pages' text, at 400 | <= 1.3 |")
    assert all(line.endswith((" | yes |", " | NO |")) for line in verdicts), verdicts


def test_the_benchmark_measures_the_projects_own_bank_with_its_pdfs(tmp_path):
    source = copied(REPO, tmp_path / "source")
    shutil.copytree(FIXTURES / "bank", source / "question_bank")
    (tmp_path / "work").mkdir()
    printing = measure_print(source, tmp_path / "work")
    site = tmp_path / "work" / "project" / "site"
    pdfs = sorted((site / "kit" / "pdf").glob("*.pdf"))
    assert printing["pdfs"] == len(pdfs) == 8  # 2 packets: 2 stage sheets, an interview and a committee packet each
    assert printing["written"] == sum(len(PdfReader(pdf).pages) for pdf in pdfs) > printing["laid_out"]
    assert printing["print_cpu"] > 0 and printing["rate"] == printing["written"] / printing["print_seconds"]
    assert 3 <= printing["reprinted"] < 8  # the retitled question's stage sheet and its packets, not the rest
    assert printing["own_search"] == (site / "search" / "search_index.json").stat().st_size
    assert printing["own_search_ratio"] == printing["own_search"] / printing["own_question_text"] > 1
    table = print_table(printing)
    assert all(f"| {label} | " in table for label, _, _ in PRINT_ROWS)
