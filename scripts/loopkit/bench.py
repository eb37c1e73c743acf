"""Benchmark: how loopkit's build time, memory and output grow with the size of the bank.

`python -m loopkit.bench` generates synthetic banks with the real schema (the bundled vocabularies and
loops, and question files made from the bundled questions' text), then measures, in one run, the YAML
parse floor, loopkit's compile, a bare mkdocs build, the full `loopkit build --no-pdf`, rebuilds, peak
memory and output sizes, and prints a table with the ratios the targets are stated in. Then it prints the
project's own bank: the README's `loopkit build` with every PDF from a fresh checkout, and the PDF step.
It is a script, not a timed test: numbers depend on the machine, so nothing here asserts on speed.
"""
from __future__ import annotations

import argparse
import datetime
import json
import multiprocessing
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import yaml

from . import __version__
from .load import load_bank
from .model import FORMATS, STATUSES
from .pipeline import Project, check, compile_pages, render_pages

SIZES = "1000,10000"
QUICK_SIZES = [400]  # at least the bundled bank's active questions, which come first
SHARE_OF = {"active": 90, "draft": 5, "retired": 3, "leaked": 2}  # per cent of the generated questions
GIB = 1 << 30
T = TypeVar("T")


class _Dumper(yaml.CSafeDumper):
    """Writes files the way contributors do: multi-line text as `|` blocks, and no anchors or aliases
    for values that several questions share."""

    def ignore_aliases(self, data: object) -> bool:
        return True


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


TEXT_FIELDS = ["prompt", "material", "interviewer_notes", "probes", "green_flags", "red_flags", "rubric", "bar",
               "ai_use", "calibration"]


def distinct(value: object, tag: str) -> object:
    """The same text marked with `tag`, so no two generated questions share a sentence: a cache keyed by
    text would otherwise look better here than on a real bank."""
    if isinstance(value, str):
        return f"{value.rstrip()}\n\n({tag})\n" if "\n" in value.strip() else f"{value} ({tag})"
    if isinstance(value, dict):
        return {key: distinct(item, tag) for key, item in value.items()}
    if isinstance(value, list):
        return [distinct(item, tag) for item in value]
    return value


def read_yaml(path: Path) -> object:
    return yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)


def generate_bank(source: Path, target: Path, count: int) -> None:
    """Write a bank of `count` questions: the real vocabularies and loops, and questions whose text comes
    from the real active questions, spread over competencies, roles, levels and formats.

    The first questions are the bundled bank's active ones, unchanged, so every loop plans as it does in
    the real bank (screens, deep designs, assistant-only and take-home blocks included); the rest are
    variants spread at random (seeded, so runs compare).
    """
    shutil.copytree(source / "vocabulary", target / "vocabulary")
    shutil.copytree(source / "loops", target / "loops")
    roles = [item["id"] for item in read_yaml(source / "vocabulary" / "roles.yaml")["roles"]]
    levels = [item["id"] for item in read_yaml(source / "vocabulary" / "levels.yaml")["levels"]]
    competencies = [item["id"] for item in read_yaml(source / "vocabulary" / "competencies.yaml")["competencies"]]
    templates = [q for q in map(read_yaml, sorted((source / "questions").rglob("*.yaml"))) if q["status"] == "active"]
    rng = random.Random(count)
    for index in range(count):
        question = dict(templates[index % len(templates)])
        if index < len(templates):  # the real question, as it is
            path = target / "questions" / question["competencies"][0] / f"{question['id']}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.dump(question, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100),
                            encoding="utf-8")
            continue
        question.pop("family", None)  # variants of one text are not a scenario family the planner must spread
        # Variants of one text are near-identical by construction, which LK210 would report thousands of
        # times; a real bank has a few such pairs, so they carry the waiver a team would write.
        question["waivers"] = [{"code": "LK210", "reason": "a synthetic variant of another benchmark question"}]
        competency = competencies[index % len(competencies)]
        others = [c for c in competencies if c != competency]
        chosen = [competency, *rng.sample(others, rng.randint(0, 2))]
        first = rng.randrange(len(levels))
        question.update(format=rng.choice(FORMATS), minutes=rng.choice([15, 20, 25, 30]),
                        roles=rng.sample(roles, rng.randint(1, 3)),
                        levels=levels[first:first + rng.randint(1, 3)],
                        status=rng.choices(STATUSES, [SHARE_OF[status] for status in STATUSES])[0])
        bars = question["bar"]
        nearest = next(iter(bars.values()))  # for a level the source question has no bar at
        question.update(id=f"{question['id'][:60]}-{index:05d}", competencies=chosen,
                        title=f"{question['title'][:100]} (variant {index})",
                        bar={level: {**bars.get(level, nearest),
                                     "separates": f"{bars.get(level, nearest)['separates']} (at {level})"}
                             for level in question["levels"]})
        for field in TEXT_FIELDS:
            if field in question:
                question[field] = distinct(question[field], f"variant {index}")
        path = target / "questions" / competency / f"{question['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(question, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100),
                        encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m loopkit.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=SIZES, help=f"bank sizes in questions, comma-separated (default: {SIZES})")
    parser.add_argument("--quick", action="store_true",
                        help=f"one bank of {QUICK_SIZES[0]} questions and one run of each step: a smoke test")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of (a) and (b) per size; the fastest counts (default: 3)")
    parser.add_argument("--no-pdf", dest="pdf", action="store_false",
                        help="skip the PDF measurements of the project's own bank (about 3 minutes on 2 cores)")
    parser.add_argument("--project", type=Path, default=Path.cwd(),
                        help="the loopkit project whose config, pages, templates, vocabularies and loops the synthetic "
                             "projects copy (default: the current folder)")
    args = parser.parse_args(argv)
    if not (args.project / "mkdocs.yml").is_file() or not (args.project / "question_bank").is_dir():
        parser.error(f"{args.project} is not a loopkit project (mkdocs.yml and question_bank/); see --project")
    sizes = QUICK_SIZES if args.quick else [int(size) for size in args.sizes.split(",")]
    repeat = 1 if args.quick else max(args.repeat, 1)
    print(machine(), flush=True)
    results = {}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"loopkit-bench-{size}-") as folder:
            results[size] = measure(args.project, Path(folder), size, repeat)
    printing = {}
    if args.pdf and not args.quick:
        with tempfile.TemporaryDirectory(prefix="loopkit-bench-pdf-") as folder:
            printing = measure_print(args.project, Path(folder))
    print()
    print(table(results))
    print()
    print(verdicts(results, printing))
    if printing:
        print()
        print(print_table(printing))


def machine() -> str:
    """The machine and versions the figures belong to, and when they were taken."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    versions = ", ".join(f"{name} {metadata.version(name)}"
                         for name in ("mkdocs", "mkdocs-material", "PyYAML", "pydantic"))
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"loopkit {__version__} benchmark, {now}\n"
            f"machine: {os.cpu_count()} cores, {memory / GIB:.1f} GiB memory, {platform.platform()}, "
            f"Python {platform.python_version()}; {versions}, libyaml {'yes' if yaml.__with_libyaml__ else 'no'}")


def measure(source: Path, folder: Path, size: int, repeat: int) -> dict[str, float]:
    """Every figure for one bank size, each step in a fresh process so none warms up another."""
    project = copied(source, folder / "project")
    bank = project / "question_bank"
    progress(size, "generating the bank")
    generate_bank(source / "question_bank", bank, size)
    committed(project)
    result: dict[str, float] = {}
    progress(size, "(a) parse floor")
    result["floor"] = min(in_child(parse_floor, bank) for _ in range(repeat))
    progress(size, "(b) compile")
    compiles = [in_child(compile_bank, project) for _ in range(repeat)]
    result["compile"] = min(seconds for seconds, _ in compiles)
    result["compile_rss"] = max(rss for _, rss in compiles)
    progress(size, "load alone")
    result["load"] = in_child(load_time, bank)
    progress(size, "git: the calls a build makes")
    result["git_calls"], result["git"] = in_child(git_cost, project)
    build = [sys.executable, "-m", "loopkit", "build", "--no-pdf"]
    progress(size, "(d) loopkit build --no-pdf, cold")
    result["build"], result["build_rss"], _ = run(build, project)
    progress(size, "(c) bare mkdocs build")
    result["mkdocs"], result["mkdocs_rss"], _ = run([sys.executable, "-m", "mkdocs", "build", "--strict",
                                                     "--config-file", "mkdocs.yml", "--site-dir",
                                                     str(folder / "bare-site")], project)
    progress(size, "(e) no-op rebuild")
    result["noop_compile"] = in_child(compile_step, project)
    result["noop_build"], _, _ = run(build, project)
    Path(in_child(digests_of, project)).unlink()
    result["noop_build_no_table"], _, _ = run(build, project)
    progress(size, "(e) rebuild after editing one question")
    edit_one_question(bank, 1)
    result["edit_compile"] = in_child(compile_step, project)
    edit_one_question(bank, 2)
    result["edit_build"], _, _ = run(build, project)
    result.update(site_sizes(project / "site"))
    return result


def copied(source: Path, project: Path) -> Path:
    """A new project with the source project's config, hand-written pages and templates (no bank)."""
    project.mkdir()
    shutil.copy(source / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(source / "site_templates", project / "site_templates")
    shutil.copytree(source / "content", project / "content", ignore=shutil.ignore_patterns("kit"))
    return project


def measure_print(source: Path, folder: Path) -> dict[str, float]:
    """The project's own bank with every PDF: the README's first command (`loopkit build`) in a fresh git
    checkout with an empty cache, then the PDF step alone, cold, and again after one question's title
    changed. Each runs in its own process with its own cache folder (XDG_CACHE_HOME)."""
    project = copied(source, folder / "project")
    shutil.copytree(source / "question_bank", project / "question_bank")
    committed(project)
    result: dict[str, float] = {}
    print("the project's bank: loopkit build with PDFs, cold", file=sys.stderr, flush=True)
    result["pdf_build"], _, result["pdf_build_cpu"] = run([sys.executable, "-m", "loopkit", "build"], project,
                                                          cache=folder / "cache-build")
    result.update({f"own_{key}": value for key, value in search_sizes(project / "site").items()})
    print("the project's bank: the PDF step, cold", file=sys.stderr, flush=True)
    result.update(in_child(print_step, project, folder / "cache-step"))
    print("the project's bank: the PDF step after retitling one question", file=sys.stderr, flush=True)
    in_child(retitle_one_question, project)
    again = in_child(print_step, project, folder / "cache-step")
    result.update(reprinted=again["pdfs_printed"], reprint_seconds=again["print_seconds"])
    return result


def print_step(root: Path, cache: Path) -> dict[str, float]:
    """The PDF step of a build with `cache` as the user's cache folder: PDFs printed and in all, pages laid
    out and written, its wall time and the CPU time of the processes that printed."""
    os.environ["XDG_CACHE_HOME"] = str(cache)
    project = Project.at(root)
    compiled, output = compile_pages(project, "a4")
    if output is None:
        raise RuntimeError(f"the bank does not compile: {compiled.problems[:3]}")
    printed = output.printed
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the print workers, ended with the step
    return {"pdfs": len(printed.pdfs), "pdfs_printed": printed.rendered, "laid_out": printed.pages,
            "written": printed.written, "print_seconds": printed.seconds, "rate": printed.rate,
            "print_cpu": workers.ru_utime + workers.ru_stime}


def retitle_one_question(root: Path) -> None:
    """Change the title of the first packet's first primary question, a change every PDF holding it prints."""
    project = Project.at(root)
    question = check(project).packets[0].stages[0].blocks[0].primary
    path = root / question.source.path
    path.write_text(path.read_text(encoding="utf-8").replace(question.title, f"{question.title} (edited)", 1),
                    encoding="utf-8")


def progress(size: int, step: str) -> None:
    print(f"{size:,} questions: {step}", file=sys.stderr, flush=True)


def in_child(function: Callable[..., T], *args: object) -> T:
    """Run `function` in a new interpreter, so its time and peak memory are its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def parse_floor(bank: Path) -> float:
    """(a) Read and parse every bank file with libyaml and keep the data: what any loader must do."""
    files = sorted(bank.rglob("*.yaml"))
    start = time.perf_counter()
    data = [yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader) for path in files]
    seconds = time.perf_counter() - start
    assert len(data) == len(files)
    return seconds


def compile_bank(root: Path) -> tuple[float, int]:
    """(b) What `loopkit build` does before it writes: load, validate, plan, editions, render the pages.
    Returns the seconds and the peak RSS in bytes."""
    project = Project.at(root)
    start = time.perf_counter()
    compiled = check(project)
    pages, _ = render_pages(project, compiled) if compiled.ok else ({}, None)
    seconds = time.perf_counter() - start
    if not compiled.ok or not pages:
        raise RuntimeError(f"the generated bank does not compile: {compiled.problems[:3]}")
    return seconds, peak_rss()


def committed(root: Path) -> None:
    """Make the project a git checkout with its files committed, so editions and the changelog page
    cost what they cost in a real kit."""
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "synthetic bank"]):
        subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *command], cwd=root,
                       check=True, capture_output=True)


def git_cost(root: Path) -> tuple[int, float]:
    """How many git processes the compile step starts, and the seconds they take."""
    calls, seconds = [], []
    real_run = subprocess.run

    def timed(command: list[str], *args: object, **kwargs: object) -> subprocess.CompletedProcess:
        start = time.perf_counter()
        try:
            return real_run(command, *args, **kwargs)
        finally:
            if command and command[0] == "git":
                calls.append(command)
                seconds.append(time.perf_counter() - start)

    subprocess.run = timed
    project = Project.at(root)
    render_pages(project, check(project))
    return len(calls), sum(seconds)


def digests_of(root: Path) -> str:
    """The file-digest table a build keeps in the user's cache folder."""
    return str(Project.at(root).cache / "digests.json")


def compile_step(root: Path) -> float:
    """The compile step of a rebuild, as `loopkit build --no-pdf` runs it (pages written if changed)."""
    project = Project.at(root)
    start = time.perf_counter()
    compiled, output = compile_pages(project)
    seconds = time.perf_counter() - start
    if output is None:
        raise RuntimeError(f"the generated bank does not compile: {compiled.problems[:3]}")
    return seconds


def load_time(bank: Path) -> float:
    start = time.perf_counter()
    load_bank(bank)
    return time.perf_counter() - start


def peak_rss() -> int:
    usage = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return usage if sys.platform == "darwin" else usage * 1024  # bytes on macOS, KiB on Linux


def run(command: list[str], cwd: Path, cache: Path | None = None) -> tuple[float, int, float]:
    """Run a command (with `cache` as the user's cache folder, if given); its wall time, the peak RSS of its
    largest process in bytes, and the CPU time (user + system) of all its processes."""
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1", **({"XDG_CACHE_HOME": str(cache)} if cache else {}))
    with tempfile.TemporaryFile("w+") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=environment)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            log.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed:\n{log.read()[-3000:]}")
    rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return seconds, rss, usage.ru_utime + usage.ru_stime


def edit_one_question(bank: Path, edit: int) -> None:
    """Change the text of one question, as a typical pull request does."""
    path = sorted((bank / "questions").rglob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nauthor: ", f"\nauthor: edit {edit}, ", 1), encoding="utf-8")


def site_sizes(site: Path) -> dict[str, float]:
    files = [path for path in site.rglob("*") if path.is_file()]
    html = {path: path.stat().st_size for path in files if path.suffix == ".html"}
    largest = sorted(html, key=html.__getitem__, reverse=True)[:3]
    questions = [size for path, size in html.items() if path.parent.parent == site / "kit" / "questions"]
    return {"site": sum(path.stat().st_size for path in files), "pages": len(html), "largest": html[largest[0]],
            "largest_paths": ", ".join(f"`{path.relative_to(site).as_posix()}` {shown(html[path], 'B')}"
                                       for path in largest),
            "question_page": statistics.median(questions), **search_sizes(site)}


def search_sizes(site: Path) -> dict[str, float]:
    """The search index's size, and the text of the question pages as the search plugin indexed it: the
    UTF-8 bytes of the title and text of every index entry (the page and each of its sections) under
    kit/questions/. Their ratio is what the index costs beyond the bank's own text."""
    index = site / "search" / "search_index.json"
    if not index.is_file():
        return {"search": 0, "question_text": 0, "search_ratio": 0}
    entries = json.loads(index.read_bytes())["docs"]
    text = sum(len(entry["title"].encode()) + len(entry["text"].encode()) for entry in entries
               if entry["location"].startswith("kit/questions/"))
    size = index.stat().st_size
    return {"search": size, "question_text": text, "search_ratio": size / text if text else 0}


ROWS = [
    ("(a) floor: read + parse every file with libyaml CSafeLoader", "floor", "s"),
    ("(b) compile: load + validate + plan + render Markdown", "compile", "s"),
    ("load alone (part of b)", "load", "s"),
    ("git processes in (b): editions and the changelog page", "git_calls", "n"),
    ("git: their time (part of b)", "git", "s"),
    ("(c) bare `mkdocs build --strict` of the generated docs", "mkdocs", "s"),
    ("(d) `loopkit build --no-pdf`, cold", "build", "s"),
    ("(e) no-op rebuild: compile step", "noop_compile", "s"),
    ("(e) no-op rebuild: full `loopkit build --no-pdf`", "noop_build", "s"),
    ("(e) no-op rebuild without the file-digest table", "noop_build_no_table", "s"),
    ("(e) one question edited: compile step", "edit_compile", "s"),
    ("(e) one question edited: full `loopkit build --no-pdf`", "edit_build", "s"),
    ("peak RSS: compile (b)", "compile_rss", "B"),
    ("peak RSS: bare mkdocs build (c)", "mkdocs_rss", "B"),
    ("peak RSS: full build (d), largest process", "build_rss", "B"),
    ("built site", "site", "B"),
    ("HTML pages", "pages", "n"),
    ("largest HTML page", "largest", "B"),
    ("question page (median)", "question_page", "B"),
    ("search index", "search", "B"),
    ("question pages' text as indexed (titles and text of their index entries)", "question_text", "B"),
    ("search index / question pages' text", "search_ratio", "x"),
]


PRINT_ROWS = [
    ("`loopkit build` with every PDF, fresh checkout, empty cache (the README's first command)", "pdf_build", "s"),
    ("its CPU time, user + system, all processes", "pdf_build_cpu", "s"),
    ("PDFs", "pdfs", "n"),
    ("pages laid out (each part once)", "laid_out", "n"),
    ("pages written into the PDFs", "written", "n"),
    ("PDF step alone, cold", "print_seconds", "s"),
    ("PDF step: CPU time of the printing processes", "print_cpu", "s"),
    ("PDF step: pages written per second", "rate", "x"),
    ("one question retitled: PDFs printed again", "reprinted", "n"),
    ("one question retitled: PDF step", "reprint_seconds", "s"),
    ("search index of its site", "own_search", "B"),
    ("question pages' text as indexed", "own_question_text", "B"),
    ("search index / question pages' text", "own_search_ratio", "x"),
]
PDF_TARGET = 30.0  # seconds for the README's first command on 2 cores, every PDF included
SEARCH_TARGET = 1_500_000  # bytes of the project's own site's search index


def print_table(printing: dict[str, float]) -> str:
    lines = ["| the project's own bank, with PDFs | measured |", "| --- | ---: |"]
    lines += [f"| {label} | {shown(printing[key], unit)} |" for label, key, unit in PRINT_ROWS]
    return "\n".join(lines)


def shown(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "n":
        return f"{value:,.0f}"
    if unit == "x":
        return f"{value:.2f}"
    for factor, name in ((GIB, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if value >= factor:
            return f"{value / factor:.1f} {name}"
    return f"{value:.0f} B"


def table(results: dict[int, dict]) -> str:
    sizes = list(results)
    lines = ["| measure | " + " | ".join(f"{size:,} questions" for size in sizes) + " |",
             "| --- |" + " ---: |" * len(sizes)]
    for label, key, unit in ROWS:
        lines.append(f"| {label} | " + " | ".join(shown(results[size][key], unit) for size in sizes) + " |")
    lines.append("| the largest HTML pages | " + " | ".join(results[size]["largest_paths"] for size in sizes) + " |")
    return "\n".join(lines)


def verdicts(results: dict[int, dict], printing: dict[str, float] | None = None) -> str:
    """Each target of issues 7 and 15, the measured value (at the largest size, or at each), and whether it
    holds."""
    sizes = list(results)
    big, small = results[sizes[-1]], results[sizes[0]]
    checks = [
        ("(b)/(a): compile over parse floor", "<= 1.5", big["compile"] / big["floor"], 1.5),
        ("(d)/(c): full build over bare mkdocs", "<= 1.15", big["build"] / big["mkdocs"], 1.15),
        ("(e) no-op rebuild (`loopkit build --no-pdf`) / (b) cold compile", "<= 0.1",
         big["noop_build"] / big["compile"], 0.1),
    ]
    if len(sizes) > 1:
        growth = sizes[-1] / sizes[0]
        checks += [
            (f"largest HTML page, {sizes[-1]:,} over {sizes[0]:,} (bank x{growth:g})", "does not grow (<= 1.1)",
             big["largest"] / small["largest"], 1.1),
            (f"question page, {sizes[-1]:,} over {sizes[0]:,}", "does not grow (<= 1.1)",
             big["question_page"] / small["question_page"], 1.1),
        ]
    checks += [(f"search index / question pages' text, at {size:,}", "<= 1.3", results[size]["search_ratio"], 1.3)
               for size in sizes]
    if printing:
        checks.append(("`loopkit build` with every PDF, the project's bank, cold (s)", f"<= {PDF_TARGET:g}",
                       printing["pdf_build"], PDF_TARGET))
        checks.append(("search index of the project's own site (MB)", f"<= {SEARCH_TARGET / 1e6:g}",
                       printing["own_search"] / 1e6, SEARCH_TARGET / 1e6))
    lines = [f"| target (at {sizes[-1]:,} questions) | wanted | measured | holds |", "| --- | --- | ---: | --- |"]
    lines += [f"| {name} | {wanted} | {value:.2f} | {'yes' if value <= limit else 'NO'} |"
              for name, wanted, value, limit in checks]
    rss = big["compile_rss"]
    lines.append(f"| peak RSS of the compile | < 1 GiB | {shown(rss, 'B')} | {'yes' if rss < GIB else 'NO'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
