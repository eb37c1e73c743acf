"""The stages in order: load -> validate -> plan -> render -> publish. The CLI calls only this module's
functions, so each command runs the same steps the same way."""
from __future__ import annotations

import functools
import hashlib
import html
import os
import json
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

import platformdirs
import yaml

from . import __version__
from .bundled import bundled

from .changelog import history
from .edition import Changes, Edition, as_of, edition_of, git, uncommitted
from .load import Document, LoadedBank, load_bank, load_sheets
from .model import Loop, Question
from .plan import Packet, plan, unused_bars
from .problems import Problem, display_path
from .teamkit import CONFIG
from .publish import Book, Printed, Written, candidate_config, print_book, print_books, write_pages
from .render import GENERATED, base_settings, render_candidate, render_print, render_private, render_site
from .sheets import Panel, check_sheets
from .validate import Bank, upstream_question, validate


@dataclass(frozen=True)
class Project:
    """Where a loopkit project keeps its parts; every path derives from the project root.

    `banks` are the question bank layers, lowest first: given on the command line, else listed in the
    project's loopkit.yml (where "shared" names the bank that ships with loopkit), else question_bank/.
    `rotate` seeds the order of equally good questions: another seed, another valid selection.
    """

    root: Path
    banks: tuple[Path, ...]
    rotate: str | None = None

    @classmethod
    def at(cls, root: Path, banks: Sequence[Path] | Path | None = None, rotate: str | None = None) -> "Project":
        if isinstance(banks, Path):
            banks = [banks]
        if not banks:
            config = root / CONFIG
            listed = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("banks") if config.is_file() else None
            banks = [bundled("question_bank") if name == "shared" else root / name for name in listed or ["question_bank"]]
        return cls(root, tuple(banks), rotate or None)

    @property
    def bank(self) -> Path:
        """The top layer: where new questions go, and whose history the changelog reads."""
        return self.banks[-1]

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def templates(self) -> Path:
        own = self.root / "site_templates"
        return own if own.is_dir() else bundled("site_templates")

    @property
    def generated(self) -> Path:
        return self.root / "content" / GENERATED

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def cache(self) -> Path:
        """Where builds keep what only saves time (printed PDFs, file digests), one folder per project in
        the user's cache folder: never inside the checkout, where a pull request could plant a file that
        a build would then trust."""
        # Keyed by the banks too: a build of another bank keeps its own PDFs and digests, and never
        # prunes this bank's.
        key = hashlib.sha256(b"\0".join(os.fsencode(path.resolve()) for path in (self.root, *self.banks))).hexdigest()[:16]
        return Path(platformdirs.user_cache_dir("loopkit")) / f"{self.root.resolve().name}-{key}"

    @property
    def kit_files(self) -> list[Path]:
        """In a team kit (a folder with loopkit.yml), the files every packet is made from besides its own
        bank files: the layer list, the pinned loopkit release and the top layer's status.yaml. They are
        the kit's own, so a packet built from shared questions alone still carries the kit's commit and
        date in its edition, never "uncommitted"."""
        if not (self.root / CONFIG).is_file():
            return []
        return [path for path in (self.root / CONFIG, self.root / "requirements.txt", self.bank / "status.yaml")
                if path.is_file()]

    @property
    def guides(self) -> dict[str, str]:
        """Hand-written guide pages, title -> path under content/, for the navigation."""
        found = {}
        for path in sorted((self.root / "content" / "guides").glob("*.md")):
            heading = next((line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines()
                            if line.startswith("# ")), path.stem)
            found[heading] = f"guides/{path.name}"
        return found


def foreign_banks(project: Project) -> str:
    """The project's own banks, named, when `project` builds other ones: content/kit/ holds the pages of
    the project's own bank, so a build of another bank must not write there. Empty when the banks are
    the project's own, or when the project has no bank of its own (a folder made only to build one)."""
    own = Project.at(project.root).banks
    mine = [path for path in own if path.is_dir() and bundled("question_bank") != path]
    if not mine or [path.resolve() for path in own] == [path.resolve() for path in project.banks]:
        return ""
    return ", ".join(display_path(path, project.root) for path in own)


def changed_files(bank: Path) -> set[Path]:
    """Files of the bank that differ from git HEAD: changed, added or not yet tracked."""
    top = git(bank, "rev-parse", "--show-toplevel")
    if not top:
        return set()
    return {path.resolve() for path in uncommitted(bank, Path(top), "--", ".")}


@dataclass(frozen=True)
class Compiled:
    bank: Bank
    packets: list[Packet]
    problems: list[Problem] = field(default_factory=list)
    layer: int = 0  # the top bank layer, whose questions' notices count

    @functools.cached_property
    def unused_bars(self) -> list[tuple[Question, str]]:
        """Bars no packet can use (LK401 notices, worth knowing and never a warning), found only when
        asked: `build` never pays for them, and `validate` locates them only to list them."""
        return unused_bars(self.bank, self.loops, self.layer) if self.packets else []

    @property
    def loops(self) -> list[Loop]:
        return [*self.bank.loops.values(), *(loop for _, loop in self.bank.requisitions.values())]

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def check(project: Project) -> Compiled:
    """Load, validate and plan; planning runs only on a bank whose files are all valid."""
    bank, problems = validate(*(load_bank(layer, base=project.root) for layer in project.banks),
                              as_of=as_of(project.bank))
    if any(p.severity == "error" for p in problems):
        return Compiled(bank, [], problems)
    packets, planning = plan(bank, project.rotate, len(project.banks) - 1)
    return Compiled(bank, packets, problems + planning, len(project.banks) - 1)


def upstream_of(project: Project, question_id: str) -> Document | None:
    """The question with this id as the layers below the project's own make it: what a partial
    override in the top layer is merged over."""
    return upstream_question([load_bank(layer, base=project.root) for layer in project.banks[:-1]], question_id)


def changed_questions(project: Project, compiled: Compiled) -> list[str]:
    """Questions whose files differ from git HEAD (added, changed, not yet committed), in bank order."""
    changed = changed_files(project.bank)
    return [q.id for q in compiled.bank.questions.values()
            if any((project.root / path).resolve() in changed for path in q.source.paths)]


def bank_history(project: Project) -> list:
    """The bank's recent question changes, when the project is a git checkout."""
    top = git(project.bank, "rev-parse", "--show-toplevel")
    return history(Path(top), project.bank) if top else []


@dataclass(frozen=True)
class Output:
    written: Written
    printed: Printed | None


def fingerprint(project: Project, *options: str) -> str:
    """A digest of everything a build reads: bank layers, templates, hand-written pages, site settings,
    the git commit (editions and the changelog come from it), loopkit's version, the seed and the options. Equal
    fingerprints mean a rebuild would write the same site, so it can be skipped.

    Each file's own digest is kept by its size and modification time (as git's index does), so a
    rebuild with nothing changed reads no file at all."""
    hashed = hashlib.sha256("\0".join([__version__, git(project.root, "rev-parse", "HEAD"),
                                       os.environ.get("SOURCE_DATE_EPOCH", ""), f"rotate={project.rotate or ''}",
                                       *options]).encode())
    store = project.cache / "digests.json"
    try:
        known = {path: tuple(entry) for path, entry in json.loads(store.read_text(encoding="utf-8")).items()}
    except (OSError, ValueError, TypeError, AttributeError):  # no table, or an unusable one: hash every file
        known = {}
    settled = time.time_ns() - 2_000_000_000  # a file changed in the last 2 s may change again unseen
    kept = {}
    for path in sorted(input_files(project)):
        try:
            stat = os.stat(path)
        except OSError:
            continue
        if not S_ISREG(stat.st_mode):
            continue  # a pipe or a device: opening it could wait for ever, and the bank refuses it anyway
        entry = known.get(path)
        if entry is not None and entry[:2] == (stat.st_size, stat.st_mtime_ns):
            digest = entry[2]
        else:
            with open(path, "rb") as file:
                digest = hashlib.sha256(file.read()).hexdigest()
        if stat.st_mtime_ns < settled:
            kept[path] = (stat.st_size, stat.st_mtime_ns, digest)
        hashed.update(os.fsencode(path) + b"\0" + digest.encode())
    if kept != known:
        with suppress(OSError):
            project.cache.mkdir(parents=True, exist_ok=True)
            temporary = store.with_name(f"{store.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(kept), encoding="utf-8")
            temporary.replace(store)
    return hashed.hexdigest()


@dataclass(frozen=True)
class LastBuild:
    """The fingerprint of a build into `target`, and whether the last successful build there had the same
    one: then the site already is what this build would write, and it can stop at once."""

    project: Project
    target: Path
    inputs: str

    @classmethod
    def of(cls, project: Project, target: Path, *options: str) -> "LastBuild":
        return cls(project, target, fingerprint(project, *options, str(target.resolve())))

    @property
    def stamp(self) -> Path:
        return self.project.cache / "last-build"

    @property
    def current(self) -> bool:
        return ((self.target / "index.html").is_file() and self.stamp.is_file()
                and self.stamp.read_text(encoding="utf-8") == self.inputs)

    def record(self) -> None:
        """Called once the site is built: the next build with the same inputs stops at once."""
        self.stamp.parent.mkdir(parents=True, exist_ok=True)
        self.stamp.write_text(self.inputs, encoding="utf-8")


def input_files(project: Project) -> set[str]:
    """Every file a build reads, except the pages it generates."""
    files = {str(project.config), str(project.root / CONFIG)}
    generated = str(project.generated)
    for folder in (*project.banks, project.templates, project.root / "content"):
        for directory, folders, names in os.walk(folder):
            folders[:] = [name for name in folders if os.path.join(directory, name) != generated]
            files.update(os.path.join(directory, name) for name in names)
    return files


def compile_pages(project: Project, paper: str | None = None,
                  step: Callable[[int], None] | None = None) -> tuple[Compiled, Output | None]:
    """Check the bank and, only when it has no errors, write the generated pages (and, given a paper
    size, the packet PDFs) into the docs tree. `step` is called with the number of PDFs to render as
    each one is rendered."""
    compiled = check(project)
    if not compiled.ok:
        return compiled, None
    pages, printed = render_pages(project, compiled, paper, step)
    return compiled, Output(write_pages(pages, project.generated), printed)


def packet_editions(project: Project, packets: list[Packet], changes: Changes | None = None) -> dict[str, Edition]:
    """Every packet's edition, by slug: printed on its pages and PDFs, and recorded on each score sheet,
    so a sheet scored on other rubrics is caught."""
    kit = project.kit_files
    changes = changes or Changes.read(project.root, *project.banks, *kit)
    return {p.slug: edition_of([project.root / path for path in p.sources] + kit, changes) for p in packets}


def stage_editions(project: Project, packets: list[Packet], changes: Changes | None = None) -> dict[str, Edition]:
    """Every stage sheet's edition, by SLUG#STAGE. A stage sheet carries the edition of its own files (the
    packet's, less the other stages' questions), so editing a question reprints only the stage sheets that
    hold it, and a filled one is read back (`loopkit sheets import`) while its own rubrics are unchanged."""
    changes = changes or Changes.read(project.root, *project.banks, *project.kit_files)
    editions = {}
    for packet in packets:
        for staged in packet.stages:
            others = {path for other in packet.stages if other is not staged
                      for b in other.blocks for q in (b.primary, *b.alternates) for path in q.source.paths}
            mine = {path for b in staged.blocks for q in (b.primary, *b.alternates) for path in q.source.paths}
            files = packet.sources - (others - mine)
            editions[f"{packet.slug}#{staged.stage.id}"] = edition_of([project.root / path for path in files], changes)
    return editions


def render_pages(project: Project, compiled: Compiled, paper: str | None = None,
                 step: Callable[[int], None] | None = None) -> tuple[dict[str, str | bytes], Printed | None]:
    """Every generated file of a valid bank (and, given a paper size, its PDFs), not yet written."""
    kit = project.kit_files
    changes = Changes.read(project.root, *project.banks, *kit)
    editions = packet_editions(project, compiled.packets, changes)
    pages: dict[str, str | bytes] = dict(render_site(compiled.bank, compiled.packets, project.templates, editions,
                                                     project.guides, pdfs=paper is not None,
                                                     as_of=as_of(project.bank), history=bank_history(project)))
    printed = None
    if paper is not None:
        editions.update(stage_editions(project, compiled.packets, changes))
        books = render_print(compiled.packets, project.templates, editions, paper, compiled.bank.levels)
        printed = print_books(books, project.cache / "pdf", step)
        pages.update(printed.pdfs)
    return pages, printed


def compile_candidate_site(project: Project) -> tuple[Compiled, Path | None]:
    """Write the candidate-only docs tree and its mkdocs config; returns the config to build, if any.

    The tree holds the candidate pages and the stylesheets and scripts its settings link, nothing from
    the interviewer site."""
    compiled = check(project)
    if not compiled.ok:
        return compiled, None
    folder = project.cache / "candidate"
    docs = folder / "docs"
    pages: dict[str, str | bytes] = dict(render_candidate(compiled.bank, compiled.packets, project.templates))
    config, assets = candidate_config(base_settings(project.templates), project.config, docs,
                                      project.root / "content")
    pages.update(assets)  # the stylesheets and scripts the settings link, and only those
    write_pages(pages, docs)
    write_pages({"mkdocs.yml": config}, folder / "config")
    return compiled, folder / "config" / "mkdocs.yml"


BANNER_START, BANNER_END = "<!-- loopkit serve: the bank has errors -->", "<!-- /loopkit serve -->"


def show_failure(project: Project, lines: list[str], paths: list[str]) -> list[Path]:
    """While `serve` runs on a broken bank: put the errors at the top of the pages a contributor is
    likely looking at (the kit's home page, and the page of each file with a problem: a question's
    page, a loop's packet page), above the content of the last good build, so live reload shows them.
    The next good compile writes those pages anew, without the banner. Returns the pages changed."""
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines[:20])
    more = f"<p>... and {len(lines) - 20} more; run <code>loopkit validate</code>.</p>" if len(lines) > 20 else ""
    banner = (f"{BANNER_START}\n<div class=\"admonition failure\"><p class=\"admonition-title\">The bank has errors: this "
              f"page is from the last good build</p><ul>{items}</ul>{more}<p>Fix the file and save: the page updates "
              f"by itself.</p></div>\n{BANNER_END}\n\n")
    pages = {"index.md"}
    for path in paths:
        parts = path.split("/")
        if "questions" in parts[:-1] and parts[-1].endswith((".yaml", ".yml")):
            pages.add(f"questions/{parts[-1].rsplit('.', 1)[0]}.md")
        elif "loops" in parts[:-1] and len(parts) >= 3 and parts[-2] != "requisitions":
            pages.add(f"{parts[-2]}/{parts[-1].rsplit('.', 1)[0]}/index.md")
    changed = []
    for page in sorted(pages):
        file = project.generated / page
        if not file.is_file():
            continue
        text = file.read_text(encoding="utf-8")
        if BANNER_START in text:
            text = text[:text.index(BANNER_START)] + text[text.index(BANNER_END) + len(BANNER_END):].lstrip("\n")
        head = ""
        if text.startswith("---\n") and "\n---\n" in text[4:]:
            end = text.index("\n---\n", 4) + 5
            head, text = text[:end] + "\n", text[end:].lstrip("\n")
        file.write_text(head + banner + text, encoding="utf-8")
        changed.append(file)
    return changed



def check_sheets_in(project: Project, source: Path | LoadedBank | Callable[[Compiled], LoadedBank],
                    **grouping) -> tuple[Compiled, list[Panel], list[Problem]]:
    """Check the bank, then the score sheets under a folder (or already read, from a CSV, or read by a
    function of the compiled bank, from PDFs) against its packets; none when the bank has errors, since a
    sheet can only be checked against a bank that compiles."""
    compiled = check(project)
    if not compiled.ok:
        return compiled, [], []
    if isinstance(source, LoadedBank):
        loaded = source
    else:
        loaded = source(compiled) if callable(source) else load_sheets(source, project.root)
    panels, problems = check_sheets(loaded, compiled.packets, packet_editions(project, compiled.packets),
                                    compiled.bank.levels, **grouping)
    return compiled, panels, problems


def published_folder(project: Project, folder: Path) -> str:
    """Why `folder` may not receive candidate data, or "": the site, the hand-written pages the site is
    built from, and the bank layers all end up public or shared."""
    folder = folder.resolve()
    for name, place in (("the site", project.site), ("the site's pages", project.root / "content"),
                        *(("a question bank", bank) for bank in project.banks)):
        if folder.is_relative_to(place.resolve()):
            return f"{display_path(folder, project.root)} is inside {name} ({display_path(place, project.root)})"
    return ""


def write_private(project: Project, out: Path, name: str, template: str, paper: str | None,
                  **context: object) -> list[Path]:
    """Write a private report as NAME.html, and as NAME.pdf through the packets' print path (offline,
    tagged), into `out`. Returns the files written."""
    page = render_private(project.templates, template, paper or "a4", **context)
    files = {f"{name}.html": page.encode("utf-8")}
    if paper is not None:
        printed, *_ = print_book(Book(name, {name: page}, {f"{name}.pdf": (name,)}), [f"{name}.pdf"])
        files.update(printed)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, data in files.items():
        temporary = out / f".{file_name}.tmp"
        temporary.write_bytes(data)
        temporary.replace(out / file_name)
        written.append(out / file_name)
    return written
