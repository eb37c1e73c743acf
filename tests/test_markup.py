"""Bank text is untrusted: it renders as Markdown, never as live HTML or script."""
from loopkit import markup


def test_raw_html_is_shown_as_text():
    html = markup.block('Hello <script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_dangerous_links_are_not_links():
    html = markup.block("[click](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)")
    assert "href" not in html


def test_markdown_formatting_still_works():
    html = markup.block("Some *emphasis*, `code` and a list:\n\n- one\n- two\n\n```python\nx = 1\n```")
    assert "<em>emphasis</em>" in html and "<code>code</code>" in html and "<li>one</li>" in html
    assert 'class="highlight"' in html


def test_plain_text_cannot_become_markdown_or_html():
    text = markup.plain("[x](javascript:alert(1)) <b>bold</b> *star* | pipe")
    assert "[" not in text and "<" not in text and "*" not in text and "|" not in text


def test_inline_text_keeps_table_cells_intact():
    assert "|" not in markup.inline("a | b")
