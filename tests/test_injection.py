"""Bank text is untrusted: HTML or script in any field reaches pages as text, never as live markup."""
import re
import shutil
from html.parser import HTMLParser

import pytest

from browser import build_site, chromium, served
from conftest import FIXTURES

pytestmark = pytest.mark.slow

PAYLOADS = [
    '<script>window.__pwned = "script"</script>',
    '<img src=x onerror="window.__pwned = \'img\'">',
    '[click me](javascript:window.__pwned="link")',
    '<a href="javascript:window.__pwned=\'anchor\'">anchor</a>',
    '</title><svg onload="window.__pwned=\'svg\'">',
    '"><iframe srcdoc="<script>parent.__pwned=1</script>">',
    '{: onclick=window.__pwned=1 }',  # an attribute list, where mkdocs re-reads a table cell
]
PAGES = ["", "kit/", "kit/ai-application-engineer/", "kit/ai-application-engineer/senior/",
         "kit/ai-application-engineer/senior/retrieval/", "kit/questions/", "kit/questions/chunk-size-choice/",
         "kit/competencies/", "kit/competencies/rag/", "kit/coverage/", "kit/candidates/",
         "kit/candidates/ai-application-engineer/senior/", "tags/"]


def poison(text: str, key: str, payload: str) -> str:
    """Append the payload to every value of `key` (plain and list items), keeping the YAML valid."""
    quoted = payload.replace("'", "''")
    text = re.sub(rf"^(\s*{key}: )(?![|>\[])(.+)$", lambda m: f"{m[1]}'{m[2].strip(chr(39))} {quoted}'", text, flags=re.M)
    return text


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.events += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]


def event_attributes(html: str) -> list[str]:
    """Every event handler attribute (onclick, onerror, ...) on any tag of the page."""
    parser = _Attributes()
    parser.feed(html)
    return parser.events


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("injection")
    bank = root / "bank"
    shutil.copytree(FIXTURES / "bank", bank)
    for number, path in enumerate(sorted(bank.rglob("*.yaml"))):
        payload = PAYLOADS[number % len(PAYLOADS)]
        text = path.read_text()
        for key in ("title", "name", "interviewer", "summary", "ships", "separates", "observe"):
            text = poison(text, key, payload)
        text = text.replace("prompt: |\n", f"prompt: |\n  {payload}\n\n", 1)
        text = re.sub(r"^(  - )(.+)$", lambda m: f"{m[1]}'{m[2]} {payload.replace(chr(39), chr(39) * 2)}'"
                      if not m[2].startswith(("'", '"')) and ":" not in m[2] else m[0], text, flags=re.M)
        path.write_text(text)
    return build_site(root / "project", bank)


def test_payloads_reach_pages_as_text(site):
    page = (site / "kit" / "questions" / "chunk-size-choice" / "index.html").read_text()
    assert "&lt;script&gt;" in page or "&lt;img" in page
    for html_file in site.rglob("*.html"):
        text = html_file.read_text()
        assert "<script>window.__pwned" not in text, html_file
        assert not re.search(r"<(img|svg|iframe)[^>]*(onerror|onload|srcdoc)=", text), html_file
        assert not event_attributes(text), html_file  # the theme itself uses none
        assert not re.search(r"<a\b[^>]*href=[\"']?javascript:", text), html_file


def test_payloads_stay_inert_in_the_browser(site):
    with served(site) as base, chromium() as browser:
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in PAGES:
            page.goto(base + path)
            page.wait_for_load_state("load")
            assert page.evaluate("window.__pwned") is None, path
            assert page.evaluate("document.querySelectorAll('article [onerror], article [onload], article iframe, "
                                 "article a[href^=\"javascript:\"]').length") == 0, path
        page.goto(base)
        page.locator("input.md-search__input").click()
        page.locator("input.md-search__input").press_sequentially("window")  # in every payload
        # Results are drawn once the index is loaded: the moment a payload in them would run.
        page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=15000)
        assert page.evaluate("window.__pwned") is None
        assert dialogs == []
