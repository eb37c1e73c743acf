"""The interviewer site in a real browser (Debian's chromium driven by Playwright), built from the bundled bank."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from click.testing import CliRunner
from playwright.sync_api import expect

from loopkit.cli import cli

from browser import build_site, chromium, served
from conftest import REPO

pytestmark = pytest.mark.slow

PAGE_TYPES = {
    "home": "",
    "packets": "kit/",
    "role": "kit/ml-engineer/",
    "packet": "kit/ai-application-engineer/senior/",
    "stage guide": "kit/ai-application-engineer/senior/ai-assisted-coding/",
    "deep design guide": "kit/ai-application-engineer/senior/system-design/",
    "screen guide": "kit/ai-application-engineer/senior/screen/",
    "questions": "kit/questions/",
    "questions, page 2": "kit/list/questions/2/",
    "question": "kit/questions/pushed-back-on-ai/",
    "question with code": "kit/questions/rag-review-multitenant-access/",
    "competency": "kit/competencies/rag/",
    "coverage": "kit/coverage/",
    "candidates": "kit/candidates/",
    "candidate packet": "kit/candidates/research-engineer/staff/",
    "candidate packet with a take-home": "kit/candidates/ai-application-engineer/senior/",
    "tags": "tags/",
    "guide": "guides/writing-questions/",
    "error codes": "kit/reference/error-codes/",
    "decisions": "kit/decisions/",
    "practice": "kit/practice/rag-review-multitenant-access/",
}
STAGE = PAGE_TYPES["stage guide"]


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
    name = "System design: one problem in depth, constraints added as it goes"
    page.get_by_role("link", name=name).first.click()
    assert heading(page) == name
    assert page.url.endswith("/kit/ai-application-engineer/senior/system-design/")
    expect(page.get_by_role("heading", name="Score sheet")).to_be_visible()  # waits, unlike is_visible()


def test_search_finds_a_question_by_a_word_of_its_prompt(page, base):
    page.goto(base)
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("intranet")  # only in one question's prompt
    result = page.locator(".md-search-result__item").first
    result.wait_for(state="visible", timeout=15000)
    assert "context packing" in page.locator(".md-search-result").inner_text().lower()


def test_the_tags_page_lists_questions(page, base):
    page.goto(base + "tags/")
    link = page.locator("article a[href*='questions/']").first  # the first question the page samples
    title = link.inner_text().strip()
    link.click()
    assert heading(page) == title


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


def serious(page) -> list:
    violations = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_axe_finds_no_serious_or_critical_violation(browser, base, name, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(base + PAGE_TYPES[name])
    page.evaluate("document.querySelectorAll('article details').forEach(d => d.open = true)")  # alternates too
    assert serious(page) == []
    page.close()


def open_search(page, query: str):
    """Open search the way a keyboard user does (the header button on narrow screens, else the field) and type."""
    button = page.get_by_role("button", name="Search", exact=True)
    if button.is_visible():
        button.focus()
        page.keyboard.press("Enter")
    else:
        page.locator("input.md-search__input").focus()
    expect(page.locator("input.md-search__input")).to_be_focused()
    page.keyboard.type(query)
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=15000)
    # Results come from a worker, one answer per keystroke: wait until the list stops changing.
    last, same = None, 0
    for _ in range(50):
        now = page.locator(".md-search-result").inner_text()
        same = same + 1 if now == last else 0
        if same == 3:
            break
        last = now
        page.wait_for_timeout(200)


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_with_search_results_open(browser, base, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(base + STAGE)
    open_search(page, "review")  # matches question pages whose text holds code, and stage guides
    assert serious(page) == []
    meta = page.locator(".md-search-result__meta")
    assert meta.get_attribute("aria-live") == "polite" and "matching" in meta.inner_text()  # the count is announced
    page.close()


def test_tab_moves_through_search_results_and_escape_returns_focus(page, base):
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(base + STAGE)
    open_search(page, "argued against")
    results = page.locator(".md-search-result__item a").first
    for _ in range(6):
        page.keyboard.press("Tab")
        if results.evaluate("e => e === document.activeElement"):
            break
    expect(results).to_be_focused()  # the theme shut search on the first Tab
    page.keyboard.press("Escape")
    page.wait_for_timeout(200)
    assert page.evaluate("document.activeElement !== document.body")
    assert page.evaluate("document.activeElement.closest('.md-header') !== null")


# Where the focused element is, and whether anything (the sticky header, a drawer) covers its centre.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {name: 'body', problem: null, body: true};
  const r = el.getBoundingClientRect();
  const name = el.tagName + ' ' + (el.getAttribute('aria-label') || el.textContent.trim().slice(0, 50));
  if (r.width < 1 || r.height < 1) return {name, problem: 'has no size'};
  if (r.right <= 0 || r.left >= innerWidth || r.bottom <= 0 || r.top >= innerHeight) return {name, problem: 'is off screen'};
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1), y = Math.min(Math.max(r.top + Math.min(r.height / 2, 8), 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  if (top && top !== el && !el.contains(top) && !top.contains(el)) return {name, problem: 'is covered by ' + top.tagName + '.' + top.className};
  return {name, problem: null};
}"""


@pytest.mark.parametrize("key", ["Tab", "Shift+Tab"])
@pytest.mark.parametrize("width", [1024, 1280])
def test_keyboard_walk_through_a_stage_guide_keeps_focus_visible(browser, base, width, key):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(base + STAGE)
    page.evaluate("document.querySelectorAll('article details').forEach(d => d.open = true)")
    if key == "Shift+Tab":
        page.keyboard.press("End")
        page.wait_for_timeout(300)
        page.locator(".md-footer a").last.focus()
    stops, problems = [], []
    for _ in range(300):
        page.keyboard.press(key)
        where = page.evaluate(FOCUSED)
        if where.get("body"):
            break  # past the last (or first) stop
        stops.append(where["name"])
        for _ in range(5):  # the theme fades its search overlay out in 250 ms: judge once it is done
            if not where["problem"]:
                break
            page.wait_for_timeout(200)
            where = page.evaluate(FOCUSED)
        if where["problem"]:
            problems.append(f"{where['name']} {where['problem']}")
    assert len(stops) > 20, stops
    assert problems == []
    page.close()


@pytest.mark.parametrize("width", [1024, 390])
def test_the_keyboard_opens_and_closes_the_navigation_drawer(browser, base, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(base + STAGE)
    drawer = page.locator(".md-sidebar--primary")
    assert drawer.get_attribute("inert") is not None  # its links take no focus while it is shut
    menu = page.get_by_role("button", name="Navigation menu")
    menu.focus()
    assert menu.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    page.wait_for_function("document.activeElement.closest('.md-sidebar--primary') !== null")
    assert page.evaluate(FOCUSED)["problem"] is None
    page.keyboard.press("Escape")
    expect(menu).to_be_focused()
    assert drawer.get_attribute("inert") is not None
    page.keyboard.press(" ")  # Space presses it too, as on any button
    assert menu.get_attribute("aria-expanded") == "true"
    page.close()


def test_no_invisible_focus_stops_and_named_toggles(page, base):
    page.goto(base + STAGE)
    assert page.locator("input[name=__palette]").count() == 0
    assert page.locator(".md-search__scrollwrap").evaluate("e => getComputedStyle(e).visibility") == "hidden"
    toggle = page.get_by_role("button", name="Interview packets section")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="Link to this section: Score sheet").count() == 1


def test_a_stage_guide_has_headings_groups_and_text_for_every_symbol(page, base):
    page.goto(base + STAGE)
    for part in ("Ask", "Follow-up probes (use only these)", "Green flags", "Red flags", "Rubric", "Alternates"):
        assert page.get_by_role("heading", name=part, exact=True).count() >= 2, part
    assert page.get_by_role("group", name="Interviewer only").count() >= 1
    material = page.locator("figure.lk-material").first  # what the candidate is handed reads as code, left-aligned
    assert material.evaluate("e => getComputedStyle(e).textAlign") in ("start", "left")
    sheet = page.locator("#score-sheet ~ * table").first
    assert sheet.get_by_role("rowheader").count() >= 2
    assert "☐1" not in sheet.inner_text()
    assert sheet.locator("ul.lk-boxes li").count() >= 8
    page.goto(base + PAGE_TYPES["packet"])
    matrix = page.locator("#competency-x-stage-matrix ~ * table").first
    assert matrix.get_by_role("rowheader").count() >= 5
    assert matrix.get_by_text("assessed", exact=True).count() >= 10  # the dots' text, for screen readers
    assert page.get_by_text("— marks a stage that does not assess the competency").count() == 1


# Every table and code block inside its column (no horizontal scroll), and the page itself no wider than the window.
OVERFLOWING = """() => {
  const column = document.querySelector('article').getBoundingClientRect();
  const out = [];
  for (const el of document.querySelectorAll('article table, article pre, article .md-typeset__scrollwrap, article .lk-scroll')) {
    if (!el.getClientRects().length) continue;
    const r = el.getBoundingClientRect();
    // The theme lets code span a phone's width and pulls a table's scroll wrapper .8rem into the margins.
    const right = el.tagName === 'PRE' ? innerWidth : el.tagName === 'DIV' ? innerWidth : column.right + 1;
    const over = Math.max(el.scrollWidth - el.clientWidth, r.right - right);
    if (over > 1) out.push(el.tagName + ' ' + (el.closest('[id]') || {id: ''}).id + ' ' + Math.round(over) + ' px too wide');
  }
  return out;
}"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_tables_and_code_fit_their_column(browser, base, name, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(base + PAGE_TYPES[name])
    page.evaluate("document.querySelectorAll('article details').forEach(d => d.open = true)")
    page.wait_for_timeout(100)
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.close()


def test_a_phone_shows_the_time_plan_and_first_prompt_within_two_screens(browser, base, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base + STAGE)
    plan = page.locator("[id^=your-][id$=-minutes]").first.evaluate("e => e.getBoundingClientRect().top + scrollY")
    prompt = page.locator("article .lk-question").first.evaluate("e => e.getBoundingClientRect().top + scrollY")
    assert plan < 844 and prompt < 2 * 844, (plan, prompt)
    page.get_by_role("link", name="Score sheet", exact=True).first.click()  # one tap to the score sheet
    page.wait_for_timeout(300)
    assert page.locator("#score-sheet").evaluate("e => e.getBoundingClientRect().top") < 200
    page.close()


@pytest.mark.parametrize("query, lands_on, within", [
    ("Review document access control in a multi-tenant RAG endpoint", "kit/questions/rag-review-multitenant-access/", 1),
    # A phrase from its rubric. The theme's search ORs the words and ranks a prefix match in any title
    # highly, so a phrase lands among the first few pages rather than always first.
    ("a hypothetical instead of something that happened", "kit/questions/pushed-back-on-ai/", 3),
])
def test_search_finds_a_question_by_title_and_by_rubric_phrase(page, base, query, lands_on, within):
    page.goto(base)
    open_search(page, query)
    links = page.locator(".md-search-result__item > a")
    pages = []
    for href in links.evaluate_all("links => links.map(a => a.href)"):
        path = href.split("?")[0].split("#")[0]
        if path not in pages:
            pages.append(path)
    assert base + lands_on in pages[:within], pages[:5]
    first = page.locator(".md-search-result__item").first.inner_text()
    assert not first.startswith("Competencies")  # previews start with the prompt
    links.nth([h.split("?")[0].split("#")[0] for h in links.evaluate_all("ls => ls.map(a => a.href)")].index(base + lands_on)).click()
    page.wait_for_load_state()
    assert page.url.split("?")[0] == base + lands_on


def test_the_search_index_holds_each_question_once(site):
    index = site / "search" / "search_index.json"
    import json
    docs = json.loads(index.read_text())["docs"]
    # About 4.5 KB per question (1.49 MB for 336): the index grows with what an interviewer searches a
    # question by (prompt, probes, flags, rubric), not with how often it is reused; a question indexed once
    # per packet that holds it would multiply that several times.
    questions = {d["location"].split("#")[0] for d in docs if d["location"].startswith("kit/questions/")}
    assert index.stat().st_size <= 4_800 * len(questions), (index.stat().st_size, len(questions))
    # What is long and read in place stays out: the notes and model answer, the material, the bar table.
    for left_out in ("The numbers force the design", "conversations flagged by the policy classifier",
                     "A senior answer moves review to accounts and clusters"):
        assert not [d["location"] for d in docs if left_out in d["text"]], left_out
    prompt = "We sell a B2B knowledge assistant"
    holders = {d["location"].split("#")[0] for d in docs if prompt in d["text"]}
    assert holders == {"kit/questions/rag-review-multitenant-access/"}


# WCAG 1.4.12: text spacing raised to the criterion's values must not cut or hide text.
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }
p { margin-bottom: 2em !important; }"""


def test_rubric_columns_wrap_under_wcag_text_spacing_at_320_px(browser, base):
    page = browser.new_page(viewport={"width": 320, "height": 800})
    page.goto(base + STAGE)
    page.add_style_tag(content=TEXT_SPACING)
    page.evaluate("document.querySelectorAll('article details').forEach(d => d.open = true)")
    cut = page.evaluate("""() => [...document.querySelectorAll('table.lk-rubric th, table.lk-rubric td')]
        .filter(c => c.getClientRects().length && c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.slice(0, 30))""")
    assert cut == []
    assert page.evaluate(OVERFLOWING) == []
    page.close()


def test_coverage_fills_differ_in_lightness_not_only_hue(page, base):
    page.goto(base + PAGE_TYPES["coverage"])
    # The bundled bank may have no empty cell a loop rates: add one of each class the page styles.
    page.evaluate("""() => { const row = document.querySelector("td.lk-cov").parentElement;
        for (const n of [0, 3]) { const cell = document.createElement("td");
            cell.className = `lk-cov lk-cov-${n} lk-test`; cell.textContent = String(n); row.append(cell); } }""")
    none, enough = (page.locator(f"td.lk-cov-{n}.lk-test") for n in (0, 3))
    assert none.evaluate("e => getComputedStyle(e).backgroundImage").startswith("repeating-linear-gradient")
    assert none.evaluate("e => getComputedStyle(e).outlineStyle") == "dashed"
    assert enough.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(159, 211, 184)"  # darker than none's


def test_the_score_form_saves_a_sealed_sheet_that_validate_and_debrief_accept(browser, base, tmp_path, monkeypatch):
    """The stage guide's form, filled in by label and saved with the keyboard: the file it makes in the page
    validates and debriefs, and no request leaves the page while it is filled in and saved."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(base + STAGE)
    page.wait_for_load_state("networkidle")  # the page and its favicon are in: from here on nothing may be fetched
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.get_by_label("Candidate id (pseudonymous, never a name)").fill("cand-form-1")
    page.get_by_label("Your name or interviewer id").fill("Zoë \"Z\" O'Brien")
    page.get_by_label("When the interview began").fill("2026-11-20T10:00")
    save = page.get_by_role("button", name="Save the sheet")
    save.click()
    expect(page.locator(".lk-form-status")).to_contain_text("Not saved: ")  # no score yet: nothing is saved
    blocks = page.locator("form.lk-score-form fieldset.lk-block")
    assert blocks.count() >= 2
    for index in range(blocks.count()):
        block = blocks.nth(index)
        if index == 0:
            block.get_by_label("Question asked").select_option(index=1)  # an alternate swapped in
        block.get_by_label("3", exact=True).check()
        block.get_by_label("What the candidate said or did, and why this score").fill(
            "Said \"check the tenant filter\" first\nthen proposed a test per tenant 🚀 <b>ok</b>")
    page.get_by_label("lean hire", exact=True).check()
    save.focus()
    with page.expect_download() as saved:
        page.keyboard.press("Enter")
    download = saved.value
    folder = tmp_path / "sheets" / "cand-form-1"
    folder.mkdir(parents=True)
    download.save_as(folder / download.suggested_filename)
    expect(page.locator(".lk-form-status")).to_contain_text("nothing was sent anywhere")
    assert [url for url in requests if not url.startswith("blob:")] == []
    page.close()
    text = (folder / download.suggested_filename).read_text(encoding="utf-8")
    stage_id = STAGE.rstrip("/").rsplit("/", 1)[-1]  # the stage guide's address ends with its stage id
    assert download.suggested_filename.startswith(f"cand-form-1-{stage_id}-") and "digest: \"sha256:" in text
    monkeypatch.chdir(REPO)
    runner = CliRunner()
    checked = runner.invoke(cli, ["validate", "--sheets", str(folder)])
    assert checked.exit_code == 0, checked.output
    assert "1 valid sheet(s) of 1 candidate(s)" in checked.output
    debriefed = runner.invoke(cli, ["debrief", str(folder), "--out", str(tmp_path / "out"), "--no-pdf"])
    assert debriefed.exit_code in (0, 10, 11), debriefed.output  # one stage of five: a hold, most likely
    assert "cand-form-1" in debriefed.output
    edited = text.replace("score: 3", "score: 4", 1)
    (folder / download.suggested_filename).write_text(edited, encoding="utf-8")
    assert "LK309" in runner.invoke(cli, ["validate", "--sheets", str(folder)]).output


def test_a_practice_key_opens_only_once_a_score_is_picked(page, base):
    page.goto(base + PAGE_TYPES["practice"])
    page.wait_for_load_state("networkidle")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    keys = page.locator("details.lk-key")
    assert keys.count() == 4 and all(keys.nth(i).is_hidden() for i in range(4))
    group = page.get_by_role("group", name="Your score for sample answer 1")
    key = int(group.get_attribute("data-key"))
    pick = 1 if key != 1 else 2
    group.get_by_label(str(pick), exact=True).check()
    expect(keys.first).to_be_visible()
    assert keys.first.get_attribute("open") is not None and keys.nth(1).is_hidden()
    gap = abs(pick - key)
    expect(group.get_by_role("status")).to_have_text(
        f"You scored {pick}; the key is {key}: {gap} point{'s' if gap > 1 else ''} "
        f"{'higher' if pick > key else 'lower'}. Read why below.")
    assert f"Scored {key}." in keys.first.inner_text()
    assert requests == []
