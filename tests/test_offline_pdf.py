"""The PDF build fetches nothing from the network: a URL in a template or in bank text must not reach
an internal address from CI, nor tell a tracker who printed a packet."""
import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from loopkit import markup
from loopkit.publish import Book, local_url, print_book

pytestmark = pytest.mark.slow  # prints PDFs

PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


@pytest.fixture
def recorder():
    """A web server on the loopback interface that counts every request it gets (and answers each with an
    image, so a fetch would succeed), shut down after the test."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PIXEL)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_pdf_build_fetches_nothing(recorder, tmp_path):
    base, hits = recorder
    outside = tmp_path / "secret.css"
    outside.write_text("body { color: red }")
    html = f"""<!doctype html><html><head>
<link rel="stylesheet" href="{base}/style.css">
<style>@import url("{base}/import.css"); @font-face {{ font-family: x; src: url("{base}/font.woff") }}
body {{ background: url("{base}/background.png") }}</style>
<link rel="stylesheet" href="{outside.as_uri()}"></head><body>
<p>A packet <img src="{base}/pixel.png"> <img src="//127.0.0.1:{base.rsplit(':', 1)[1]}/relative.png">
<img src="data:image/png;base64,{base64.b64encode(PIXEL).decode()}"></p>
{markup.block(f"Bank text ![graph]({base}/bank.png) [link]({base}/link)")}
</body></html>"""
    printed, _, _ = print_book(Book("packet", {"body": html}, {"packet.pdf": ("body",)}), ["packet.pdf"])
    assert printed["packet.pdf"].startswith(b"%PDF")
    assert hits == []


def test_only_data_urls_are_local(tmp_path):
    assert local_url("data:image/png;base64,AAAA")
    for url in ["http://127.0.0.1/x", "https://example.com/x", "ftp://example.com/x", "//example.com/x",
                (tmp_path / "logo.png").as_uri(), "file://fileserver/share/x.png", "file:///etc/passwd", "x.png"]:
        assert not local_url(url), url
