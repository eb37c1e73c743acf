"""Bank text is untrusted: it renders as Markdown, never as live HTML or script."""
import html
import re
from html.parser import HTMLParser

import markdown
import pytest
import yaml
from mkdocs.utils.meta import get_data

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


@pytest.mark.parametrize("url", ["https://tracker.example/pixel.gif?who=interviewer", "//tracker.example/p.gif",
                                 "pixel.gif", "data:image/png;base64,iVBORw0KGgo="])
def test_images_show_their_alt_text_and_fetch_nothing(url):
    """No image from bank text reaches a page or a PDF: a page that loads one tells its host who read it."""
    html = markup.block(f"See the ![request graph]({url} \"title\") here.")
    assert "<img" not in html and "src=" not in html and "tracker" not in html and "pixel" not in html
    assert "See the request graph here." in html
    assert "<img" not in markup.inline(f"![graph]({url})") and "graph" in markup.inline(f"![graph]({url})")


@pytest.mark.parametrize("url", ["//evil.example/x", "\\\\evil.example\\x", "/\\evil.example/x", " //evil.example/x"])
def test_protocol_relative_addresses_are_external(url):
    """`//host/x` is another host's address, not a path of this site."""
    assert markup.link_kind(url) == "web"
    html = markup.block("[x](//evil.example/x)")
    assert 'href="https://evil.example/x"' in html


@pytest.mark.parametrize("url, kind", [("runbook.md", "relative"), ("../questions/x.md", "relative"),
                                       ("#part", "relative"), ("/abs/path", "relative"), ("HTTPS://a.example", "web"),
                                       ("mailto:a@example.com", "web"), ("java\tscript:x", "refused"),
                                       ("\x01javascript:x", "refused"), ("data:,x", "refused")])
def test_link_kinds(url, kind):
    assert markup.link_kind(url) == kind


def test_text_that_looks_like_html_stays_readable():
    html = markup.block("A `List<int>` is a List<int>; see <https://example.com/a> or <team@example.com>.")
    assert "<code>List&lt;int&gt;</code>" in html and "a List&lt;int&gt;;" in html
    assert '<a href="https://example.com/a">' in html and '<a href="mailto:team@example.com">' in html


ALLOWED = {"div", "p", "br", "hr", "em", "strong", "del", "code", "pre", "a", "ul", "ol", "li", "blockquote",
           "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}
        self.hrefs += [value for name, value in attrs if name == "href"]


@pytest.mark.parametrize("text", ["<svg><script>x</script></svg>", "<!-- x --><style>a{}</style>",
                                  "<<script>script>x", "![x](y)<img src=z>", "<a href='javascript:x'>a</a>",
                                  "[a](<javascript:x>) <javascript:x> <svg/onload=x>", "~~del~~ www.example.com",
                                  "```x\" onclick=\"y\nz\n```", "| a |\n|:-:|\n| <b onclick=x>b</b> |",
                                  "[a][r]\n\n[r]: javascript:x", "\ufdd0<b>stand-in</b>\ud800",
                                  "[a](java&#x09;script:x) [b](&#x6A;avascript:x)"])
def test_only_the_tags_and_attributes_markdown_makes_get_through(text):
    parser = _Tags()
    parser.feed(markup.block(text) + markup.inline(text))
    assert parser.tags <= ALLOWED and parser.attributes <= {"class", "href", "title", "align", "start"}
    assert all(markup.link_kind(href) != "refused" for href in parser.hrefs), parser.hrefs


# What a YAML bank file can hold in a title or a name: YAML's printable characters.
YAML_PRINTABLE = [(0x09, 0x0A), (0x0A, 0x0B), (0x0D, 0x0E), (0x20, 0x7F), (0x85, 0x86), (0xA0, 0xD800),
                  (0xE000, 0xFFFE), (0x10000, 0x110000)]
SPECIAL = "\t\r\n\x85\u2028\u2029\ufeff\u202e\u200b\u200d\ufffd\U0001f600\U0001f469\u200d\U0001f4bb\U0010fffd\"'\\:#-&<>"


def yaml_samples() -> list[str]:
    """Strings that together cover the printable ASCII and Latin ranges whole, every 89th code point of
    the rest of the BMP and the astral planes, and the characters YAML treats specially."""
    points = [code for start, end in YAML_PRINTABLE for code in range(start, end) if code < 0x300 or code % 89 == 0]
    text = "".join(map(chr, points))
    return [text[i:i + 40] for i in range(0, len(text), 40)] + [SPECIAL, f" {SPECIAL} ", "-", "? x", "---", "'"]


@pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader])
def test_every_front_matter_value_reads_back_as_written(loader):
    """The page's title and tags come back from the loader mkdocs uses exactly as the bank had them
    (HTML-escaped, since the theme prints them as HTML); an emoji once became two broken surrogates."""
    for text in yaml_samples():
        page = f"---\ntitle: {markup.front_matter(text)}\ntags:\n  - {markup.front_matter(text)}\n---\n\n# x\n"
        page.encode("utf-8")  # a page is written as UTF-8: no lone surrogate may remain
        data = yaml.load(page.split("---\n")[1], Loader=loader)
        assert data == {"title": html.escape(text, quote=False), "tags": [html.escape(text, quote=False)]}, text
        body, meta = get_data(page)
        assert meta["title"] == html.escape(text, quote=False) and body.strip() == "# x"
