"""The loopkit command line. Commands parse options and call the pipeline; they hold no logic of their own."""
from __future__ import annotations

import dataclasses
import datetime
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from . import DISTRIBUTION, ats, importer, pdfsheet, report
from . import calibrate as calibration
from . import schema as schemas
from .changelog import NoHistory, changelog_line, changes_in
from .debrief import DISAGREEMENT, debrief, summary
from .export import bank_layers, export, export_csv
from .load import LoadedBank, bank_of
from .pipeline import (Compiled, LastBuild, Project, changed_questions, check, check_sheets_in, compile_candidate_site,
                       compile_pages, foreign_banks, packet_editions, published_folder, show_failure, stage_editions,
                       upstream_of, write_private)
from .plan import explain as explain_question, placements, unused_bar
from .problems import display_path
from .publish import build_site
from .model import FORMATS, KINDS
from .render import GENERATED, TemplateFailed
from .sheets import Panel, seal_sheet, utc
from .scaffold import default_author, fresh_id, id_problem, override_file, question_file, unknown_ids
from .teamkit import first_commit, init_kit, requisition_file
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
        if problem.severity != "notice":  # counted by `validate`, listed with --notices
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
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@BANK_OPTION
@click.option("--format", "style", type=click.Choice(["text", "github"]), default="text", show_default=True,
              help="text: path:line:col: CODE message. github: annotations for pull requests.")
@click.option("--explain", "explain", metavar="ID", multiple=True,
              help="Say where a question lands (packet, stage, primary or alternate), or why nowhere; repeat for "
                   "several. Without it, questions changed since git HEAD are explained.")
@click.option("--notices", is_flag=True, help="List the notices (LK4xx) too, not only their count: questions in reserve "
                                                  "(LK402) and the bars of the top layer's questions at levels where "
                                                  "no packet can take them (LK401).")
@ROTATE_OPTION
@click.option("--sheets", "sheets", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Also check the score sheets in this folder (one candidate's, or a folder of candidates' "
                   "folders) against the bank's packets.")
def validate(paths: tuple[Path, ...], bank: tuple[Path, ...], style: str, explain: tuple[str, ...],
             notices: bool, rotate: str | None, sheets: Path | None) -> None:
    """Check the bank and every loop; exit 1 on any error. Then say where each question added or changed
    since git HEAD lands.

    PATHS may be a bank folder, or bank files (as an editor or pre-commit passes them): the bank they
    belong to is checked whole, and only their problems are printed.

    \b
    Example:
      loopkit validate
      loopkit validate question_bank --format github
      loopkit validate question_bank/questions/rag/my-question.yaml
      loopkit validate --explain my-question
      loopkit validate --notices
      loopkit validate --rotate 2026-q1
      loopkit validate --sheets ~/hiring/sheets/cand-7f3a
    """
    files = [path for path in paths if path.is_file()]
    folders = [path for path in paths if not path.is_file()]
    if files and folders:
        raise click.UsageError("give bank folders or bank files, not both")
    if files:
        folders = [bank_of(files[0])]
        if folders[0] is None:
            raise click.UsageError(f"{files[0]} is not inside a bank folder (one that holds vocabulary/ and loops/)")
        own = Project.at(Path.cwd()).banks
        if not bank and folders[0] in [path.resolve() for path in own]:
            folders = list(own)  # a file of this project's bank: check it with the layers below it
    project = Project.at(Path.cwd(), (*bank, *folders), rotate)
    compiled = check(project)
    shown_files = {display_path(path, Path.cwd()) for path in files}
    if files:
        mine = [p for p in compiled.problems if p.path in shown_files]
        others = sum(p.severity != "notice" for p in compiled.problems) - sum(p.severity != "notice" for p in mine)
        compiled = dataclasses.replace(compiled, problems=mine)
        if others:
            click.echo(f"{others} more problem(s) in other files of {display_path(folders[0], Path.cwd())}; "
                       "run loopkit validate to see them", err=True)
    if sheets is not None:
        sys.exit(show_sheets(project, sheets, style))
    show(compiled, style)
    unused = [(question, level) for question, level in compiled.unused_bars
              if not files or question.source.path in shown_files]
    reserve = [p for p in compiled.problems if p.severity == "notice"]
    if notices:
        formatter = report.github if style == "github" else report.text
        for notice in report.ordered([*reserve, *(unused_bar(question, level, compiled.loops)
                                                  for question, level in unused)]):
            click.echo(formatter(notice))
    elif unused or reserve:
        kinds = ([f"{len(reserve)} question(s) in reserve, which blocks could take but no packet of this edition "
                  "prints (LK402)"] if reserve else []) + \
                ([f"{len(unused)} bar(s) of your questions at levels where no packet can take them (LK401)"]
                 if unused else [])
        click.echo(f"{len(reserve) + len(unused)} notice(s), not warnings: {'; '.join(kinds)}; "
                   "`loopkit validate --notices` lists them", err=True)
    if compiled.ok and style == "text":
        ids = list(explain) or changed_questions(project, compiled)
        for line in landing(compiled, ids):
            click.echo(line)
    sys.exit(0 if compiled.ok else 1)


def show_sheets(project: Project, folder: Path, style: str = "text") -> int:
    """Check the bank and the sheets in `folder`; print every problem and a summary. The exit status."""
    compiled, panels, problems = check_sheets_in(project, folder)
    show(compiled, style)
    if not compiled.ok:
        return 1
    formatter = report.github if style == "github" else report.text
    for problem in report.ordered(problems):
        click.echo(formatter(problem))
    sheets = sum(len(panel.sheets) for panel in panels)
    click.echo(f"{sheets} valid sheet(s) of {len(panels)} candidate(s) in {display_path(folder, Path.cwd())}; "
               f"{report.summary(problems)}", err=True)
    return 1 if any(p.severity == "error" for p in problems) else 0


def checked_panels(project: Project, folder: Path) -> tuple[Compiled, list[Panel]]:
    """The candidates' sheets in `folder`, valid; any problem ends the command with exit 1, writing nothing."""
    compiled, panels, problems = check_sheets_in(project, folder)
    if not compiled.ok:
        show(compiled)
        raise click.ClickException("the bank has errors; nothing was written")
    for problem in report.ordered(problems):
        click.echo(report.text(problem))
    if any(p.severity == "error" for p in problems):
        raise click.ClickException(f"{report.summary(problems)} in the sheets; nothing was written")
    if not panels:
        raise click.ClickException(f"no score sheets in {folder}; nothing was written")
    return compiled, panels


def private_out(project: Project, out: Path) -> Path:
    refused = published_folder(project, out)
    if refused:
        raise click.UsageError(f"--out {out}: {refused}; candidate data goes only to a private folder")
    return out


def private_out_option(what: str):
    """`--out` of the commands that write candidate data: checked by `private_out` before anything is read."""
    return click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help=f"A private folder for {what}. Default: FOLDER itself. Never the site, its pages "
                             "or a bank.")


PAPER_OPTION = click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
                            help="Paper size of the PDF.")


@cli.command(name="debrief")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@BANK_OPTION
@ROTATE_OPTION
@private_out_option("debrief-CANDIDATE.html and .pdf")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also print the page to PDF.")
@PAPER_OPTION
def debrief_command(folder: Path, bank: tuple[Path, ...], rotate: str | None, out: Path | None, pdf: bool,
                    paper: str) -> None:
    """Apply the packet's decision rule to one candidate's score sheets (a folder of them), print the
    outcome and what to look at, and write the debrief page and PDF.

    \b
    Exit status: 0 hire, 10 no hire, 11 hold (a must-have lacks scored ratings),
    1 bad sheets or bank (nothing written), 2 a command-line mistake.

    \b
    Example:
      loopkit debrief ~/hiring/sheets/cand-7f3a
      loopkit debrief ~/hiring/sheets/cand-7f3a --out ~/hiring/debriefs --paper letter
    """
    project = Project.at(Path.cwd(), bank, rotate)
    target = private_out(project, out or folder)
    compiled, panels = checked_panels(project, folder)
    if len(panels) > 1:
        raise click.UsageError(f"{folder} holds the sheets of {len(panels)} candidates' folders; debrief reads one "
                               "candidate's folder (calibrate reads many)")
    result = debrief(panels[0], compiled.bank.levels)
    for line in summary(result):
        click.echo(line)
    with templates_reported("the debrief page was not written"):
        written = write_private(project, target, f"debrief-{result.panel.candidate}", "debrief.html.j2",
                                paper if pdf else None, result=result, levels=compiled.bank.levels, utc=utc,
                                disagreement=DISAGREEMENT)
    click.echo(f"written: {', '.join(display_path(path, Path.cwd()) for path in written)}", err=True)
    sys.exit(result.exit_code)


@cli.command(name="calibrate")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@BANK_OPTION
@ROTATE_OPTION
@private_out_option("calibration.html")
def calibrate_command(folder: Path, bank: tuple[Path, ...], rotate: str | None, out: Path | None) -> None:
    """Over many candidates' sheets (a folder of candidate folders): agreement between raters per
    competency and per stage (Krippendorff's alpha with a bootstrap interval), each interviewer's
    leniency against the panel, and how each question is used, scored and tracks the outcome.

    \b
    Example:
      loopkit calibrate ~/hiring/sheets --out ~/hiring/reports
    """
    project = Project.at(Path.cwd(), bank, rotate)
    target = private_out(project, out or folder)
    compiled, panels = checked_panels(project, folder)
    result = calibration.calibrate(panels, compiled.bank.levels,
                                   {c.id: c.name for c in compiled.bank.competencies.values()})
    for line in calibration.summary(result):
        click.echo(line)
    with templates_reported("the report was not written"):
        written = write_private(project, target, "calibration", "calibration.html.j2", None, result=result,
                                min_units=calibration.MIN_UNITS, min_ratings=calibration.MIN_RATINGS,
                                min_uses=calibration.MIN_USES, min_outcome=calibration.MIN_OUTCOME,
                                bootstrap=calibration.BOOTSTRAP, lenient=calibration.LENIENT, edge=calibration.EDGE,
                                tracks=calibration.TRACKS)
    click.echo(f"written: {', '.join(display_path(path, Path.cwd()) for path in written)}", err=True)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def seal(files: tuple[Path, ...]) -> None:
    """Record score sheets as submitted: write each one's digest, so an edit made later shows in
    `loopkit validate --sheets` and `loopkit debrief`. Sheets saved from a stage page come sealed.

    \b
    Example:
      loopkit seal ~/hiring/sheets/cand-7f3a/rag-code-review-dana.yaml
    """
    failed = 0
    for path in files:
        sealed, message = seal_sheet(path, Path.cwd())
        failed += not sealed
        click.echo(message, err=not sealed)
    sys.exit(1 if failed else 0)


@cli.group(name="sheets")
def sheets_group() -> None:
    """Move score sheets to and from applicant tracking systems."""


@sheets_group.command(name="export")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@BANK_OPTION
@ROTATE_OPTION
@click.option("--format", "style", type=click.Choice(["greenhouse", "ashby"]), required=True,
              help="greenhouse: scorecards (attributes rated against the bar). ashby: feedback form submissions "
                   "(Score fields 1 to 4).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output (never inside the site, its pages or a bank).")
def sheets_export(folder: Path, bank: tuple[Path, ...], rotate: str | None, style: str, output: Path | None) -> None:
    """Export valid score sheets (one candidate's folder, or a folder of them) as JSON for an ATS.

    \b
    Example:
      loopkit sheets export ~/hiring/sheets --format greenhouse -o scorecards.json
    """
    project = Project.at(Path.cwd(), bank, rotate)
    if output is not None:
        private_out(project, output.parent)
    _, panels = checked_panels(project, folder)
    shape = ats.greenhouse if style == "greenhouse" else ats.ashby
    data = json.dumps([record for panel in panels for record in shape(panel)], indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(data, nl=False)
    else:
        output.write_text(data, encoding="utf-8")


@sheets_group.command(name="import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@BANK_OPTION
@ROTATE_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The private folder to write CANDIDATE/STAGE-INTERVIEWER.yaml sheets into.")
def sheets_import(sources: tuple[Path, ...], bank: tuple[Path, ...], rotate: str | None, out: Path) -> None:
    """Turn a CSV with one row per rating (columns: candidate, packet, edition, stage, interviewer,
    shadowing, interviewed, submitted, recommendation, competency, question, score, evidence, observed),
    or stage-sheet PDFs filled in on screen, into sealed score sheets, checked against the bank. Nothing
    is written if any row, field or file is wrong.

    \b
    Example:
      loopkit sheets import ratings.csv --out ~/hiring/sheets
      loopkit sheets import cand-7f3a-screen.pdf cand-7f3a-design.pdf --out ~/hiring/sheets
    """
    project = Project.at(Path.cwd(), bank, rotate)
    private_out(project, out)
    read: dict = {}

    def sheets_of(compiled: Compiled) -> LoadedBank:
        editions = {**packet_editions(project, compiled.packets), **stage_editions(project, compiled.packets)}
        read["loaded"], read["fields"] = pdfsheet.read_sources(sources, Path.cwd(), compiled.packets, editions)
        return read["loaded"]

    compiled, panels, problems = check_sheets_in(project, sheets_of, group=lambda document: document.data["candidate"])
    if not compiled.ok:
        show(compiled)
        raise click.ClickException("the bank has errors; nothing was written")
    problems = pdfsheet.name_fields(problems, read["fields"])
    named = ", ".join(display_path(source, Path.cwd()) for source in sources)
    for problem in report.ordered(problems):
        click.echo(report.text(problem))
    if any(p.severity == "error" for p in problems):
        raise click.ClickException(f"{report.summary(problems)} in {named}; nothing was written")
    files = {out / ats.file_name(document.data): ats.sheet_file(document.data) for document in read["loaded"].documents}
    taken = [path for path in files if path.exists()]
    if taken or not files:
        raise click.ClickException(f"{display_path(taken[0], Path.cwd())} already exists; nothing was written"
                                   if taken else f"no ratings in {named}; nothing was written")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    click.echo(f"{len(files)} sheet(s) of {len(panels)} candidate(s) written to {display_path(out, Path.cwd())}",
               err=True)


def landing(compiled: Compiled, ids: list[str], every_packet: bool = False) -> list[str]:
    """Where each question lands; with `every_packet`, also why each packet that could take it does not."""
    lines = []
    for question_id in ids:
        if question_id not in compiled.bank.questions:
            lines.append(f"{question_id}: no question has this id")
            continue
        where = explain_question if every_packet else placements
        lines.extend(f"{question_id}: {line}" for line in where(compiled.bank, compiled.packets, question_id,
                                                                 compiled.problems))
    return lines


@cli.command()
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@BANK_OPTION
@ROTATE_OPTION
def explain(ids: tuple[str, ...], bank: tuple[Path, ...], rotate: str | None) -> None:
    """Say where a question lands in every packet (packet, stage, block, primary or alternate) and, for
    each packet of its roles and levels that does not take it, why not.

    \b
    Example:
      loopkit explain rag-critique-sales-assistant-architecture
      loopkit explain our-agent-design-round --rotate 2026-q1
    """
    compiled = check(Project.at(Path.cwd(), bank, rotate))
    if not compiled.ok:
        show(compiled)
        raise click.ClickException("the bank has errors; fix them, then ask again")
    lines = landing(compiled, list(ids), every_packet=True)
    for line in lines:
        click.echo(line)
    sys.exit(1 if any(line.endswith(": no question has this id") for line in lines) else 0)


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
    refuse_foreign(project, target)
    with templates_reported(f"nothing was written and {target} is unchanged"):
        build_audience(project, target, pdf, paper, audience)


def refuse_foreign(project: Project, target: Path) -> None:
    """content/kit/ holds the pages of the project's own bank; another bank's build would replace them."""
    own = foreign_banks(project)
    if own:
        raise click.ClickException(
            f"--bank {' '.join(map(str, project.banks))} is not this project's bank ({own}): its pages would replace "
            f"content/{GENERATED}/, the generated pages of {own}, so nothing was written and {target} is unchanged. "
            "Check that bank with `loopkit validate --bank ...`, or build it in a project of its own "
            "(`loopkit init DIR`, then put the bank there).")


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
        rate = (f", {printed.pages} pages laid out and {printed.written} written in {printed.seconds:.1f} s "
                f"({printed.rate:.0f} pages/s)") if printed.pages else ""
        click.echo(f"pdfs: {printed.rendered} rendered, {printed.cached} from cache{rate}; they go to "
                   f"{display_path(target / GENERATED / 'pdf', Path.cwd())}/", err=True)
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
    refuse_foreign(project, project.site)
    with templates_reported("fix the template, then run serve again"):
        compiled, output = compile_pages(project)
    show(compiled)
    if output is None:
        raise click.ClickException("fix the errors above, then run serve again")
    threading.Thread(target=watch, args=((*project.banks, project.templates), lambda: recompile(project)),
                     daemon=True).start()
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    sys.exit(subprocess.call([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "--config-file", str(project.config),
                              "--dev-addr", f"127.0.0.1:{port}"], env=environment))


def recompile(project: Project) -> None:
    """After a change: recompile, or say why the pages of the last good build stay up, in the terminal
    and at the top of the pages in the browser."""
    try:
        compiled, output = compile_pages(project)
    except TemplateFailed as error:
        click.echo(f"{error}\nnot recompiled: the pages from the last good build stay up", err=True)
        show_failure(project, [str(error)], [])
        return
    show(compiled)
    if output is None:
        click.echo("not recompiled: the pages from the last good bank stay up, with the errors on top", err=True)
        errors = [p for p in report.ordered(compiled.problems) if p.severity == "error"]
        show_failure(project, [report.text(p) for p in errors], [p.path for p in errors])


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
    click.echo(f"{len(written)} files written in {directory}")
    click.echo(first_commit(directory))
    click.echo(f"Next:\n  cd {directory}\n  loopkit validate\n"
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
@click.option("--id", "question_id", default=None,
              help="The question's id and file name (kebab-case). Default: made from the title, whole words only.")
@click.option("--override", "overridden", metavar="ID", default=None,
              help="Write a partial override of an earlier layer's question instead: its id and digest, and its "
                   "fields as comments to uncomment where you change them.")
def question(bank: tuple[Path, ...], title, roles, levels, competencies, kind, shape, minutes, author,
             question_id, overridden) -> None:
    """Scaffold a draft question with a fresh id; prompts for what is missing when run in a terminal.

    \b
    Example:
      loopkit new question
      loopkit new question --title "Debug a slow retrieval endpoint" --role ai-application-engineer \\
        --level senior --competency rag --kind work-sample --format incident
      loopkit new question --override rag-critique-sales-assistant-architecture
    """
    project = Project.at(Path.cwd(), bank)
    compiled = check(project)
    if any(p.severity == "error" and p.code.startswith("LK0") for p in compiled.problems):
        show(compiled)
        raise click.ClickException("fix the bank's errors first")
    if overridden is not None:
        upstream = upstream_of(project, overridden)
        if upstream is None:
            raise click.UsageError(f"--override {overridden!r}: no layer below {display_path(project.bank, Path.cwd())} "
                                   "has a question with that id")
        path, text = override_file(project.bank, upstream)
        if path.exists():
            raise click.ClickException(f"{display_path(path, Path.cwd())} already exists; edit it, or delete it first")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        click.echo(f"{display_path(path, Path.cwd())}: partial override of {overridden!r} created. Uncomment and "
                   "change only the fields you change, then run `loopkit validate`.")
        return
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
    if question_id is not None:
        problems += filter(None, [id_problem(question_id, set(vocabulary.questions))])
    if problems or not (roles and levels and competencies):
        raise click.UsageError("; ".join(problems) or "give at least one role, level and competency")
    author = author or default_author(project.root)
    path, text = question_file(project.bank, vocabulary, title, roles, levels, competencies, kind, shape, minutes,
                               author, datetime.date.today(), question_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    click.echo(f"{display_path(path, Path.cwd())}: draft question {path.stem!r} created. Replace every \"Write ...\" line, set status: active, "
               f"then run `loopkit validate` to see where it lands. Its first competency, {competencies[0]}, decides "
               "where it can be placed.")


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
        click.echo(changelog_line(change))
    click.echo(f"{len(changes)} change(s) between {old} and {new}", err=True)


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


@cli.command(name="import")
@BANK_OPTION
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--role", "roles", multiple=True, help="Role id for questions whose source names none; repeat for several.")
@click.option("--level", "levels", multiple=True, help="Level id for questions whose source names none.")
@click.option("--competency", "competencies", multiple=True, help="Competency id for questions whose source names none.")
@click.option("--author", default=None, help="Default: git config user.name.")
@click.option("--dry-run", is_flag=True, help="Print the report; write no file.")
def import_command(bank: tuple[Path, ...], sources: tuple[Path, ...], roles, levels, competencies, author,
                   dry_run: bool) -> None:
    """Turn existing material (Markdown with a question per heading, or CSV with a row per question) into
    draft questions, and report what each draft still needs before it can be active.

    \b
    Example:
      loopkit import old-wiki.md --role ai-application-engineer --level senior
      loopkit import questions.csv --competency llm-evaluation --dry-run
    """
    project = Project.at(Path.cwd(), bank)
    compiled = check(project)
    if any(p.severity == "error" and p.code.startswith("LK0") for p in compiled.problems):
        show(compiled)
        raise click.ClickException("fix the bank's errors first")
    problems = unknown_ids(compiled.bank, list(roles), list(levels), list(competencies))
    if problems:
        raise click.UsageError("; ".join(problems))
    defaults = importer.Defaults(tuple(roles), tuple(levels), tuple(competencies),
                                 author or default_author(project.root))
    drafts = importer.import_material(list(sources), project.banks, project.root, defaults, datetime.date.today())
    if not drafts:
        raise click.ClickException("no questions found: Markdown needs a heading per question, CSV a header row "
                                   "and a row per question")
    for line in importer.described(drafts, project.root, dry_run):
        click.echo(line)
    written = [] if dry_run else importer.write_drafts(drafts)
    failed = sum(1 for draft in drafts if draft.error)
    click.echo(f"{len(drafts)} question(s) read, {len(written)} draft(s) written"
               f"{' (dry run)' if dry_run else ''}, {failed} not imported", err=True)
    sys.exit(1 if failed else 0)


@new.command()
@BANK_OPTION
@click.option("--id", "requisition_id", default=None, help="The requisition's id. Default: made from the title.")
@click.option("--title", help="The opening, as a hiring manager names it.")
@click.option("--role", help="The role id of the loop it is based on.")
@click.option("--level", help="The level id of the loop it is based on.")
def requisition(bank: tuple[Path, ...], requisition_id, title, role, level) -> None:
    """Scaffold a requisition: a loop for one opening, based on a role and level's loop; prompts for
    what is missing when run in a terminal.

    \b
    Example:
      loopkit new requisition
      loopkit new requisition --title "Senior AI engineer, search" --role ai-application-engineer --level senior
    """
    project = Project.at(Path.cwd(), bank)
    compiled = check(project)
    if any(p.severity == "error" and p.code.startswith("LK0") for p in compiled.problems):
        show(compiled)
        raise click.ClickException("fix the bank's errors first")
    loops = compiled.bank.loops
    title = ask(title, "title")
    role = ask(role, "role", sorted({r for r, _ in loops}))
    level = ask(level, "level", sorted({lv for r, lv in loops if r == role}) or None)
    if (role, level) not in loops:
        known = ", ".join(f"{r}/{lv}" for r, lv in loops)
        raise click.UsageError(f"no loop for role {role!r} at level {level!r} to base it on; loops: {known}")
    taken = set(compiled.bank.requisitions) | {p.stem for p in (project.bank / "loops" / "requisitions").glob("*.y*ml")}
    requisition_id = requisition_id or fresh_id(title, taken)
    if requisition_id in taken or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", requisition_id):
        raise click.UsageError(f"--id {requisition_id!r} is taken or not kebab-case (lower-case words and hyphens)")
    path, text = requisition_file(project.bank, requisition_id, title, role, level,
                                  [stage.id for stage in loops[(role, level)].stages])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    click.echo(f"{display_path(path, Path.cwd())}: requisition {requisition_id!r} created from the {role} {level} loop; "
               "edit its stages, then run loopkit validate")
