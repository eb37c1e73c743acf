"""The debrief rule, proven on every packet of the bundled bank.

The simulation's patterns carry the outcome the printed steps give; random score sheets are checked
against `printed_rule` below, a plain re-implementation of the steps as a committee would apply them by
hand, written without loopkit's code. The bank tests hold the bars to what the rule needs.
"""
import html
import re
from collections import defaultdict
from pathlib import Path

import pytest

from loopkit import decision
from loopkit.decision import (HIRE, HOLD, NO_HIRE, Rating, decide, must_haves, next_level,
                              random_sheets, relative, rule, simulate)
from loopkit.edition import Edition
from loopkit.model import BAR_POINTS
from loopkit.pipeline import Project, check
from loopkit.render import environment, fill

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compiled():
    return check(Project.at(REPO))


@pytest.fixture(scope="module")
def packets(compiled):
    assert compiled.ok, [p for p in compiled.problems if p.severity == "error"]
    assert len(compiled.packets) >= 16
    return [(packet, next_level(compiled.bank.levels, packet.level)) for packet in compiled.packets]


def printed_rule(bars: dict[str, int], must: set[str], sheet: list[tuple]) -> str:
    """The printed steps, by hand: leave out no evidence and shadowing; distance = score - bar;
    Hold if a must-have has under two scored; No hire on a must-have 1, a must-have mean below 0 or
    any mean below -1; else Hire. `sheet` holds (competency, question, score, shadowing)."""
    scored = defaultdict(list)
    for competency, question, score, shadowing in sheet:
        if score is not None and not shadowing:
            scored[competency].append((score, score - bars[question]))
    if any(len(scored[c]) < 2 for c in must):
        return "Hold"
    for competency, pairs in scored.items():
        mean = sum(d for _, d in pairs) / len(pairs)
        if competency in must and (any(s == 1 for s, _ in pairs) or mean < 0):
            return "No hire"
        if mean < -1:
            return "No hire"
    return "Hire"


def plain(packet, ratings):
    bars = {q.id: q.bar[packet.level.id].meets for q in decision.questions_of(packet).values()}
    must = {c.id for c in (packet.must_have or packet.competencies)}
    return printed_rule(bars, must, [(r.competency, r.question, r.score, r.shadowing) for r in ratings])


def test_the_simulation_gives_what_the_printed_steps_say_for_every_packet(packets):
    for packet, above in packets:
        rows = simulate(packet, above)
        wrong = [(row.pattern, row.expected, row.computed) for row in rows if not row.agrees]
        assert not wrong, f"{packet.slug}: {wrong}"
        by_pattern = {row.pattern: row for row in rows}
        assert by_pattern["Every question scored at its bar"].decision.outcome == HIRE
        assert by_pattern["Every question one point below its bar"].decision.outcome == NO_HIRE
        blocked = [row for row in rows if row.pattern.startswith("A 1 on ")]
        assert len(blocked) == len(must_haves(packet)) and all(r.decision.outcome != HIRE for r in blocked)
        held = [row for row in rows if "scored in stage" in row.pattern]
        assert len(held) == len(must_haves(packet)) and all(r.decision.outcome == HOLD for r in held)
        swaps = [row for row in rows if row.pattern.startswith("Every primary swapped")]
        assert swaps and all(r.decision.outcome == HIRE for r in swaps)
        assert sum(rows[-1].tally.values()) == decision.RANDOM_SHEETS


def test_random_sheets_agree_with_a_plain_reading_of_the_printed_rule(packets):
    outcomes = set()
    for packet, above in packets:
        must = [c.id for c in must_haves(packet)]
        for ratings in random_sheets(packet, 300, seed=7, above=above):
            computed = decide(packet, ratings, above).outcome
            assert computed == plain(packet, ratings), (packet.slug, ratings)
            scored = defaultdict(int)
            for r in ratings:
                scored[r.competency] += r.score is not None and not r.shadowing
            assert (computed == HOLD) == any(scored[c] < 2 for c in must)
            outcomes.add(computed)
    assert outcomes == {HIRE, NO_HIRE, HOLD}


@pytest.mark.parametrize("name, value", [("MIN_SCORED", 1), ("BLOCKING", 2), ("MUST_HAVE_MEAN", -1),
                                         ("ANY_MEAN", -2)])
def test_a_broken_rule_is_caught(packets, monkeypatch, name, value):
    """Each threshold, loosened, makes the simulation or the plain reading disagree somewhere."""
    monkeypatch.setattr(decision, name, value)
    caught = False
    for packet, above in packets:
        if any(not row.agrees for row in simulate(packet, above, sheets=0)):
            caught = True
            break
        if any(decide(packet, r, above).outcome != plain(packet, r) for r in random_sheets(packet, 100, 3, above)):
            caught = True
            break
    assert caught


def test_a_mean_does_not_hide_a_one_next_to_a_four(packets):
    packet, above = next((p, a) for p, a in packets if p.level.id == "junior")
    rows = {row.pattern.split(";")[0]: row for row in simulate(packet, above, sheets=0)}
    row = next(r for k, r in rows.items() if "next to a 4" in k)
    finding = next(f for f in row.decision.findings if 1 in f.scores)
    assert finding.mean >= 0 and row.decision.outcome == NO_HIRE


def test_decide_refuses_a_question_the_packet_does_not_hold(packets):
    packet, _ = packets[0]
    block = packet.stages[0].blocks[0]
    with pytest.raises(ValueError):
        decide(packet, [Rating(packet.stages[0].stage.id, block.competency.id, "no-such-question", 3)])


def test_swapping_an_alternate_for_the_primary_keeps_the_bar(packets):
    for packet, _ in packets:
        for plan in packet.stages:
            for block in plan.blocks:
                bar = block.primary.bar[packet.level.id].meets
                assert [q.bar[packet.level.id].meets for q in block.alternates] == [bar] * len(block.alternates), \
                    (packet.slug, plan.stage.id, block.competency.id)
    # and the simulation would notice a swap that moved the bar
    packet, above = packets[0]
    rows = simulate(packet, above, sheets=0)
    assert all(row.agrees for row in rows if row.pattern.startswith("Every primary swapped"))


def test_no_bar_sits_on_the_top_or_the_bottom_point(compiled):
    found = [(q.id, level, bar.meets) for q in compiled.bank.questions.values() for level, bar in q.bar.items()
             if bar.meets not in BAR_POINTS]
    assert found == []
    assert BAR_POINTS == (2, 3)


def normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def test_adjacent_levels_that_share_a_bar_differ_in_what_separates_them(compiled):
    order = list(compiled.bank.levels)
    shared = 0
    for q in compiled.bank.questions.values():
        levels = sorted(q.bar, key=order.index)
        for lower, higher in zip(levels, levels[1:]):
            if q.bar[lower].meets == q.bar[higher].meets:
                shared += 1
                assert normal(q.bar[lower].separates) != normal(q.bar[higher].separates), (q.id, higher)
    assert shared > 0


def test_the_score_sheet_records_the_evidence_for_the_level_and_the_level_above(compiled, packets):
    env = environment(Project.at(REPO).templates)
    editions = {packet.slug: Edition("0.1.0", "2026-11-01", "0123456789", "abcdef012345") for packet, _ in packets}
    for packet, above in packets:
        for number, plan in enumerate(packet.stages, 1):
            page = html.unescape(fill(env, "site/stage.md.j2", dict(packet=packet, plan=plan, number=number,
                                                                    levels=compiled.bank.levels, editions=editions)))
            sheet = re.sub(r"<[^>]+>", "", page[page.index("## Score sheet"):])  # the tick box is aria-hidden markup
            for block in plan.blocks:
                for level in filter(None, (packet.level, above)):
                    if level.id in block.primary.bar:
                        line = " ".join(block.primary.bar[level.id].separates.split())
                        assert "☐ Observed" in sheet and line[:60] in " ".join(sheet.split()), \
                            (packet.slug, plan.stage.id, level.id)


VERDICTS = re.compile(r"\b(strong (yes|no)|no hire|meets the bar|below the bar|above the bar|"
                      r"(junior|senior|staff|lead) bar)\b", re.I)


def test_no_rubric_label_contradicts_a_bar(compiled, packets):
    for q in compiled.bank.questions.values():
        for level, bar in q.bar.items():
            labels = [relative(point, bar.meets) for point in decision.POINTS]
            assert labels.count("meets the bar") == 1 and labels[0] == "below the bar" and labels[-1] == "above the bar"
        texts = [item for items in q.rubric.values() for item in items] + [a.why for a in q.calibration]
        assert not [t for t in texts if VERDICTS.search(t)], q.id
    # the printed rubrics carry only these labels: no verdict word that a bar could contradict
    env = environment(Project.at(REPO).templates)
    for packet, _ in packets:
        plan = packet.stages[0]
        editions = {packet.slug: Edition("0.1.0", "2026-11-01", "0123456789", "abcdef012345")}
        page = fill(env, "site/stage.md.j2", dict(packet=packet, plan=plan, number=1, levels=compiled.bank.levels,
                                                  editions=editions))
        assert not re.search(r"strong (yes|no)|· yes|· no\b", page), packet.slug
        for block in plan.blocks:
            meets = block.primary.bar[packet.level.id].meets
            assert f"{meets} · meets the bar" in html.unescape(page)


def test_the_packet_prints_the_rule_from_its_data(compiled, packets):
    env = environment(Project.at(REPO).templates)
    for packet, above in packets[:4]:
        page = " ".join(html.unescape(fill(env, "site/packet.md.j2", dict(
            packet=packet, editions={packet.slug: "edition"}, pdfs=False, pdf_name=None,
            levels=compiled.bank.levels))).split())
        for step in rule(packet, above):
            assert " ".join(step.text.split()) in page, step


def test_the_bundled_bank_has_no_bar_problems(compiled):
    assert [p for p in compiled.problems if p.code in ("LK018", "LK019")] == []


def test_shared_bars_need_a_separates_that_names_behaviour(fixture_bank):
    path = fixture_bank / "questions" / "chunk-size-choice.yaml"
    text = path.read_text()
    text = text.replace("  senior:\n    meets: 3", "  senior:\n    meets: 2")
    path.write_text(text)
    codes = [p.code for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems]
    assert "LK019" not in codes  # distinct and observable: fine
    senior = next(line for line in text.splitlines() if "A senior answer" in line)
    path.write_text(text.replace(senior, "    separates: A senior answer shows deep, thorough understanding."))
    found = [p for p in check(Project.at(fixture_bank.parent, fixture_bank)).problems if p.code == "LK019"]
    assert len(found) == 1 and "adjectives" in found[0].message


def test_the_level_signal_needs_ticked_evidence_at_the_level_above(packets):
    packet, above = next((p, a) for p, a in packets if p.level.id == "senior" and a is not None)
    at_bar = sheet_at(packet, lambda q: q.bar[packet.level.id].meets, frozenset())
    assert decide(packet, at_bar, above).level_above is None
    ticked = sheet_at(packet, lambda q: max(q.bar[packet.level.id].meets, q.bar.get(above.id, q.bar[packet.level.id]).meets),
                      frozenset({above.id}))
    decision_ = decide(packet, ticked, above)
    covered = all(sum(above.id in b.primary.bar for s in packet.stages for b in s.blocks if b.competency.id == c.id) >= 2
                  for c in must_haves(packet))
    assert decision_.outcome == HIRE and (decision_.level_above == above) == covered
    assert decide(packet, ticked, None).level_above is None


def sheet_at(packet, score, observed):
    return [Rating(plan.stage.id, block.competency.id, block.primary.id, score(block.primary), observed=observed)
            for plan in packet.stages for block in plan.blocks]


def test_a_loop_without_must_haves_treats_every_competency_as_one(packets):
    import dataclasses
    packet, above = packets[0]
    bare = dataclasses.replace(packet, loop=packet.loop.model_copy(update={"must_have": []}))
    assert must_haves(bare) == bare.competencies
    rows = simulate(bare, above, sheets=0)
    assert all(row.agrees for row in rows)
    assert "every competency counts as one" in rule(bare, above)[2].text
    below = next(row for row in rows if row.pattern == "Every question one point below its bar")
    assert below.decision.outcome == NO_HIRE


# The screen's own rule: hold on a screened competency with no scored rating, stop on a 1 or on screen
# ratings below the bar on balance, advance otherwise.

def printed_screen_rule(bars: dict[str, int], screened: set[str], sheet: list[tuple]) -> str:
    """The screen's printed steps, by hand. `sheet` holds (competency, question, score, shadowing) of the
    screen's ratings only."""
    scored = defaultdict(list)
    for competency, question, score, shadowing in sheet:
        if score is not None and not shadowing:
            scored[competency].append((score, score - bars[question]))
    if any(not scored[c] for c in screened):
        return "Hold"
    pairs = [pair for found in scored.values() for pair in found]
    if any(s == 1 for s, _ in pairs) or sum(d for _, d in pairs) / len(pairs) < 0:
        return "Stop"
    return "Advance"


def plain_screen(packet, ratings):
    screen = {plan.stage.id for plan in packet.phase("screen")}
    bars = {q.id: q.bar[packet.level.id].meets for q in decision.questions_of(packet).values()}
    mine = [r for r in ratings if r.stage in screen]
    return printed_screen_rule(bars, {c.id for c in packet.screened},
                               [(r.competency, r.question, r.score, r.shadowing) for r in mine])


def screened_packets(packets):
    found = [(packet, above) for packet, above in packets if packet.phase("screen")]
    assert found, "no packet has a screen"
    return found


def test_the_screen_simulation_gives_what_its_printed_steps_say(packets):
    for packet, _ in screened_packets(packets):
        rows = decision.simulate_screen(packet)
        assert [(r.pattern, r.expected, r.computed) for r in rows if not r.agrees] == [], packet.slug
        outcomes = {r.expected for r in rows}
        assert outcomes == {decision.ADVANCE, decision.STOP, HOLD}, packet.slug
        ones = [r for r in rows if r.pattern.startswith("A 1 on")]
        assert len(ones) == sum(len(plan.blocks) for plan in packet.phase("screen"))
        assert all(r.computed == decision.STOP for r in ones)  # a 1 is not averaged away by 4s


def test_random_screen_sheets_agree_with_a_plain_reading_and_a_better_score_never_hurts(packets):
    outcomes = set()
    for packet, above in screened_packets(packets):
        for ratings in random_sheets(packet, 200, seed=5, above=above):
            computed = decision.screen_decide(packet, ratings).outcome
            assert computed == plain_screen(packet, ratings), (packet.slug, ratings)
            outcomes.add(computed)
            # Raising one screen score by a point never turns an Advance into a Stop or a Hold.
            if computed == decision.ADVANCE:
                for n, r in enumerate(ratings):
                    if r.score and r.score < 4 and not r.shadowing:
                        raised = ratings[:n] + [Rating(r.stage, r.competency, r.question, r.score + 1)] + ratings[n + 1:]
                        assert decision.screen_decide(packet, raised).outcome == decision.ADVANCE
    assert outcomes == {decision.ADVANCE, decision.STOP, HOLD}


@pytest.mark.parametrize("name, value", [("SCREEN_MEAN", -1), ("SCREEN_MEAN", 1)])
def test_a_loosened_screen_rule_is_caught(packets, monkeypatch, name, value):
    monkeypatch.setattr(decision, name, value)
    assert any(not row.agrees for packet, _ in screened_packets(packets) for row in decision.simulate_screen(packet))


def test_the_take_home_path_is_simulated_and_decided_like_the_live_one(packets):
    offered = [(p, a) for p, a in packets if p.take_home]
    assert offered
    for packet, above in offered:
        rows = [r for r in simulate(packet, above, sheets=0) if r.pattern.startswith("The take-home in place")]
        assert [r.decision.outcome for r in rows] == [HIRE, NO_HIRE], packet.slug
        home = decision.sheet(packet, lambda i, b, q: q.bar[packet.level.id].meets, take_home=True)
        assert packet.replaced.stage.id not in {r.stage for r in home}
        assert packet.take_home.stage.id in {r.stage for r in home}
