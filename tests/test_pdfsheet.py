"""Score sheets read back from stage-sheet PDFs filled in on screen: a printed stage sheet filled with pypdf
imports as the sheet the same ratings typed by hand make, and a half-filled PDF, or one that is no loopkit
stage sheet, is reported at its field and writes nothing."""
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject

from loopkit.cli import cli
from loopkit.pdfsheet import stage_sheet_keywords
from loopkit.pipeline import check, packet_editions, stage_editions
from loopkit.publish import print_book
from loopkit.render import render_print, stage_sheet_name
from loopkit.sheets import Sheet, digest

from conftest import REPO

PACKET = "ai-application-engineer/senior"
EVIDENCE = "Named recall at k on a labelled set before moving anything."
SCORES = ["1", "2", "3", "4", "no evidence"]


@pytest.fixture
def kit(fixture_project):
    """A project with the fixture bank, its compiled packet and edition; the cwd."""
    project = fixture_project
    root = project.root
    compiled = check(project)
    packet = next(p for p in compiled.packets if p.slug == PACKET)
    editions = {**packet_editions(project, compiled.packets), **stage_editions(project, compiled.packets)}
    return root, compiled, packet, editions


def run(*args):
    return CliRunner().invoke(cli, [*args])


def radio(value: str) -> str:
    """A radio group's on state as WeasyPrint writes it: the index of the button in the group."""
    return f"/{SCORES.index(value)}"


@pytest.mark.slow
def test_a_filled_stage_sheet_pdf_imports_as_the_sheet_typed_by_hand(kit, tmp_path):
    root, compiled, packet, editions = kit
    books = render_print([packet], REPO / "site_templates", editions, "a4", compiled.bank.levels)
    names = [stage_sheet_name(packet, plan.stage.id) for plan in packet.stages]
    printed, _, _ = print_book(books[0], names)
    plans = list(packet.stages)
    swapped = next((plan, n, row) for plan in plans for n, row in enumerate(plan.rows, 1) if row.alternates)
    typed = root / "typed" / "cand-pdf"
    pdfs = []
    for number, (plan, name) in enumerate(zip(plans, names)):
        stage, shadowing = plan.stage.id, number == 1
        interviewer = "Sam Shadow" if shadowing else "Dana"
        values = {f"{stage}.candidate": "cand-pdf", f"{stage}.interviewer": interviewer,
                  f"{stage}.submitted": f"2026-11-20 1{number + 1}:30 +01:00"}
        checks = {f"{stage}.shadowing": "/on"} if shadowing else {}
        ratings = []
        for n, row in enumerate(plan.rows, 1):
            question, score = row.primary, ["3", "4", "2", "no evidence"][(n + number) % 4]
            if (plan, n) == swapped[:2]:
                question = row.alternates[0]
                values[f"{stage}.swapped"] = f"q{n}: {question.id}, the candidate had seen the primary"
            values[f"{stage}.q{n}.evidence"] = EVIDENCE if score != "no evidence" else ""
            checks[f"{stage}.q{n}.score"] = radio(score)
            observed = [packet.level.id] if score in ("3", "4") else []
            for level in observed:
                checks[f"{stage}.q{n}.observed-{level}"] = "/on"
            ratings.append({"competency": row.competency.id, "question": question.id,
                            "score": int(score) if score.isdigit() else "no-evidence",
                            "evidence": EVIDENCE if score != "no evidence" else "", "observed": observed})
        checks[f"{stage}.recommendation"] = "/3"  # "hire", the fourth choice printed
        pdfs.append(fill(printed[name], tmp_path / f"{stage}.pdf", values, checks))
        by_hand = {"candidate": "cand-pdf", "packet": packet.slug, "edition": editions[packet.slug].digest,
                   "stage": stage, "interviewer": interviewer, "shadowing": shadowing,
                   "interviewed": f"2026-11-20T1{number}:30:00Z", "submitted": f"2026-11-20T1{number}:30:00Z",
                   "recommendation": "hire", "ratings": ratings}
        typed.mkdir(parents=True, exist_ok=True)
        (typed / f"{stage}.yaml").write_text(yaml.safe_dump(
            {**by_hand, "digest": digest(Sheet.model_validate(by_hand))}, sort_keys=False), encoding="utf-8")

    result = run("sheets", "import", *map(str, pdfs), "--bank", "bank", "--out", "imported")
    assert result.exit_code == 0, result.output
    written = sorted((root / "imported" / "cand-pdf").glob("*.yaml"))
    assert len(written) == 2
    sheets = {yaml.safe_load(path.read_text())["stage"]: yaml.safe_load(path.read_text()) for path in written}
    plan, n, row = swapped
    assert sheets[plan.stage.id]["ratings"][n - 1]["question"] == row.alternates[0].id
    assert sheets[plans[1].stage.id]["shadowing"] is True and sheets[plans[0].stage.id]["shadowing"] is False
    for stage, sheet in sheets.items():
        hand = yaml.safe_load((typed / f"{stage}.yaml").read_text())
        assert sheet["ratings"] == hand["ratings"] and sheet["digest"] == hand["digest"]
    checked = run("validate", "--bank", "bank", "--sheets", "imported/cand-pdf")
    assert checked.exit_code == 0, checked.output
    from_pdf = run("debrief", "imported/cand-pdf", "--bank", "bank", "--out", str(tmp_path / "a"), "--no-pdf")
    by_hand = run("debrief", "typed/cand-pdf", "--bank", "bank", "--out", str(tmp_path / "b"), "--no-pdf")
    assert from_pdf.exit_code == by_hand.exit_code and from_pdf.exit_code != 1, from_pdf.output
    assert from_pdf.output.replace("imported", "typed").replace("/a/", "/b/") == by_hand.output
    again = run("sheets", "import", *map(str, pdfs), "--bank", "bank", "--out", "imported")
    assert again.exit_code == 1 and "already exists; nothing was written" in again.output


def fill(pdf: bytes, path: Path, values: dict[str, str], checks: dict[str, str]) -> Path:
    """The PDF with its text fields filled and its radio buttons and checkboxes set, as a viewer saves it."""
    path.write_bytes(pdf)
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.set_need_appearances_writer(True)
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    for annotation in (a.get_object() for page in writer.pages for a in page.get("/Annots") or []):
        parent = annotation.get("/Parent")
        field = parent.get_object() if parent is not None else annotation
        name = str(field.get("/T"))
        if name in checks:
            state = NameObject(checks[name])
            field[NameObject("/V")] = state
            on = state in annotation.get("/AP", {}).get("/N", {})
            annotation[NameObject("/AS")] = state if on else NameObject("/Off")
    writer.write(path)
    return path


def small_pdf(path: Path, keywords: list[str] | None, fields: dict[str, object]) -> Path:
    """A one-page PDF with form fields (text, or a radio group's value with its /Opt) and these keywords:
    the shape of a stage sheet without printing one."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    annotations, made = ArrayObject(), ArrayObject()
    for name, value in fields.items():
        field = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
                                  NameObject("/T"): TextStringObject(name),
                                  NameObject("/Rect"): ArrayObject([FloatObject(0)] * 4)})
        if isinstance(value, tuple):  # (options, chosen index or None): a radio group
            options, index = value
            field[NameObject("/FT")] = NameObject("/Btn")
            field[NameObject("/Ff")] = NumberObject(49152)
            field[NameObject("/Opt")] = ArrayObject([TextStringObject(o) for o in options])
            field[NameObject("/V")] = NameObject(f"/{index}" if index is not None else "/Off")
        elif isinstance(value, bool):  # a checkbox
            field[NameObject("/FT")] = NameObject("/Btn")
            field[NameObject("/V")] = NameObject("/on" if value else "/Off")
        else:
            field[NameObject("/FT")] = NameObject("/Tx")
            field[NameObject("/V")] = TextStringObject(value)
        reference = writer._add_object(field)
        annotations.append(reference)
        made.append(reference)
    page[NameObject("/Annots")] = annotations
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): made})
    if keywords is not None:
        writer.add_metadata({"/Keywords": ", ".join(keywords)})
    writer.write(path)
    return path


def sheet_fields(packet, stage: str, scores: dict[int, str | None], evidence: dict[int, str]) -> dict[str, object]:
    plan = next(plan for plan in packet.stages if plan.stage.id == stage)
    fields: dict[str, object] = {f"{stage}.candidate": "cand-pdf", f"{stage}.interviewer": "Dana",
                                 f"{stage}.submitted": "2026-11-20T11:00Z", f"{stage}.swapped": "",
                                 f"{stage}.shadowing": False}
    for n, _ in enumerate(plan.rows, 1):
        score = scores.get(n, "3")
        fields[f"{stage}.q{n}.score"] = (SCORES, SCORES.index(score) if score else None)
        fields[f"{stage}.q{n}.evidence"] = evidence.get(n, EVIDENCE)
    return fields


def test_a_stage_sheet_pdf_with_every_field_filled_imports(kit, tmp_path):
    root, _, packet, editions = kit
    keywords = stage_sheet_keywords(packet.slug, editions[f"{packet.slug}#retrieval"].digest, "retrieval")
    pdf = small_pdf(tmp_path / "filled.pdf", keywords, sheet_fields(packet, "retrieval", {2: "no evidence"}, {2: ""}))
    result = run("sheets", "import", str(pdf), "--bank", "bank", "--out", "imported")
    assert result.exit_code == 0, result.output
    sheet = yaml.safe_load(next((root / "imported" / "cand-pdf").glob("*.yaml")).read_text())
    assert [r["score"] for r in sheet["ratings"]] == [3, "no-evidence"]
    assert sheet["digest"] == digest(Sheet.model_validate(sheet))


@pytest.mark.parametrize("scores, evidence, expected", [
    ({2: None}, {}, "filled.pdf:1:1: LK004 field retrieval.q2.score: no score chosen for question 2"),
    ({1: "4"}, {1: ""}, "filled.pdf:1:1: LK306 field retrieval.q1.score: a score of 4 with no evidence"),
])
def test_a_half_filled_stage_sheet_pdf_is_reported_at_its_field_and_writes_nothing(kit, tmp_path, scores, evidence,
                                                                                  expected):
    root, _, packet, editions = kit
    keywords = stage_sheet_keywords(packet.slug, editions[f"{packet.slug}#retrieval"].digest, "retrieval")
    pdf = small_pdf(tmp_path / "filled.pdf", keywords, sheet_fields(packet, "retrieval", scores, evidence))
    result = run("sheets", "import", str(pdf), "--bank", "bank", "--out", "imported")
    assert result.exit_code == 1 and expected in result.output, result.output
    assert "nothing was written" in result.output and not (root / "imported").exists()


def test_an_unfilled_field_and_an_unknown_swap_are_named(kit, tmp_path):
    root, _, packet, editions = kit
    keywords = stage_sheet_keywords(packet.slug, editions[f"{packet.slug}#retrieval"].digest, "retrieval")
    fields = {**sheet_fields(packet, "retrieval", {}, {}), "retrieval.interviewer": "",
              "retrieval.swapped": "another question", "retrieval.submitted": "Friday afternoon"}
    result = run("sheets", "import", str(small_pdf(tmp_path / "filled.pdf", keywords, fields)), "--bank", "bank",
                 "--out", "imported")
    assert result.exit_code == 1
    assert "LK004 field retrieval.interviewer: empty; expected your name" in result.output
    assert "LK304 field retrieval.swapped: 'another question' names no alternate of this stage" in result.output
    assert "LK003 field retrieval.submitted: 'Friday afternoon' is not a date and time" in result.output
    assert not (root / "imported").exists()


def test_a_pdf_that_is_no_loopkit_stage_sheet_writes_nothing(kit, tmp_path):
    root, _, packet, editions = kit
    other = small_pdf(tmp_path / "other.pdf", ["invoice"], {"name": "Dana"})
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 not really")
    good = small_pdf(tmp_path / "filled.pdf", stage_sheet_keywords(packet.slug, editions[f"{packet.slug}#retrieval"].digest,
                                                                   "retrieval"), sheet_fields(packet, "retrieval", {}, {}))
    result = run("sheets", "import", str(good), str(other), str(broken), "--bank", "bank", "--out", "imported")
    assert result.exit_code == 1
    assert "other.pdf:1:1: LK011 not a loopkit stage sheet" in result.output
    assert "broken.pdf:1:1: LK011 cannot be read as a PDF" in result.output
    assert not (root / "imported").exists()


def test_a_stage_sheet_printed_from_other_rubrics_is_refused(kit, tmp_path):
    root, _, packet, editions = kit
    keywords = stage_sheet_keywords(packet.slug, "0123456789ab", "retrieval")
    pdf = small_pdf(tmp_path / "old.pdf", keywords, sheet_fields(packet, "retrieval", {}, {}))
    result = run("sheets", "import", str(pdf), "--bank", "bank", "--out", "imported")
    assert result.exit_code == 1
    assert "old.pdf:1:1: LK302 printed from edition 0123456789ab of the retrieval stage sheet" in result.output
    assert not (root / "imported").exists()
