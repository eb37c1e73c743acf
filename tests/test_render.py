"""Golden files: the pages rendered from the small fixture bank. Run pytest --update-golden after an
intended change, and review the diff of tests/golden/ like any other change."""
import re
from pathlib import Path

from loopkit.edition import Edition
from loopkit.markup import plain
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


def test_listings_of_the_whole_bank_come_in_pages_of_a_fixed_size(fixture_bank):
    """250 questions: the question index and the RAG competency page split into pages of 100, each
    linking to its neighbours, and every question listed exactly once."""
    original = (fixture_bank / "questions" / "chunk-size-choice.yaml").read_text()
    for number in range(241):
        (fixture_bank / "questions" / f"copy-{number:03d}.yaml").write_text(
            original.replace("id: chunk-size-choice", f"id: copy-{number:03d}")
                    .replace("title: Choosing", f"title: Copy {number:03d} of choosing"))
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    assert compiled.ok and len(compiled.bank.questions) == 250
    pages = render_site(compiled.bank, compiled.packets, REPO / "site_templates", EDITIONS)
    index = ["questions/index.md", "list/questions/2.md", "list/questions/3.md"]
    assert [path for path in pages if path.startswith(("questions/index", "list/questions/"))] == index
    listed = [found for path in index for found in re.findall(r"^\| \[.*?\]\((?:\.\./)+questions/([\w-]+)\.md\)",
                                                               pages[path], flags=re.M)]
    assert len(listed) == len(set(listed)) == 250
    assert "Page 2 of 3" in pages[index[1]]
    assert "[‹ previous](../../questions/index.md)" in pages[index[1]]
    assert "[next ›](../../list/questions/3.md)" in pages[index[1]]
    rag = [path for path in pages if path == "competencies/rag.md" or path.startswith("list/rag/")]
    assert rag == ["competencies/rag.md", "list/rag/2.md", "list/rag/3.md"]
    assert "Questions 101 to 200 of the 247" in pages["list/rag/2.md"]
    largest = max(len(pages[path]) for path in index + rag)
    assert largest < 40_000


def test_astral_characters_in_titles_and_names_survive_the_front_matter(fixture_bank):
    """An emoji in a title or a role name reaches the page's title and tags as written, not as two broken
    surrogates that make the page fall back to its file name and lose its tags."""
    from mkdocs.utils.meta import get_data

    roles = fixture_bank / "vocabulary" / "roles.yaml"
    roles.write_text(roles.read_text().replace("name: AI application engineer", "name: AI application engineer 🤖"))
    question = fixture_bank / "questions" / "chunk-size-choice.yaml"
    question.write_text(question.read_text().replace(
        "title: Choosing a chunk size for policy documents", 'title: "🧩 Choosing\\u2028a chunk\\x85size \\U0001D11E \\U0010FFFD"'))
    compiled = check(Project.at(fixture_bank.parent, fixture_bank))
    assert compiled.ok
    pages = render_site(compiled.bank, compiled.packets, REPO / "site_templates", EDITIONS)
    _, role = get_data(pages["ai-application-engineer/index.md"])
    assert role == {"title": "AI application engineer 🤖", "tags": ["AI application engineer 🤖"]}
    _, stage = get_data(pages["ai-application-engineer/senior/retrieval.md"])
    assert "AI application engineer 🤖" in stage["tags"]
    _, page = get_data(pages["questions/chunk-size-choice.md"])
    assert page["title"] == "🧩 Choosing\u2028a chunk\x85size \U0001D11E \U0010FFFD"


def test_practice_pages_keep_each_key_apart_and_stage_guides_list_them_first():
    """Calibration practice: one static page per question with worked answers, answers in an order that does
    not give their scores away, each key in its own disclosure after the answer; stage guides list them as the
    step before a first interview, and question pages link them."""
    project = Project.at(REPO)
    compiled = check(project)
    editions = {p.slug: Edition("0.1.0", "2026-11-01", "0123456789", "abcdef012345") for p in compiled.packets}
    pages = render_site(compiled.bank, compiled.packets, REPO / "site_templates", editions)
    calibrated = [q for q in compiled.bank.questions.values() if q.calibration]
    assert len(calibrated) > 100
    orders = []
    for question in calibrated:
        page = pages[f"practice/{question.id}.md"]
        assert "search:\n  exclude: true" in page  # worked answers would outweigh the questions in search
        keys = re.findall(r'data-key="(\d)"', page)
        assert sorted(keys) == ["1", "2", "3", "4"] and page.count('<details class="lk-key">') == 4
        assert page.index('data-key="') < page.index('<details class="lk-key">')
        orders.append(keys)
        assert f"../practice/{question.id}.md" in pages[f"questions/{question.id}.md"]
    assert sum(keys != sorted(keys) for keys in orders) > len(orders) / 2
    packet = next(p for p in compiled.packets if p.slug == "ai-application-engineer/senior")
    plan = next(s for s in packet.stages if any(q.calibration for b in s.blocks for q in (b.primary, *b.alternates)))
    stage = pages[f"ai-application-engineer/senior/{plan.stage.id}.md"]
    assert stage.index("Before your first interview\nwith them, [practise scoring](#practise-scoring)") < stage.index(
        "## Block 1")
    listed = stage[stage.index("## Practise scoring"):stage.index("## Score sheet")]
    for question in {q.id: q for b in plan.blocks for q in (b.primary, *b.alternates) if q.calibration}.values():
        assert f"- [{plain(question.title)}](../../practice/{question.id}.md)" in listed
    practice = [text for path, text in pages.items() if path == "practice/index.md" or path.startswith("list/practice/")]
    assert all(sum(f"[{plain(q.title)}](" in text and f"practice/{q.id}.md)" in text for text in practice) == 1
               for q in calibrated)  # every calibrated question on one page of the paged listing
