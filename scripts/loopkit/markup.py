"""The one path by which bank text reaches a page. Bank text comes from pull requests, so it is
untrusted: raw HTML is shown as text, links go only to web, mail or relative addresses, and only
Markdown formatting survives.

Markdown is converted by comrak (Rust, GitHub-flavoured CommonMark), about 25 times faster than a
Python converter: at 10,000 questions that is the difference between seconds and a fraction of one.
Code blocks keep their language as a class; `highlight` colours them later, where a page is built.
"""
from __future__ import annotations

import html
import json
import re
import string
from functools import lru_cache

import comrak
from markupsafe import Markup

SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _safe_url(url: str) -> str:
    """comrak already empties javascript:, vbscript:, file: and data: URLs; this allows only web, mail
    and relative addresses, so an unusual scheme cannot slip through either."""
    return url if not _SCHEME.match(url) or url.lower().startswith(SAFE_SCHEMES) else ""


_EXTENSIONS = comrak.ExtensionOptions()
_EXTENSIONS.table = True
_EXTENSIONS.link_url_rewriter = _safe_url
_EXTENSIONS.image_url_rewriter = _safe_url
_RENDER = comrak.RenderOptions()
_RENDER.escape = True  # raw HTML is shown as text, not dropped: "List<int>" stays readable
_RENDER.unsafe_ = False
_REFUSED_LINK = re.compile(r'<a href="">(.*?)</a>', re.S)  # a refused link keeps its text, loses its target
_REFUSED_IMAGE = re.compile(r'<img src=""[^>]*>')
_MARKDOWN_SPECIALS = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]{}<>#|!~&\"'"})
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)|([^<]+)")
# `{` and `}` too: in a table cell that mkdocs reads again, a trailing `{: onclick=...}` would be an
# attribute list and put a script on the cell.
_INLINE_SPECIALS = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]|!~{}"})
_LINE_BREAKS = re.compile(r"\s*\n\s*")
_LIST_NUMBER = re.compile(r"^\d+(?=[.)])")
# Text with none of these is the same as Markdown, as HTML and in a table cell: most list items and
# rubric points, which then skip conversion. Also a line that starts like a list or a quote.
_NEEDS_CONVERSION = re.compile(r"[\\`*_\[\]<>&!#~|{}]|^(?:[-+]|\d+[.)])")


def _convert(text: str) -> str:
    converted = comrak.render_markdown(text, extension_options=_EXTENSIONS, render_options=_RENDER).strip()
    if '<a href="">' in converted:
        converted = _REFUSED_LINK.sub(r"\1", converted)
    return _REFUSED_IMAGE.sub("", converted) if '<img src=""' in converted else converted


@lru_cache(maxsize=1 << 16)  # a question shown in a stage guide and on its own page converts once
def block(text: str | None) -> Markup:
    """Markdown paragraphs, lists, tables and code blocks as HTML, in one <div>.

    The page around it is Markdown that mkdocs reads again. comrak shows a raw HTML block as bare
    escaped text, and bare text would be read as Markdown (a `[x](javascript:...)` in it would become
    a link); inside a <div>, mkdocs passes everything through untouched.
    """
    converted = _convert(text or "")
    return Markup(f'<div class="lk-text">\n{converted}\n</div>' if converted else "")


@lru_cache(maxsize=1 << 16)
def inline(text: str | None) -> Markup:
    """One line of Markdown (emphasis, code, links) as HTML, for list items and table cells.

    A line that would open a block (a heading, a list, a quote) has its first mark escaped, so it stays
    one line of text. The result often lands in Markdown (a table cell), which mkdocs reads again: so
    the characters of Markdown syntax left in its text become entities."""
    line = _LINE_BREAKS.sub(" ", (text or "").strip())
    if not _NEEDS_CONVERSION.search(line):
        return Markup(line)
    converted = _convert(line)
    if converted and not _one_paragraph(converted):
        converted = _convert(_escape_block_start(line))
    converted = converted.removeprefix("<p>").removesuffix("</p>")
    return Markup(_TAG_OR_TEXT.sub(lambda m: m[1] or m[2].translate(_INLINE_SPECIALS), converted))


def inline_items(items: list[str]) -> Markup:
    """List items (<li>) of one line of Markdown each: probes, flags, rubric evidence."""
    return Markup("".join(f"<li>{inline(item)}</li>" for item in items))


def _escape_block_start(line: str) -> str:
    """Backslash the mark that opens a block ("# ", "- ", "> ", "1. ", a fence, a raw HTML tag)."""
    numbered = _LIST_NUMBER.match(line)
    if numbered:
        return f"{numbered[0]}\\{line[numbered.end():]}"
    return f"\\{line}" if line[:1] in string.punctuation else line


def _one_paragraph(converted: str) -> bool:
    return converted.startswith("<p>") and converted.endswith("</p>") and converted.count("<p>") == 1


def front_matter(text: str | None) -> Markup:
    """A string for page front matter (title, tags). The theme prints titles and tags as raw HTML, so
    the text is HTML-escaped, then quoted as a YAML (JSON) string."""
    return Markup(json.dumps(html.escape(text or "", quote=False)))


def plain(text: str | None) -> Markup:
    """Text shown literally in a Markdown context (a heading, a table cell, a link label)."""
    return Markup((text or "").translate(_MARKDOWN_SPECIALS))

