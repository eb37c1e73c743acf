"""Render packets and the bank into Markdown pages through the Jinja2 templates in site_templates/.

Returns pages as {path inside the generated folder: text}; writing them is publish's job. Every value
a template prints goes through `markup`: either a filter that renders Markdown safely, or, by default,
`markup.plain`, so a template that forgets a filter still cannot emit live markup.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import markup
from .edition import Edition
from .plan import Packet
from .problems import CODES
from .validate import Bank

SCALE = {1: "strong no", 2: "no", 3: "yes", 4: "strong yes"}
KINDS = {"past-behaviour": "past behaviour", "situational": "situational", "technical": "technical",
         "work-sample": "work sample"}
FORMATS = {"design": "design", "code-review": "code review", "incident": "incident", "implementation": "implementation",
           "behavioural": "behavioural", "discussion": "discussion"}
GENERATED = "kit"
PAGE_SIZES = {"a4": "A4", "letter": "letter"}


def _finalize(value: object) -> object:
    return value if isinstance(value, Markup) or not isinstance(value, str) else markup.plain(value)


def environment(templates: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(templates), undefined=StrictUndefined, finalize=_finalize,
                      keep_trailing_newline=True, autoescape=True)
    env.filters.update(block=markup.block, inline=markup.inline, plain=markup.plain)
    env.globals.update(scale=SCALE, kinds=KINDS, formats=FORMATS)
    return env


def pdf_name(packet: Packet, committee: bool = False) -> str:
    return f"pdf/{packet.role.id}-{packet.level.id}{'-committee' if committee else ''}.pdf"


def render_site(bank: Bank, packets: list[Packet], templates: Path, editions: dict[str, Edition],
                guides: dict[str, str] | None = None, pdfs: bool = False) -> dict[str, str]:
    """Every generated page of the interviewer site, keyed by its path under content/kit/.

    `editions` holds each packet's edition by its slug; `guides` maps the titles of hand-written guide
    pages to their paths, for the navigation; `pdfs` says whether packet PDFs are built alongside, so
    packet pages can link them.
    """
    env = environment(templates)
    common = dict(roles=bank.roles, levels=bank.levels, competencies=bank.competencies, questions=bank.questions,
                  editions=editions, pdfs=pdfs, pdf_name=pdf_name)
    by_role = defaultdict(list)
    used_in = defaultdict(list)
    for packet in packets:
        by_role[packet.role.id].append(packet)
        for stage in packet.stages:
            for question_id in stage.question_ids:
                used_in[question_id].append((packet, stage))
    packet_keys = {(p.role.id, p.level.id) for p in packets}

    def page(template: str, **context: object) -> str:
        return env.get_template(f"site/{template}").render({**common, **context})

    pages = {
        "index.md": page("kit.md.j2", packets=packet_keys, prefix=""),
        "_routes.md": page("routes.md.j2", packets=packet_keys, prefix=f"{GENERATED}/"),
        "questions/index.md": page("questions.md.j2", questions=sorted(bank.questions.values(), key=lambda q: q.id)),
        "reference/error-codes.md": page("error-codes.md.j2", codes=CODES),
        "competencies/index.md": page("competencies.md.j2", active={
            c: sum(q.status == "active" and c in q.competencies for q in bank.questions.values())
            for c in bank.competencies}),
    }
    pages["_mkdocs.yml"] = mkdocs_settings(bank, by_role, guides or {})
    for role in bank.roles.values():
        pages[f"{role.id}/index.md"] = page("role.md.j2", role=role, packets=by_role[role.id])
    for packet in packets:
        pages[f"{packet.slug}/index.md"] = page("packet.md.j2", packet=packet)
        for number, stage in enumerate(packet.stages, 1):
            pages[f"{packet.slug}/{stage.stage.id}.md"] = page("stage.md.j2", packet=packet, plan=stage, number=number)
    for competency in bank.competencies.values():
        pages[f"competencies/{competency.id}.md"] = page("competency.md.j2", competency=competency, questions=sorted(
            (q for q in bank.questions.values() if competency.id in q.competencies), key=lambda q: q.id))
    for question in bank.questions.values():
        pages[f"questions/{question.id}.md"] = page("question.md.j2", q=question, used_in=used_in[question.id])
    return pages


def render_print(packets: list[Packet], templates: Path, editions: dict[str, Edition], paper: str) -> dict[str, str]:
    """HTML for every packet PDF and committee PDF, keyed by the PDF's path under content/kit/."""
    env = environment(templates)
    css = Markup((templates / "print" / "print.css").read_text(encoding="utf-8"))
    common = dict(paper=paper, page_size=PAGE_SIZES[paper], css=css)
    documents = {}
    for packet in packets:
        for committee, template in ((False, "packet.html.j2"), (True, "committee.html.j2")):
            documents[pdf_name(packet, committee)] = env.get_template(f"print/{template}").render(
                {**common, "packet": packet, "edition": editions[packet.slug]})
    return documents


def mkdocs_settings(bank: Bank, by_role: dict[str, list[Packet]], guides: dict[str, str]) -> str:
    """Settings mkdocs.yml inherits from the bank: the navigation (role type -> level -> packet, with
    index pages only, so it stays small) and the tags, which must be vocabulary names."""
    names = [item.name for vocabulary in (bank.roles, bank.levels, bank.competencies) for item in vocabulary.values()]
    packets_nav: list = [f"{GENERATED}/index.md"]
    for role in bank.roles.values():
        levels = [{p.level.name: f"{GENERATED}/{p.slug}/index.md"} for p in by_role[role.id]]
        packets_nav.append({role.name: [f"{GENERATED}/{role.id}/index.md", *levels]})
    nav = [
        {"Home": "index.md"},
        {"Interview packets": packets_nav},
        {"Questions": f"{GENERATED}/questions/index.md"},
        {"Competencies": f"{GENERATED}/competencies/index.md"},
        {"Tags": "tags.md"},
        {"Guides": [{title: path} for title, path in guides.items()]
                   + [{"Error codes": f"{GENERATED}/reference/error-codes.md"}]},
    ]
    settings = {"nav": nav, "plugins": {"tags": {"tags_allowed": sorted(set(names))}}}
    return "# Generated by loopkit from the bank; do not edit.\n" + yaml.safe_dump(settings, sort_keys=False,
                                                                               allow_unicode=True)
