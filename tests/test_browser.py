"""The interviewer site in a real browser (Debian's chromium driven by Playwright), built from the bundled bank."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from browser import build_site, chromium, served
from conftest import REPO

pytestmark = pytest.mark.slow

PAGE_TYPES = {
    "home": "",
    "packets": "kit/",
    "role": "kit/ml-engineer/",
    "packet": "kit/ai-application-engineer/senior/",
    "stage guide": "kit/ai-application-engineer/senior/rag-code-review/",
    "questions": "kit/questions/",
    "questions, page 2": "kit/list/questions/2/",
    "question": "kit/questions/pushed-back-on-ai/",
    "competency": "kit/competencies/rag/",
    "coverage": "kit/coverage/",
    "candidates": "kit/candidates/",
    "candidate packet": "kit/candidates/research-engineer/staff/",
    "tags": "tags/",
    "guide": "guides/writing-questions/",
    "error codes": "kit/reference/error-codes/",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("browser") / "project", REPO / "question_bank")


@pytest.fixture(scope="module")
def base(site):
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert errors == [], f"JavaScript errors: {errors}"


def heading(page) -> str:
    return page.locator("h1").inner_text().rstrip("¶").strip()  # the permalink sign is part of the text


def test_home_to_a_stage_guide_in_two_clicks(page, base):
    page.goto(base)
    row = page.locator("table tr", has=page.get_by_role("link", name="AI application engineer", exact=True))
    row.get_by_role("link", name="Senior", exact=True).click()
    page.get_by_role("link", name="RAG code review").first.click()
    assert heading(page) == "RAG code review"
    assert page.url.endswith("/kit/ai-application-engineer/senior/rag-code-review/")
    expect(page.get_by_role("heading", name="Score sheet")).to_be_visible()  # waits, unlike is_visible()


def test_search_finds_a_question_by_a_word_of_its_prompt(page, base):
    page.goto(base)
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("Northwind")  # only in one question's prompt
    result = page.locator(".md-search-result__item").first
    result.wait_for(state="visible", timeout=15000)
    assert "context packing" in page.locator(".md-search-result").inner_text().lower()


def test_the_tags_page_lists_questions(page, base):
    page.goto(base + "tags/")
    assert page.get_by_role("link", name="A time you argued against using AI").count() >= 1
    page.get_by_role("link", name="A time you argued against using AI").first.click()
    assert heading(page) == "A time you argued against using AI"


def test_the_question_index_pages_through_the_bank(page, base):
    page.goto(base + PAGE_TYPES["questions"])
    assert heading(page) == "All questions"
    first = page.locator("article table a").first.inner_text()
    page.get_by_role("link", name="next ›").first.click()
    assert heading(page) == "All questions, page 2"
    assert page.locator("article table a").first.inner_text() != first
    page.get_by_role("link", name="« first").first.click()
    assert heading(page) == "All questions"


def test_printing_hides_navigation_and_keeps_rubric_tables_whole(page, base):
    page.goto(base + PAGE_TYPES["stage guide"])
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-search"):
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).display") == "none"
    rubric = page.locator("table.lk-rubric").first
    assert rubric.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    assert rubric.evaluate("e => e.scrollWidth <= e.parentElement.clientWidth + 1")


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_a_phone_shows_no_horizontal_scroll(browser, base, name):
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.goto(base + PAGE_TYPES[name])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_axe_finds_no_serious_or_critical_violation(page, base, name):
    page.goto(base + PAGE_TYPES[name])
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
