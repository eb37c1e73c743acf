"""Bad input never costs the published site: every broken bank below makes `loopkit validate` and
`loopkit build` exit 1 with a `path:line:col: CODE` line and no traceback, and the site built before
the break stays byte for byte as it was. Files that are fine but unusual (a BOM, Windows line
endings) are accepted."""
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from loopkit.cli import cli
from loopkit.pipeline import Project, check

from conftest import FIXTURES, REPO

Q = "questions/chunk-size-choice.yaml"


def replace(old: str, new: str, path: str = Q):
    def mutate(bank: Path) -> None:
        text = (bank / path).read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {path}"
        (bank / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    return mutate


def write(path: str, data: str | bytes):
    def mutate(bank: Path) -> None:
        (bank / path).parent.mkdir(parents=True, exist_ok=True)
        (bank / path).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return mutate


def both(*mutations):
    def mutate(bank: Path) -> None:
        for mutation in mutations:
            mutation(bank)
    return mutate


def recode(transform):
    def mutate(bank: Path) -> None:
        (bank / Q).write_bytes(transform((bank / Q).read_bytes()))
    return mutate


def link_outside(name: str, folder: bool = False):
    """A symlink in the bank to a valid question outside it: following it would have worked."""
    def mutate(bank: Path) -> None:
        outside = bank.parent.parent / "outside"
        outside.mkdir(exist_ok=True)
        text = (bank / Q).read_text(encoding="utf-8").replace("id: chunk-size-choice", "id: from-outside")
        (outside / "from-outside.yaml").write_text(text, encoding="utf-8")
        target = outside if folder else outside / "from-outside.yaml"
        (bank / "questions" / name).symlink_to(target, target_is_directory=folder)
    return mutate


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    return "\n".join(lines) + "\n"


def case_sensitive() -> bool:
    """Whether this machine's temporary folder tells `A` from `a` (Linux does; macOS and Windows by default do not)."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "a").touch()
        return not (Path(folder) / "A").exists()


CLEAN = (FIXTURES / "bank" / Q).read_text(encoding="utf-8")
CASE_SENSITIVE = case_sensitive()

# (how to break the bank, the file reported, its code or None where two codes are equally right, its line or
# None when libyaml decides)
CASES = [
    pytest.param(replace("minutes: 20", "minutes: [20"), Q, "LK001", None, id="yaml-unclosed-bracket"),
    pytest.param(replace("title: Choosing", 'title: "Choosing'), Q, "LK001", None, id="yaml-unclosed-quote"),
    pytest.param(replace("status: active", " status: active"), Q, "LK001", 3, id="yaml-indented-key"),
    pytest.param(replace("reviewed: 2026-11-01", "reviewed: 2026-11-01\n- a stray list item"), Q, "LK001", None,
                 id="yaml-list-item-in-a-mapping"),
    pytest.param(replace("kind: situational", "kind: situational\n---\nformat: design"), Q, "LK001", None,
                 id="yaml-two-documents"),
    pytest.param(replace("minutes: 20", "minutes: !!python/object/apply:os.system ['true']"), Q, "LK001", 9,
                 id="yaml-python-tag"),
    pytest.param(replace("minutes: 20", "? [a, b]\n: 20"), Q, "LK001", None, id="yaml-list-as-key"),
    pytest.param(replace("  - What would", "\t- What would"), Q, "LK001", 14, id="tab-indentation"),
    pytest.param(replace("minutes: 20", "minutes: 20\nminutes: 25"), Q, "LK008", 10, id="duplicate-key"),
    pytest.param(replace("minutes: 20", "minutes: twenty"), Q, "LK003", 9, id="text-for-a-number"),
    pytest.param(replace("roles: [ai-application-engineer]", "roles: {ai-application-engineer: yes}"), Q, "LK003",
                 6, id="mapping-for-a-list"),
    pytest.param(replace("probes:\n  - What would you look at first, and why?\n  - How would you know the fix worked?",
                         "probes:"), Q, "LK003", 13, id="null-for-a-list"),
    pytest.param(replace("title: Choosing", "null: no title\ntitle: Choosing"), Q, "LK003", 2, id="null-as-a-key"),
    pytest.param(replace("title: Choosing", "1: one\ntitle: Choosing"), Q, "LK003", 2, id="number-as-a-key"),
    pytest.param(replace("minutes: 20", "minutes: " + "9" * 5000), Q, "LK009", 9, id="huge-integer"),
    pytest.param(replace("minutes: 20", "minutes: 900"), Q, "LK009", 9, id="number-out-of-range"),
    pytest.param(replace("reviewed: 2026-11-01", "reviewed: 2026-13-45"), Q, "LK009", 46, id="impossible-date"),
    pytest.param(replace("minutes: 20", "minutes: 20\nduration: 20"), Q, "LK002", 10, id="unknown-key"),
    pytest.param(replace("title: Choosing a chunk size for policy documents\n", ""), Q, "LK004", None,
                 id="missing-field"),
    pytest.param(replace("competencies: [rag]", "competencies: [cooking]"), Q, "LK005", 8, id="unknown-reference"),
    pytest.param(write("questions/copy.yaml", CLEAN), "questions/copy.yaml", "LK006", 1,
                 id="duplicate-id-across-files"),
    pytest.param(replace("id: chunk-size-choice", "id: ../../etc/passwd"), Q, "LK009", 1, id="id-with-dot-dot"),
    pytest.param(replace("id: chunk-size-choice", "id: rag/chunk-size-choice"), Q, "LK009", 1, id="id-with-slash"),
    pytest.param(write("questions/laughs.yaml", billion_laughs()), "questions/laughs.yaml", "LK015", 5,
                 id="alias-bomb"),
    pytest.param(write("questions/loop.yaml", "id: &a [*a]\n"), "questions/loop.yaml", "LK015", 1,
                 id="alias-into-itself"),
    pytest.param(write("questions/deep.yaml", "id: " + "[" * 100_000 + "]" * 100_000 + "\n"), "questions/deep.yaml",
                 None, 1, id="nested-100000-deep"),  # LK015 or, with a libyaml that stops it first, LK001
    pytest.param(write("questions/big.yaml", CLEAN + "# " + "padding " * 150_000 + "\n"), "questions/big.yaml",
                 "LK015", 0, id="file-over-1-mib"),
    pytest.param(recode(lambda raw: raw.replace(b"policy", "polic\xe9".encode("latin-1"))), Q, "LK014", 2,
                 id="latin-1-bytes"),
    pytest.param(recode(lambda raw: raw.decode("utf-8").encode("utf-16")), Q, "LK014", 1, id="utf-16-file"),
    pytest.param(replace("title: Choosing", "title: \x1b[1mChoosing"), Q, "LK014", 2, id="terminal-escape-code"),
    pytest.param(replace("title: Choosing", "title: \x00Choosing"), Q, "LK014", 2, id="nul-byte"),
    pytest.param(write(Q, ""), Q, "LK003", 1, id="empty-file"),
    pytest.param(write(Q, "# only a comment\n"), Q, "LK003", 1, id="only-a-comment"),
    pytest.param(write(Q, "- id: chunk-size-choice\n- title: Choosing\n"), Q, "LK003", 1, id="list-at-the-top"),
    pytest.param(write(Q, "just a sentence\n"), Q, "LK003", 1, id="text-at-the-top"),
    pytest.param(write("notes.yaml", "ideas: []\n"), "notes.yaml", "LK011", 0, id="file-outside-the-layout"),
    pytest.param(link_outside("from-outside.yaml"), "questions/from-outside.yaml", "LK011", 0,
                 id="symlink-to-a-file-outside"),
    pytest.param(link_outside("outside", folder=True), "questions/outside", "LK011", 0,
                 id="symlink-to-a-folder-outside"),
]
# Cases where what matters is a located error, not which of two fitting codes reports it (None).
LEVELS = "vocabulary/levels.yaml"
ROLES = "vocabulary/roles.yaml"
LOOP = "loops/ai-application-engineer/junior.yaml"
CASES += [
    pytest.param(replace("title: Choosing", "title: Choosing \u202egnirts"), Q, None, 2, id="bidi-override-in-a-title"),
    pytest.param(replace("title: Choosing", "title: Choosing \u2067a\u2069"), Q, None, 2, id="bidi-isolate-in-a-title"),
    pytest.param(replace("title: Choosing", "title: Choo\u200bsing"), Q, None, 2, id="zero-width-space-in-a-title"),
    pytest.param(replace("title: Choosing", "title: Choo\u2060sing"), Q, None, 2, id="word-joiner-in-a-title"),
    pytest.param(replace("    name: AI application engineer", "    name: AI application\u200b engineer", ROLES),
                 ROLES, None, 3, id="zero-width-space-in-a-name"),
    pytest.param(replace("id: chunk-size-choice", "id: chunk\u202e-size-choice"), Q, None, 1, id="bidi-override-in-an-id"),
    pytest.param(replace("id: chunk-size-choice", "id: chunk\u200b-size-choice"), Q, None, 1,
                 id="zero-width-space-in-an-id"),
    pytest.param(replace("  chunk size and overlap", "  chunk size \u202eand overlap", Q), Q, None, None,
                 id="bidi-override-in-a-prompt"),
    pytest.param(replace("prompt: |\n", "prompt: |\n  See the [runbook](runbook.md).\n\n"), Q, "LK020", 10,
                 id="relative-link-in-a-prompt"),
    pytest.param(replace("  - What would you look at first, and why?", "  - What would you look at [first](#first)?"),
                 Q, "LK020", 14, id="fragment-link-in-a-probe"),
    pytest.param(replace("id: chunk-size-choice", "id: no"), Q, None, 1, id="yaml-1.1-no-as-an-id"),
    pytest.param(replace("roles: [ai-application-engineer]", "roles: [on]"), Q, None, 6, id="yaml-1.1-on-in-a-list-of-ids"),
    pytest.param(replace("  - id: junior", "  - id: off", LEVELS), LEVELS, None, 2, id="yaml-1.1-off-as-a-level-id"),
    pytest.param(replace("level: junior", "level: no", LOOP), LOOP, None, 2, id="yaml-1.1-no-as-a-loop-level"),
    pytest.param(replace("  junior:\n    meets", "  yes:\n    meets"), Q, None, None, id="yaml-1.1-yes-as-a-bar-key"),
    pytest.param(replace("  - id: retrieval", "  - id: index", LOOP), LOOP, None, 6, id="stage-id-naming-the-packet-page"),
    pytest.param(replace("id: chunk-size-choice", "id: index"), Q, None, 1, id="question-id-naming-the-listing"),
    pytest.param(replace("  - id: ai-application-engineer", "  - id: coverage", ROLES), ROLES, None, 2,
                 id="role-id-naming-a-generated-page"),
    pytest.param(replace("id: chunk-size-choice", "id: con"), Q, None, 1, id="windows-device-name-con"),
    pytest.param(replace("id: chunk-size-choice", "id: lpt1"), Q, None, 1, id="windows-device-name-lpt1"),
    pytest.param(replace("  - id: junior", "  - id: nul", LEVELS), LEVELS, None, 2, id="windows-device-name-as-a-level"),
    pytest.param(replace("  - id: ai-application-engineer", "  - id: aux", ROLES), ROLES, None, 2,
                 id="windows-device-name-as-a-role"),
]
if CASE_SENSITIVE:
    CASES.append(pytest.param(write("questions/Chunk-Size-Choice.yaml", CLEAN.replace("id: chunk-size-choice",
                                                                                       "id: other-question")),
                              "questions/Chunk-Size-Choice.yaml", None, None, id="paths-differing-only-in-case"))
    CASES.append(pytest.param(both(write("questions/rag/moved.yaml", CLEAN.replace("chunk-size-choice", "moved-1")),
                                   write("questions/RAG/moved.yaml", CLEAN.replace("chunk-size-choice", "moved-2"))),
                              "questions/RAG/moved.yaml", None, None, id="folders-differing-only-in-case"))
if hasattr(os, "mkfifo"):
    CASES.append(pytest.param(lambda bank: os.mkfifo(bank / "questions" / "pipe.yaml"), "questions/pipe.yaml",
                              "LK011", 0, id="named-pipe"))


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A project whose site was built from the fixture bank (no PDFs), and that site's files."""
    root = tmp_path_factory.mktemp("built") / "project"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_templates", root / "site_templates")
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("kit"))
    shutil.copytree(FIXTURES / "bank", root / "question_bank")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = CliRunner().invoke(cli, ["build", "--no-pdf"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root, tree(root / "site")


@pytest.fixture
def built_copy(built, tmp_path, monkeypatch) -> tuple[Path, dict[str, bytes]]:
    root, site = built
    copy = tmp_path / "project"
    shutil.copytree(root, copy, symlinks=True)
    monkeypatch.chdir(copy)
    return copy, site


@pytest.mark.parametrize("mutate, path, code, line", CASES)
def test_bad_input_is_located_and_the_site_stays(built_copy, mutate, path, code, line):
    root, site = built_copy
    mutate(root / "question_bank")
    for command in (["validate"], ["build", "--no-pdf"]):
        start = time.perf_counter()
        result = CliRunner().invoke(cli, command, catch_exceptions=False)
        assert time.perf_counter() - start < 10, "bad input must be refused quickly"
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        pattern = re.compile(rf"question_bank/{re.escape(path)}:(\d+):(\d+): {code or 'LK[0-9]{3}'} \S")
        found = [match for match in map(pattern.match, result.stdout.splitlines()) if match]
        assert found, f"no {code or 'located'} line for {path} in:\n{result.stdout}"
        if line is not None:
            assert line in [int(match.group(1)) for match in found], result.stdout
    assert "is unchanged" in result.stderr
    assert tree(root / "site") == site
    assert not list(root.glob(".site-*"))


def test_tabs_are_explained(built_copy):
    replace("  - What would", "\t- What would")(built_copy[0] / "question_bank")
    result = CliRunner().invoke(cli, ["validate"], catch_exceptions=False)
    assert "indented with spaces, never tabs" in result.stdout


def with_bom(raw: bytes) -> bytes:
    return b"\xef\xbb\xbf" + raw


def with_crlf(raw: bytes) -> bytes:
    return raw.replace(b"\n", b"\r\n")


@pytest.mark.parametrize("transform", [with_bom, with_crlf, lambda raw: with_bom(with_crlf(raw))],
                         ids=["utf-8-bom", "windows-line-endings", "bom-and-windows-line-endings"])
def test_a_bom_and_windows_line_endings_are_accepted(fixture_bank, transform):
    clean = check(Project.at(fixture_bank.parent, fixture_bank))
    for path in fixture_bank.rglob("*.yaml"):
        path.write_bytes(transform(path.read_bytes()))
    result = CliRunner().invoke(cli, ["validate", str(fixture_bank)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert check(Project.at(fixture_bank.parent, fixture_bank)).bank == clean.bank


def test_problems_in_a_windows_file_point_at_the_right_line(fixture_bank, monkeypatch):
    monkeypatch.chdir(fixture_bank.parent)
    path = fixture_bank / Q
    path.write_bytes(with_crlf(path.read_bytes().replace(b"minutes: 20", b"minutes: twenty")))
    result = CliRunner().invoke(cli, ["validate", "bank"], catch_exceptions=False)
    assert result.stdout.startswith(f"bank/{Q}:9:1: LK003 ")


@pytest.mark.parametrize("old, new, path", [("id: chunk-size-choice", "id: no", Q),
                                            ("  - id: junior", "  - id: off", "vocabulary/levels.yaml"),
                                            ("  junior:\n    meets", "  yes:\n    meets", Q)])
def test_yaml_booleans_where_an_id_belongs_are_explained(built_copy, old, new, path):
    """PyYAML reads unquoted yes, no, on and off as booleans (YAML 1.1): the message says to quote them."""
    replace(old, new, path)(built_copy[0] / "question_bank")
    result = CliRunner().invoke(cli, ["validate"], catch_exceptions=False)
    assert result.exit_code == 1
    line = next(line for line in result.stdout.splitlines() if line.startswith(f"question_bank/{path}:"))
    assert "quotes" in line and ("false" in line or "true" in line), result.stdout
