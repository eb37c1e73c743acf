"""Publish rendered pages: write the generated Markdown, then build the site with mkdocs.

Files are rewritten only when their content changes (so mkdocs' live reload sees only real edits), and
the site is built into a temporary folder that replaces site/ only when the whole build succeeded.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .edition import git


@dataclass(frozen=True)
class Written:
    changed: int
    unchanged: int
    removed: int


def write_pages(pages: dict[str, str | bytes], folder: Path) -> Written:
    """Make `folder` hold exactly `pages`, touching only files whose content differs."""
    changed = unchanged = removed = 0
    for relative, content in pages.items():
        path = folder / relative
        data = content.encode("utf-8") if isinstance(content, str) else content
        if path.is_file() and path.read_bytes() == data:
            unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
        changed += 1
    wanted = {folder / relative for relative in pages}
    if folder.is_dir():
        for path in sorted(folder.rglob("*"), reverse=True):
            if path.is_file() and path not in wanted:
                path.unlink()
                removed += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return Written(changed, unchanged, removed)


def build_site(config: Path, site_dir: Path, step: Callable[[], None] | None = None) -> tuple[bool, str]:
    """Run `mkdocs build --strict`; on success swap the result into `site_dir`, else leave it untouched.

    `step`, when given, is called as mkdocs reads each page and again as it writes it (mkdocs runs
    verbose for that; its debug lines are not kept in the returned log)."""
    # mkdocs reads a relative --site-dir from the config's folder, not from where loopkit runs.
    site_dir = site_dir.absolute()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_folder(site_dir)
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if "SOURCE_DATE_EPOCH" not in environment:  # mkdocs stamps sitemap.xml.gz with it, else with the clock
        commit_time = git(config.parent, "log", "-1", "--format=%ct")
        if commit_time.isdigit():
            environment["SOURCE_DATE_EPOCH"] = commit_time
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
               "--site-dir", str(staging), *(["--verbose"] if step else [])]
    log = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=environment) as process:
        for line in process.stdout:
            if not line.startswith("DEBUG"):
                log.append(line)
            elif step and (" Reading: " in line or " Building page " in line):
                step()
    output = "".join(log).strip()
    if process.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        return False, output
    previous = site_dir.with_name(f".{site_dir.name}-previous")
    shutil.rmtree(previous, ignore_errors=True)
    if site_dir.exists():
        site_dir.replace(previous)
    staging.replace(site_dir)
    shutil.rmtree(previous, ignore_errors=True)
    return True, output


def staging_folder(site_dir: Path) -> Path:
    """A new empty folder next to `site_dir`, made as `mkdir` makes any folder (its mode follows the
    umask), since it becomes the site: tempfile.mkdtemp's 0700 would hide the site from a web server
    running as another user."""
    while True:
        staging = site_dir.with_name(f".{site_dir.name}-{secrets.token_hex(4)}")
        try:
            staging.mkdir()
        except FileExistsError:
            continue
        return staging


def candidate_config(base: dict, project_config: Path, docs: Path, content: Path) -> tuple[str, dict[str, bytes]]:
    """mkdocs settings for the candidate site alone: the shared base and the project's own settings
    (its name, its palette), with only the candidate pages. Returns the settings and the stylesheets and
    scripts they link, read from the project's hand-written pages (`content`), to be written into the
    candidate's docs; a linked file that is not there is left out of the settings rather than linked
    to nothing."""
    import yaml

    config = merged(base, yaml.safe_load(project_config.read_text(encoding="utf-8")) or {})
    for key in ("INHERIT", "nav", "not_in_nav", "exclude_docs", "validation"):
        config.pop(key, None)
    config.update(site_name=f"{config.get('site_name', 'loopkit')}: preparing for your interviews",
                  docs_dir=str(docs.resolve()), plugins={"search": {}}, nav=[{"Your interviews": "index.md"}],
                  not_in_nav="/*/*.md")
    assets: dict[str, bytes] = {}
    for key in ("extra_css", "extra_javascript"):
        kept = []
        for entry in config.get(key) or []:
            path = entry.get("path", "") if isinstance(entry, dict) else str(entry)
            if urlsplit(path).scheme or path.startswith("/"):  # another site's file: linked as it is
                kept.append(entry)
            elif ".." not in Path(path).parts and (content / path).is_file():  # only files of the pages
                assets[path] = (content / path).read_bytes()
                kept.append(entry)
        if key in config:
            config[key] = kept
    text = "# Generated by loopkit for `loopkit build --audience candidate`; do not edit.\n" + yaml.safe_dump(config)
    return text, assets


def merged(base: dict, override: dict) -> dict:
    """`override` laid over `base`, mappings merged key by key, as mkdocs does for INHERIT."""
    result = dict(base)
    for key, value in override.items():
        result[key] = merged(result[key], value) if isinstance(value, dict) and isinstance(result.get(key), dict) \
            else value
    return result


@dataclass(frozen=True)
class Printed:
    pdfs: dict[str, bytes]
    rendered: int
    cached: int
    pages: int = 0  # pages laid out by this build (each part once)
    seconds: float = 0.0  # wall time spent printing
    written: int = 0  # pages written into the PDFs printed (a stage's pages go into its sheet and its packets)

    @property
    def rate(self) -> float:
        """Pages written per second of printing."""
        return self.written / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Book:
    """One packet's print parts (HTML by part id) and the PDFs assembled from them (name -> part ids, in
    order). A part whose id starts with `cover` carries `@@page:ID@@` where the contents gives the page
    of this file part ID starts on; it is laid out last, when the other parts' lengths are known."""

    slug: str
    parts: dict[str, str]
    outputs: dict[str, tuple[str, ...]]


# What WeasyPrint is asked for: a tagged PDF/UA-1 file (headings, lists, tables with headers, reading
# order) with the score sheets' inputs as form fields. Part of every cache key: other options, other bytes.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_forms": True}
PAGE_TOKEN = re.compile(r"@@page:([A-Za-z0-9_.-]+)@@")


def cache_key(book: Book, name: str) -> str:
    """The hash a PDF is cached by: WeasyPrint's version, the options, and the HTML of every part in it."""
    import weasyprint

    hashed = hashlib.sha256(f"{weasyprint.__version__}\0{sorted(PDF_OPTIONS.items())}\0{name}".encode())
    for part in book.outputs[name]:
        hashed.update(f"\0{part}\0{book.parts[part]}".encode())
    return hashed.hexdigest()


def print_books(books: list[Book], cache: Path, step: Callable[[int], None] | None = None) -> Printed:
    """Print every book's PDFs, laying out only those whose parts changed since they were cached.

    A PDF is cached by `cache_key`; a packet whose PDFs are all cached is not laid out at all, and one
    whose parts changed lays out each of its parts once for all of its PDFs that need printing. Entries
    this build did not use are removed, so the cache holds exactly the current PDFs. `step`, when given,
    is called with the number of PDFs to print as each one is printed."""
    started = time.monotonic()
    keys = {name: cache_key(book, name) for book in books for name in book.outputs}
    cache.mkdir(parents=True, exist_ok=True)
    jobs = [(book, [name for name in book.outputs if not (cache / f"{keys[name]}.pdf").is_file()]) for book in books]
    # Longest first (by the HTML to lay out), so no worker starts a long book while the other ends idle.
    jobs = sorted([(book, wanted) for book, wanted in jobs if wanted], reverse=True,
                  key=lambda job: sum(len(job[0].parts[part]) for name in job[1] for part in job[0].outputs[name]))
    missing = sum(len(wanted) for _, wanted in jobs)
    pages = written = 0
    if jobs:
        workers = min(len(jobs), os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for printed, laid_out, pages_written in pool.map(print_book, *zip(*jobs)):
                pages += laid_out
                written += pages_written
                for name, pdf in printed.items():
                    temporary = cache / f"{keys[name]}.pdf.tmp"
                    temporary.write_bytes(pdf)
                    temporary.replace(cache / f"{keys[name]}.pdf")
                    if step:
                        step(missing)
    for stale in cache.glob("*.pdf"):
        if stale.stem not in keys.values():
            stale.unlink()
    pdfs = {name: (cache / f"{key}.pdf").read_bytes() for name, key in keys.items()}
    return Printed(pdfs, missing, len(keys) - missing, pages, time.monotonic() - started, written)


def print_book(book: Book, wanted: list[str]) -> tuple[dict[str, bytes], int, int]:
    """Lay out each part the wanted PDFs need once and assemble the PDFs from the laid-out pages
    (WeasyPrint writes pages of several documents into one file, tags, form fields and bookmarks included).
    Returns the PDFs, the number of pages laid out and the number written."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = offline_fetcher()

    def lay_out(html: str):
        return weasyprint.HTML(string=html, url_fetcher=fetcher).render(font_config=fonts, **PDF_OPTIONS)

    documents = {}
    for part in dict.fromkeys(part for name in wanted for part in book.outputs[name]):
        if not part.startswith("cover"):
            documents[part] = lay_out(book.parts[part])
    laid_out = sum(len(document.pages) for document in documents.values())
    printed, written = {}, 0
    for name in wanted:
        parts = [documents.get(part) for part in book.outputs[name]]
        first = book.outputs[name][0]
        if first.startswith("cover"):
            length = 2  # the cover and its contents; laid out again in the rare case it is not
            for _ in range(3):
                starts, page = {}, length + 1
                for part in book.outputs[name][1:]:
                    starts[part] = page
                    page += len(documents[part].pages)
                cover = lay_out(PAGE_TOKEN.sub(lambda match: str(starts.get(match[1], "")), book.parts[first]))
                laid_out += len(cover.pages)
                if len(cover.pages) == length:
                    break
                length = len(cover.pages)
            parts[0] = cover
        merged = parts[0].copy([page for document in parts for page in document.pages])
        printed[name] = merged.write_pdf(**PDF_OPTIONS)
        written += len(merged.pages)
    return printed, laid_out, written


def local_url(url: str) -> bool:
    """Whether the PDF build may read this URL: only `data:`. Print templates inline their CSS, and any
    other URL (a template's, or one that slipped into bank text) could reach an internal address from CI
    or tell a tracker who printed."""
    return url.split(":", 1)[0].lower() == "data" if ":" in url else False


def offline_fetcher():
    """A WeasyPrint URL fetcher that refuses every URL `local_url` does not allow (WeasyPrint leaves the
    refused resource out, with a warning), for the WeasyPrint installed: a `URLFetcher` subclass where
    WeasyPrint has that class (recent releases), a function before."""
    from weasyprint import urls

    def refuse(url: str) -> None:
        if not local_url(url):
            raise ValueError(f"loopkit prints offline; not fetched: {url[:200]}")

    if hasattr(urls, "URLFetcher"):
        class OfflineFetcher(urls.URLFetcher):
            def fetch(self, url, headers=None):
                refuse(url)
                return super().fetch(url, headers)

        return OfflineFetcher(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(url: str, *args, **kwargs):
        refuse(url)
        return urls.default_url_fetcher(url, *args, **kwargs)

    return fetch
