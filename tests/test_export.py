"""Exports travel (to an ATS, a spreadsheet, another team): they name a question's file relative to its
bank layer, never with a path of the machine that made them."""
import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner

from loopkit.cli import cli

from conftest import FIXTURES


@pytest.fixture
def two_layers(tmp_path, monkeypatch):
    """The fixture bank as a lower layer outside the project, a private layer inside it, run from the
    project's folder: the lower layer can only be named by an absolute path."""
    shared = tmp_path / "elsewhere" / "shared-bank"
    shutil.copytree(FIXTURES / "bank", shared)
    project = tmp_path / "project"
    private = project / "our_bank"
    (private / "questions").mkdir(parents=True)
    text = (shared / "questions" / "evaluation-set-for-summaries.yaml").read_text()
    (private / "questions" / "our-eval.yaml").write_text(
        text.replace("id: evaluation-set-for-summaries", "id: our-eval"))
    monkeypatch.chdir(project)
    return shared, private


def exported(style, *banks):
    arguments = ["export", "--format", style]
    for bank in banks:
        arguments += ["--bank", str(bank)]
    result = CliRunner().invoke(cli, arguments, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("style", ["csv", "json"])
def test_exports_name_files_relative_to_their_bank_layer(two_layers, tmp_path, style):
    shared, private = two_layers
    text = exported(style, shared, private)
    assert str(tmp_path) not in text and str(tmp_path.as_posix()) not in text
    if style == "csv":
        questions = list(csv.DictReader(io.StringIO(text)))
    else:
        questions = json.loads(text)["questions"]
    by_id = {q["id"]: q for q in questions}
    assert by_id["chunk-size-choice"]["source"] == "questions/chunk-size-choice.yaml"
    assert by_id["our-eval"]["source"] == "questions/our-eval.yaml"
    # Which layer a file is in: the folder's name where it is outside the project, its path inside.
    assert by_id["chunk-size-choice"]["layer"] == "shared-bank"
    assert by_id["our-eval"]["layer"] == "our_bank"


def test_the_bank_that_ships_with_loopkit_is_the_shared_layer(tmp_path, monkeypatch):
    from loopkit.bundled import bundled

    monkeypatch.chdir(tmp_path)
    rows = list(csv.DictReader(io.StringIO(exported("csv", bundled("question_bank")))))
    assert rows and {row["layer"] for row in rows} == {"shared"}
    assert all(row["source"].startswith("questions/") for row in rows)
