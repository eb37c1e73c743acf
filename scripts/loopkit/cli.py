"""The loopkit command line. Commands parse options and call the pipeline; they hold no logic of their own."""
from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from . import DISTRIBUTION, report
from . import schema as schemas
from .changelog import NoHistory, changes_in
from .export import bank_layers, export, export_csv
from .pipeline import Compiled, LastBuild, Project, check, compile_candidate_site, compile_pages
from .publish import build_site
from .model import FORMATS, KINDS
from .render import TemplateFailed
from .scaffold import default_author, question_file, unknown_ids
from .teamkit import init_kit
from .watch import watch

BANK_OPTION = click.option("--bank", "bank", type=click.Path(file_okay=False, path_type=Path), multiple=True,
                           help="A question bank folder; repeat to layer banks, lowest first. Default: the banks "
                                "in loopkit.yml, else question_bank/.")


ROTATE_OPTION = click.option("--rotate", "rotate", metavar="SEED", default=None,
                             help="Seed the order of equally good questions: another seed gives another, equally "
                                  "valid selection. Default: no seed (the bank's standing selection).")


def show(compiled: Compiled, style: str = "text") -> None:
    """Print every problem, then a one-line summary on stderr."""
    problems = report.ordered(compiled.problems)
    formatter = report.github if style == "github" else report.text
    for problem in problems:
        click.echo(formatter(problem))
    bank = compiled.bank
    click.echo(f"{len(bank.questions)} questions, {len(bank.loops)} loops, {len(compiled.packets)} packets; "
               f"{report.summary(problems)}", err=True)


@contextmanager
def progress(label: str, length: Callable[[], int] | None = None) -> Iterator[Callable[..., None] | None]:
    """A progress bar for a long step, drawn only on a terminal: in CI or a pipe the step gets None, so
    output stays plain and nothing is counted. The step is called once per unit of work; the length
    comes from `length` or, when that is None, with the step's first call."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = None

    def step(total: int | None = None) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total or (length() if length else 0), label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        yield step
    finally:
        if bar is not None:
            bar.render_finish()


@click.group()
@click.version_option(package_name=DISTRIBUTION)
def cli() -> None:
    """loopkit: structured interview packets for hiring AI engineers, compiled from a YAML question bank."""


@cli.command()
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "style", type=click.Choice(["text", "github"]), default="text", show_default=True,
              help="text: path:line:col: CODE message. github: annotations for pull requests.")
@ROTATE_OPTION
def validate(path: Path | None, style: str, rotate: str | None) -> None:
    """Check the bank and every loop; exit 1 on any error.

    \b
    Example:
      loopkit validate
      loopkit validate question_bank --format github
      loopkit validate --rotate 2026-q1
    """
    compiled = check(Project.at(Path.cwd(), path, rotate))
    show(compiled, style)
    sys.exit(0 if compiled.ok else 1)


@cli.command()
@BANK_OPTION
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the built site goes. Default: site/.")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Also print every packet and committee packet to PDF (cached by content).")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="Paper size of the PDFs.")
@click.option("--audience", type=click.Choice(["interviewer", "candidate"]), default="interviewer", show_default=True,
              help="interviewer: the whole site. candidate: only the candidate prep pages, to host publicly.")
@ROTATE_OPTION
def build(bank: tuple[Path, ...], site_dir: Path | None, pdf: bool, paper: str, audience: str,
          rotate: str | None) -> None:
    """Validate, compile the packets and their PDFs, and build the site with mkdocs --strict.

    A failed build leaves the previous site as it was.

    \b
    Example:
      loopkit build
      loopkit build --paper letter
      loopkit build --no-pdf
      loopkit build --audience candidate --site-dir public
      loopkit build --rotate 2026-q1
    """
    project = Project.at(Path.cwd(), bank, rotate)
    target = site_dir or project.site
    with templates_reported(f"nothing was written and {target} is unchanged"):
        build_audience(project, target, pdf, paper, audience)


def build_audience(project: Project, target: Path, pdf: bool, paper: str, audience: str) -> None:
    if audience == "candidate":
        compiled, config = compile_candidate_site(project)
        show(compiled)
        if config is None:
            raise click.ClickException(f"the bank has errors; nothing was written and {target} is unchanged")
        publish(config, target, config.parent.parent / "docs")
        return
    last = LastBuild.of(project, target, paper if pdf else "no-pdf")
    if last.current:
        click.echo(f"nothing changed since the last build; {target} is up to date", err=True)
        return
    with progress("printing PDFs") as step:
        compiled, output = compile_pages(project, paper if pdf else None, step)
    show(compiled)
    if output is None:
        raise click.ClickException(f"the bank has errors; nothing was written and {target} is unchanged")
    written, printed = output.written, output.printed
    if printed is not None:
        rate = f", {printed.pages} pages laid out in {printed.seconds:.1f} s" if printed.pages else ""
        click.echo(f"pdfs: {printed.rendered} rendered, {printed.cached} from cache{rate}", err=True)
    click.echo(f"files: {written.changed} written, {written.unchanged} unchanged, {written.removed} removed", err=True)
    publish(project.config, target, project.root / "content")
    last.record()


@contextmanager
def templates_reported(consequence: str) -> Iterator[None]:
    """A template that fails (a project's own, often) ends the command with its file and line."""
    try:
        yield
    except TemplateFailed as error:
        raise click.ClickException(f"{error}\n{consequence}") from None


def publish(config: Path, target: Path, docs: Path) -> None:
    def reads_and_writes() -> int:  # mkdocs reads, then writes, every page
        return 2 * sum(1 for path in docs.rglob("*.md") if not path.name.startswith("_"))

    with progress("building the site", reads_and_writes) as step:
        built, log = build_site(config, target, step)
    if not built:
        click.echo(log, err=True)
        raise click.ClickException(f"mkdocs build failed; {target} is unchanged")
    click.echo(f"site built in {target}", err=True)


@cli.command()
@BANK_OPTION
@click.option("--port", type=int, default=8000, show_default=True, help="Port on 127.0.0.1.")
@ROTATE_OPTION
def serve(bank: tuple[Path, ...], port: int, rotate: str | None) -> None:
    """Preview the site, recompiling whenever a bank file or template changes (without PDFs).

    \b
    Example:
      loopkit serve --port 8000
    """
    project = Project.at(Path.cwd(), bank, rotate)
    with templates_reported("fix the template, then run serve again"):
        compiled, output = compile_pages(project)
    show(compiled)
    if output is None:
        raise click.ClickException("fix the errors above, then run serve again")
    threading.Thread(target=watch, args=((*project.banks, project.templates), lambda: recompile(project)),
                     daemon=True).start()
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    sys.exit(subprocess.call([sys.executable, "-m", "mkdocs", "serve", "--config-file", str(project.config),
                              "--dev-addr", f"127.0.0.1:{port}"], env=environment))


def recompile(project: Project) -> None:
    """After a change: recompile, or say why the pages of the last good build stay up."""
    try:
        compiled, output = compile_pages(project)
    except TemplateFailed as error:
        click.echo(f"{error}\nnot recompiled: the pages from the last good build stay up", err=True)
        return
    show(compiled)
    if output is None:
        click.echo("not recompiled: the pages from the last good bank stay up", err=True)


def interactive() -> bool:
    return sys.stdin.isatty()


def ask(value, label: str, choices: list[str] | None = None, multiple: bool = False, default=None):
    """An option's value, prompting for it in a terminal when it was not given; an error in scripts."""
    if value not in (None, ()):
        return value
    if not interactive():
        if default is not None:
            return default
        raise click.UsageError(f"--{label} is required when not run in a terminal")
    hint = f" ({', '.join(choices)}{'; several separated by commas' if multiple else ''})" if choices else ""
    answer = click.prompt(f"{label.capitalize()}{hint}", default=default)
    return [part.strip() for part in str(answer).split(",") if part.strip()] if multiple else answer


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default=None, help="The team's name, for the site's title. Default: the folder's name.")
def init(directory: Path, name: str | None) -> None:
    """Create a team kit: a private bank layered on the shared one, site settings and a workflow.

    \b
    Example:
      loopkit init our-interview-kit
      cd our-interview-kit && loopkit build
    """
    if directory.exists() and any(directory.iterdir()):
        raise click.ClickException(f"{directory} is not empty; give a new folder")
    written = init_kit(directory, name or directory.resolve().name, datetime.date.today())
    click.echo(f"{len(written)} files written in {directory}. Next:\n  cd {directory}\n  loopkit validate\n"
               "  loopkit build\nKeep the repository private: its questions only work while candidates have not read them.")


@cli.group()
def new() -> None:
    """Create new bank files."""


@new.command()
@BANK_OPTION
@click.option("--title", help="What interviewers see in lists and score sheets.")
@click.option("--role", "roles", multiple=True, help="A role id; repeat for several.")
@click.option("--level", "levels", multiple=True, help="A level id; repeat for several.")
@click.option("--competency", "competencies", multiple=True, help="A competency id; the first is the primary.")
@click.option("--kind", type=click.Choice(list(KINDS)), default=None)
@click.option("--format", "shape", type=click.Choice(list(FORMATS)), default=None)
@click.option("--minutes", type=int, default=None)
@click.option("--author", default=None, help="Default: git config user.name.")
def question(bank: tuple[Path, ...], title, roles, levels, competencies, kind, shape, minutes, author) -> None:
    """Scaffold a draft question with a fresh id; prompts for what is missing when run in a terminal.

    \b
    Example:
      loopkit new question
      loopkit new question --title "Debug a slow retrieval endpoint" --role ai-application-engineer \\
        --level senior --competency rag --kind work-sample --format incident
    """
    project = Project.at(Path.cwd(), bank)
    compiled = check(project)
    if any(p.severity == "error" and p.code.startswith("LK0") for p in compiled.problems):
        show(compiled)
        raise click.ClickException("fix the bank's errors first")
    vocabulary = compiled.bank
    title = ask(title, "title")
    roles = list(ask(roles, "role", list(vocabulary.roles), multiple=True))
    levels = list(ask(levels, "level", list(vocabulary.levels), multiple=True))
    competencies = list(ask(competencies, "competency", list(vocabulary.competencies), multiple=True))
    kind = ask(kind, "kind", list(KINDS), default="situational")
    shape = ask(shape, "format", list(FORMATS), default="design")
    minutes = int(ask(minutes, "minutes", default=20))
    problems = unknown_ids(vocabulary, roles, levels, competencies)
    problems += [f"unknown {label} {value!r}" for value, label, known in ((kind, "kind", KINDS), (shape, "format", FORMATS))
                 if value not in known]
    if problems or not (roles and levels and competencies):
        raise click.UsageError("; ".join(problems) or "give at least one role, level and competency")
    author = author or default_author(project.root)
    path, text = question_file(project.bank, vocabulary, title, roles, levels, competencies, kind, shape, minutes,
                               author, datetime.date.today())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    click.echo(f"{path}: draft question {path.stem!r} created; write it, set status: active, run loopkit validate")


@cli.command()
@BANK_OPTION
@click.argument("old")
@click.argument("new", default="HEAD")
def changelog(bank: tuple[Path, ...], old: str, new: str) -> None:
    """List questions added, changed, retired and leaked between two git refs.

    \b
    Example:
      loopkit changelog v0.1.0 HEAD
      loopkit changelog HEAD~5
    """
    try:
        changes = changes_in(Project.at(Path.cwd(), bank).bank, old, new)
    except NoHistory as error:
        raise click.ClickException(str(error)) from None
    for change in changes:
        click.echo(f"{change.kind:<11} {change.id}  {change.title}")
    click.echo(f"{len(changes)} question(s) changed between {old} and {new}", err=True)


@cli.command()
@BANK_OPTION
@click.option("--check", is_flag=True, help="Exit 1 if the committed schemas differ from the models; write nothing.")
def schema(bank: tuple[Path, ...], check: bool) -> None:
    """Write the JSON Schemas of the bank's files (question_bank/schema/) from the typed models.

    CI runs it with --check, so a model change without regenerated schemas fails.

    \b
    Example:
      loopkit schema
      loopkit schema --check
    """
    folder = Project.at(Path.cwd(), bank).bank / schemas.FOLDER
    if check:
        outdated = schemas.stale(folder)
        for name in outdated:
            click.echo(f"{folder / name}: out of date; run `loopkit schema` and commit the result")
        sys.exit(1 if outdated else 0)
    click.echo(f"{len(schemas.write(folder))} schema file(s) updated in {folder}", err=True)


@cli.command(name="export")
@BANK_OPTION
@click.option("--format", "style", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="json: questions and packets. csv: one row per question, for spreadsheets and ATS import.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@ROTATE_OPTION
def export_command(bank: tuple[Path, ...], style: str, output: Path | None, rotate: str | None) -> None:
    """Export questions and packets for ATS import and other tools.

    \b
    Example:
      loopkit export --format json -o bank.json
      loopkit export --format csv -o questions.csv
      loopkit export --rotate 2026-q1 -o bank.json
    """
    project = Project.at(Path.cwd(), bank, rotate)
    compiled = check(project)
    if not compiled.ok:
        show(compiled)
        raise click.ClickException("the bank has errors; nothing was exported")
    banks = bank_layers(project.banks, project.root)
    if style == "csv":
        data = export_csv(compiled.bank, compiled.packets, banks)
    else:
        data = json.dumps(export(compiled.bank, compiled.packets, banks), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(data, nl=False)
    else:
        output.write_text(data, encoding="utf-8")
