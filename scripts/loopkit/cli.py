"""The loopkit command line. Commands parse options and call the pipeline; they hold no logic of their own."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import click

from . import report
from .export import export
from .pipeline import Compiled, Project, check, compile_candidate_site, compile_pages
from .publish import build_site

BANK_OPTION = click.option("--bank", type=click.Path(file_okay=False, path_type=Path), default=None,
                           help="Question bank folder. Default: question_bank/ in the current folder.")


def show(compiled: Compiled, style: str = "text") -> None:
    """Print every problem, then a one-line summary on stderr."""
    problems = report.ordered(compiled.problems)
    formatter = report.github if style == "github" else report.text
    for problem in problems:
        click.echo(formatter(problem))
    bank = compiled.bank
    click.echo(f"{len(bank.questions)} questions, {len(bank.loops)} loops, {len(compiled.packets)} packets; "
               f"{report.summary(problems)}", err=True)


@click.group()
@click.version_option(package_name="loopkit")
def cli() -> None:
    """loopkit: structured interview packets for hiring AI engineers, compiled from a YAML question bank."""


@cli.command()
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "style", type=click.Choice(["text", "github"]), default="text", show_default=True,
              help="text: path:line:col: CODE message. github: annotations for pull requests.")
def validate(path: Path | None, style: str) -> None:
    """Check the bank and every loop; exit 1 on any error.

    \b
    Example:
      loopkit validate
      loopkit validate question_bank --format github
    """
    compiled = check(Project.at(Path.cwd(), path))
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
def build(bank: Path | None, site_dir: Path | None, pdf: bool, paper: str, audience: str) -> None:
    """Validate, compile the packets and their PDFs, and build the site with mkdocs --strict.

    A failed build leaves the previous site as it was.

    \b
    Example:
      loopkit build
      loopkit build --paper letter
      loopkit build --no-pdf
      loopkit build --audience candidate --site-dir public
    """
    project = Project.at(Path.cwd(), bank)
    target = site_dir or project.site
    if audience == "candidate":
        compiled, config = compile_candidate_site(project)
        show(compiled)
        if config is None:
            raise click.ClickException(f"the bank has errors; nothing was written and {target} is unchanged")
        publish(config, target)
        return
    compiled, output = compile_pages(project, paper if pdf else None)
    show(compiled)
    if output is None:
        raise click.ClickException(f"the bank has errors; nothing was written and {target} is unchanged")
    written, printed = output.written, output.printed
    if printed is not None:
        click.echo(f"pdfs: {printed.rendered} rendered, {printed.cached} from cache", err=True)
    click.echo(f"files: {written.changed} written, {written.unchanged} unchanged, {written.removed} removed", err=True)
    publish(project.config, target)


def publish(config: Path, target: Path) -> None:
    built, log = build_site(config, target)
    if not built:
        click.echo(log, err=True)
        raise click.ClickException(f"mkdocs build failed; {target} is unchanged")
    click.echo(f"site built in {target}", err=True)


@cli.command()
@BANK_OPTION
@click.option("--port", type=int, default=8000, show_default=True, help="Port on 127.0.0.1.")
def serve(bank: Path | None, port: int) -> None:
    """Preview the site, recompiling whenever a bank file or template changes (without PDFs).

    \b
    Example:
      loopkit serve --port 8000
    """
    project = Project.at(Path.cwd(), bank)
    compiled, output = compile_pages(project)
    show(compiled)
    if output is None:
        raise click.ClickException("fix the errors above, then run serve again")
    threading.Thread(target=watch, args=(project,), daemon=True).start()
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    sys.exit(subprocess.call([sys.executable, "-m", "mkdocs", "serve", "--config-file", str(project.config),
                              "--dev-addr", f"127.0.0.1:{port}"], env=environment))


def snapshot(*folders: Path) -> dict[Path, tuple[float, int]]:
    return {p: (p.stat().st_mtime, p.stat().st_size) for folder in folders for p in folder.rglob("*") if p.is_file()}


def watch(project: Project, interval: float = 1.0) -> None:
    """Recompile on change; mkdocs serve then rebuilds the pages whose Markdown changed."""
    seen = snapshot(project.bank, project.templates)
    while True:
        time.sleep(interval)
        current = snapshot(project.bank, project.templates)
        if current != seen:
            seen = current
            compiled, output = compile_pages(project)
            show(compiled)
            if output is None:
                click.echo("not recompiled: the pages from the last good bank stay up", err=True)


@cli.command(name="export")
@BANK_OPTION
@click.option("--format", "style", type=click.Choice(["json"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
def export_command(bank: Path | None, style: str, output: Path | None) -> None:
    """Export questions and packets for ATS import and other tools.

    \b
    Example:
      loopkit export --format json -o bank.json
    """
    compiled = check(Project.at(Path.cwd(), bank))
    if not compiled.ok:
        show(compiled)
        raise click.ClickException("the bank has errors; nothing was exported")
    data = json.dumps(export(compiled.bank, compiled.packets), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(data, nl=False)
    else:
        output.write_text(data, encoding="utf-8")
