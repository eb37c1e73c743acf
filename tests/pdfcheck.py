"""Checks shared by the PDF tests: words per page, and which pages may hold fewer."""
import functools
from pathlib import Path

from pypdf import PdfReader

MIN_WORDS = 40  # a page with fewer is a stray heading, an orphaned line or a split-off form


def page_texts(pdf: Path) -> tuple[str, ...]:
    """Each page's text, extracted once per version of the file: pypdf takes about 0.1 s a page, and the
    bundled bank's PDFs hold 2,800 pages that more than one check reads."""
    stat = pdf.stat()
    return _extracted(pdf, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=None)
def _extracted(pdf: Path, mtime_ns: int, size: int) -> tuple[str, ...]:
    return tuple(page.extract_text() or "" for page in PdfReader(pdf).pages)


def thin_pages(folder: Path) -> list[tuple[str, int, int]]:
    """(file, page number, words) of every page under MIN_WORDS words, covers aside: the first page of an
    interview or committee packet is its cover. Stage sheets have no cover."""
    thin = []
    for pdf in sorted(folder.glob("*.pdf")):
        for number, text in enumerate(page_texts(pdf), 1):
            words = len(text.split())
            cover = number == 1 and "-stage-" not in pdf.name
            if not cover and words < MIN_WORDS:
                thin.append((pdf.name, number, words))
    return thin
