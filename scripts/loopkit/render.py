"""Render packets and the bank into Markdown pages through the Jinja2 templates in site_templates/.

Returns pages as {path inside the generated folder: text}; writing them is publish's job. Every value
a template prints goes through `markup`: either a filter that renders Markdown safely, or, by default,
`markup.plain`, so a template that forgets a filter still cannot emit live markup.
"""
from __future__ import annotations

import datetime
import functools
import html
import traceback
from collections import Counter, defaultdict
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError
from markupsafe import Markup

from . import markup
from .bundled import bundled
from .highlight import highlight_code
from .model import FORMATS, KINDS
from .changelog import Entry
from .decision import (BAR_POINTS, NO_EVIDENCE, POINTS, SCALE, next_level, relative, rule, screen_rule, simulate,
                       simulate_screen)
from .edition import Edition
from .pdfsheet import stage_sheet_keywords
from .plan import Packet, eligible, seeded, unplaced_reason
from .publish import Book
from .problems import CODES, display_path
from .validate import Bank
from .views import CandidatePacket, candidate_view

KIND_NAMES = {kind: kind.replace("-", " ") for kind in KINDS}
FORMAT_NAMES = {shape: shape.replace("-", " ") for shape in FORMATS}
GENERATED = "kit"
CANDIDATE_FORMATS = {"design": "a design discussion", "code-review": "reading and reviewing code",
                     "incident": "investigating a production problem from logs and metrics",
                     "implementation": "writing code", "behavioural": "talking about your past work",
                     "discussion": "a technical discussion",
                     "ai-assisted": "writing code with an AI coding assistant, which you direct and check",
                     "take-home": "a time-boxed exercise done at home, then discussed with an engineer"}
PHASES = {"screen": "Technical screen", "onsite": "Onsite", "take-home": "Take-home (optional)"}
PAGE_SIZES = {"a4": "A4", "letter": "letter"}
# Questions per listing page. Listings of the whole bank (all questions, a competency's questions) are
# split into pages of this many, so no page grows with the bank: at 10,000 questions a page listing
# them all would be megabytes, slow to build, to load and to search.
LISTED = 100
SAMPLED = 5  # questions per competency on the tags page


def listing_pages(questions: list, first: str, rest: str) -> list[dict]:
    """Split a sorted listing into pages: where each page goes (the first at `first`, then `rest`
    formatted with the page number) and which questions it lists, with links to its neighbours."""
    chunks = [questions[start:start + LISTED] for start in range(0, len(questions), LISTED)] or [[]]
    paths = [first, *(rest.format(number) for number in range(2, len(chunks) + 1))]
    return [dict(path=path, questions=chunk, number=number, count=len(chunks), paths=paths, total=len(questions),
                 start=(number - 1) * LISTED + 1) for number, (path, chunk) in enumerate(zip(paths, chunks), 1)]


def link(page: str, target: str) -> str:
    """A link from one generated page to another, both given by their path under content/kit/: up to
    the generated folder, then down (mkdocs resolves `../questions/x.md` from questions/ as well)."""
    return "../" * page.count("/") + target


def _finalize(value: object) -> object:
    return value if isinstance(value, Markup) or not isinstance(value, str) else markup.plain(value)


@functools.lru_cache(maxsize=8)
def environment(templates: Path) -> Environment:
    """A project's own templates, falling back file by file to loopkit's, so a project that customised a
    few templates still builds when a new loopkit adds a template. Kept per folder: `serve` recompiles on
    every save, and Jinja2 recompiles a template only when its file changed (auto_reload)."""
    search = list(dict.fromkeys([templates, bundled("site_templates")]))
    env = Environment(loader=FileSystemLoader(search), undefined=StrictUndefined, finalize=_finalize,
                      keep_trailing_newline=True, autoescape=True)
    env.filters.update(block=markup.block, inline=markup.inline, inline_items=markup.inline_items, plain=markup.plain,
                       front_matter=markup.front_matter)
    env.globals.update(scale=SCALE, points=POINTS, bar_points=BAR_POINTS, no_evidence=NO_EVIDENCE, relative=relative,
                       rule=rule, next_level=next_level, simulate=simulate, kinds=KIND_NAMES, formats=FORMAT_NAMES,
                       link=link, phases=PHASES, screen_rule=screen_rule, simulate_screen=simulate_screen)
    return env


class TemplateFailed(Exception):
    """A template could not be rendered; the message starts with the template's file and line."""


def fill(env: Environment, name: str, context: dict) -> str:
    """Render one template. A project can bring its own templates, so a mistake in one (a typo, a value
    a newer loopkit no longer passes) is reported at its line, not as a traceback."""
    try:
        return env.get_template(name).render(context)
    except TemplateError as error:
        raise TemplateFailed(f"{where(error, name)}: {type(error).__name__}: {error.message}") from None


def where(error: TemplateError, name: str) -> str:
    """The template file and line the error happened at (Jinja2 puts template lines into tracebacks)."""
    if isinstance(error, TemplateSyntaxError) and error.filename:
        return f"{display_path(Path(error.filename), Path.cwd())}:{error.lineno}"
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith(".j2")]
    return f"{display_path(Path(frames[-1].filename), Path.cwd())}:{frames[-1].lineno}" if frames else name


def pdf_name(packet: Packet, committee: bool = False) -> str:
    return f"pdf/{packet.slug.replace('/', '-')}{'-committee' if committee else ''}.pdf"


def render_site(bank: Bank, packets: list[Packet], templates: Path, editions: dict[str, Edition],
                guides: dict[str, str] | None = None, pdfs: bool = False,
                as_of: datetime.date | None = None, history: list[Entry] | None = None) -> dict[str, str]:
    """Every generated page of the interviewer site, keyed by its path under content/kit/.

    `editions` holds each packet's edition by its slug; `guides` maps the titles of hand-written guide
    pages to their paths, for the navigation; `pdfs` says whether packet PDFs are built alongside, so
    packet pages can link them.
    """
    env = environment(templates)
    common = dict(roles=bank.roles, levels=bank.levels, competencies=bank.competencies, questions=bank.questions,
                  editions=editions, pdfs=pdfs, pdf_name=pdf_name,
                  stage_sheet_name=stage_sheet_name)
    by_role = defaultdict(list)
    used_in = defaultdict(list)
    for packet in packets:
        by_role[packet.role.id].append(packet)
        for stage in packet.stages:
            for question_id in stage.question_ids:
                used_in[question_id].append((packet, stage))
    packet_keys = {(p.role.id, p.level.id) for p in packets if not p.requisition}

    pages: dict[str, str] = {}

    def page(path: str, template: str, **context: object) -> None:
        pages[path] = fill(env, f"site/{template}", {**common, **context})

    by_title = sorted(bank.questions.values(), key=lambda q: (q.title.casefold(), q.id))
    by_competency = {c: [q for q in by_title if c in q.competencies] for c in bank.competencies}
    page("index.md", "kit.md.j2", packets=packet_keys, prefix="")
    page("_routes.md", "routes.md.j2", packets=packet_keys, prefix=f"{GENERATED}/")
    page("_tags.md", "tags.md.j2", sampled={c: samples(listed) for c, listed in by_competency.items()},
         counted={c: len(listed) for c, listed in by_competency.items()})
    page("reference/error-codes.md", "error-codes.md.j2", codes=CODES)
    page("coverage.md", "coverage.md.j2", **coverage(bank, packets, as_of or latest_review(bank)))
    page("decisions.md", "decisions.md.j2", packets=packets)
    page("changelog.md", "changelog.md.j2", entries=history or [])
    page("competencies/index.md", "competencies.md.j2", active={
        c: sum(q.status == "active" and c in q.competencies for q in bank.questions.values())
        for c in bank.competencies})
    for role in bank.roles.values():
        page(f"{role.id}/index.md", "role.md.j2", role=role, packets=by_role[role.id])
    for packet in packets:
        page(f"{packet.slug}/index.md", "packet.md.j2", packet=packet)
        for number, stage in enumerate(packet.stages, 1):
            page(f"{packet.slug}/{stage.stage.id}.md", "stage.md.j2", packet=packet, plan=stage, number=number)
    for listing in listing_pages(by_title, "questions/index.md", "list/questions/{}.md"):
        page(listing["path"], "questions.md.j2", listing=listing)
    for competency in bank.competencies.values():
        for listing in listing_pages(by_competency[competency.id], f"competencies/{competency.id}.md",
                                     f"list/{competency.id}/{{}}.md"):
            page(listing["path"], "competency.md.j2", competency=competency, listing=listing)
    calibrated = [q for q in by_title if q.calibration]
    for listing in listing_pages(calibrated, "practice/index.md", "list/practice/{}.md"):
        page(listing["path"], "practice-index.md.j2", listing=listing)
    for question in calibrated:  # the worked answers in an order that does not give their scores away
        page(f"practice/{question.id}.md", "practice.md.j2", q=question,
             answers=sorted(question.calibration, key=lambda answer: seeded("practice", f"{question.id}:{answer.score}")))
    loops = [*bank.loops.values(), *(loop for _, loop in bank.requisitions.values())]
    for question in bank.questions.values():
        unused = "" if used_in[question.id] else (
            unplaced_reason(question, loops) if question.status == "active" else f"its status is {question.status}")
        page(f"questions/{question.id}.md", "question.md.j2", q=question, used_in=used_in[question.id], unused=unused)

    pages["_mkdocs.yml"] = mkdocs_settings(bank, by_role, guides or {}, templates)
    for path, text in render_candidate(bank, packets, templates, searchable=False).items():
        pages[f"candidates/{path}"] = text
    return pages


def samples(questions: list) -> list:
    """A competency's questions to show first: those with worked answers (the best calibrated), then the rest."""
    return sorted(questions, key=lambda q: (q.status != "active", not q.calibration, q.id))[:SAMPLED]


def render_candidate(bank: Bank, packets: list[Packet], templates: Path, searchable: bool = True) -> dict[str, str]:
    """Candidate prep pages. Their templates get candidate views and vocabulary names, nothing else.
    Not `searchable` inside the interviewer site: there they copy the candidate site, and interviewers
    search for questions, not for what a candidate reads."""
    env = environment(templates)
    views: list[CandidatePacket] = [candidate_view(packet) for packet in packets]
    pages = {"index.md": fill(env, "candidate/index.md.j2", dict(
        roles=list(bank.roles.values()), levels=list(bank.levels.values()), searchable=searchable,
        available={v.slug for v in views}, openings=[v for v in views if v.slug.startswith("requisitions/")]))}
    for view in views:
        pages[f"{view.slug}.md"] = fill(env, "candidate/packet.md.j2", dict(
            packet=view, format_for_candidates=CANDIDATE_FORMATS, searchable=searchable))
    return pages


def latest_review(bank: Bank) -> datetime.date:
    return max((q.reviewed for q in bank.questions.values()), default=datetime.date(1970, 1, 1))


def coverage(bank: Bank, packets: list[Packet], as_of: datetime.date) -> dict:
    """Per role, level and competency the loop assesses: how many active questions one of its blocks can
    take (role, level, competency, a format the block accepts, within its minutes). A question tagged for
    a cell that no block could place is not counted: it would never be asked. `tagged` counts every active
    question of a cell, for the cells no loop assesses. Also what is due for review."""
    counts: Counter = Counter()
    tagged: Counter = Counter()
    pool: dict = defaultdict(list)
    for q in bank.questions.values():
        if q.status == "active":
            for role in q.roles:
                for level in q.levels:
                    for competency in q.competencies:
                        tagged[(role, level, competency)] += 1
                        pool[(role, level, competency)].append(q)
    for packet in packets:
        if packet.requisition:
            continue
        loop = packet.loop
        for competency in packet.competencies:
            placeable = {q.id for stage in loop.stages if competency.id in stage.competencies
                         for q in eligible(pool, loop, stage, competency.id)}
            counts[(packet.role.id, packet.level.id, competency.id)] = len(placeable)
    assessed = {(p.role.id, p.level.id, c.id) for p in packets if not p.requisition for c in p.competencies}
    statuses = Counter(q.status for q in bank.questions.values())
    year_ago = as_of - datetime.timedelta(days=365)
    due = sorted((q for q in bank.questions.values() if q.status == "active" and q.reviewed < year_ago),
                 key=lambda q: (q.reviewed, q.id))
    return dict(counts=counts, tagged=tagged, assessed=assessed, statuses=dict(sorted(statuses.items())), due=due, as_of=as_of)


def stage_sheet_name(packet: Packet, stage_id: str) -> str:
    return f"pdf/{packet.slug.replace('/', '-')}-stage-{stage_id}.pdf"


def render_print(packets: list[Packet], templates: Path, editions: dict[str, Edition], paper: str,
                 levels: dict | None = None) -> list[Book]:
    """The print parts of every packet and the PDFs assembled from them, one `Book` per packet.

    Each page is laid out once: a stage's guide and its score sheet are parts, and so are the packet-level
    pages (cover with contents, loop, role brief, decision rule, debrief form). A stage sheet is its guide and
    score sheet; the interview packet is a cover, the loop, the brief, every stage sheet and the debrief form;
    the committee packet a cover, the loop, the rule, every score sheet and the debrief form.
    `levels` is the bank's level vocabulary, in order: score sheets print the evidence for the level above."""
    env = environment(templates)
    css = Markup((templates / "print" / "print.css").read_text(encoding="utf-8"))
    common = dict(paper=paper, page_size=PAGE_SIZES[paper], css=css, levels=levels or {})
    books = []
    for packet in packets:
        context = {**common, "packet": packet, "edition": editions[packet.slug]}

        def part(kind: str, title: str, **more: object) -> str:
            return highlight_code(fill(env, "print/part.html.j2", {**context, "kind": kind, "title": title, **more}))

        def stage_part(kind: str, title: str, plan, number: int) -> str:
            edition = editions.get(f"{packet.slug}#{plan.stage.id}", editions[packet.slug])
            keywords = stage_sheet_keywords(packet.slug, edition.digest, plan.stage.id)
            return highlight_code(fill(env, "print/part.html.j2", {**context, "edition": edition, "kind": kind,
                                                                    "title": title, "plan": plan, "number": number,
                                                                    "sheet_keywords": keywords}))

        parts = {"loop": part("loop", "The loop"), "brief": part("brief", "Role brief"),
                 "rule": part("rule", "Decision rule"), "debrief": part("debrief", "Debrief form")}
        titles = {"loop": "The loop", "brief": "Role brief", "rule": "Decision rule and how it is computed",
                  "debrief": "Debrief form"}
        anchors = {"loop": "loop", "brief": "brief", "rule": "rule", "debrief": "debrief"}
        outputs: dict[str, tuple[str, ...]] = {}
        for number, plan in enumerate(packet.stages, 1):
            stage = plan.stage
            guide, sheet = f"guide-{stage.id}", f"sheet-{stage.id}"
            parts[guide] = stage_part("guide", f"Stage {number} of {len(packet.stages)}: {stage.name}", plan, number)
            parts[sheet] = stage_part("sheet", f"Score sheet, stage {number}: {stage.name}", plan, number)
            titles[guide] = f"Stage {number}: {stage.name}"
            titles[sheet] = f"Score sheet, stage {number}"
            anchors[guide], anchors[sheet] = f"stage-{stage.id}", f"sheet-{stage.id}"
            outputs[stage_sheet_name(packet, stage.id)] = (guide, sheet)
        stages = [part_id for plan in packet.stages for part_id in (f"guide-{plan.stage.id}", f"sheet-{plan.stage.id}")]
        sheets = [f"sheet-{plan.stage.id}" for plan in packet.stages]
        for committee, kind, body in ((False, "Interview packet", ["loop", "brief", *stages, "debrief"]),
                                      (True, "Committee packet", ["loop", "rule", *sheets, "debrief"])):
            cover = "cover-committee" if committee else "cover-interview"
            listed = [dict(id=part_id, title=titles[part_id], anchor=anchors[part_id], sub=part_id.startswith("sheet-")
                           and not committee) for part_id in body]
            parts[cover] = part("cover", kind, what=kind, parts=listed)
            outputs[pdf_name(packet, committee)] = (cover, *body)
        books.append(Book(packet.slug, parts, outputs))
    return books


def base_settings(templates: Path) -> dict:
    return yaml.safe_load((templates / "mkdocs.base.yml").read_text(encoding="utf-8"))


def mkdocs_settings(bank: Bank, by_role: dict[str, list[Packet]], guides: dict[str, str], templates: Path) -> str:
    """The settings a project's mkdocs.yml inherits: the shared base, plus what the bank decides: the
    navigation (role type -> level -> packet, index pages only, so it stays small) and the tags, which
    must be vocabulary names."""
    names = [item.name for vocabulary in (bank.roles, bank.levels, bank.competencies) for item in vocabulary.values()]
    # The theme prints navigation titles as raw HTML, so vocabulary names are escaped here.
    packets_nav: list = [f"{GENERATED}/index.md"]
    for role in bank.roles.values():
        levels = [{html.escape(p.title if p.requisition else p.level.name): f"{GENERATED}/{p.slug}/index.md"}
                  for p in by_role[role.id]]
        packets_nav.append({html.escape(role.name): [f"{GENERATED}/{role.id}/index.md", *levels]})
    nav = [
        {"Home": "index.md"},
        {"Interview packets": packets_nav},
        {"Questions": f"{GENERATED}/questions/index.md"},
        {"Competencies": f"{GENERATED}/competencies/index.md"},
        {"Coverage": f"{GENERATED}/coverage.md"},
        {"How decisions are computed": f"{GENERATED}/decisions.md"},
        {"Changelog": f"{GENERATED}/changelog.md"},
        {"Candidates": f"{GENERATED}/candidates/index.md"},
        {"Tags": "tags.md"},
        {"Guides": [{title: path} for title, path in guides.items()]
                   + [{"Error codes": f"{GENERATED}/reference/error-codes.md"}]},
    ]
    allowed = sorted({html.escape(name, quote=False) for name in names})  # as the pages' front matter has them
    settings = base_settings(templates)
    settings["nav"] = nav
    settings.setdefault("plugins", {}).setdefault("tags", {})["tags_allowed"] = allowed
    return "# Generated by loopkit from the bank; do not edit.\n" + yaml.safe_dump(settings, sort_keys=False,
                                                                               allow_unicode=True)


def render_private(templates: Path, name: str, paper: str, **context: object) -> str:
    """A private report (a candidate's debrief, a calibration report) as one HTML page laid out by the
    print stylesheet, so the same page is the file a committee opens and the PDF it prints. It holds
    candidate data: the caller writes it to the team's own folder, never into the site."""
    env = environment(templates)
    css = Markup((templates / "print" / "print.css").read_text(encoding="utf-8"))
    return fill(env, f"private/{name}", {"css": css, "page_size": PAGE_SIZES[paper], "paper": paper, **context})
