"""Watch folders for changed files: `loopkit serve` recompiles the pages whenever a bank file or a
template changes, and mkdocs' own live reload takes it from there."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def snapshot(*folders: Path) -> dict[Path, tuple[float, int]]:
    """Each file's modification time and size: a change to either is a change."""
    return {p: (p.stat().st_mtime, p.stat().st_size) for folder in folders for p in folder.rglob("*") if p.is_file()}


def watch(folders: tuple[Path, ...], changed: Callable[[], None], interval: float = 0.2) -> None:
    """Call `changed` after every change to the files in `folders`; runs until the process ends. A look
    at a bank's files takes about 10 ms, so checking five times a second keeps a save close to the page."""
    seen = snapshot(*folders)
    while True:
        time.sleep(interval)
        current = snapshot(*folders)
        if current != seen:
            seen = current
            changed()
