"""Bank text is untrusted: it renders as Markdown, never as live HTML or script."""
import re

import markdown
import pytest

from loopkit import markup
from loopkit.highlight import highlight_code


def test_raw_html_is_shown_as_text():
    html = markup.block('Hello <script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("link", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "< javascript:alert(1)>",
                                  "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x", "file:///etc/passwd",
                                  "ftp://example.com/x", "chrome://settings"])
def test_dangerous_links_keep_their_text_and_lose_their_target(link):
    html = markup.block(f"[click]({link}) and ![image]({link})")
    assert "href" not in html and "<img" not in html and "click" in html


def test_safe_links_stay_links():
    html = markup.block("[docs](https://example.com/a?b=1&c=2), [mail](mailto:a@example.com), [page](../x.md)")
    assert html.count("<a href=") == 3


def test_markdown_formatting_still_works():
    html = markup.block("Some *emphasis*, `code` and a list:\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<em>emphasis</em>" in html and "<code>code</code>" in html and "<li>one</li>" in html
    assert "<table>" in html


def test_code_keeps_its_language_until_the_page_is_built():
    html = markup.block("```python\nif a < b:\n    pass\n```")
    assert '<code class="language-python">' in html
    coloured = highlight_code(html)
    assert 'class="highlight"' in coloured and '<span class="k">if</span>' in coloured
    assert "a</span> <span class=\"o\">&lt;</span>" in coloured


def test_unknown_languages_are_left_plain():
    html = markup.block("```nosuchlanguage\n<b>x</b>\n```")
    assert highlight_code(html) == html and "&lt;b&gt;" in html


# What mkdocs does with a generated page: bank HTML sits in Markdown, which is read again with the
# site's extensions. An escaped raw HTML block must not come back to life as Markdown there.
SITE_EXTENSIONS = ["admonition", "attr_list", "tables", "pymdownx.superfences", "loopkit.highlight"]


@pytest.mark.parametrize("text", ['<div>\n[x](javascript:alert(1))', '<p>\n![x](y){ onerror="alert(1)" }',
                                  "<details>\n*[x]: javascript:alert(1)\n\n```python\nx = 1\n```"])
def test_bank_html_survives_the_site_builder_reading_it_again(text):
    page = markdown.markdown(f"# Page\n\n{markup.block(text)}\n", extensions=SITE_EXTENSIONS)
    assert "javascript:" not in page.replace("[x](javascript:", "").replace("*[x]: javascript:", "")
    assert "onerror=" not in page.replace('{ onerror="alert(1)" }', "").replace("{ onerror=&quot;", "")
    assert "<div>" not in page and "<p>\n!" not in page


def test_plain_text_cannot_become_markdown_or_html():
    text = markup.plain("[x](javascript:alert(1)) <b>bold</b> *star* | pipe")
    assert "[" not in text and "<" not in text and "*" not in text and "|" not in text


def test_inline_text_keeps_table_cells_intact():
    assert "|" not in markup.inline("a | b")


@pytest.mark.parametrize("text", ["Separates levels {: onclick=alert(1) }", "*x*{: onclick=alert(1) }",
                                  "`code`{ onmouseover=alert(1) }"])
def test_an_attribute_list_in_a_table_cell_stays_text(text):
    """mkdocs reads table cells again with attr_list on: `{: onclick=...}` must not become an attribute."""
    page = markdown.markdown(f"| a | b |\n| --- | --- |\n| x | {markup.inline(text)} |\n", extensions=SITE_EXTENSIONS)
    assert not re.search(r"<[^>]*\bon\w+=", page), page  # no tag got an event attribute
    assert "alert(1)" in page  # the text is still there, as text


@pytest.mark.parametrize("text, shown", [("# not a heading", "# not a heading"), ("- not a list", "- not a list"),
                                         ("1. not a list", "1. not a list"), ("> not a quote", "&gt; not a quote"),
                                         ("<div>not html</div>", "&lt;div&gt;not html&lt;/div&gt;"),
                                         ("two\n\nlines", "two lines")])
def test_inline_text_stays_one_line_of_text(text, shown):
    html = markup.inline(text)
    assert "<h1" not in html and "<li" not in html and "<blockquote" not in html and "<p>" not in html
    assert html.replace("&#35;", "#").replace("&#45;", "-") == shown


def test_inline_formatting_still_works():
    assert markup.inline("*why* the `cache` [helps](https://example.com)") == \
        '<em>why</em> the <code>cache</code> <a href="https://example.com">helps</a>'
