"""Planning: which questions land in which stage, and the loop rules."""
import shutil

from loopkit.pipeline import Project, check
from loopkit.plan import block_minutes


def packets_of(bank):
    compiled = check(Project.at(bank.parent, bank))
    assert compiled.ok, compiled.problems
    return {(p.role.id, p.level.id): p for p in compiled.packets}


def test_blocks_split_the_stage_after_the_candidates_questions(fixture_bank):
    packet = packets_of(fixture_bank)[("ai-application-engineer", "senior")]
    stage = packet.stages[0]
    assert [b.competency.id for b in stage.blocks] == ["rag", "llm-evaluation"]
    assert [b.minutes for b in stage.blocks] == [20, 20]
    assert block_minutes(stage.stage, packet.loop) == (45 - 5) // 2


def test_questions_made_for_the_competency_come_first_then_by_id(fixture_bank):
    packet = packets_of(fixture_bank)[("ai-application-engineer", "senior")]
    rag = packet.stages[0].blocks[0]
    assert rag.primary.id == "chunk-size-choice"
    # refund-answers-went-wrong is the primary of the second stage's rag block, so it is no alternate here.
    assert [q.id for q in rag.alternates] == ["retrieval-threshold-review", "stale-index-after-migration",
                                              "regression-after-model-upgrade"]


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
    assert after.stages[0].blocks[0].primary.id == "refund-answers-went-wrong"


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
