"""The one path by which bank text reaches a page. Bank text comes from pull requests, so it is
untrusted: raw HTML is escaped, unsafe link schemes are dropped, and only Markdown formatting survives.
"""
from __future__ import annotations

import html
import json
import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(nowrap=True)


def _highlight(code: str, language: str, _attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(language or "text")
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    # Same markup as pymdownx.highlight, so the theme colours bank code like hand-written code.
    return f'<pre class="highlight"><code>{highlight(code, lexer, _FORMATTER)}</code></pre>'


# html=False: tags in bank text are shown as text. markdown-it's link validation refuses
# javascript:, vbscript:, file: and data: (other than images) URLs.
_MD = MarkdownIt("commonmark", {"html": False, "highlight": _highlight}).enable("table")
_MARKDOWN_SPECIALS = re.compile(r"[\\`*_\[\]{}<>#|!~&\"']")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)|([^<]+)")
_INLINE_SPECIALS = re.compile(r"[\\`*_\[\]|!~]")


@lru_cache(maxsize=1 << 16)  # a question shown in a stage guide and on its own page renders once
def block(text: str | None) -> Markup:
    """Markdown paragraphs, lists and code blocks as HTML."""
    return Markup(_MD.render(text or "").strip())


@lru_cache(maxsize=1 << 16)
def inline(text: str | None) -> Markup:
    """One line of Markdown (emphasis, code, links) as HTML, for list items and table cells.

    The result often lands in Markdown (a table cell), which mkdocs reads again: so the characters of
    Markdown syntax left in its text, such as a refused `[x](javascript:...)` link, become entities."""
    rendered = _MD.renderInline((text or "").strip())
    return Markup(_TAG_OR_TEXT.sub(lambda m: m[1] or _INLINE_SPECIALS.sub(_entity, m[2]), rendered))


def _entity(match: re.Match) -> str:
    return f"&#{ord(match.group())};"


def front_matter(text: str | None) -> Markup:
    """A string for page front matter (title, tags). The theme prints titles and tags as raw HTML, so
    the text is HTML-escaped, then quoted as a YAML (JSON) string."""
    return Markup(json.dumps(html.escape(text or "", quote=False)))


def plain(text: str | None) -> Markup:
    """Text shown literally in a Markdown context (a heading, a table cell, a link label)."""
    return Markup(_MARKDOWN_SPECIALS.sub(_entity, text or ""))


def attribute(text: str | None) -> str:
    """Text for an HTML attribute value or YAML front matter string."""
    return html.escape(text or "", quote=True)
