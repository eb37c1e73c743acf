"""The bank that ships with loopkit: valid, complete, and it builds a strict site."""
import pytest
from click.testing import CliRunner

from pdfcheck import page_texts, thin_pages
from loopkit.render import stage_sheet_name

from loopkit.cli import cli
from loopkit.pipeline import Project, check

from conftest import REPO


def test_the_bundled_bank_has_no_errors_or_warnings():
    compiled = check(Project.at(REPO))
    assert [p for p in compiled.problems if p.severity != "notice"] == []  # notices: questions in reserve


def test_every_role_and_level_has_a_packet_with_every_stage_staffed():
    compiled = check(Project.at(REPO))
    bank = compiled.bank
    assert len(bank.roles) >= 4 and len(bank.levels) >= 4 and len(bank.competencies) >= 11
    assert {(p.role.id, p.level.id) for p in compiled.packets} == {(r, l) for r in bank.roles for l in bank.levels}
    for packet in compiled.packets:
        for stage in packet.stages:
            assert all(block.primary.status == "active" for block in stage.blocks)


@pytest.mark.slow
def test_the_bundled_bank_builds_a_strict_site_and_every_pdf(project):
    result = CliRunner().invoke(cli, ["build", "--bank", str(REPO / "question_bank")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    compiled = check(Project.at(REPO))
    for packet in compiled.packets:
        page = project / "site" / "kit" / packet.role.id / packet.level.id / "index.html"
        assert packet.role.name in page.read_text()
        pages = page_texts(project / "site" / "kit" / "pdf" / f"{packet.role.id}-{packet.level.id}.pdf")
        text = " ".join(" ".join(page.split()) for page in pages)
        assert 20 < len(pages) < 400
        for stage in packet.stages:
            for block in stage.blocks:
                assert " ".join(block.primary.title.split()) in text
    # Every page prints enough to be worth its sheet of paper, and a 60-minute stage fits 8 pages.
    assert thin_pages(project / "site" / "kit" / "pdf") == []
    for packet in compiled.packets:
        for plan in packet.stages:
            sheet = project / "site" / "kit" / stage_sheet_name(packet, plan.stage.id)
            assert len(page_texts(sheet)) <= 8 * max(plan.stage.minutes, 60) / 60, sheet.name
