"""The repository's own contracts: workflows, hooks and docs that other tools and people rely on."""
import re

import yaml

from loopkit.cli import cli

from conftest import REPO

PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def workflows():
    return {path.name: yaml.safe_load(path.read_text()) for path in (REPO / ".github" / "workflows").glob("*.yml")}


def test_workflows_are_well_formed_and_pin_every_action():
    found = workflows()
    assert set(found) == {"ci.yml", "pages.yml"}
    for name, workflow in found.items():
        assert workflow[True] if True in workflow else workflow["on"], name  # YAML 1.1 reads `on` as True
        assert workflow["permissions"] == {"contents": "read"}, name
        for job_name, job in workflow["jobs"].items():
            assert job["runs-on"] and job["steps"], (name, job_name)
            for step in job["steps"]:
                assert ("uses" in step) != ("run" in step), (name, job_name, step)
                if "uses" in step:
                    assert PINNED.match(step["uses"]), step["uses"]


def test_ci_validates_tests_builds_and_keeps_the_pdfs():
    steps = " ".join(str(step) for step in workflows()["ci.yml"]["jobs"]["check"]["steps"])
    for needed in ("bash .ci/run", "validate --format github", "schema --check", "loopkit build", "site/kit/pdf/"):
        assert needed in steps


def test_pages_deploys_only_from_main_with_the_least_permissions():
    pages = workflows()["pages.yml"]
    assert pages[True]["push"]["branches"] == ["main"]
    assert pages["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert pages["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_pre_commit_hooks_run_the_validator():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "loopkit-validate" and hooks[0]["entry"] == "loopkit validate"
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    assert {hook["id"] for repo in config["repos"] for hook in repo["hooks"]} >= {"loopkit-validate"}


def test_every_command_is_in_the_readme():
    readme = (REPO / "README.md").read_text()
    for name in cli.commands:
        assert f"loopkit {name}" in readme, name


def test_contributing_names_the_commands_ci_runs_and_the_writing_guide():
    contributing = (REPO / "CONTRIBUTING.md").read_text()
    for needed in ("loopkit validate", "loopkit schema --check", ".venv/bin/python -m pytest", "loopkit build",
                   "writing-questions", "Edit this file"):
        assert needed in contributing, needed


def test_ci_validates_with_annotations_first_and_the_other_checks_still_report():
    steps = workflows()["ci.yml"]["jobs"]["check"]["steps"]
    runs = [step.get("run", "") for step in steps]
    validating = next(i for i, run in enumerate(runs) if "loopkit validate --format github" in run)
    testing = next(i for i, run in enumerate(runs) if "bash .ci/run" in run)
    assert validating < testing
    assert all(not step.get("if") or "always()" in step["if"] for step in steps[:validating + 1])
    # A broken question fails validation; the tests and the schema check must still run and report.
    for i, run in enumerate(runs):
        if "bash .ci/run" in run or "schema --check" in run:
            assert "always()" in steps[i].get("if", ""), steps[i]


def test_ci_runs_the_fast_tests_everywhere_pinned_and_the_newest_releases_weekly():
    ci = workflows()["ci.yml"]
    fast = ci["jobs"]["fast"]
    places = {(entry["os"].split("-")[0], entry["python"]) for entry in fast["strategy"]["matrix"]["include"]}
    assert {("ubuntu", f"3.{minor}") for minor in range(10, 14)} <= places
    assert {os for os, _ in places} == {"ubuntu", "macos", "windows"}
    fast_runs = " ".join(step.get("run", "") for step in fast["steps"])
    assert "-c constraints.txt" in fast_runs and 'pytest -m "not slow"' in fast_runs
    check_runs = " ".join(step.get("run", "") for step in ci["jobs"]["check"]["steps"])
    assert "-c constraints.txt" in check_runs
    assert ci[True]["schedule"][0]["cron"]
    newest = ci["jobs"]["newest"]
    assert "schedule" in newest["if"]
    newest_runs = " ".join(step.get("run", "") for step in newest["steps"])
    assert "constraints" not in newest_runs and "--upgrade" in newest_runs and "pytest" in newest_runs
    for name, job in ci["jobs"].items():
        if name != "newest":
            assert "schedule" in job["if"], name  # the weekly run is the newest releases only
