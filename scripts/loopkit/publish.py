"""Publish rendered pages: write the generated Markdown, then build the site with mkdocs.

Files are rewritten only when their content changes (so mkdocs' live reload sees only real edits), and
the site is built into a temporary folder that replaces site/ only when the whole build succeeded.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
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


def print_pdfs(documents: dict[str, str], cache: Path, step: Callable[[int], None] | None = None) -> Printed:
    """Turn print HTML into PDFs, rendering only documents whose HTML is not in the cache yet.

    The cache is keyed by a hash of the HTML and the WeasyPrint version; entries this build did not use
    are removed, so the cache holds exactly the current PDFs. `step`, when given, is called with the
    number of PDFs to render as each one is rendered.
    """
    import weasyprint

    keys = {name: hashlib.sha256(f"{weasyprint.__version__}\0{html}".encode()).hexdigest()
            for name, html in documents.items()}
    cache.mkdir(parents=True, exist_ok=True)
    missing = sorted({key: name for name, key in keys.items() if not (cache / f"{key}.pdf").is_file()}.items())
    if missing:
        workers = min(len(missing), os.cpu_count() or 1)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for (key, _), pdf in zip(missing, pool.map(html_to_pdf, [documents[name] for _, name in missing])):
                temporary = cache / f"{key}.pdf.tmp"
                temporary.write_bytes(pdf)
                temporary.replace(cache / f"{key}.pdf")
                if step:
                    step(len(missing))
    for stale in cache.glob("*.pdf"):
        if stale.stem not in keys.values():
            stale.unlink()
    pdfs = {name: (cache / f"{key}.pdf").read_bytes() for name, key in keys.items()}
    return Printed(pdfs, len(missing), len(documents) - len(missing))


def html_to_pdf(html: str, assets: Path | None = None) -> bytes:
    """The PDF of one print document. It fetches nothing from the network: print templates inline their
    CSS, and any other URL (a template's, or one that slipped into bank text) could reach an internal
    address from CI or track who printed. Only `data:` URLs and files inside `assets` (a templates
    folder) are read; WeasyPrint leaves out anything refused, with a warning."""
    import weasyprint

    return weasyprint.HTML(string=html, url_fetcher=local_fetcher(assets)).write_pdf()


def local_url(url: str, assets: Path | None) -> bool:
    """Whether the PDF build may read this URL: `data:`, or a `file:` inside `assets`."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return True
    if scheme != "file" or assets is None:
        return False
    parsed = urllib.parse.urlsplit(url)
    if parsed.netloc not in ("", "localhost"):
        return False  # file://host/share is a network path on Windows
    path = Path(urllib.request.url2pathname(parsed.path)).resolve()
    return path.is_relative_to(assets.resolve())


def local_fetcher(assets: Path | None):
    """A WeasyPrint URL fetcher that refuses every URL `local_url` does not allow, for the WeasyPrint
    installed: a `URLFetcher` subclass where WeasyPrint has that class (recent releases), a function before."""
    from weasyprint import urls

    def refuse(url: str) -> None:
        if not local_url(url, assets):
            raise ValueError(f"loopkit prints offline; not fetched: {url[:200]}")

    if hasattr(urls, "URLFetcher"):
        class LocalFetcher(urls.URLFetcher):
            def fetch(self, url, headers=None):
                refuse(url)
                return super().fetch(url, headers)

        return LocalFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)

    def fetch(url: str, *args, **kwargs):
        refuse(url)
        return urls.default_url_fetcher(url, *args, **kwargs)

    return fetch
