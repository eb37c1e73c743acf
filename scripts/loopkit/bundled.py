"""Folders that ship with loopkit: the shared question bank, the templates and the hand-written pages.

In an installed wheel they sit inside the package (loopkit/shared/...); in a checkout they are the
repository's own top-level folders.
"""
from __future__ import annotations

from pathlib import Path

NAMES = ("question_bank", "site_templates", "content")


def bundled(name: str) -> Path:
    assert name in NAMES, name
    inside = Path(__file__).resolve().parent / "shared" / name
    return inside if inside.is_dir() else Path(__file__).resolve().parents[2] / name
