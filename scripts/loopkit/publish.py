"""Publish rendered pages: write the generated Markdown, then build the site with mkdocs.

Files are rewritten only when their content changes (so mkdocs' live reload sees only real edits), and
the site is built into a temporary folder that replaces site/ only when the whole build succeeded.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Written:
    changed: int
    unchanged: int
    removed: int


def write_pages(pages: dict[str, str], folder: Path) -> Written:
    """Make `folder` hold exactly `pages`, touching only files whose content differs."""
    changed = unchanged = removed = 0
    for relative, text in pages.items():
        path = folder / relative
        data = text.encode("utf-8")
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
