"""`loopkit init`: a team kit repository that layers its own private bank on the shared one.

The kit holds only what is the team's: its questions, loop overrides and requisitions, its site
configuration and a workflow. The shared bank, the templates and the hand-written pages come from the
installed loopkit package, so upgrading loopkit brings upstream improvements without a merge.
"""
from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from . import DISTRIBUTION, __version__
from .bundled import bundled
from .edition import git
from .schema import FOLDER, modeline, schemas

CONFIG = "loopkit.yml"

FILES = {
    CONFIG: """\
# Question banks, lowest layer first. "shared" is the bank that ships with loopkit; later banks add
# questions and loops, override a loop or a question (with `overrides: true`), and retire or mark
# leaked a shared question by id in their status.yaml.
banks:
  - shared
  - question_bank
""",
    "requirements.txt": """\
# loopkit is published as {distribution} ("loopkit" on the package index is another project).
# Raise the bounds to take a new release of the shared bank and templates.
{requirement}
""",
    ".gitignore": "/site/\n/content/kit/\n/.loopkit-cache/\n/.cache/\n.venv/\n",
    "README.md": """\
# {name}: our interview kit

Our interview packets, built with [loopkit](https://pypi.org/project/{distribution}/) from its shared question
bank plus our own questions in `question_bank/`. loopkit installs as `{requirement}` (in
`requirements.txt`); the package index's `loopkit` is an unrelated project.

**Keep this repository private.** Our questions only work while candidates have not read them. A site
published from a public repository is public; the workflow in `.github/workflows/kit.yml` deploys
nothing unless we opt in (see below), and even then only to GitHub Pages of this repository.

## Build

```sh
python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && .venv/bin/loopkit build
```

The site is in `site/`, the printable packets in `site/kit/pdf/`. `loopkit serve` previews it.

## Add to it

- `loopkit new question`: a draft question in `question_bank/questions/`.
- `question_bank/loops/ROLE/LEVEL.yaml` with `overrides: true`: our own loop for a role and level.
- `question_bank/loops/requisitions/ID.yaml`: a loop for one opening, based on a role and level.
- `question_bank/loops/requisitions/ID.yaml`: `loopkit new requisition` writes one.
- `question_bank/status.yaml`: retire or mark leaked a shared question, by id (the example is commented out).
- `loopkit import FILE.md|FILE.csv`: our existing questions as drafts, with what each still needs.

## Publishing

The interviewer site must stay private: host it behind single sign-on, or on GitHub Pages of this
private repository where the plan restricts access. To deploy to Pages, set the repository variable
`PUBLISH_PAGES` to `true`. The candidate pages alone (`loopkit build --audience candidate`) are safe to
publish anywhere.
""",
    ".github/workflows/kit.yml": """\
# Validate and build on every pull request; deploy to Pages only when the team opts in by setting the
# repository variable PUBLISH_PAGES to "true". Nothing is published otherwise.
name: kit

on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read

jobs:
  build:
    runs-on: ubuntu-latest
    container: python:3.11-bookworm
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2
        with:
          persist-credentials: false
          fetch-depth: 0
      - run: |
          apt-get update -qq
          apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
          git config --global --add safe.directory "$GITHUB_WORKSPACE"
          python3 -m venv .venv && .venv/bin/pip install -q -r requirements.txt
          .venv/bin/loopkit validate --format github
          .venv/bin/loopkit build
      - if: github.ref == 'refs/heads/main' && vars.PUBLISH_PAGES == 'true'
        uses: actions/upload-pages-artifact@56afc609e74202658d3ffba0e8f6dda462b719fa  # v3.0.1
        with:
          path: site/

  deploy:
    if: github.ref == 'refs/heads/main' && vars.PUBLISH_PAGES == 'true'
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
    steps:
      - uses: actions/deploy-pages@d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e  # v4.0.5
""",
}

SITE_CONFIG = """\
# The theme, extensions, navigation and allowed tags come from loopkit and the banks: `loopkit build`
# generates them into content/kit/_mkdocs.yml. Override any of them here.
INHERIT: content/kit/_mkdocs.yml
site_name: {name} interview kit
"""

EXAMPLE_QUESTION = """\
id: our-search-latency-regression
title: Our product search got slower after the embedding model upgrade
status: active
kind: situational
format: incident
roles: [ai-application-engineer]
levels: [senior]
competencies: [llm-system-design, rag]
minutes: 20
prompt: |
  Replace this with a question from your own stack. Example: after we moved product search to a
  larger embedding model, p95 latency went from 180 ms to 420 ms and conversion on search dropped by
  2%. Walk me through how you would find where the time goes and what you would change first.
probes:
  - Which part of the request path would you measure first, and how?
  - What would you trade to get latency back under 200 ms without losing the quality gain?
green_flags:
  - Splits the latency into embedding, retrieval and ranking before proposing a fix.
  - Proposes a measured trade-off, such as caching query embeddings or a smaller reranker.
red_flags:
  - Rolls back the model without measuring what the upgrade bought.
  - Proposes more hardware before finding the slow step.
rubric:
  1:
    - Proposes a fix without measuring any part of the request path.
    - Cannot say how they would know the fix worked.
  2:
    - Measures end-to-end latency only and guesses at the slow step.
    - Suggests one change without weighing what it costs in quality.
  3:
    - Breaks the latency down by stage and names the one that grew.
    - Proposes a change with its expected cost in quality and a way to check it.
  4:
    - Designs an experiment that compares two fixes on latency and conversion together.
    - Adds a latency budget per stage to the team's release checks.
bar:
  senior:
    meets: 3
    separates: A senior answer measures each stage and weighs latency against the quality the upgrade bought.
ai_use:
  allowed: false
  observe: A spoken investigation; no assistant is used.
author: our team
reviewed: {today}
"""

EXAMPLE_LOOP = """\
# Our own senior AI application engineer loop: replaces the shared one (overrides: true). A technical
# screen, then four onsite stages (at most four, in about four hours), one of them the hiring manager's.
overrides: true
role: ai-application-engineer
level: senior
candidate_minutes: 5
must_have: [llm-evaluation, rag]
stages:
  - id: screen
    name: "Technical screen: code around a model call"
    phase: screen
    minutes: 60
    interviewer: Senior AI application engineer from our search team
    interviewer_level: senior
    competencies: [coding, rag]
    formats: [implementation, code-review]
    blocks:
      coding: {minutes: 30}
      rag: {formats: [code-review, design, discussion]}
  - id: system-design
    name: LLM feature design and a latency regression
    minutes: 55
    interviewer: Staff or senior AI application engineer from our search team
    interviewer_level: staff
    competencies: [llm-system-design, rag]
    formats: [design]
    blocks:
      llm-system-design: {formats: [design, incident]}  # our own latency incident question fits here
  - id: ai-assisted-coding
    name: AI-assisted coding, then evaluation code
    minutes: 55
    interviewer: Senior engineer who owns our evaluation pipeline
    interviewer_level: senior
    competencies: [coding, llm-evaluation]
    formats: [ai-assisted]
    blocks:
      coding: {minutes: 30}
      llm-evaluation: {formats: [implementation, code-review, design]}
  - id: evaluation
    name: Evaluation and product calls
    minutes: 55
    interviewer: Senior engineer on our search on-call rotation
    interviewer_level: senior
    competencies: [llm-evaluation, product-judgment]
    formats: [design, discussion, incident]
    blocks:
      product-judgment: {formats: [discussion, behavioural]}
  - id: hiring-manager
    name: "Hiring manager: product judgment and pushback"
    hiring_manager: true
    minutes: 55
    interviewer: Our engineering manager, with the search product lead
    interviewer_level: senior
    competencies: [product-judgment, llm-system-design]
    formats: [discussion, behavioural]
"""


EXAMPLE_STATUS = """\
# Retire or mark leaked any question of any bank layer (the shared bank too), by id. A retired question
# leaves every packet; a leaked one is swapped out of packets for an alternate. Each change needs a
# reason, which the changelog shows. Remove the leading "# " from the lines below to use it; a file with
# only comments changes nothing. See the site's "Your team's kit" guide.
#
# changes:
#   - id: workflow-or-agent-claims-intake
#     status: retired
#     reason: We ask our own evaluation question instead (our-search-latency-regression).
#   - id: agent-runaway-cost-incident
#     status: leaked
#     reason: Posted on an interview forum in March; swap it out until we rewrite it.
"""

EXAMPLE_REQUISITION = """\
# A loop for one opening: loops/ai-application-engineer/senior.yaml with a longer design round.
# remove_stages drops stages of the base loop by id, minutes re-times them, add_stages adds new ones,
# must_have replaces the base loop's must-have competencies. The same rules as any loop apply.
# `loopkit new requisition` writes a new one.
id: search-senior-example
title: Senior AI application engineer, search (example opening)
role: ai-application-engineer
level: senior
minutes:
  system-design: 75
# remove_stages: [evaluation]
# add_stages:
#   - id: pairing
#     name: Pairing on our evaluation code
#     minutes: 55
#     interviewer: Senior engineer from the search team
#     interviewer_level: senior
#     competencies: [llm-evaluation, product-judgment]
#     formats: [implementation, code-review]
#     blocks:
#       product-judgment: {formats: [discussion, behavioural]}
"""


def requisition_file(bank_dir: Path, requisition_id: str, title: str, role: str, level: str,
                     stages: list[str]) -> tuple[Path, str]:
    """The path and text of a new requisition, valid as written: the base loop unchanged, with the
    base loop's stage ids and every field it may change written as comments to fill in."""
    path = bank_dir / "loops" / "requisitions" / f"{requisition_id}.yaml"
    data = yaml.safe_dump({"id": requisition_id, "title": title, "role": role, "level": level},
                          sort_keys=False, allow_unicode=True, width=100)
    comments = f"""\
# Based on loops/{role}/{level}.yaml, whose stages are: {", ".join(stages)}.
# Uncomment and edit what this opening changes; the same rules as any loop apply.
# remove_stages: [{stages[-1] if stages else "STAGE-ID"}]
# minutes:
#   {stages[0] if stages else "STAGE-ID"}: 60
# must_have: [COMPETENCY-ID]
# add_stages:
#   - id: NEW-STAGE-ID
#     name: What the stage is
#     minutes: 60
#     interviewer: Who runs it
#     interviewer_level: {level}
#     competencies: [COMPETENCY-ID, COMPETENCY-ID]
#     formats: [design]
# replace_stages:            # a stage of the base loop, by id, written anew
#   - id: {stages[0] if stages else "STAGE-ID"}
#     name: What the stage is
#     minutes: 80
#     interviewer: Who runs it
#     interviewer_level: {level}
#     competencies: [COMPETENCY-ID, COMPETENCY-ID, COMPETENCY-ID]
#     formats: [design]
#     blocks:
#       COMPETENCY-ID:        # the first competency's block:
#         minutes: 50         #   its own minutes (the others share the rest)
#         rates: [COMPETENCY-ID]   #   one question rates the second competency too
#         question: QUESTION-ID    #   the question always asked here
# rotate: {datetime.date.today().year}-q1   # another seed, another equally valid selection of questions
"""
    return path, modeline(bank_dir, path, "requisition") + "\n" + data + comments


def first_commit(target: Path) -> str:
    """Make the kit a git repository with a first commit: editions and the changelog read its history.
    Returns what happened, in words; git missing or failing is not an error, the kit works without it."""
    if shutil.which("git") is None:
        return "git is not installed: the kit is not a repository yet; run `git init` and commit it before building"
    environment = dict(os.environ)
    for name, value in (("user.name", "loopkit init"), ("user.email", "loopkit-init@localhost")):
        if not git(target, "config", name):
            key = name.split(".")[1].upper()
            environment.setdefault(f"GIT_AUTHOR_{key}", value)
            environment.setdefault(f"GIT_COMMITTER_{key}", value)
    steps = (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Our interview kit, made with loopkit init"])
    for step in steps:
        result = subprocess.run(["git", "-C", str(target), *step], capture_output=True, text=True, env=environment)
        if result.returncode != 0:
            return f"`git {step[0]}` failed ({(result.stderr or result.stdout).strip()[:200]}); commit the kit yourself"
    return f"git repository made, first commit {git(target, 'rev-parse', '--short=10', 'HEAD')}"


def requirement(version: str = __version__) -> str:
    """The install line a kit uses: this distribution, from this release up to the next one that may
    break a kit (the next minor release while the version is 0.x, else the next major)."""
    major, minor = (int(part) for part in re.match(r"(\d+)\.(\d+)", version).groups())
    upper = f"0.{minor + 1}" if major == 0 else f"{major + 1}"
    return f"{DISTRIBUTION}>={version},<{upper}"


def init_kit(target: Path, name: str, today: datetime.date) -> list[Path]:
    """Write a team kit into `target` (which must not exist or be empty); returns the files written."""
    written = []

    def write(relative: str, text: str) -> None:
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    for relative, text in FILES.items():
        text = text.replace("{requirement}", requirement()).replace("{distribution}", DISTRIBUTION)
        write(relative, text.replace("{name}", name))
    bank = target / "question_bank"
    question = bank / "questions" / "llm-system-design" / "our-search-latency-regression.yaml"
    write(question.relative_to(target).as_posix(),
          modeline(bank, question, "question") + "\n" + EXAMPLE_QUESTION.replace("{today}", today.isoformat()))
    loop = bank / "loops" / "ai-application-engineer" / "senior.yaml"
    write(loop.relative_to(target).as_posix(), modeline(bank, loop, "loop") + "\n" + EXAMPLE_LOOP)
    write("question_bank/status.yaml", modeline(bank, bank / "status.yaml", "status") + "\n" + EXAMPLE_STATUS)
    requisition = bank / "loops" / "requisitions" / "search-senior-example.yaml"
    write(requisition.relative_to(target).as_posix(),
          modeline(bank, requisition, "requisition") + "\n" + EXAMPLE_REQUISITION)
    for schema_name, text in schemas().items():
        write(f"question_bank/{FOLDER}/{schema_name}", text)
    write("mkdocs.yml", SITE_CONFIG.replace("{name}", name))
    shutil.copytree(bundled("content"), target / "content", ignore=shutil.ignore_patterns("kit", "*.png"),
                    dirs_exist_ok=True)
    return written
