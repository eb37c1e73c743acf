"""The export: the bank and its packets as plain data for ATS import and other tools.

Its keys are a contract other tools rely on: add keys, never rename or remove them.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .bundled import bundled
from .plan import Packet
from .problems import display_path
from .validate import Bank


@dataclass(frozen=True)
class Layer:
    """A bank layer as an export names it: `name` says which layer, `shown` is the folder as messages
    show it (relative to the project where it can be), which begins every source path in the layer."""

    name: str
    shown: str

    def relative(self, source: str) -> str:
        """A file of this layer, relative to the layer's folder."""
        if self.shown == ".":
            return source
        try:
            return PurePosixPath(source).relative_to(self.shown).as_posix()
        except ValueError:
            return PurePosixPath(source).name  # not under the layer (cannot happen): at least no local path


def bank_layers(banks: Sequence[Path], root: Path) -> list[Layer]:
    """The project's bank layers, lowest first: "shared" for the bank that ships with loopkit, the
    folder's path for a layer inside the project, and only the folder's name for one outside it, so an
    export never carries a path of the machine that made it."""
    shared = bundled("question_bank").resolve()
    found = []
    for bank in banks:
        shown = display_path(bank, root)
        if bank.resolve() == shared:
            name = "shared"
        elif shown == "." or PurePosixPath(shown).is_absolute() or shown.startswith("../") or ":" in shown:
            name = bank.resolve().name
        else:
            name = shown
        found.append(Layer(name, shown))
    return found


def export(bank: Bank, packets: list[Packet], layers: Sequence[Layer]) -> dict:
    return {
        "summary": summary(bank, packets),
        "questions": [question_record(q, layers[q.layer]) for q in bank.questions.values()],
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


def question_record(q, layer: Layer) -> dict:
    return {
        "id": q.id, "title": q.title, "status": q.status, "kind": q.kind, "format": q.format,
        "roles": list(q.roles), "levels": list(q.levels), "competencies": list(q.competencies),
        "minutes": q.minutes, "family": q.family, "topics": list(q.topics),
        "rubric": [{"score": point, "evidence": list(q.rubric[point])} for point in sorted(q.rubric)],
        "bar": {level: {"meets": bar.meets, "separates": bar.separates} for level, bar in q.bar.items()},
        "calibration": [{"score": a.score, "answer": a.answer, "why": a.why}
                        for a in sorted(q.calibration, key=lambda a: a.score)],
        "source": layer.relative(q.source.path), "layer": layer.name,
        "model_answer": q.model_answer,
        "parts": [part.model_dump() for part in q.parts],
        "follow_ups": [probe.model_dump() for probe in q.follow_ups],
        "metadata": dict(q.metadata),
        "reviews": [{"by": r.by, "date": r.date.isoformat(), "checked": r.checked, "changes": r.changes}
                    for r in q.reviews],
    }


def packet_record(p: Packet) -> dict:
    return {
        "role": p.role.id, "level": p.level.id,
        "requisition": p.requisition.id if p.requisition else None,
        "must_have": list(p.loop.must_have),
        "stages": [{
            "id": s.stage.id, "name": s.stage.name, "minutes": s.stage.minutes,
            "interviewer_level": s.stage.interviewer_level, "phase": s.stage.phase,
            "hiring_manager": s.stage.hiring_manager, "replaces": s.stage.replaces,
            "at_home_minutes": s.stage.at_home_minutes,
            "competencies": list(s.stage.competencies), "questions": s.question_ids,
            "blocks": [{"competency": b.competency.id, "minutes": b.minutes, "primary": b.primary.id,
                        "alternates": [q.id for q in b.alternates], "why": b.why,
                        "rates": [c.id for c in b.rates]} for b in s.blocks],
        } for s in p.stages],
    }


CSV_COLUMNS = ["id", "title", "status", "kind", "format", "roles", "levels", "competencies", "minutes",
               "rubric_1", "rubric_2", "rubric_3", "rubric_4", "bar", "calibration", "author", "reviewed",
               "source", "used_in", "layer", "metadata"]


def export_csv(bank: Bank, packets: list[Packet], layers: Sequence[Layer]) -> str:
    """One row per question, lists joined with "; ", for spreadsheets and ATS question libraries; its
    source is relative to its bank layer, named in the last column."""
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
            "source": layers[q.layer].relative(q.source.path), "used_in": "; ".join(used_in.get(q.id, [])),
            "layer": layers[q.layer].name,
            "metadata": "; ".join(f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
                                  for key, value in q.metadata.items()),
        })
    return out.getvalue()
