"""JSON Schemas for the bank's file kinds, generated from the typed models so they cannot drift.

Editors use them through the `# yaml-language-server: $schema=...` line at the top of every bank
file: completion, hover help and errors while a contributor types.
"""
from __future__ import annotations

import json
from pathlib import Path

from .model import CompetenciesFile, LevelsFile, Loop, Question, Requisition, RolesFile, StatusFile
from .sheets import Sheet

SCHEMAS = {  # keyed by the file kinds that load.py tells apart
    "question": Question, "loop": Loop, "requisition": Requisition, "status": StatusFile,
    "roles": RolesFile, "levels": LevelsFile, "competencies": CompetenciesFile,
    "sheet": Sheet,  # score sheets live outside the bank; their editors point here by a full path or URL
}
FOLDER = "schema"


def schemas() -> dict[str, str]:
    """Schema file name -> JSON text."""
    found = {}
    for name, model in SCHEMAS.items():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
        found[f"{name}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return found


def stale(folder: Path) -> list[str]:
    """The schema files in `folder` that are missing or differ from the models."""
    return [name for name, text in schemas().items()
            if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text]


def write(folder: Path) -> list[str]:
    """Write every schema into `folder`; the names of those that changed."""
    changed = stale(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in schemas().items():
        (folder / name).write_text(text, encoding="utf-8")
    return changed


def modeline(bank: Path, path: Path, kind: str) -> str:
    """The first line of a bank file, pointing the editor at its schema by a relative path."""
    depth = len(path.relative_to(bank).parts) - 1
    return f"# yaml-language-server: $schema={'../' * depth}{FOLDER}/{kind}.schema.json"
