"""The export: the bank and its packets as plain data for ATS import and other tools.

Its keys are a contract other tools rely on: add keys, never rename or remove them.
"""
from __future__ import annotations

import csv
import io

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
        "minutes": q.minutes, "family": q.family,
        "rubric": [{"score": point, "evidence": list(q.rubric[point])} for point in sorted(q.rubric)],
        "bar": {level: {"meets": bar.meets, "separates": bar.separates} for level, bar in q.bar.items()},
        "calibration": [{"score": a.score, "answer": a.answer, "why": a.why}
                        for a in sorted(q.calibration, key=lambda a: a.score)],
        "source": q.source.path,
    }


def packet_record(p: Packet) -> dict:
    return {
        "role": p.role.id, "level": p.level.id,
        "requisition": p.requisition.id if p.requisition else None,
        "must_have": list(p.loop.must_have),
        "stages": [{
            "id": s.stage.id, "name": s.stage.name, "minutes": s.stage.minutes,
            "interviewer_level": s.stage.interviewer_level,
            "competencies": list(s.stage.competencies), "questions": s.question_ids,
            "blocks": [{"competency": b.competency.id, "minutes": b.minutes, "primary": b.primary.id,
                        "alternates": [q.id for q in b.alternates], "why": b.why} for b in s.blocks],
        } for s in p.stages],
    }


CSV_COLUMNS = ["id", "title", "status", "kind", "format", "roles", "levels", "competencies", "minutes",
               "rubric_1", "rubric_2", "rubric_3", "rubric_4", "bar", "calibration", "author", "reviewed",
               "source", "used_in"]


def export_csv(bank: Bank, packets: list[Packet]) -> str:
    """One row per question, lists joined with "; ", for spreadsheets and ATS question libraries."""
    used_in: dict[str, list[str]] = {}
    for p in packets:
        for s in p.stages:
            for question_id in s.question_ids:
                used_in.setdefault(question_id, []).append(f"{p.role.id}/{p.level.id}/{s.stage.id}")
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for q in bank.questions.values():
        writer.writerow({
            "id": q.id, "title": q.title, "status": q.status, "kind": q.kind, "format": q.format,
            "roles": "; ".join(q.roles), "levels": "; ".join(q.levels), "competencies": "; ".join(q.competencies),
            "minutes": q.minutes, **{f"rubric_{point}": "; ".join(q.rubric[point]) for point in sorted(q.rubric)},
            "bar": "; ".join(f"{level}: {bar.meets}" for level, bar in q.bar.items()),
            "calibration": len(q.calibration), "author": q.author, "reviewed": q.reviewed.isoformat(),
            "source": q.source.path, "used_in": "; ".join(used_in.get(q.id, [])),
        })
    return out.getvalue()
