"""Issue 17: the path of a new contributor, through the command line, with the exact messages they get.

Each test makes one mistake the way a newcomer makes it and checks the words printed: the line of the
mistake, what to type instead, never a Python dump."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from loopkit.cli import cli

from conftest import FIXTURES, REPO

QUESTION = "questions/chunk-size-choice.yaml"


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def bank(fixture_bank, monkeypatch):
    monkeypatch.chdir(fixture_bank.parent)
    return fixture_bank


def edit(bank: Path, old: str, new: str, path: str = QUESTION) -> None:
    file = bank / path
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))


def problems(result) -> list[str]:
    return result.stdout.splitlines()


def test_a_misspelled_competency_names_the_ids_to_choose_from(bank):
    edit(bank, "competencies: [rag]", "competencies: [rga]")
    result = run("validate", "bank")
    assert result.exit_code == 1
    assert problems(result) == [
        "bank/questions/chunk-size-choice.yaml:8:16: LK005 unknown competency 'rga'; expected one of: rag, llm-evaluation"]


def test_a_three_point_rubric_says_which_point_to_add_and_prints_no_dump(bank):
    edit(bank, """  4:
    - Measures retrieval recall and answer correctness separately on a labelled set.
    - Adds the set to a regression suite that runs on every prompt or index change.
""", "")
    result = run("validate", "bank")
    assert problems(result) == [
        "bank/questions/chunk-size-choice.yaml:22:1: LK007 the rubric has points 1, 2, 3; it needs exactly 1, 2, 3 "
        "and 4: add `4:` under `rubric:`, with at least two things the candidate said, did or asked"]
    assert "{" not in result.stdout and "[" not in result.stdout


def test_an_id_with_a_look_alike_letter_says_which_character_is_wrong(bank):
    """A Cyrillic а looks like a Latin a; the message names it instead of printing a regular expression."""
    edit(bank, "competencies: [rag]", "competencies: [r\u0430g]")
    assert problems(run("validate", "bank")) == [
        "bank/questions/chunk-size-choice.yaml:8:16: LK009 competencies[0]: 'r\u0430g' is not an id; an id is "
        "lower-case letters a to z, digits and single hyphens between them, like rag-code-review; it holds "
        "'\u0430' (U+0430 CYRILLIC SMALL LETTER A)"]


def test_a_dedented_key_is_reported_on_its_own_line_with_its_column(bank):
    edit(bank, "    meets: 3", "  meets: 3")
    result = run("validate", "bank")
    assert problems(result) == [
        "bank/questions/chunk-size-choice.yaml:40:3: LK001 YAML indentation: `meets:` starts at column 3, level with "
        "`senior:` on line 39, so YAML reads `senior:` as empty; indent `meets:` to column 5, like `separates:` on "
        "line 41"]


def test_an_over_indented_rubric_bullet_is_not_merged_into_the_one_above(bank):
    edit(bank, "    - Cannot say how they would know", "      - Cannot say how they would know")
    result = run("validate", "bank")
    assert problems(result) == [
        "bank/questions/chunk-size-choice.yaml:25:7: LK001 YAML indentation: this `-` item starts at column 7, deeper "
        "than the item on line 24 (column 5), so YAML reads it as more text of that item; start it at column 5"]


def test_an_indented_top_level_key_says_where_it_should_start(bank):
    edit(bank, "minutes: 20", " minutes: 20")
    result = run("validate", "bank")
    assert problems(result) == [
        "bank/questions/chunk-size-choice.yaml:9:2: LK001 YAML indentation: `minutes:` starts at column 2, deeper "
        "than `competencies:` on line 8, which already has its value; start it at column 1, level with "
        "`competencies:`"]


def test_a_too_short_list_counts_items_instead_of_printing_them(bank):
    edit(bank, "  - How would you know the fix worked?\n", "")
    result = run("validate", "bank")
    assert problems(result) == ["bank/questions/chunk-size-choice.yaml:13:1: LK009 probes: needs at least 2 items; it has 1"]


GUIDE = REPO / "content" / "guides" / "writing-questions.md"


def bad_anchors() -> list[str]:
    """The "Instead of this" column of the writing guide's table of anchors."""
    rows = re.findall(r"^\| ([^|]+?) \| [^|]+ \|$", GUIDE.read_text(), re.M)
    return [row for row in rows if row not in ("Instead of this", "---")]


def test_the_writing_guide_has_bad_anchors_to_check():
    assert "Good understanding of chunking." in bad_anchors() and len(bad_anchors()) >= 4


@pytest.mark.parametrize("anchor", [*bad_anchors(), "Good understanding of the causes."])
def test_the_writing_guides_bad_anchors_are_flagged_as_points_and_as_flags(bank, anchor):
    edit(bank, "    - Cannot say how they would know the fix worked.", f"    - {anchor}")
    edit(bank, "  - Declares success from one manual check.", f"  - {anchor}")
    result = run("validate", "bank")
    assert result.exit_code == 0
    assert problems(result) == [
        f"bank/questions/chunk-size-choice.yaml:21:5: LK201 warning: red_flags[1] says \"{anchor}\": a judgment, not "
        "something the interviewer can see or hear; name what the candidate said, did or asked",
        f"bank/questions/chunk-size-choice.yaml:25:7: LK201 warning: rubric point 1 says \"{anchor}\": a judgment, not "
        "something the interviewer can see or hear; name what the candidate said, did or asked"]


NEW = ["new", "question", "--bank", "bank", "--title", "Grader disagrees with humans after the team changes how the "
       "agent calls its tools", "--role", "ai-application-engineer", "--level", "senior", "--competency", "rag",
       "--kind", "situational", "--format", "design", "--minutes", "20", "--author", "Ada"]


def test_new_question_cuts_ids_at_whole_words_and_explains_the_first_competency(bank):
    result = run(*NEW)
    assert result.exit_code == 0, result.output
    path = bank / "questions" / "rag" / "grader-disagrees-with-humans-after-the-team-changes-how-the.yaml"
    text = path.read_text()
    assert "# The FIRST competency decides where the question can be placed" in text
    data = yaml.safe_load(text)
    assert data["id"] == path.stem and "interviewer_notes" in data
    assert "first competency, rag, decides where it can be placed" in result.stdout


def test_new_question_takes_an_id_and_refuses_a_bad_or_taken_one(bank):
    assert run(*NEW, "--id", "grader-drift").exit_code == 0
    assert (bank / "questions" / "rag" / "grader-drift.yaml").is_file()
    taken = run(*NEW, "--id", "grader-drift")
    assert taken.exit_code == 2 and "--id 'grader-drift' is taken by another question" in taken.output
    bad = run(*NEW, "--id", "Grader Drift")
    assert bad.exit_code == 2 and "is not an id" in bad.output


def test_an_untouched_scaffold_made_active_is_an_error_but_a_draft_is_not(bank):
    assert run(*NEW, "--id", "grader-drift").exit_code == 0
    assert run("validate", "bank").exit_code == 0
    path = "questions/rag/grader-drift.yaml"
    edit(bank, "status: draft", "status: active", path)
    result = run("validate", "bank")
    assert result.exit_code == 1
    lines = problems(result)
    assert all(" LK022 " in line for line in lines) and len(lines) == 18
    assert lines[0] == ("bank/questions/rag/grader-drift.yaml:21:1: LK022 prompt still holds the text `loopkit new "
                        "question` wrote (\"Write what the interviewer reads out or hands ...\"); replace it "
                        "with the question's own, or set `status: draft` until it is written")


def test_an_id_must_be_its_file_name_and_the_folder_its_first_competency(bank):
    edit(bank, "id: chunk-size-choice", "id: chunk-size-choise")
    (bank / "questions" / "llm-evaluation").mkdir()
    shutil.move(bank / "questions" / "offline-online-gap.yaml", bank / "questions" / "llm-evaluation")
    edit(bank, "competencies: [llm-evaluation]", "competencies: [rag, llm-evaluation]",
         "questions/llm-evaluation/offline-online-gap.yaml")
    result = run("validate", "bank")
    assert problems(result) == [
        "bank/questions/chunk-size-choice.yaml:1:1: LK023 the id is 'chunk-size-choise' but the file is named "
        "'chunk-size-choice.yaml': rename the file to chunk-size-choise.yaml, or set `id: chunk-size-choice` if the "
        "question is new (an id never changes once used)",
        "bank/questions/llm-evaluation/offline-online-gap.yaml:8:16: LK024 the file is in questions/llm-evaluation/ "
        "but its first competency is 'rag', and the first competency decides where the question can be placed: move "
        "the file to questions/rag/, or put 'llm-evaluation' first in `competencies`"]


def test_validate_takes_bank_and_files_and_reports_only_the_files_problems(bank):
    assert run("validate", "--bank", "bank").exit_code == 0
    edit(bank, "minutes: 20", "minutes: 20\nduration: 20")
    edit(bank, "minutes: 20", "minutes: 20\nlength: 20", "questions/offline-online-gap.yaml")
    one = run("validate", "bank/questions/offline-online-gap.yaml")
    assert one.exit_code == 1
    assert [line.split(": LK")[0] for line in problems(one)] == ["bank/questions/offline-online-gap.yaml:10:1"]
    assert "1 more problem(s) in other files of bank; run loopkit validate to see them" in one.stderr
    clean = run("validate", "bank/questions/refund-answers-went-wrong.yaml")
    assert clean.exit_code == 0 and clean.stdout == ""


def test_validate_says_where_a_question_lands_or_why_nowhere(bank):
    result = run("validate", "bank", "--explain", "chunk-size-choice", "--explain", "old-retired-question")
    assert result.exit_code == 0
    assert problems(result) == [
        "chunk-size-choice: lands in ai-application-engineer/junior, stage 'retrieval' (Retrieval design), alternate 2 "
        "in the rag block",
        "chunk-size-choice: lands in ai-application-engineer/junior, stage 'evaluation' (Evaluation design), "
        "alternate 2 in the rag block",
        "chunk-size-choice: lands in ai-application-engineer/senior, stage 'evaluation' (Evaluation design), primary "
        "in the rag block",
        "old-retired-question: lands nowhere: its status is retired; only active questions are placed"]
    edit(bank, "format: design", "format: behavioural")
    nowhere = run("validate", "bank", "--explain", "chunk-size-choice")
    assert "chunk-size-choice: lands nowhere: none of the" in nowhere.stdout and "accepts format behavioural" in nowhere.stdout
    assert "LK211 warning: 'chunk-size-choice' is in no packet" in nowhere.stdout


def test_explain_says_where_a_question_lands_in_every_packet_and_why_not(bank):
    lands = run("explain", "chunk-size-choice", "--bank", "bank")
    assert lands.exit_code == 0
    assert problems(lands) == problems(run("validate", "bank", "--explain", "chunk-size-choice"))  # one implementation
    edit(bank, "minutes: 20", "minutes: 40")
    loop = bank / "loops" / "ai-application-engineer" / "senior.yaml"
    loop.write_text(loop.read_text().replace("minutes: 45", "minutes: 70", 1).replace("    formats: [design]\n",
                                             "    formats: [design]\n    blocks:\n      rag:\n        minutes: 40\n", 1))
    (bank / "loops" / "ai-application-engineer" / "junior.yaml").write_text(
        (bank / "loops" / "ai-application-engineer" / "junior.yaml").read_text().replace("minutes: 45", "minutes: 60"))
    long = problems(run("explain", "chunk-size-choice", "--bank", "bank"))
    assert long[0].startswith("chunk-size-choice: lands in ai-application-engineer/senior, stage 'retrieval'")
    assert "chunk-size-choice: not in ai-application-engineer/junior: it takes 40 minutes and the longest of the 2 " \
           "block(s) that accept its format has 27" in long
    (bank / "status.yaml").write_text("changes:\n  - id: chunk-size-choice\n    status: retired\n"
                                      "    reason: We ask our own chunking question now.\n")
    assert problems(run("explain", "chunk-size-choice", "--bank", "bank")) == [
        "chunk-size-choice: lands nowhere: its status is retired in bank/status.yaml (We ask our own chunking "
        "question now.); only active questions are placed"]
    missing = run("explain", "no-such-question", "--bank", "bank")
    assert missing.exit_code == 1 and problems(missing) == ["no-such-question: no question has this id"]


def test_bars_no_packet_can_use_are_notices_counted_and_listed_on_request(bank, tmp_path):
    story = (FIXTURES / "invalid" / "LK401.yaml").read_text()
    (bank / "questions" / "behavioural-chunking-story.yaml").write_text(story)
    counted = run("validate", "bank")
    assert counted.exit_code == 0 and "0 errors, 2 warnings" in counted.stderr  # LK211, LK210: no notice
    assert "2 notice(s), not warnings: 2 bar(s) of your questions at levels where no packet can take them (LK401)" \
        in counted.stderr and "LK401" not in counted.stdout
    listed = [line for line in problems(run("validate", "bank", "--notices")) if "LK401" in line]
    assert listed == [
        f"bank/questions/behavioural-chunking-story.yaml:{n}:3: LK401 notice: the {level} bar is never used: no "
        f"{level} packet can take this question, as none of the 2 block(s) that assess its competencies at its "
        "roles and levels accepts format behavioural (past-behaviour)"
        for n, level in ((38, "junior"), (41, "senior"))]
    assert "::notice file=bank/questions/behavioural-chunking-story.yaml,line=38" in \
        run("validate", "bank", "--notices", "--format", "github").stdout
    (tmp_path / "ours" / "questions").mkdir(parents=True)  # another layer on top: only its own questions count
    assert "notice" not in run("validate", "--bank", "bank", "--bank", str(tmp_path / "ours")).stderr


def test_validate_explains_questions_changed_since_git_head(bank):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=bank.parent, check=True)
    subprocess.run([*git, "add", "-A"], cwd=bank.parent, check=True)
    subprocess.run([*git, "commit", "-qm", "bank"], cwd=bank.parent, check=True)
    assert run("validate", "bank").stdout == ""
    edit(bank, "minutes: 20", "minutes: 15")
    assert problems(run("validate", "bank"))[-1] == (
        "chunk-size-choice: lands in ai-application-engineer/senior, stage 'evaluation' (Evaluation design), primary "
        "in the rag block")


def test_an_empty_or_mistyped_bank_is_an_error(bank, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("validate", "--bank", str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert "LK025 no questions found in " in result.stdout


def test_building_another_bank_never_touches_this_projects_pages(project, fixture_bank, tmp_path):
    """`build --bank OTHER` would replace content/kit/, the pages of the project's own bank: refused."""
    shutil.copytree(fixture_bank, project / "question_bank")
    (project / "content" / "kit").mkdir()
    (project / "content" / "kit" / "index.md").write_text("# this project's pages\n")
    other = tmp_path / "other"
    shutil.copytree(fixture_bank, other)
    result = run("build", "--bank", str(other), "--site-dir", str(tmp_path / "elsewhere"), "--no-pdf")
    assert result.exit_code == 1
    assert f"--bank {other} is not this project's bank (question_bank)" in result.stderr
    assert "Check that bank with `loopkit validate --bank ...`" in result.stderr
    assert (project / "content" / "kit" / "index.md").read_text() == "# this project's pages\n"
    assert not (tmp_path / "elsewhere").exists()
    assert run("validate", "--bank", str(other)).exit_code == 0


def test_building_an_empty_bank_is_an_error_that_writes_nothing(project, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run("build", "--bank", str(tmp_path / "empty"), "--site-dir", str(tmp_path / "elsewhere"))
    assert result.exit_code == 1
    assert f"LK025 no questions found in {tmp_path / 'empty'}" in result.stdout
    assert not (project / "content" / "kit").exists() and not (tmp_path / "elsewhere").exists()


def test_coverage_counts_only_questions_a_loop_can_place_and_the_page_says_why_not(project, fixture_bank):
    def cell(level: str) -> str:
        page = (project / "content" / "kit" / "coverage.md").read_text()
        row = next(line for line in page.splitlines() if line.startswith("<tr><th scope=\"row\">RAG"))
        return re.findall(r"<td[^>]*>([^<]*)", row)[["junior", "senior"].index(level)]  # the count before any mark

    assert run("build", "--bank", str(fixture_bank), "--no-pdf").exit_code == 0
    before = cell("senior")
    edit(fixture_bank, "format: design", "format: behavioural")  # no stage takes a story for retrieval
    result = run("build", "--bank", str(fixture_bank), "--no-pdf")
    assert result.exit_code == 0, result.output
    assert int(cell("senior").split()[0]) == int(before.split()[0]) - 1
    page = (project / "content" / "kit" / "questions" / "chunk-size-choice.md").read_text()
    assert "No packet uses this question: none of the" in page and "accepts format behavioural" in page


def test_validating_a_file_of_a_team_kit_keeps_the_shared_layer_below_it(tmp_path, monkeypatch):
    kit = tmp_path / "kit"
    assert run("init", str(kit)).exit_code == 0
    monkeypatch.chdir(kit)
    assert run("new", "question", "--id", "our-grader-drift", "--title", "Our grader drifts", "--role",
               "ai-application-engineer", "--level", "senior", "--competency", "llm-evaluation", "--kind",
               "situational", "--format", "design", "--minutes", "20", "--author", "Ada").exit_code == 0
    result = run("validate", "question_bank/questions/llm-evaluation/our-grader-drift.yaml")
    assert result.exit_code == 0, result.output
    # No problem, and (the kit being a git checkout) where the new draft would land: nowhere, yet.
    assert result.stdout == "our-grader-drift: lands nowhere: its status is draft; only active questions are placed\n"


def test_a_level_pulled_out_of_bar_names_the_level_not_the_line_libyaml_stopped_at(bank):
    edit(bank, "  junior:", "junior:")
    assert problems(run("validate", "bank")) == [
        "bank/questions/chunk-size-choice.yaml:36:1: LK001 YAML indentation: `junior:` starts at column 1, level with "
        "`bar:` on line 35, so YAML reads `bar:` as empty; indent `junior:` to column 3, like `senior:` on line 39"]


def test_a_list_item_pulled_left_says_where_the_items_start(bank):
    edit(bank, "  - Proposes a labelled set", "- Proposes a labelled set")
    assert problems(run("validate", "bank")) == [
        "bank/questions/chunk-size-choice.yaml:18:1: LK001 YAML indentation: this `-` item starts at column 1, where "
        "no item above it starts; start it at column 3, level with the item on line 17"]
