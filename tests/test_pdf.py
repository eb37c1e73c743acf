"""Printed packets: a PDF per packet and per committee, complete, with embedded fonts, cached by content."""
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from loopkit.cli import cli
from loopkit.pipeline import Project, check

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
    assert "pdfs: 4 rendered, 0 from cache; they go to site/kit/pdf/" in built[2].stderr


def test_every_packet_has_a_complete_pdf(built):
    folder, packets, _ = built
    for packet in packets:
        reader = PdfReader(folder / f"{packet.role.id}-{packet.level.id}.pdf")
        text = text_of(reader)
        assert 10 <= len(reader.pages) <= 400
        assert tuple(round(x) for x in reader.pages[0].mediabox[2:]) == A4
        for stage in packet.stages:
            assert f"Score sheet · stage" in text and stage.stage.name in text
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
    assert "pdfs: 4 rendered, 0 from cache" in built[2].stderr
    (fixture_bank.parent / "project" / "content" / "tags.md").open("a").write("\nA change to no packet.\n")
    assert "pdfs: 0 rendered, 4 from cache" in build("--bank", str(fixture_bank)).stderr
    loop = fixture_bank / "loops" / "ai-application-engineer" / "senior.yaml"
    loop.write_text(loop.read_text().replace("name: Retrieval design", "name: Retrieval design review"))
    assert "pdfs: 2 rendered, 2 from cache" in build("--bank", str(fixture_bank)).stderr


def test_us_letter_by_option(project, fixture_bank):
    build("--bank", str(fixture_bank), "--paper", "letter")
    reader = PdfReader(project / "site" / "kit" / "pdf" / "ai-application-engineer-junior.pdf")
    assert tuple(round(x) for x in reader.pages[0].mediabox[2:]) == LETTER


def test_no_pdf_builds_a_site_without_links_to_pdfs(project, fixture_bank):
    build("--bank", str(fixture_bank), "--no-pdf")
    assert not (project / "site" / "kit" / "pdf").exists()
    html = (project / "site" / "kit" / "ai-application-engineer" / "senior" / "index.html").read_text()
    assert ".pdf" not in html
