"""The one path by which bank text reaches a page. Bank text comes from pull requests, so it is
untrusted: raw HTML is shown as text, links go only to web, mail or relative addresses, images show
their alt text and fetch nothing, and only Markdown formatting survives.

Markdown is converted by cmark-gfm (`cmarkgfm`, GitHub's own parser, with wheels for every platform),
so bank text renders as its contributor saw it in the pull request. Its HTML then passes an allow-list
sanitiser (`nh3`, Ammonia): only the tags and attributes Markdown itself produces get through.
Code blocks keep their language as a class; `highlight` colours them later, where a page is built.
"""
from __future__ import annotations

import html
import re
import string
from functools import lru_cache

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from markupsafe import Markup

SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# Browsers read `//host/x`, `\\host\x` and `/\host` as addresses on another host (protocol-relative).
_OTHER_HOST = re.compile(r"^[/\\]{2}")
# Browsers drop leading spaces and control characters, and tabs and newlines anywhere, before they
# read a URL's scheme.
_URL_IGNORED = re.compile(r"^[\x00-\x20]+|[\t\n\r]")


def link_kind(url: str) -> str:
    """"web" (http, https, mailto or another host), "relative" (a path, a `#fragment`, a `?query`) or
    "refused" (any other scheme: javascript:, data:, file:, ...)."""
    url = _URL_IGNORED.sub("", html.unescape(url))
    if _OTHER_HOST.match(url):
        return "web"
    if not _SCHEME.match(url):
        return "relative"
    return "web" if url.lower().startswith(SAFE_SCHEMES) else "refused"


# cmark-gfm's safe mode drops raw HTML (it leaves a comment); bank text shows it as text instead, so
# "List<int>" stays readable. Every `<` that does not open an autolink (`<https://...>`, `<a@b.org>`)
# is swapped for a noncharacter before parsing and comes back as `&lt;`: no tag can reach the parser.
_STAND_IN = "\ufdd0"
_OPENS_HTML = re.compile(r"<(?!(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
                         r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
                         r"[A-Za-z0-9])?)*)>)")
_OPTIONS = Options.CMARK_OPT_VALIDATE_UTF8
_GFM = ["table", "strikethrough", "autolink"]
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINK = re.compile(r'<a href="([^"]*)"( title="[^"]*")?>(.*?)</a>', re.S)  # cmark-gfm's links never nest
_IMAGE = re.compile(r'<img src="[^"]*" alt="([^"]*)"(?: title="[^"]*")? />')
_CLEANER = nh3.Cleaner(
    tags={"p", "br", "hr", "em", "strong", "del", "code", "pre", "a", "ul", "ol", "li", "blockquote",
          "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"},
    attributes={"a": {"href", "title"}, "code": {"class"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}},
    url_schemes={"http", "https", "mailto"}, link_rel=None, strip_comments=True)

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


def _parsed(text: str) -> str:
    """cmark-gfm's HTML of the text, with every `<` that is not an autolink still a stand-in."""
    text = _OPENS_HTML.sub(_STAND_IN, text.replace(_STAND_IN, "\ufffd"))
    try:
        return cmarkgfm.markdown_to_html_with_extensions(text, options=_OPTIONS, extensions=_GFM)
    except UnicodeEncodeError:  # a lone surrogate, from a YAML escape such as "\ud800"
        return cmarkgfm.markdown_to_html_with_extensions(_SURROGATE.sub("\ufffd", text), options=_OPTIONS,
                                                         extensions=_GFM)


def _link(match: re.Match) -> str:
    """A link as it may reach a page: web and relative addresses stay (`validate` reports relative ones),
    `//host/x` gets the https scheme, and any other target is dropped, its text kept. cmark-gfm has
    already emptied javascript:, vbscript:, file: and most data: targets; an empty target is refused too."""
    href = match[1]
    kind = link_kind(href) if href else "refused"
    if kind == "refused":
        return match[3]
    if href.startswith("//"):
        href = f"https:{href}"
    return f'<a href="{href}"{match[2] or ""}>{match[3]}</a>'


def _convert(text: str) -> str:
    converted = _parsed(text)
    if "<img " in converted:  # an image shows its alt text: nothing is fetched, no tracking pixel
        converted = _IMAGE.sub(r"\1", converted)
    if "<a " in converted:
        converted = _LINK.sub(_link, converted)
    return _CLEANER.clean(converted.replace(_STAND_IN, "&lt;")).strip()


def links(text: str) -> list[str]:
    """The target of every link in the text, as the page will have it (before `//` gets its scheme)."""
    if "](" not in text and "]:" not in text:  # a link that is no autolink needs `[text](target)` or `[label]: target`
        return []
    return [html.unescape(match[1]) for match in _LINK.finditer(_parsed(text)) if match[1]]


@lru_cache(maxsize=1 << 16)  # a question shown in a stage guide and on its own page converts once
def block(text: str | None) -> Markup:
    """Markdown paragraphs, lists, tables and code blocks as HTML, in one <div>.

    The page around it is Markdown that mkdocs reads again. Bank text that looked like raw HTML is
    escaped text here, and text outside an HTML block would be read as Markdown once more (a
    `[x](javascript:...)` shown as text would become a link); inside a <div>, mkdocs passes
    everything through untouched.
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


# Characters a YAML loader would not read back as written inside a double-quoted string: control
# characters, line breaks YAML 1.1 knows (NEL, LS, PS), a BOM, surrogates and the noncharacters YAML
# forbids. Everything else, astral characters included, is written as itself.
_YAML_ESCAPED = {code: f"\\u{code:04x}" for code in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0xFEFF,
                                                       *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]}
_YAML_ESCAPED.update({ord("\\"): "\\\\", ord('"'): '\\"'})


def front_matter(text: str | None) -> Markup:
    """A string for page front matter (title, tags), as a double-quoted YAML string. The theme prints
    titles and tags as raw HTML, so the text is HTML-escaped first.

    Not `json.dumps`: it writes an emoji as a pair of surrogate escapes, which YAML loaders read as two
    broken characters, so the title fell back to the file name and the tags vanished."""
    return Markup(f'"{html.escape(text or "", quote=False).translate(_YAML_ESCAPED)}"')


def plain(text: str | None) -> Markup:
    """Text shown literally in a Markdown context (a heading, a table cell, a link label)."""
    return Markup((text or "").translate(_MARKDOWN_SPECIALS))

