"""Golden files: the pages rendered from the small fixture bank. Run pytest --update-golden after an
intended change, and review the diff of tests/golden/ like any other change."""
from pathlib import Path

from loopkit.edition import Edition
from loopkit.pipeline import Project, check
from loopkit.render import render_site

from conftest import REPO

GOLDEN = Path(__file__).resolve().parent / "golden"
EDITIONS = {f"ai-application-engineer/{level}": Edition("0.1.0", "2026-11-01", "0123456789", "abcdef012345")
            for level in ("junior", "senior")}


def test_rendered_pages_match_the_golden_files(fixture_bank, update_golden):
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    pages = render_site(compiled.bank, compiled.packets, REPO / "site_templates", EDITIONS)
    if update_golden:
        for old in GOLDEN.rglob("*.*"):
            old.unlink()
        for relative, text in pages.items():
            (GOLDEN / relative).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / relative).write_text(text)
    golden = {p.relative_to(GOLDEN).as_posix(): p.read_text() for p in GOLDEN.rglob("*.*")}
    assert sorted(pages) == sorted(golden)
    for relative, text in pages.items():
        assert text == golden[relative], f"{relative} differs from its golden file"


def test_every_packet_has_a_page_and_every_stage_a_guide(fixture_bank):
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    pages = render_site(compiled.bank, compiled.packets, REPO / "site_templates", EDITIONS)
    for packet in compiled.packets:
        assert f"{packet.slug}/index.md" in pages
        for stage in packet.stages:
            guide = pages[f"{packet.slug}/{stage.stage.id}.md"]
            for block in stage.blocks:
                assert block.primary.title in guide
                assert all(alternate.title in guide for alternate in block.alternates)
            assert "## Score sheet" in guide
