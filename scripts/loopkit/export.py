"""The export: the bank and its packets as plain data for ATS import and other tools.

Its keys are a contract other tools rely on: add keys, never rename or remove them.
"""
from __future__ import annotations

from .plan import Packet
from .validate import Bank


def export(bank: Bank, packets: list[Packet]) -> dict:
    return {
        "summary": summary(bank, packets),
        "questions": [question_record(q) for q in bank.questions.values()],
        "packets": [packet_record(p) for p in packets],
    }


def summary(bank: Bank, packets: list[Packet]) -> dict:
    """The bank's health at a glance: sizes, and the thinnest stage block (its alternates)."""
    statuses = {}
    for q in bank.questions.values():
        statuses[q.status] = statuses.get(q.status, 0) + 1
    blocks = [b for p in packets for s in p.stages for b in s.blocks]
    return {
        "questions": len(bank.questions),
        "by_status": dict(sorted(statuses.items())),
        "with_calibration": sum(bool(q.calibration) for q in bank.questions.values()),
        "packets": len(packets),
        "blocks": len(blocks),
        "fewest_alternates": min((len(b.alternates) for b in blocks), default=0),
    }


def question_record(q) -> dict:
    return {
        "id": q.id, "title": q.title, "status": q.status, "kind": q.kind, "format": q.format,
        "roles": list(q.roles), "levels": list(q.levels), "competencies": list(q.competencies),
        "minutes": q.minutes,
        "rubric": [{"score": point, "evidence": list(q.rubric[point])} for point in sorted(q.rubric)],
        "bar": {level: {"meets": bar.meets, "separates": bar.separates} for level, bar in q.bar.items()},
        "calibration": [{"score": a.score, "answer": a.answer, "why": a.why}
                        for a in sorted(q.calibration, key=lambda a: a.score)],
        "source": q.source.path,
    }


def packet_record(p: Packet) -> dict:
    return {
        "role": p.role.id, "level": p.level.id,
        "must_have": list(p.loop.must_have),
        "stages": [{
            "id": s.stage.id, "name": s.stage.name, "minutes": s.stage.minutes,
            "competencies": list(s.stage.competencies), "questions": s.question_ids,
            "blocks": [{"competency": b.competency.id, "minutes": b.minutes, "primary": b.primary.id,
                        "alternates": [q.id for q in b.alternates]} for b in s.blocks],
        } for s in p.stages],
    }
