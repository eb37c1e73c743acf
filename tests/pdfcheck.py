"""Checks shared by the PDF tests: words per page, and which pages may hold fewer."""
from pathlib import Path

from pypdf import PdfReader

MIN_WORDS = 40  # a page with fewer is a stray heading, an orphaned line or a split-off form


def words(page) -> int:
    return len((page.extract_text() or "").split())


def thin_pages(folder: Path) -> list[tuple[str, int, int]]:
    """(file, page number, words) of every page under MIN_WORDS words, covers aside: the first page of an
    interview or committee packet is its cover. Stage sheets have no cover."""
    thin = []
    for pdf in sorted(folder.glob("*.pdf")):
        for number, page in enumerate(PdfReader(pdf).pages, 1):
            cover = number == 1 and "-stage-" not in pdf.name
            if not cover and words(page) < MIN_WORDS:
                thin.append((pdf.name, number, words(page)))
    return thin
