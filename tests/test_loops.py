"""Loop shapes: a technical screen, at most four scored onsite stages, a hiring-manager stage, an optional
take-home in place of an onsite stage, and the rules that check them, on the bundled bank and on small
edits of the fixture bank."""
import pytest

from loopkit.pipeline import Project, check
from loopkit.plan import MAX_ONSITE_STAGES, ONSITE_MINUTES

from conftest import FIXTURES, REPO

LEVELS = ("junior", "mid", "senior", "staff", "lead")
ROLES = ("ai-application-engineer", "ml-engineer", "ai-platform-engineer", "research-engineer",
         "forward-deployed-ai-engineer")


@pytest.fixture(scope="module")
def bundled():
    compiled = check(Project.at(REPO))
    assert compiled.ok, [p for p in compiled.problems if p.severity == "error"]
    return compiled


@pytest.fixture(scope="module")
def packets(bundled):
    return [p for p in bundled.packets if not p.requisition]


def test_every_role_and_level_has_a_loop(packets):
    assert sorted((p.role.id, p.level.id) for p in packets) == sorted((r, lv) for r in ROLES for lv in LEVELS)


def test_every_loop_has_a_screen_first_then_at_most_four_onsite_stages(packets):
    for packet in packets:
        screen = packet.phase("screen")
        assert len(screen) == 1 and packet.stages[0] is screen[0], packet.slug
        assert 45 <= screen[0].stage.minutes <= 60, packet.slug
        onsite = packet.phase("onsite")
        assert 1 <= len(onsite) <= MAX_ONSITE_STAGES, packet.slug
        assert sum(plan.stage.minutes for plan in onsite) <= ONSITE_MINUTES, packet.slug


def test_every_loop_has_a_hiring_manager_conversation(packets):
    for packet in packets:
        managers = [plan for plan in packet.phase("onsite") if plan.stage.hiring_manager]
        assert len(managers) == 1, packet.slug
        rated = set(managers[0].stage.competencies)
        assert rated & {"product-judgment", "leadership", "customer-delivery"}, packet.slug
        assert {block.primary.format for block in managers[0].blocks} <= {"behavioural", "discussion"}, packet.slug


def test_leadership_is_rated_from_senior_up(packets):
    for packet in packets:
        rated = {c.id for c in packet.competencies}
        assert ("leadership" in rated) == (LEVELS.index(packet.level.id) >= LEVELS.index("senior")), packet.slug


def test_every_competency_is_rated_twice_on_either_path(packets):
    """The screen counts; the take-home stands in for the stage it replaces, so both paths rate everything."""
    for packet in packets:
        for take_home in (False, True):
            stages = packet.path(take_home)
            for competency in packet.competencies:
                assert sum(competency.id in plan.stage.competencies for plan in stages) >= 2, (packet.slug, competency.id)


def test_the_take_home_replaces_an_onsite_stage_and_rates_what_it_rates(packets):
    offered = [p for p in packets if p.take_home]
    assert offered, "no loop offers a take-home"
    for packet in offered:
        home, live = packet.take_home, packet.replaced
        assert live is not None and live.stage.phase == "onsite", packet.slug
        assert set(home.stage.competencies) & set(live.stage.competencies), packet.slug
        assert 0 < home.stage.at_home_minutes <= 240 and home.stage.brief, packet.slug
        assert any(block.primary.format == "take-home" for block in home.blocks), packet.slug


def test_every_loop_codes_with_an_assistant_somewhere(packets):
    """An AI-assisted block: its questions are ai-assisted ones, or implementations that allow the assistant
    where the block says so; either way every one of them allows it (and LK214 checks its rubric scores it)."""
    for packet in packets:
        assisted = [block for plan in packet.path() for block in plan.blocks
                    if plan.stage.accepts(block.competency.id)[0] == ("ai-assisted",)
                    or plan.stage.assisted(block.competency.id)]
        assert assisted, packet.slug
        assert all(q.ai_use.allowed for b in assisted for q in (b.primary, *b.alternates)), packet.slug


def test_application_and_platform_loops_have_one_deep_design(packets):
    for packet in packets:
        deep = [block for plan in packet.path() for block in plan.blocks
                if block.primary.format == "design" and block.minutes >= 45]
        # Juniors excepted: the bank has no 45-minute design at junior level yet (a scoped design stage instead).
        if packet.role.id in ("ai-application-engineer", "ai-platform-engineer") and packet.level.id != "junior":
            assert len(deep) == 1 and deep[0].primary.minutes >= 40, packet.slug
            assert all(q.minutes * 2 >= deep[0].minutes for q in deep[0].alternates), packet.slug


def test_every_block_has_a_primary_and_two_alternates(packets, bundled):
    assert [p for p in bundled.problems if p.code == "LK203"] == []
    for packet in packets:
        for plan in packet.stages:
            for block in plan.blocks:
                assert len(block.alternates) >= 2, (packet.slug, plan.stage.id, block.competency.id)


def test_roles_rate_their_own_subjects(packets):
    wanted = {"research-engineer": {"gpu-performance", "ml-foundations", "research-depth"},
              "ai-platform-engineer": {"cloud-deployment", "model-serving"},
              "forward-deployed-ai-engineer": {"customer-delivery", "llm-system-design", "product-judgment"}}
    for packet in packets:
        rated = {c.id for c in packet.competencies}
        assert wanted.get(packet.role.id, set()) <= rated, packet.slug


# The rules, on the fixture bank.

SCREEN = """  - id: screen
    name: Technical screen
    phase: screen
    minutes: 50
    interviewer: Senior AI application engineer
    interviewer_level: senior
    competencies: [rag, llm-evaluation]
    formats: [design]
"""
TAKE_HOME = """  - id: take-home
    name: Take-home review
    phase: take-home
    at_home_minutes: 180
    brief: Design the evaluation for a summarisation feature and write up the set you would build.
    replaces: evaluation
    minutes: 45
    interviewer: Senior AI application engineer who owns an evaluation set
    interviewer_level: senior
    competencies: [llm-evaluation, rag]
    formats: [design]
"""


def loop_with(fixture_bank, *, before: str = "", after: str = "", stage_text=None):
    """The fixture bank's senior loop, as shipped, with stages added before and after (and edited)."""
    path = fixture_bank / "loops" / "ai-application-engineer" / "senior.yaml"
    text = (FIXTURES / "bank" / "loops" / "ai-application-engineer" / "senior.yaml").read_text()
    head, stages = text.split("stages:\n")
    if stage_text:
        stages = stage_text(stages)
    path.write_text(f"{head}stages:\n{before}{stages}{after}")
    return check(Project.at(fixture_bank.parent, fixture_bank))


def test_the_screen_and_the_take_home_are_not_counted_as_onsite_stages(fixture_bank):
    onsite = "".join(f"""  - id: extra-{n}
    name: Retrieval design, round {n}
    minutes: 45
    interviewer: Senior AI application engineer
    interviewer_level: senior
    competencies: [rag, llm-evaluation]
    formats: [design]
""" for n in range(2))
    compiled = loop_with(fixture_bank, before=SCREEN, after=onsite + TAKE_HOME)
    assert [p.code for p in compiled.problems if p.code == "LK102"] == []
    compiled = loop_with(fixture_bank, before=SCREEN, after=onsite + onsite.replace("extra-", "more-") + TAKE_HOME)
    assert [p.code for p in compiled.problems if p.code == "LK102"] == ["LK102"]
    assert "6 scored onsite stages; at most 4" in next(p.message for p in compiled.problems if p.code == "LK102")


def test_a_candidate_takes_the_take_home_in_place_of_the_stage_it_replaces(fixture_bank):
    compiled = loop_with(fixture_bank, before=SCREEN, after=TAKE_HOME)
    assert compiled.ok, compiled.problems
    packet = next(p for p in compiled.packets if p.level.id == "senior")
    assert [plan.stage.phase for plan in packet.stages] == ["screen", "onsite", "onsite", "take-home"]
    assert packet.replaced.stage.id == "evaluation" and [c.id for c in packet.screened] == ["rag", "llm-evaluation"]
    assert [plan.stage.id for plan in packet.path()] == ["screen", "retrieval", "evaluation"]
    assert [plan.stage.id for plan in packet.path(take_home=True)] == ["screen", "retrieval", "take-home"]


def test_a_take_home_keeps_two_ratings_of_every_competency(fixture_bank):
    """In place of a stage, the take-home must not leave a competency with one rating; the screen counts."""
    compiled = loop_with(fixture_bank, after=TAKE_HOME.replace("[llm-evaluation, rag]", "[llm-evaluation]"))
    found = [p for p in compiled.problems if p.code == "LK114"]
    assert len(found) == 1 and "'evaluation', rag is rated in fewer than two stages" in found[0].message
    compiled = loop_with(fixture_bank, before=SCREEN,
                         after=TAKE_HOME.replace("[llm-evaluation, rag]", "[llm-evaluation]"))
    assert [p.code for p in compiled.problems if p.code == "LK114"] == []


def test_a_take_home_names_its_time_box_and_no_more_than_four_hours(fixture_bank):
    compiled = loop_with(fixture_bank, after=TAKE_HOME.replace("    at_home_minutes: 180\n", ""))
    assert ["`at_home_minutes`" in p.message for p in compiled.problems if p.code == "LK114"] == [True]
    compiled = loop_with(fixture_bank, after=TAKE_HOME.replace("at_home_minutes: 180", "at_home_minutes: 300"))
    assert [p.code for p in compiled.problems] == ["LK009"]


def test_take_home_fields_on_an_onsite_stage_are_refused(fixture_bank):
    compiled = loop_with(fixture_bank, stage_text=lambda s: s.replace("    minutes: 45\n", "    minutes: 45\n"
                                                                      "    replaces: evaluation\n", 1))
    assert ["belongs to a take-home" in p.message for p in compiled.problems if p.code == "LK114"] == [True]


def test_the_screen_is_first_and_there_is_one(fixture_bank):
    compiled = loop_with(fixture_bank, after=SCREEN)
    assert ["make it the loop's first stage" in p.message for p in compiled.problems if p.code == "LK113"] == [True]
    compiled = loop_with(fixture_bank, before=SCREEN + SCREEN.replace("id: screen", "id: screen-again"))
    assert ["second screen" in p.message for p in compiled.problems if p.code == "LK113"] == [True]


def test_a_deep_round_takes_only_questions_of_at_least_half_its_minutes(fixture_bank):
    """A 20-minute question cannot fill a 45-minute design round; the reason names the rule."""
    compiled = loop_with(fixture_bank, stage_text=lambda s: s.replace(
        "    formats: [design]\n", "    formats: [design]\n    blocks:\n      rag: {minutes: 45}\n", 1).replace(
        "    minutes: 45\n", "    minutes: 75\n", 1))
    found = [p for p in compiled.problems if p.code == "LK104"]
    assert len(found) == 1 and "'rag'" in found[0].message and "within 45 minutes" in found[0].message


def test_onsite_past_four_hours_is_a_warning(fixture_bank):
    compiled = loop_with(fixture_bank, stage_text=lambda s: s.replace("minutes: 45", "minutes: 90").replace(
        "  - id: evaluation", "  - id: evaluation\n    name: Evaluation design, again\n    minutes: 90\n"
        "    interviewer: Senior AI application engineer\n    interviewer_level: senior\n"
        "    competencies: [llm-evaluation, rag]\n    formats: [design]\n  - id: evaluation-2", 1))
    assert [p.severity for p in compiled.problems if p.code == "LK213"] == ["warning"]


def test_pages_show_the_screen_the_take_home_and_the_ladder(fixture_bank):
    from loopkit.render import render_site
    from test_render import EDITIONS
    levels = fixture_bank / "vocabulary" / "levels.yaml"
    levels.write_text(levels.read_text().replace("  - id: senior\n", "  - id: senior\n    ladder: [Google L5, Meta E5]\n"))
    compiled = loop_with(fixture_bank, before=SCREEN, after=TAKE_HOME)
    assert compiled.ok, compiled.problems
    pages = render_site(compiled.bank, compiled.packets, REPO / "site_templates", EDITIONS)
    packet = " ".join(pages["ai-application-engineer/senior/index.md"].split())
    assert "### Technical screen" in packet and "### Onsite" in packet and "### Take-home (optional)" in packet
    assert "The screen already rated RAG architecture and code review, LLM evaluation: the onsite rates each" in packet
    assert "at most 180 minutes" in packet and "takes the place of stage 3 (Evaluation design)" in packet
    assert "## Screen pass rule" in packet and "Google L5, Meta E5" in packet
    screen = " ".join(pages["ai-application-engineer/senior/screen.md"].split())
    assert "Technical screen, before the onsite." in screen
    review = " ".join(pages["ai-application-engineer/senior/take-home.md"].split())
    assert "Take-home review, offered in place of stage 3 (Evaluation design)." in review
    assert "at most 180 minutes" in review
    candidate = " ".join(pages["candidates/ai-application-engineer/senior.md"].split())
    assert "First, a technical screen" in candidate and "in at most 180 minutes" in candidate
    assert "Design the evaluation for a summarisation feature" in candidate and "Google L5, Meta E5" in candidate
    assert "3 interviews" in candidate  # the take-home stands in for a stage, it does not add one
    for plan in compiled.packets[-1].stages:
        for block in plan.blocks:
            assert block.primary.rubric[3][0] not in candidate


def test_an_assisted_block_takes_only_questions_that_allow_the_assistant(fixture_bank):
    """The fixture bank's questions all forbid an assistant, so an assisted block has nothing to take."""
    compiled = loop_with(fixture_bank, stage_text=lambda s: s.replace(
        "    formats: [design]\n", "    formats: [design]\n    blocks:\n      rag: {assistant: true}\n", 1))
    found = [p.message for p in compiled.problems if p.code == "LK104"]
    assert len(found) == 1 and "in format design that allows an AI assistant" in found[0]
    question = fixture_bank / "questions" / "chunk-size-choice.yaml"
    question.write_text(question.read_text().replace("allowed: false", "allowed: true").replace(
        "- Reads a few failing examples", "- Accepts the assistant's chunk size without reading; reads a few failing examples"))
    compiled = loop_with(fixture_bank, stage_text=lambda s: s.replace(
        "    formats: [design]\n", "    formats: [design]\n    blocks:\n      rag: {assistant: true}\n", 1))
    packet = next(p for p in compiled.packets if p.level.id == "senior")
    assert packet.stages[0].blocks[0].primary.id == "chunk-size-choice"


def test_a_take_home_states_one_time_box(fixture_bank):
    """LK219: the brief, and the first paragraph of each exercise the take-home places, name the hours the
    stage gives; a span too long to be a time box (a GPU for 48 hours) is not read as one."""
    compiled = loop_with(fixture_bank, before=SCREEN, after=TAKE_HOME.replace(
        "Design the evaluation", "In three hours (a GPU is yours for 48 hours), design the evaluation"))
    assert [p for p in compiled.problems if p.code == "LK219"] == []
    compiled = loop_with(fixture_bank, before=SCREEN,
                         after=TAKE_HOME.replace("Design the evaluation", "In 4 h, design the evaluation"))
    found = [p for p in compiled.problems if p.code == "LK219"]
    loop = (fixture_bank / "loops" / "ai-application-engineer" / "senior.yaml").read_text().splitlines()
    line = {key: next(n for n, text in enumerate(loop, 1) if text.startswith(f"    {key}:"))
            for key in ("brief", "at_home_minutes")}
    assert [(p.severity, p.line) for p in found] == [("warning", line["brief"])], found
    assert "says '4 h', but the stage's time box is at_home_minutes: 180, which is 3 hours" in found[0].message

    exercise = fixture_bank / "questions" / "evaluation-set-for-summaries.yaml"
    BLOCK = "    blocks:\n      llm-evaluation: {formats: [take-home]}\n"
    exercise.write_text(exercise.read_text().replace("format: design", "format: take-home").replace(
        "prompt: |\n", "prompt: |\n  **At home: at most 4 hours; please stop at 4 hours.**\n\n"))
    compiled = loop_with(fixture_bank, before=SCREEN, after=TAKE_HOME + BLOCK)
    found = [p for p in compiled.problems if p.code == "LK219"]
    assert [(p.severity, p.path, p.line) for p in found] == [
        ("warning", "bank/loops/ai-application-engineer/senior.yaml", line["at_home_minutes"])], found
    assert "'evaluation-set-for-summaries', placed in its llm-evaluation block, tells the candidate '4 hours'" \
        in found[0].message
    prompt = next(n for n, text in enumerate(exercise.read_text().splitlines(), 1) if text.startswith("prompt:"))
    assert f"(bank/questions/evaluation-set-for-summaries.yaml:{prompt})" in found[0].message  # where it says so
    exercise.write_text(exercise.read_text().replace("4 hours", "3 hours"))
    compiled = loop_with(fixture_bank, before=SCREEN, after=TAKE_HOME + BLOCK)
    assert [p for p in compiled.problems if p.code == "LK219"] == []
