"""The built site as files: no broken internal link, no interviewer-only text on candidate pages."""
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from loopkit import markup
from loopkit.pipeline import Project, check

from browser import build_site
from conftest import REPO


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and tag in ("a", "link", "img", "script"):
                self.links.append(attrs[name])


def parsed(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("links") / "project", REPO / "question_bank")


def test_no_broken_internal_link_in_the_whole_site(site):
    pages = {path: parsed(path) for path in site.rglob("*.html")}
    broken = []
    for page, links in pages.items():
        for link in links.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
                continue
            path = unquote(parts.path)
            if not path:
                target = page
            elif path.startswith("/"):  # root-absolute, as in 404.html: the site's root, not the disk's
                target = (site / path.lstrip("/")).resolve()
            else:
                target = (page.parent / path).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in pages[target].ids:
                broken.append(f"{page.relative_to(site)} -> {link} (no such anchor)")
    assert len(pages) > 300
    assert broken == []


def visible_text(path: Path) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def interviewer_only_strings(bank) -> set[str]:
    """Every text an interviewer sees and a candidate must not: prompts, material, notes, probes and what to
    listen for, flags, rubric anchors, level bars, calibration answers. Each as it reads on a page, cut to a
    distinctive length."""
    found = set()
    for q in bank.questions.values():
        texts = [q.prompt, q.material, q.interviewer_notes,
                 *(text for probe in q.follow_ups for text in (probe.ask, probe.listen_for)),
                 *q.green_flags, *q.red_flags,
                 *(item for point in q.rubric.values() for item in point), q.ai_use.observe,
                 *(bar.separates for bar in q.bar.values()),
                 *(part for answer in q.calibration for part in (answer.answer, answer.why))]
        for text in filter(None, texts):
            words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup.block(text))).split())
            if len(words) >= 30:
                found.add(words[:60])
    return found


def test_candidate_pages_hold_no_interviewer_only_text(tmp_path):
    bank = check(Project.at(REPO)).bank
    secrets = interviewer_only_strings(bank)
    assert len(secrets) > 2000
    standalone = build_site(tmp_path / "candidate", REPO / "question_bank", "--audience", "candidate")
    interviewer = build_site(tmp_path / "interviewer", REPO / "question_bank")
    pages = list(standalone.rglob("*.html")) + list((interviewer / "kit" / "candidates").rglob("*.html"))
    assert len(pages) >= 2 * 17
    search_index = (standalone / "search" / "search_index.json").read_text(encoding="utf-8")
    for page in pages:
        text = visible_text(page)
        leaks = [secret for secret in secrets if secret in text]
        assert leaks == [], f"{page} shows interviewer-only text: {leaks[:3]}"
    assert [secret for secret in secrets if secret in search_index] == []


def test_the_candidate_site_holds_only_candidate_pages(tmp_path):
    standalone = build_site(tmp_path / "candidate", REPO / "question_bank", "--audience", "candidate")
    pages = sorted(p.relative_to(standalone).as_posix() for p in standalone.rglob("index.html"))
    assert "index.html" in pages and "ai-application-engineer/senior/index.html" in pages
    assert not [p for p in pages if p.startswith(("kit/", "tags/", "guides/"))]
    assert "Accommodations" in (standalone / "research-engineer" / "lead" / "index.html").read_text()
