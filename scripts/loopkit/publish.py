"""Publish rendered pages: write the generated Markdown, then build the site with mkdocs.

Files are rewritten only when their content changes (so mkdocs' live reload sees only real edits), and
the site is built into a temporary folder that replaces site/ only when the whole build succeeded.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path


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


def build_site(config: Path, site_dir: Path) -> tuple[bool, str]:
    """Run `mkdocs build --strict`; on success swap the result into `site_dir`, else leave it untouched."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-", dir=site_dir.parent))
    environment = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
         "--site-dir", str(staging)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        return False, result.stdout.strip()
    previous = site_dir.with_name(f".{site_dir.name}-previous")
    shutil.rmtree(previous, ignore_errors=True)
    if site_dir.exists():
        site_dir.replace(previous)
    staging.replace(site_dir)
    shutil.rmtree(previous, ignore_errors=True)
    return True, result.stdout.strip()


@dataclass(frozen=True)
class Printed:
    pdfs: dict[str, bytes]
    rendered: int
    cached: int


def print_pdfs(documents: dict[str, str], cache: Path) -> Printed:
    """Turn print HTML into PDFs, rendering only documents whose HTML is not in the cache yet.

    The cache is keyed by a hash of the HTML and the WeasyPrint version; entries this build did not use
    are removed, so the cache holds exactly the current PDFs.
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
    for stale in cache.glob("*.pdf"):
        if stale.stem not in keys.values():
            stale.unlink()
    pdfs = {name: (cache / f"{key}.pdf").read_bytes() for name, key in keys.items()}
    return Printed(pdfs, len(missing), len(documents) - len(missing))


def html_to_pdf(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf()
