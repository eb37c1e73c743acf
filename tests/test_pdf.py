"""Printed packets: a stage sheet per stage, an interview and a committee PDF per packet assembled from them,
complete, tagged, fillable, with embedded fonts, cached by content."""
import re

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from loopkit.cli import cli
from loopkit.pipeline import Project, check
from loopkit.render import stage_sheet_name
from pdfcheck import thin_pages

pytestmark = pytest.mark.slow

A4 = (595, 842)
LETTER = (612, 792)


def build(*args):
    result = CliRunner().invoke(cli, ["build", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def fonts_of(reader: PdfReader) -> list:
    fonts = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts.append(descriptor.get_object())
    return fonts


@pytest.fixture
def built(project, fixture_bank):
    result = build("--bank", str(fixture_bank))
    packets = check(Project.at(project, fixture_bank)).packets
    return project / "site" / "kit" / "pdf", packets, result


def test_the_build_says_where_the_pdfs_went(built):
    assert re.search(r"pdfs: 8 rendered, 0 from cache, \d+ pages laid out and \d+ written in [\d.]+ s "
                     r"\(\d+ pages/s\); they go to site/kit/pdf/",
                     built[2].stderr), built[2].stderr


def test_the_build_counts_the_pages_it_lays_out_and_the_pages_it_writes(built):
    folder, _, result = built
    laid_out, written = map(int, re.search(r"(\d+) pages laid out and (\d+) written", result.stderr).groups())
    assert written == sum(len(PdfReader(pdf).pages) for pdf in folder.glob("*.pdf"))
    assert laid_out < written  # a stage's pages are laid out once for its sheet and its two packets


def test_every_packet_has_a_complete_pdf(built):
    folder, packets, _ = built
    for packet in packets:
        reader = PdfReader(folder / f"{packet.role.id}-{packet.level.id}.pdf")
        text = text_of(reader)
        assert 10 <= len(reader.pages) <= 400
        assert tuple(round(x) for x in reader.pages[0].mediabox[2:]) == A4
        for stage in packet.stages:
            assert "Score sheet · stage" in text and stage.stage.name in text
            for block in stage.blocks:
                for question in (block.primary, *block.alternates):
                    assert " ".join(question.title.split()) in text
        assert "Debrief form" in text and "no decision" in text and "shadowing" in text
        assert "Page 2 of" in text and packet.role.name in text


def test_the_committee_packet_has_score_sheets_without_alternates(built):
    folder, packets, _ = built
    for packet in packets:
        text = text_of(PdfReader(folder / f"{packet.role.id}-{packet.level.id}-committee.pdf"))
        assert "Decision rule" in text and "Competency x stage" in text
        assert "How the decision is computed" in text and "Every question scored at its bar" in text
        assert "strong yes" not in text and "Observed (" in text
        assert text.count("Score sheet · stage") == len(packet.stages)
        assert "Alternate" not in text
        for stage in packet.stages:
            for block in stage.blocks:
                assert " ".join(block.primary.title.split()) in text


def test_fonts_are_embedded(built):
    folder, _, _ = built
    for pdf in folder.glob("*.pdf"):
        fonts = fonts_of(PdfReader(pdf))
        assert fonts and all({"/FontFile", "/FontFile2", "/FontFile3"} & set(f.keys()) for f in fonts)


def test_packet_pages_link_their_pdfs(built, project):
    html = (project / "site" / "kit" / "ai-application-engineer" / "senior" / "index.html").read_text()
    assert "ai-application-engineer-senior.pdf" in html and "ai-application-engineer-senior-committee.pdf" in html


def test_only_changed_packets_are_printed_again(built, fixture_bank):
    # 2 packets x (2 stage sheets + the interview packet + the committee packet)
    assert "pdfs: 8 rendered, 0 from cache" in built[2].stderr
    (fixture_bank.parent / "project" / "content" / "tags.md").open("a").write("\nA change to no packet.\n")
    assert "pdfs: 0 rendered, 8 from cache" in build("--bank", str(fixture_bank)).stderr
    loop = fixture_bank / "loops" / "ai-application-engineer" / "senior.yaml"
    loop.write_text(loop.read_text().replace("name: Retrieval design", "name: Retrieval design review"))
    # the packet's stage sheets and its two packets: every stage sheet names its stage edition in its PDF
    # keywords (for `loopkit sheets import`), and the loop file is part of every stage's edition; the other
    # packet's PDFs come from the cache
    assert "pdfs: 4 rendered, 4 from cache" in build("--bank", str(fixture_bank)).stderr


def test_editing_a_question_reprints_only_the_sheets_and_packets_that_hold_it(built, fixture_bank):
    folder, packets, _ = built
    question = next(q for q in packets[0].stages[0].blocks[0].alternates)
    holding = {stage_sheet_name(p, plan.stage.id) for p in packets for plan in p.stages
               if any(question in (b.primary, *b.alternates) for b in plan.blocks)}
    packets_holding = {p.slug for p in packets if question in p.questions}
    path = next(fixture_bank.rglob(f"{question.id}.yaml"))
    path.write_text(path.read_text().replace(question.title, question.title + " again"))
    expected = len(holding) + 2 * len(packets_holding)
    total = sum(len(p.stages) + 2 for p in packets)
    assert f"pdfs: {expected} rendered, {total - expected} from cache" in build("--bank", str(fixture_bank)).stderr


def test_us_letter_by_option(project, fixture_bank):
    build("--bank", str(fixture_bank), "--paper", "letter")
    reader = PdfReader(project / "site" / "kit" / "pdf" / "ai-application-engineer-junior.pdf")
    assert tuple(round(x) for x in reader.pages[0].mediabox[2:]) == LETTER


def test_no_pdf_builds_a_site_without_links_to_pdfs(project, fixture_bank):
    build("--bank", str(fixture_bank), "--no-pdf")
    assert not (project / "site" / "kit" / "pdf").exists()
    html = (project / "site" / "kit" / "ai-application-engineer" / "senior" / "index.html").read_text()
    assert ".pdf" not in html


def test_every_stage_has_a_stage_sheet_with_what_its_interviewer_needs(built):
    folder, packets, _ = built
    for packet in packets:
        for number, plan in enumerate(packet.stages, 1):
            reader = PdfReader(folder.parent / stage_sheet_name(packet, plan.stage.id))
            text = text_of(reader)
            assert len(reader.pages) <= 8 * max(plan.stage.minutes, 60) / 60
            assert f"Stage {number}: {plan.stage.name}" in text and f"Your {plan.stage.minutes} minutes" in text
            assert f"Score sheet · stage {number}" in text and "no evidence" in text
            for block in plan.blocks:
                assert " ".join(block.primary.title.split()) in text
                assert "FOLLOW-UP PROBES" in text.upper() and "GREEN FLAGS" in text.upper()
                for alternate in block.alternates:
                    assert " ".join(alternate.title.split()) in text
            # One number for a block's minutes: the plan's, on the question and the score sheet alike.
            for block in plan.blocks:
                assert f"{block.minutes} min in this stage" in text
                assert f"{block.competency.name} · {block.minutes} min" in text


def test_packets_are_assembled_from_the_parts_with_contents_that_point_at_them(built):
    folder, packets, _ = built
    for packet in packets:
        for committee in (False, True):
            name = f"{packet.role.id}-{packet.level.id}{'-committee' if committee else ''}.pdf"
            reader = PdfReader(folder / name)
            contents = " ".join((reader.pages[1].extract_text() or "").split())
            assert contents.startswith("Contents")
            pages = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
            for number, plan in enumerate(packet.stages, 1):
                heading = f"Score sheet · stage {number}: {plan.stage.name}"
                start = next(i for i, page in enumerate(pages, 1) if heading in page)
                assert f"Score sheet, stage {number} {start}" in contents
                if not committee:
                    guide = next(i for i, page in enumerate(pages, 1) if f"Stage {number}: {plan.stage.name} " in page
                                 and "Your " in page)
                    assert f"Stage {number}: {plan.stage.name} {guide}" in contents
            titles, pending = [], list(reader.outline)
            while pending:  # the bookmarks, nested under the cover's title
                item = pending.pop()
                pending.extend(item) if isinstance(item, list) else titles.append(item.title)
            assert "Debrief form" in titles and any(t.startswith("Score sheet") for t in titles)


def test_no_page_prints_fewer_than_40_words_but_a_cover(built):
    folder, _, _ = built
    assert thin_pages(folder) == []


def test_the_debrief_form_has_a_feedback_line_per_interviewer(built):
    folder, packets, _ = built
    for packet in packets:
        fields = PdfReader(folder / f"{packet.role.id}-{packet.level.id}-committee.pdf").get_fields()
        assert {f"debrief.feedback-{plan.stage.id}" for plan in packet.stages} <= set(fields)


def test_every_pdf_is_tagged_and_its_score_sheets_are_form_fields_a_screen_reader_names(built):
    folder, packets, _ = built
    for pdf in folder.glob("*.pdf"):
        root = PdfReader(pdf).trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"])
        tree = root["/StructTreeRoot"].get_object()
        document = tree["/K"][0].get_object()
        assert document["/S"] == "/Document" and len(document["/K"]) >= 2
        assert root["/Lang"] == "en"
    packet = packets[0]
    for plan in packet.stages:
        reader = PdfReader(folder.parent / stage_sheet_name(packet, plan.stage.id))
        fields = reader.get_fields()
        raw = {str(f.get_object()["/T"]): f.get_object() for f in reader.trailer["/Root"]["/AcroForm"]["/Fields"]
               if "/Kids" in f.get_object() or "/Parent" not in f.get_object()}  # radio groups, not their buttons
        stage = plan.stage.id
        for number, block in enumerate(plan.blocks, 1):
            score = raw[f"{stage}.q{number}.score"]
            assert score["/FT"] == "/Btn" and [str(o) for o in score["/Opt"]] == ["1", "2", "3", "4", "no evidence"]
            assert f"Question {number} score" in score["/TU"]
            evidence = fields[f"{stage}.q{number}.evidence"]
            assert evidence["/FT"] == "/Tx" and "evidence" in evidence["/TU"]
        assert fields[f"{stage}.recommendation"]["/FT"] == "/Btn"
        assert f"{stage}.interviewer" in fields and f"{stage}.shadowing" in fields
    committee = PdfReader(folder / f"{packet.role.id}-{packet.level.id}-committee.pdf").get_fields()
    assert {f"{plan.stage.id}.q1.score" for plan in packet.stages} <= set(committee)


def test_structure_has_headings_lists_and_tables_with_headers(built):
    folder, packets, _ = built
    packet = packets[0]
    reader = PdfReader(folder.parent / stage_sheet_name(packet, packet.stages[0].stage.id))
    kinds = set()
    pending = [reader.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while pending:
        element = pending.pop()
        kids = element.get("/K")
        if "/S" in element:
            kinds.add(element["/S"])
        for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if hasattr(kid, "keys") and kid.get("/Type") != "/OBJR":
                pending.append(kid)
    assert {"/H2", "/H3", "/L", "/LI", "/Table", "/TH", "/TD", "/Form"} <= kinds


def test_a_screen_and_a_take_home_print_their_own_sheets_and_rule(project, fixture_bank):
    """The screen's sheet carries its result, the committee packet its pass rule and simulation, the debrief
    form the screen's result before the onsite, and the take-home's sheet its time box and the stage it replaces."""
    from test_loops import SCREEN, TAKE_HOME, loop_with
    loop_with(fixture_bank, before=SCREEN, after=TAKE_HOME)
    build("--bank", str(fixture_bank))
    folder = project / "site" / "kit" / "pdf"
    packet = next(p for p in check(Project.at(project, fixture_bank)).packets if p.level.id == "senior")
    screen = PdfReader(folder.parent / stage_sheet_name(packet, "screen"))
    assert "Technical screen, before the onsite." in text_of(screen)
    assert "screen.screen-result" in screen.get_fields()
    home = text_of(PdfReader(folder.parent / stage_sheet_name(packet, "take-home")))
    assert "Take-home review, in place of stage 3 (Evaluation design)." in home and "at most 180 minutes" in home
    committee = PdfReader(folder / "ai-application-engineer-senior-committee.pdf")
    text = text_of(committee)
    assert "The screen's pass rule, applied before the onsite" in text and "Every screen question at its bar" in text
    assert "debrief.screen" in committee.get_fields()
    assert thin_pages(folder) == []
