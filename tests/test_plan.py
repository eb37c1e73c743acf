"""Planning: which questions land in which stage, and the loop rules."""
import shutil
from hashlib import sha256

from loopkit.pipeline import Project, check
from loopkit.plan import block_minutes
from loopkit.render import render_print, render_site

from conftest import REPO
from test_render import EDITIONS


def packets_of(bank):
    compiled = check(Project.at(bank.parent, bank))
    assert compiled.ok, compiled.problems
    return {(p.role.id, p.level.id): p for p in compiled.packets}


def test_blocks_split_the_stage_after_the_candidates_questions(fixture_bank):
    packet = packets_of(fixture_bank)[("ai-application-engineer", "senior")]
    stage = packet.stages[0]
    assert [b.competency.id for b in stage.blocks] == ["rag", "llm-evaluation"]
    assert [b.minutes for b in stage.blocks] == [20, 20]
    assert block_minutes(stage.stage, packet.loop, "rag") == (45 - 5) // 2


LONG_ROUND = """
    blocks:
      rag:
        minutes: 30
        question: chunk-size-choice
"""


def test_a_block_can_have_its_own_minutes_and_a_pinned_question(fixture_bank):
    """A team's 30-minute round gets its time and its question; the stage's other block shares the rest."""
    loop = fixture_bank / "loops" / "ai-application-engineer" / "senior.yaml"
    text = loop.read_text()
    loop.write_text(text.replace("    minutes: 45\n", "    minutes: 60\n", 1)
                    .replace("    formats: [design]\n", "    formats: [design]\n" + LONG_ROUND.lstrip("\n"), 1))
    question = fixture_bank / "questions" / "chunk-size-choice.yaml"
    question.write_text(question.read_text().replace("minutes: 20", "minutes: 30"))
    stage = packets_of(fixture_bank)[("ai-application-engineer", "senior")].stages[0]
    rag, evaluation = stage.blocks
    assert (rag.minutes, rag.primary.id, rag.why) == (30, "chunk-size-choice", "pinned by the loop")
    assert evaluation.minutes == 60 - 5 - 30
    assert all(q.minutes <= 30 for q in rag.alternates)


def test_a_pinned_question_that_cannot_fit_says_why(fixture_bank):
    loop = fixture_bank / "loops" / "ai-application-engineer" / "senior.yaml"
    loop.write_text(loop.read_text().replace("    formats: [design]\n",
                                             "    formats: [design]\n    blocks:\n      rag:\n"
                                             "        question: chunk-size-choice\n", 1))
    question = fixture_bank / "questions" / "chunk-size-choice.yaml"
    question.write_text(question.read_text().replace("minutes: 20", "minutes: 30"))
    problems = [p for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems if p.code == "LK112"]
    assert len(problems) == 1
    assert ("it takes 30 minutes and the block has 20 (a block takes questions of at least half its minutes); "
            "give the block its own `minutes`") in problems[0].message


def test_a_requisition_replaces_a_stage_and_sets_its_competencies(fixture_bank):
    requisitions = fixture_bank / "loops" / "requisitions"
    requisitions.mkdir()
    (requisitions / "rag-heavy.yaml").write_text(
        "id: rag-heavy\ntitle: Senior AI application engineer, search team\nrole: ai-application-engineer\n"
        "level: senior\nreplace_stages:\n  - id: evaluation\n    name: Retrieval design, second look\n"
        "    minutes: 45\n    interviewer: Senior search engineer\n    interviewer_level: senior\n"
        "    competencies: [rag]\n    formats: [design]\n")
    [problem] = [p for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems if p.severity == "error"]
    assert problem.code == "LK101" and "'llm-evaluation' is assessed only in stage 'retrieval'" in problem.message
    assert problem.path == "bank/loops/requisitions/rag-heavy.yaml"
    text = (requisitions / "rag-heavy.yaml").read_text()
    (requisitions / "rag-heavy.yaml").write_text(text.replace("competencies: [rag]", "competencies: [rag, llm-evaluation]"))
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    assert compiled.ok, compiled.problems
    [packet] = [p for p in compiled.packets if p.requisition]
    assert [(s.stage.id, s.stage.name, s.stage.minutes) for s in packet.stages][1] == (
        "evaluation", "Retrieval design, second look", 45)


def test_questions_made_for_the_competency_come_first_then_the_seeded_order(fixture_bank):
    packet = packets_of(fixture_bank)[("ai-application-engineer", "senior")]
    rag = packet.stages[0].blocks[0]
    made_for_rag = {"chunk-size-choice", "retrieval-threshold-review", "stale-index-after-migration"}
    assert rag.primary.id in made_for_rag
    ranks = [q.primary_competency != "rag" for q in rag.alternates]
    assert ranks == sorted(ranks)  # made for rag first, then those that also assess it
    # Among equals the seeded hash decides, so the first of them is not the first by id.
    equals = sorted(made_for_rag - {b.primary.id for s in packet.stages for b in s.blocks})
    assert [q.id for q in rag.alternates if q.id in equals] == sorted(equals, key=lambda i: sha256(f"\0{i}".encode()).hexdigest())


def test_another_seed_gives_another_valid_selection(fixture_bank):
    standing = check(Project.at(fixture_bank.parent, fixture_bank))
    selections = {"": [s.question_ids for p in standing.packets for s in p.stages]}
    for seed in ("2026-q1", "2026-q2", "team-b"):
        rotated = check(Project.at(fixture_bank.parent, fixture_bank, rotate=seed))
        assert rotated.problems == []
        selections[seed] = [s.question_ids for p in rotated.packets for s in p.stages]
    assert len({str(v) for v in selections.values()}) > 1


def test_a_requisition_rotates_its_own_selection(fixture_bank):
    folder = fixture_bank / "loops" / "requisitions"
    folder.mkdir()
    text = "id: {id}\ntitle: Senior AI application engineer, {id}\nrole: ai-application-engineer\nlevel: senior\n"
    (folder / "plain.yaml").write_text(text.format(id="plain"))
    for seed in ("one", "two", "three", "four"):
        (folder / f"rotated-{seed}.yaml").write_text(text.format(id=f"rotated-{seed}") + f"rotate: {seed}\n")
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    assert compiled.ok, compiled.problems
    primaries = {p.requisition.id: [b.primary.id for s in p.stages for b in s.blocks]
                 for p in compiled.packets if p.requisition}
    assert len(set(map(tuple, primaries.values()))) > 1


def test_no_question_is_primary_twice_in_a_loop(fixture_bank):
    for packet in packets_of(fixture_bank).values():
        primaries = [b.primary.id for s in packet.stages for b in s.blocks]
        assert len(primaries) == len(set(primaries))
        for stage in packet.stages:
            for block in stage.blocks:
                assert not {q.id for q in block.alternates} & set(primaries)


def test_retired_questions_never_land_in_a_packet(fixture_bank):
    for packet in packets_of(fixture_bank).values():
        assert "old-retired-question" not in {i for s in packet.stages for i in s.question_ids}


def test_marking_a_question_leaked_is_one_edit_and_the_next_build_replaces_it(fixture_bank):
    before = packets_of(fixture_bank)[("ai-application-engineer", "senior")]
    leaked = before.stages[0].blocks[0].primary.id
    path = fixture_bank / "questions" / f"{leaked}.yaml"
    path.write_text(path.read_text().replace("status: active", "status: leaked"))
    after = packets_of(fixture_bank)[("ai-application-engineer", "senior")]
    assert leaked not in {i for s in after.stages for i in s.question_ids}
    assert after.stages[0].blocks[0].primary.primary_competency == "rag"


def test_the_same_bank_gives_the_same_packets(fixture_bank, tmp_path):
    copy = tmp_path / "again"
    shutil.copytree(fixture_bank, copy)
    first = packets_of(fixture_bank)
    second = packets_of(copy)
    assert {k: [s.question_ids for s in p.stages] for k, p in first.items()} == \
           {k: [s.question_ids for s in p.stages] for k, p in second.items()}


def test_a_missing_question_names_role_level_competency_and_minutes(fixture_bank):
    for path in (fixture_bank / "questions").glob("*.yaml"):
        if "llm-evaluation" in path.read_text().split("competencies:")[1].splitlines()[0]:
            path.unlink()
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    messages = [p.message for p in compiled.problems if p.code == "LK104"]
    assert messages
    assert "role ai-application-engineer, level junior, competency 'llm-evaluation'" in messages[0]
    assert "within 20 minutes" in messages[0]


def test_a_block_takes_only_the_formats_and_kinds_its_stage_or_its_own_entry_declares(fixture_bank):
    path = fixture_bank / "loops" / "ai-application-engineer" / "senior.yaml"
    loop = path.read_text()
    path.write_text(loop.replace("    formats: [design]\n", "    formats: [design]\n    blocks:\n"
                                 "      llm-evaluation: {formats: [implementation]}\n", 1))
    problems = check(Project.at(fixture_bank.parent, fixture_bank)).problems
    missing = [p for p in problems if p.code == "LK104"]
    assert missing and "competency 'llm-evaluation' in format implementation" in missing[0].message
    path.write_text(loop.replace("    formats: [design]\n", "    formats: [design]\n    kinds: [work-sample]\n", 1))
    assert {p.code for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems} == {"LK104"}


def test_blocks_name_only_competencies_of_their_stage(fixture_bank):
    path = fixture_bank / "loops" / "ai-application-engineer" / "senior.yaml"
    path.write_text(path.read_text().replace("    formats: [design]\n", "    formats: [design]\n    blocks:\n"
                                             "      coding: {formats: [implementation]}\n", 1))
    problem = next(p for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems if p.code == "LK005")
    assert "`blocks` names 'coding'" in problem.message and problem.line == 14


def test_no_stage_holds_two_questions_of_one_family(fixture_bank):
    for name in ("chunk-size-choice", "retrieval-threshold-review", "stale-index-after-migration"):
        path = fixture_bank / "questions" / f"{name}.yaml"
        path.write_text(path.read_text().replace("format: design\n", "format: design\nfamily: help-centre-rag\n"))
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    assert compiled.ok
    for packet in compiled.packets:
        for stage in packet.stages:
            held = [q.id for b in stage.blocks for q in (b.primary, *b.alternates) if q.family == "help-centre-rag"]
            assert len(set(held)) <= 1, (packet.slug, stage.stage.id, held)
    assert [p.code for p in compiled.problems].count("LK210") == 2  # both later twins, until waived


ONE_QUESTION_TWO_RATINGS = """\
    blocks:
      rag:
        minutes: 40
        rates: [llm-evaluation]
"""


def rate_together(fixture_bank):
    """The senior retrieval stage: one 40-minute question rating rag and llm-evaluation together."""
    loop = fixture_bank / "loops" / "ai-application-engineer" / "senior.yaml"
    loop.write_text(loop.read_text().replace("    formats: [design]\n",
                                             "    formats: [design]\n" + ONE_QUESTION_TWO_RATINGS, 1))
    for name in ("refund-answers-went-wrong", "stale-index-after-migration", "retrieval-threshold-review"):
        question = fixture_bank / "questions" / f"{name}.yaml"
        question.write_text(question.read_text().replace("competencies: [rag]\n", "competencies: [rag, llm-evaluation]\n")
                            .replace("minutes: 20", "minutes: 40"))
    return loop


def test_one_block_can_rate_several_competencies_with_one_question(fixture_bank):
    rate_together(fixture_bank)
    packet = packets_of(fixture_bank)[("ai-application-engineer", "senior")]
    stage = packet.stages[0]
    [block] = stage.blocks
    assert [c.id for c in block.rated] == ["rag", "llm-evaluation"] and block.minutes == 40
    assert set(block.primary.competencies) >= {"rag", "llm-evaluation"}
    assert all(set(q.competencies) >= {"rag", "llm-evaluation"} for q in block.alternates)
    assert [(row.competency.id, row.primary.id, row.shared) for row in stage.rows] == [
        ("rag", block.primary.id, True), ("llm-evaluation", block.primary.id, True)]
    # The jointly rated competency counts as assessed in the stage: coverage holds with two stages.
    assert [s.stage.id for s in packet.stages_assessing(packet.competencies[1])] == ["retrieval", "evaluation"]
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    pages = render_site(compiled.bank, compiled.packets, REPO / "site_templates", EDITIONS)
    guide = pages["ai-application-engineer/senior/retrieval.md"]
    names = [c.name for c in block.rated]
    assert f"## Block 1: {names[0]} and {names[1]}" in guide
    assert f'<th scope="row">{block.primary.title}: {names[1]}</th>' in guide
    book = next(b for b in render_print(compiled.packets, REPO / "site_templates", EDITIONS, "a4")
                if b.slug == "ai-application-engineer/senior")
    printed = "\n".join(book.parts.values())
    assert f"Block 1: {names[0]} and {names[1]} · 40 minutes" in printed
    assert 'name="retrieval.q2.score"' in printed and 'name="retrieval.q3.score"' not in printed  # a row each


def test_every_competency_of_a_stage_has_one_score_sheet_row_and_the_rule_scores_each(fixture_bank):
    """Property, over every packet and 300 random sheets: rows are the stage's competencies, once each;
    the rule sees a score per row, and a single 1 on a jointly rated must-have still blocks a hire."""
    from loopkit.decision import NO_HIRE, decide, random_sheets, sheet, simulate
    from test_decision import plain
    rate_together(fixture_bank)
    for packet in packets_of(fixture_bank).values():
        for plan in packet.stages:
            assert sorted(row.competency.id for row in plan.rows) == sorted(plan.stage.competencies)
        assert all(row.agrees for row in simulate(packet))
        for ratings in random_sheets(packet, 300, seed=3):
            counted = [r for r in ratings if not r.shadowing]
            assert len(counted) == sum(len(p.rows) for p in packet.stages)
            for plan in packet.stages:
                for block in plan.blocks:  # one question asked, a rating for each competency it rates
                    asked = {r.question for r in counted if r.stage == plan.stage.id
                             and r.competency in {c.id for c in block.rated}}
                    assert len(asked) == 1
            assert decide(packet, ratings).outcome == plain(packet, ratings)
        bar = lambda q: q.bar[packet.level.id].meets  # noqa: E731
        joint = sheet(packet, lambda i, row, q: 1 if (i, row.competency.id) == (0, "rag") else bar(q))
        assert decide(packet, joint).outcome == NO_HIRE
        assert len(joint) == sum(len(p.rows) for p in packet.stages)


def test_a_block_rates_only_its_stages_competencies_each_once(fixture_bank):
    loop = rate_together(fixture_bank)
    loop.write_text(loop.read_text().replace("rates: [llm-evaluation]", "rates: [agents, rag]", 1))
    problems = {p.code: p for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems}
    line = loop.read_text().splitlines().index("        rates: [agents, rag]") + 1
    assert problems["LK005"].line == line and "'agents', which stage 'retrieval' does not assess" in \
        problems["LK005"].message
    assert problems["LK009"].line == line and "cannot rate 'rag', its own competency" in problems["LK009"].message
