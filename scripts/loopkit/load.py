"""Load bank files: parse YAML with libyaml, refuse input that could hurt the build, and keep what it
takes to point at the line and column of any key or item.

Knows the bank's layout (which file holds what) and nothing about what the content means. Bank files
come from pull requests, so every file is read within limits (size, nesting, alias expansion) and any
failure becomes a located Problem, never an exception or a crash.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from .problems import Problem, Source, display_path

Kind = Literal["roles", "levels", "competencies", "loop", "requisition", "question", "status", "sheet"]
VOCABULARY_FILES: dict[str, Kind] = {"roles.yaml": "roles", "levels.yaml": "levels", "competencies.yaml": "competencies"}
SUFFIXES = (".yaml", ".yml")

MAX_BYTES = 1 << 20  # a question is a few KB; a megabyte is a mistake or an attack
# PyYAML's libyaml binding builds nodes recursively on the C stack: 20,000 levels parse, 30,000 crash the
# interpreter (8 MB stack; macOS threads have 512 KB). A bank file is under 10 levels deep.
MAX_DEPTH = 1_000
MAX_VALUES = 100_000  # values in a file once aliases are expanded; a question has about 100

_NESTING = b"[{-?\n\r\xc2\xe2"  # every nesting level needs one of these bytes (\xc2, \xe2: NEL, LS, PS)
_ANCHOR = re.compile(r"[\s\[{,:]&[^\s\[\]{},]")
_COLLECTION_START = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_COLLECTION_END = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


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


class _Loader(yaml.CSafeLoader):
    """libyaml's parser with PyYAML's safe constructor, noting when a mapping lost a key while being
    built (a key written twice, or a merge `<<` overridden), so only those files get the full check."""

    lost_keys = False

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        mapping = super().construct_mapping(node, deep)
        if len(mapping) < len(node.value):
            self.lost_keys = True
        return mapping


class _BadValue(Exception):
    """A scalar that looks like a number or date but cannot be one (2026-13-45, a 5,000-digit integer)."""

    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.node = node


def _reported(construct: Callable[[yaml.constructor.SafeConstructor, yaml.Node], object], what: str) -> Callable:
    """Wrap one of PyYAML's scalar constructors so that its ValueError names the node."""
    def construct_or_report(loader: _Loader, node: yaml.Node) -> object:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError) as error:
            value = node.value if len(node.value) <= 40 else f"{node.value[:20]}...({len(node.value):,} characters)"
            reason = str(error).split(";")[0]
            raise _BadValue(node, f"{value} cannot be read as {what}: {reason}") from None
    return construct_or_report


_Loader.add_constructor("tag:yaml.org,2002:int",
                        _reported(yaml.constructor.SafeConstructor.construct_yaml_int, "a whole number"))
_Loader.add_constructor("tag:yaml.org,2002:timestamp",
                        _reported(yaml.constructor.SafeConstructor.construct_yaml_timestamp, "a date"))


class Positions:
    """Line and column of every key path in one file, worked out only when a problem asks for them.

    Problems are rare and a bank has thousands of files, so the file's bytes are kept instead of a
    table per file: that keeps loading as fast as parsing alone, and memory lower.
    """

    __slots__ = ("_raw", "_table")

    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        self._table: dict[tuple, tuple[int, int]] | None = None

    def get(self, path: tuple, default: tuple[int, int] | None = None) -> tuple[int, int] | None:
        table = self._table if self._table is not None else self._fill("")[0]
        return table.get(path, default)

    def repeated_keys(self, shown: str) -> list[Problem]:
        """Keys written twice in one mapping (the constructor keeps only the last one)."""
        return self._fill(shown)[1]

    def _fill(self, shown: str) -> tuple[dict[tuple, tuple[int, int]], list[Problem]]:
        """Parse the file again (it parsed before, so this cannot fail) and walk its nodes."""
        loader = yaml.CSafeLoader(self._raw.decode("utf-8-sig"))
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        self._table = {}
        return self._table, record_positions(node, self._table, shown) if node is not None else []


def load_bank(root: Path, base: Path | None = None) -> LoadedBank:
    """Read every YAML file under `root`, in a stable order, collecting problems instead of stopping."""
    base = base or Path.cwd()
    shown_root = display_path(root, base)
    if not root.is_dir():
        return LoadedBank(shown_root, [], [Problem(shown_root, 0, 0, "LK011", "the bank folder does not exist")])
    documents: list[Document] = []
    problems: list[Problem] = []
    for parts, path in bank_files(root, shown_root, problems):
        shown = shown_path(shown_root, parts)
        kind = kind_of(parts)
        if kind is None:
            problems.append(Problem(shown, 0, 0, "LK011", "not a vocabulary, loop or question file; "
                                    "expected vocabulary/{roles,levels,competencies}.yaml, "
                                    "loops/ROLE/LEVEL.yaml or questions/**/*.yaml"))
            continue
        document, found = load_file(path, shown, kind)
        problems.extend(found)
        if document is not None:
            documents.append(document)
    return LoadedBank(shown_root, documents, problems)


def load_sheets(folder: Path, base: Path | None = None) -> LoadedBank:
    """Read every score sheet (a YAML file) under `folder`, with the same limits and positions as bank
    files: sheets are typed by hand or saved from a browser, so they are input like any other."""
    base = base or Path.cwd()
    shown_root = display_path(folder, base)
    if not folder.is_dir():
        return LoadedBank(shown_root, [], [Problem(shown_root, 0, 0, "LK011", "the sheets folder does not exist")])
    documents: list[Document] = []
    problems: list[Problem] = []
    for parts, path in bank_files(folder, shown_root, problems):
        shown = shown_path(shown_root, parts)
        document, found = load_file(path, shown, "sheet")
        problems.extend(found)
        if document is not None:
            documents.append(document)
    return LoadedBank(shown_root, documents, problems)


def load_file(path: Path, shown: str, kind: Kind) -> tuple[Document | None, list[Problem]]:
    """One file read within limits and parsed, with its positions; no document when it cannot be read."""
    raw, problems = read(path, shown)
    if raw is None:
        return None, problems
    data, problems = parse(raw, shown)
    return (None if data is _REFUSED else Document(kind, Source(shown, Positions(raw)), data)), problems


def bank_of(file: Path) -> Path | None:
    """The bank folder a file belongs to: the nearest folder above it that holds vocabulary/ or loops/."""
    for folder in file.resolve().parents:
        if (folder / "vocabulary").is_dir() or (folder / "loops").is_dir():
            return folder
    return None


def bank_files(root: Path, shown_root: str, problems: list[Problem]) -> list[tuple[tuple[str, ...], Path]]:
    """Every YAML file in the bank as (path parts below root, path), sorted by parts.

    Symbolic links are followed only to files inside the bank; a link that leaves it is refused, so a
    pull request cannot make the build read (and publish) a file from elsewhere on the machine.
    """
    inside = os.path.join(os.path.realpath(root), "")
    found = []
    folders: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while folders:
        folder, parts = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as error:
            problems.append(Problem(shown_path(shown_root, parts), 0, 0, "LK011",
                                    f"the folder cannot be read: {error.strerror or error}"))
            continue
        for entry in entries:
            relative = (*parts, entry.name)
            if entry.is_symlink():
                if not os.path.realpath(entry.path).startswith(inside):
                    problems.append(Problem(shown_path(shown_root, relative), 0, 0, "LK011",
                                            "a symbolic link to something outside the bank; loopkit reads only "
                                            "files inside the bank, so copy the file in instead"))
                    continue
                if entry.is_dir():
                    continue  # its files are read where they really are
            if entry.is_dir():
                folders.append((entry.path, relative))
            elif entry.name.endswith(SUFFIXES):
                if entry.is_file():
                    found.append((relative, Path(entry.path)))
                else:
                    problems.append(Problem(shown_path(shown_root, relative), 0, 0, "LK011",
                                            "not a regular file (a broken link, a pipe or a device)"))
    return sorted(found)


def shown_path(shown_root: str, parts: tuple[str, ...]) -> str:
    return "/".join(parts if shown_root == "." else (shown_root, *parts))


def kind_of(parts: tuple[str, ...]) -> Kind | None:
    if len(parts) == 2 and parts[0] == "vocabulary":
        return VOCABULARY_FILES.get(parts[1])
    if len(parts) == 3 and parts[0] == "loops":
        return "requisition" if parts[1] == "requisitions" else "loop"
    if len(parts) >= 2 and parts[0] == "questions":
        return "question"
    if parts == ("status.yaml",):
        return "status"
    return None


def read(path: Path, shown: str) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes; a file over the size limit is not read at all."""
    try:
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            raw = file.read() if size <= MAX_BYTES else b""
    except OSError as error:
        return None, [Problem(shown, 0, 0, "LK011", f"cannot be read: {error.strerror or error}")]
    if size > MAX_BYTES or len(raw) > MAX_BYTES:
        return None, [Problem(shown, 0, 0, "LK015", f"the file has {size:,} bytes; a bank file may have at most "
                                                    f"{MAX_BYTES:,} (1 MiB)")]
    return raw, []


_REFUSED = object()  # parse's data when the file gave no document at all


def parse(raw: bytes, shown: str) -> tuple[object, list[Problem]]:
    """Parse one file's bytes into plain data; anything wrong becomes a located problem.

    Returns _REFUSED as the data when the file cannot be read as YAML, and None for an empty file.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, col = line_col(raw, error.start)
        return _REFUSED, [Problem(shown, line, col, "LK014", f"byte 0x{raw[error.start]:02x} is not UTF-8; "
                                                            "save the file as UTF-8")]
    if nesting_bound(raw) > MAX_DEPTH:
        depth, mark = nesting_depth(text)
        if depth > MAX_DEPTH:
            return _REFUSED, [Problem(shown, mark.line + 1, mark.column + 1, "LK015",
                                      f"values nested more than {MAX_DEPTH:,} levels deep")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        if text.startswith("&") or ("&" in text and _ANCHOR.search(text)):
            size, where = expanded_size(node)
            if size is None or size > MAX_VALUES:
                amount = "into themselves without end" if size is None else f"to more than {MAX_VALUES:,} values"
                return _REFUSED, [Problem(shown, where.start_mark.line + 1, where.start_mark.column + 1, "LK015",
                                          f"aliases expand {amount}; write the content out instead")]
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        return _REFUSED, [syntax_problem(error, text, shown)]
    except yaml.reader.ReaderError as error:
        line, col = line_col(text.encode("utf-8"), error.position)
        return _REFUSED, [Problem(shown, line, col, "LK014", f"character #x{error.character:04x} is not "
                                                            "allowed in YAML; remove it or retype the text")]
    except yaml.YAMLError as error:
        return _REFUSED, [Problem(shown, 0, 0, "LK001", f"YAML syntax: {error}")]
    except _BadValue as error:
        mark = error.node.start_mark
        return _REFUSED, [Problem(shown, mark.line + 1, mark.column + 1, "LK009", str(error))]
    finally:
        loader.dispose()
    merged = merged_items(raw, text, shown)
    if merged:
        return _REFUSED, merged
    if loader.lost_keys:
        return data, Positions(raw).repeated_keys(shown)
    return data, []


def syntax_problem(error: yaml.MarkedYAMLError, text: str, shown: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    reason = error.problem or str(error)
    if error.context and error.context_mark and error.problem_mark:
        reason += f" ({error.context} that starts at line {error.context_mark.line + 1})"
    if isinstance(error, yaml.constructor.ConstructorError) and reason.startswith("could not determine"):
        reason = (f"the tag {reason.rsplit(' ', 1)[-1]} is not allowed; bank files hold text, numbers, dates, "
                  "lists and mappings")
    lines = text.split("\n")
    if 0 < line <= len(lines) and "\t" in lines[line - 1][:len(lines[line - 1]) - len(lines[line - 1].lstrip())]:
        reason += "; YAML is indented with spaces, never tabs"
    elif error.problem and INDENTATION_ERRORS.search(error.problem) and 0 < line <= len(lines):
        found = misindented(lines, line - 1, error)
        if found is not None:
            line, col, reason = found
            return Problem(shown, line, col, "LK001", f"YAML indentation: {reason}")
    return Problem(shown, line, col, "LK001", f"YAML syntax: {reason}")


# What libyaml says when a line starts at a column that does not fit the structure above it.
INDENTATION_ERRORS = re.compile(r"mapping values are not allowed|did not find expected key|expected <block end>|"
                                r"did not find expected '-' indicator")
# One line of block YAML: its indentation, an optional `- ` item marker, and a `key:` if it has one.
_LINE = re.compile(r"^(?P<indent> *)(?P<dash>-(?: +|$))?(?:(?P<key>[^\s#:'\"\[{&*!|>%@`-][^#]*?|\"[^\"]*\"|'[^']*')"
                   r" *:(?: |$))?")


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    indent: int  # spaces before the first character (or before `- `)
    content: int  # where a key of this line starts: after `- ` for an item
    key: str | None
    dash: bool
    opens: bool  # a key with nothing after its colon: the lines below belong to it

    @property
    def named(self) -> str:
        return f"`{self.key}:`" if self.key else "`-`" if self.dash else "this line"


def _read_line(lines: list[str], index: int) -> _Line | None:
    text = lines[index]
    if not text.strip() or text.lstrip().startswith("#"):
        return None
    match = _LINE.match(text)
    indent = len(match["indent"])
    content = indent + len(match["dash"] or "")
    key = match["key"]
    rest = text[match.end():].split(" #")[0].strip() if key else ""
    return _Line(index + 1, indent, content, key, bool(match["dash"]), bool(key) and rest in ("", "|", ">", "|-", ">-"))


def _above(lines: list[str], index: int) -> list[_Line]:
    """The lines above `index` that still hold it open, nearest first: the line just above, then each
    earlier line less indented than every line between."""
    found: list[_Line] = []
    for number in range(index - 1, -1, -1):
        line = _read_line(lines, number)
        if line is None:
            continue
        if not found or line.indent < min(l.indent for l in found):
            found.append(line)
        if line.indent == 0 and not line.dash:
            break
    return found


def _emptied(lines: list[str], line: _Line) -> tuple[_Line, _Line] | None:
    """A key that opens a block (`bar:`) followed by a line at its own column (`junior:` pulled left),
    above the line where libyaml gave up, which starts where the pulled line should (`senior:`): the
    pulled line is the mistake, and YAML read the opening key as empty."""
    below: list[_Line] = []
    for number in range(line.number - 2, -1, -1):
        current = _read_line(lines, number)
        if current is None:
            continue
        if below and current.opens and below[-1].indent <= current.indent and below[-1].indent < line.indent \
                and all(other.indent > below[-1].indent for other in below[:-1]) and not below[-1].dash:
            return current, below[-1]
        below.append(current)
        if current.indent == 0 and not current.opens:
            return None
    return None


def misindented(lines: list[str], index: int, error: yaml.MarkedYAMLError) -> tuple[int, int, str] | None:
    """Say which line is indented wrong and at which column it should start, in the reader's words:
    libyaml names the line where it gave up and the structure it was parsing, not the mistake."""
    line = _read_line(lines, index)
    above = _above(lines, index)
    if line is None or not above:
        return None
    previous = above[0]
    emptied = _emptied(lines, line)
    if emptied is not None:
        parent, moved = emptied
        return (moved.number, moved.indent + 1,
                f"{moved.named} starts at column {moved.indent + 1}, level with {parent.named} on line "
                f"{parent.number}, so YAML reads {parent.named} as empty; indent {moved.named} to column "
                f"{line.indent + 1}, like {line.named} on line {line.number}")
    if line.indent > previous.indent and not previous.opens and not (previous.dash and line.indent >= previous.content):
        # Deeper than a line that already has its value. Either this line went too far right, or the line
        # above went too far left and left its own parent empty (`senior:` then `meets:` at its column).
        parent = next((l for l in (_read_line(lines, n) for n in range(previous.number - 2, -1, -1)) if l), None)
        if parent is not None and parent.opens and parent.indent == previous.indent and not previous.dash:
            return (previous.number, previous.indent + 1,
                    f"{previous.named} starts at column {previous.indent + 1}, level with {parent.named} on line "
                    f"{parent.number}, so YAML reads {parent.named} as empty; indent {previous.named} to column "
                    f"{line.indent + 1}, like {line.named} on line {line.number}")
        return (line.number, line.indent + 1,
                f"{line.named} starts at column {line.indent + 1}, deeper than {previous.named} on line "
                f"{previous.number}, which already has its value; start it at column {previous.indent + 1}, "
                f"level with {previous.named}")
    columns: dict[int, _Line] = {}
    if line.dash:  # another item of a list above: it starts where their `-` does
        for other in above:
            if other.dash:
                columns.setdefault(other.indent, other)
        if columns and line.indent not in columns:
            nearest = min(columns, key=lambda column: (abs(column - line.indent), -column))
            return (line.number, line.indent + 1,
                    f"this `-` item starts at column {line.indent + 1}, where no item above it starts; start it "
                    f"at column {nearest + 1}, level with the item on line {columns[nearest].number}")
        columns = {}
    for other in above:
        if other.key or not other.dash:  # a plain list item's text is no column a key can start at
            columns.setdefault(other.content, other)
        if other.dash and line.dash:
            columns.setdefault(other.indent, other)
    if line.content in columns and line.indent in columns:
        return None  # it lines up with something above: the mistake is not this line's indentation
    nearest = sorted(columns, key=lambda column: (abs(column - line.indent), -column))[:2]
    choices = " or ".join(f"column {column + 1}, level with {columns[column].named} on line {columns[column].number}"
                          for column in nearest)
    return (line.number, line.indent + 1,
            f"{line.named} starts at column {line.indent + 1}, where nothing above it starts; start it at {choices}")


def merged_items(raw: bytes, text: str, shown: str) -> list[Problem]:
    """List items indented deeper than the item above them: YAML silently reads such a line as more
    text of the item above (two rubric evidence lines become one), so no later check can say why."""
    if not _DEEPER_ITEM.search(raw):
        return []
    problems = []
    lines = text.split("\n")
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    stack = [node] if node is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif not node.style and node.end_mark.line > node.start_mark.line:
            dash = node.start_mark.column - 2
            for index in range(node.start_mark.line + 1, min(node.end_mark.line + 1, len(lines))):
                stripped = lines[index].lstrip(" ")
                if stripped.startswith("- ") and lines[node.start_mark.line][dash:dash + 2] == "- ":
                    column = len(lines[index]) - len(stripped)
                    problems.append(Problem(shown, index + 1, column + 1, "LK001", (
                        f"YAML indentation: this `-` item starts at column {column + 1}, deeper than the item on line "
                        f"{node.start_mark.line + 1} (column {dash + 1}), so YAML reads it as more text of that item; "
                        f"start it at column {dash + 1}")))
                    break
    return problems


# A `- ` item line followed by a more indented `- ` line: rare, so only files that have one are parsed again.
_DEEPER_ITEM = re.compile(rb"^( *)- [^\n]*[^:|>\n ] *\n\1 +- ", re.M)


def line_col(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset, counting characters, not bytes."""
    before = raw[:offset].decode("utf-8", errors="replace")
    return before.count("\n") + 1, len(before) - before.rfind("\n")


def nesting_bound(raw: bytes) -> int:
    """An upper bound on how deep a file's values nest, without parsing it.

    A new level needs a flow bracket (`[` opens up to two: `[a: b]`), a block indicator (`-`, `?`)
    or a line break, so twice their count (plus the top level) cannot be exceeded.
    """
    return 2 * (len(raw) - len(raw.translate(None, _NESTING))) + 1


def nesting_depth(text: str) -> tuple[int, yaml.Mark | None]:
    """The real nesting depth, from libyaml's events (no recursion), up to just past MAX_DEPTH; and where."""
    loader = yaml.CSafeLoader(text)
    depth = deepest = 0
    mark = None
    try:
        while deepest <= MAX_DEPTH and not isinstance(event := loader.get_event(), yaml.StreamEndEvent):
            if isinstance(event, _COLLECTION_START):
                depth += 1
                if depth > deepest:
                    deepest, mark = depth, event.start_mark
            elif isinstance(event, _COLLECTION_END):
                depth -= 1
    except yaml.YAMLError:
        pass  # parsing again reports the error where it is
    finally:
        loader.dispose()
    return deepest, mark


def expanded_size(root: yaml.Node) -> tuple[int | None, yaml.Node]:
    """How many nodes the file holds once every alias is expanded, stopping at the first node past
    MAX_VALUES; None when an alias refers to a node that contains it (the expansion never ends).
    Also the node where it stopped, to point at."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = ([part for pair in node.value for part in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if finished:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_VALUES:
                return sizes[key], node
        elif key in open_nodes:
            return None, node
        elif key not in sizes:
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children)
    return sizes[id(root)], root


def record_positions(node: yaml.Node, positions: dict, shown: str) -> list[Problem]:
    """Map each key path to where it starts, and report keys repeated within one mapping."""
    problems = []
    constructor = yaml.constructor.SafeConstructor()
    stack: list[tuple[yaml.Node, tuple]] = [(node, ())]
    while stack:
        node, path = stack.pop()
        positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            seen: set = set()
            for key_node, value_node in node.value:
                key = scalar_key(key_node, constructor)
                line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                if key in seen:
                    problems.append(Problem(shown, line, col, "LK008", f"key {key!r} appears twice in this mapping"))
                seen.add(key)
                positions[path + (key,)] = (line, col)
                stack.append((value_node, path + (key,)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, path + (index,)))
    return problems


def scalar_key(node: yaml.Node, constructor: yaml.constructor.SafeConstructor) -> object:
    """The key as the constructor builds it (1, None and True are keys too), so positions match the data."""
    if isinstance(node, yaml.ScalarNode):
        try:
            return constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError):
            return node.value
    return repr(node.value)  # a list or mapping as a key: the file was refused as unhashable
