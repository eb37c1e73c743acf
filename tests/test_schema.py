"""The JSON Schemas editors use: generated from the models, current, and true to the bank."""
import json

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from loopkit.cli import cli

from conftest import REPO

BANK = REPO / "question_bank"
FILES = sorted(BANK.rglob("*.yaml"))


def test_the_committed_schemas_match_the_models():
    result = CliRunner().invoke(cli, ["schema", "--check", "--bank", str(BANK)])
    assert result.exit_code == 0, result.stdout


def test_the_check_fails_when_a_schema_is_stale(fixture_bank):
    runner = CliRunner()
    assert runner.invoke(cli, ["schema", "--bank", str(fixture_bank)]).exit_code == 0
    stale = fixture_bank / "schema" / "question.schema.json"
    stale.write_text(stale.read_text().replace('"minutes"', '"duration"'))
    result = runner.invoke(cli, ["schema", "--check", "--bank", str(fixture_bank)])
    assert result.exit_code == 1
    assert "question.schema.json: out of date" in result.stdout


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(BANK).as_posix())
def test_every_bank_file_names_its_schema_and_satisfies_it(path):
    folder, *rest = path.relative_to(BANK).parts
    kind = {"loops": "loop", "questions": "question"}.get(folder) or path.stem
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=") and first.endswith(f"schema/{kind}.schema.json")
    schema = json.loads((path.parent / first.split("=", 1)[1]).resolve().read_text())
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    jsonschema.validate(data, schema)
