"""Colour the code blocks of bank text where pages are built, not while loopkit compiles the bank.

`markup` leaves each fenced code block as `<pre><code class="language-NAME">`. Pygments costs about a
millisecond per block, so colouring happens once per built page: in the site, as a Python-Markdown
extension that mkdocs (or Zensical) runs like any other (`markdown_extensions: [loopkit.highlight]`),
and in printed packets, on the HTML before WeasyPrint reads it.
"""
from __future__ import annotations

import html
import re

from markdown import Extension
from markdown.postprocessors import Postprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(nowrap=True)
_CODE_BLOCK = re.compile(r'<pre><code class="language-([^"]+)">(.*?)</code></pre>', re.S)


def _coloured(match: re.Match) -> str:
    try:
        lexer = get_lexer_by_name(html.unescape(match[1]))
    except ClassNotFound:
        return match[0]
    # The markup pymdownx.highlight gives, so the theme colours bank code like hand-written code.
    return f'<pre class="highlight"><code>{highlight(html.unescape(match[2]), lexer, _FORMATTER)}</code></pre>'


def highlight_code(text: str) -> str:
    """The HTML with every code block that names a known language coloured by Pygments."""
    return _CODE_BLOCK.sub(_coloured, text) if "<pre><code class=" in text else text


class _Colour(Postprocessor):
    def run(self, text: str) -> str:
        return highlight_code(text)


class HighlightExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        # After raw HTML is put back (priority 30), since bank text reaches pages as raw HTML.
        md.postprocessors.register(_Colour(md), "loopkit_highlight", 5)


def makeExtension(**kwargs) -> HighlightExtension:  # noqa: N802 - the name Python-Markdown looks for
    return HighlightExtension(**kwargs)
