"""Load bank files: parse YAML with libyaml and keep the line and column of every key and item.

Knows the bank's layout (which file holds what) and nothing about what the content means.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from .problems import Problem, Source, display_path

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Kind = Literal["roles", "levels", "competencies", "loop", "question"]
VOCABULARY_FILES: dict[str, Kind] = {"roles.yaml": "roles", "levels.yaml": "levels", "competencies.yaml": "competencies"}


@dataclass(frozen=True)
class Document:
    kind: Kind
    source: Source
    data: object


@dataclass(frozen=True)
class LoadedBank:
    root: str  # as shown in messages
    documents: list[Document]
    problems: list[Problem]


def load_bank(root: Path, base: Path | None = None) -> LoadedBank:
    """Read every YAML file under `root`, in a stable order, collecting problems instead of stopping."""
    base = base or Path.cwd()
    shown_root = display_path(root, base)
    documents: list[Document] = []
    problems: list[Problem] = []
    if not root.is_dir():
        return LoadedBank(shown_root, [], [Problem(shown_root, 0, 0, "LK011", "the bank folder does not exist")])
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()):
        shown = display_path(path, base)
        kind = kind_of(path.relative_to(root))
        if kind is None:
            problems.append(Problem(shown, 0, 0, "LK011", "not a vocabulary, loop or question file; "
                                    "expected vocabulary/{roles,levels,competencies}.yaml, "
                                    "loops/ROLE/LEVEL.yaml or questions/**/*.yaml"))
            continue
        document, found = parse(path.read_text(encoding="utf-8"), shown, kind)
        problems.extend(found)
        if document is not None:
            documents.append(document)
    return LoadedBank(shown_root, documents, problems)


def kind_of(relative: Path) -> Kind | None:
    parts = relative.parts
    if len(parts) == 2 and parts[0] == "vocabulary":
        return VOCABULARY_FILES.get(parts[1])
    if len(parts) == 3 and parts[0] == "loops":
        return "loop"
    if len(parts) >= 2 and parts[0] == "questions":
        return "question"
    return None


def parse(text: str, shown: str, kind: Kind) -> tuple[Document | None, list[Problem]]:
    """Parse one file; a syntax error becomes a located problem, never an exception."""
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        reason = error.problem or str(error)
        if error.context and error.context_mark and error.problem_mark:
            reason += f" ({error.context} that starts at line {error.context_mark.line + 1})"
        return None, [Problem(shown, line, col, "LK001", f"YAML syntax: {reason}")]
    except yaml.YAMLError as error:
        return None, [Problem(shown, 0, 0, "LK001", f"YAML syntax: {error}")]
    finally:
        loader.dispose()
    positions: dict[tuple, tuple[int, int]] = {}
    problems: list[Problem] = []
    if node is not None:
        record_positions(node, (), positions, problems, shown)
    return Document(kind, Source(shown, positions), data), problems


def record_positions(node: yaml.Node, path: tuple, positions: dict, problems: list[Problem], shown: str) -> None:
    """Map each key path to where it starts, and report keys repeated within one mapping."""
    stack = [(node, path)]
    while stack:
        node, path = stack.pop()
        positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            seen: set = set()
            for key_node, value_node in node.value:
                key = scalar_key(key_node)
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                if key in seen:
                    problems.append(Problem(shown, line, col, "LK008", f"key {key!r} appears twice in this mapping"))
                seen.add(key)
                positions[path + (key,)] = (line, col)
                stack.append((value_node, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, path + (index,)))


def scalar_key(node: yaml.Node) -> object:
    """The key as the constructor builds it, for the plain keys a bank uses (text and small integers)."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:int":
        try:
            return int(node.value)
        except ValueError:
            return node.value
    return node.value if isinstance(node, yaml.ScalarNode) else repr(node.value)
