"""The stages in order: load -> validate -> plan -> render -> publish. The CLI calls only this module's
functions, so each command runs the same steps the same way."""
from __future__ import annotations

import hashlib
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
from .edition import Changes, as_of, edition_of, git
from .load import load_bank
from .plan import Packet, plan
from .problems import Problem
from .teamkit import CONFIG
from .publish import Printed, Written, candidate_config, print_books, write_pages
from .render import GENERATED, base_settings, render_candidate, render_print, render_site
from .validate import Bank, validate


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
        key = hashlib.sha256(os.fsencode(self.root.resolve())).hexdigest()[:16]
        return Path(platformdirs.user_cache_dir("loopkit")) / f"{self.root.resolve().name}-{key}"

    @property
    def guides(self) -> dict[str, str]:
        """Hand-written guide pages, title -> path under content/, for the navigation."""
        found = {}
        for path in sorted((self.root / "content" / "guides").glob("*.md")):
            heading = next((line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines()
                            if line.startswith("# ")), path.stem)
            found[heading] = f"guides/{path.name}"
        return found


@dataclass(frozen=True)
class Compiled:
    bank: Bank
    packets: list[Packet]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def check(project: Project) -> Compiled:
    """Load, validate and plan; planning runs only on a bank whose files are all valid."""
    bank, problems = validate(*(load_bank(layer, base=project.root) for layer in project.banks),
                              as_of=as_of(project.bank))
    if any(p.severity == "error" for p in problems):
        return Compiled(bank, [], problems)
    packets, planning = plan(bank, project.rotate)
    return Compiled(bank, packets, problems + planning)


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


def render_pages(project: Project, compiled: Compiled, paper: str | None = None,
                 step: Callable[[int], None] | None = None) -> tuple[dict[str, str | bytes], Printed | None]:
    """Every generated file of a valid bank (and, given a paper size, its PDFs), not yet written."""
    changes = Changes.read(project.root, *project.banks)
    editions = {p.slug: edition_of([project.root / path for path in p.sources], changes) for p in compiled.packets}
    pages: dict[str, str | bytes] = dict(render_site(compiled.bank, compiled.packets, project.templates, editions,
                                                     project.guides, pdfs=paper is not None,
                                                     as_of=as_of(project.bank), history=bank_history(project)))
    printed = None
    if paper is not None:
        # A stage sheet carries the edition of its own files (the packet's, less the other stages'
        # questions), so editing a question reprints only the stage sheets that hold it.
        for packet in compiled.packets:
            for plan in packet.stages:
                others = {q.source.path for other in packet.stages if other is not plan
                          for b in other.blocks for q in (b.primary, *b.alternates)}
                mine = {q.source.path for b in plan.blocks for q in (b.primary, *b.alternates)}
                files = packet.sources - (others - mine)
                editions[f"{packet.slug}#{plan.stage.id}"] = edition_of([project.root / path for path in files], changes)
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
