"""Stage 1, read: get the raw text of a file (PDF via pdfium, or UTF-8 text), page by page.

Everything that can go wrong with an input file is turned here into a `ReadError` naming the file and
the reason in one line, so that a batch can report it and go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
MAX_FILE_BYTES = 60 * 1024 * 1024  # the largest real report is under 2 MB
MAX_PAGES = 300  # the longest real report has under 60 pages
MIN_TEXT_CHARS_PER_PAGE = 40  # below this on average the PDF is treated as scanned


class ReadError(Exception):
    """A file that cannot be read as a report; str() is the one-line message naming the file."""

    def __init__(self, path: str | Path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):  # so that errors cross process boundaries in batch reading
        return (ReadError, (self.path, self.reason))


@dataclass
class RawDocument:
    """The text of one file before any interpretation: a list of pages (one page for plain text)."""

    path: str
    kind: str  # "pdf" or "text"
    pages: list[str]


def sniff_kind(path: Path, head: bytes) -> str:
    """Decide PDF or text from the content first and the extension second."""
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    suffix = path.suffix.lower()
    lowered = head[:512].lower()
    if suffix in PDF_SUFFIXES:
        if b"<html" in lowered or b"<!doctype html" in lowered:
            raise ReadError(path, "not a PDF: the file is an HTML page saved with a .pdf name")
        raise ReadError(path, "not a PDF: no %PDF header (corrupt or mislabelled file)")
    if suffix in TEXT_SUFFIXES or suffix in {".htm", ".html"}:
        return "text"
    raise ReadError(path, f"unsupported file type {suffix!r}: expected a PDF or a UTF-8 text file")


def read_raw(path: str | Path) -> RawDocument:
    """Read a file into pages of text, or raise ReadError with a clear reason."""
    path = Path(path)
    if path.is_dir():
        raise ReadError(path, "is a directory, not a file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(path, f"cannot open: {exc.strerror or exc}") from None
    if size == 0:
        raise ReadError(path, "empty file (0 bytes)")
    if size > MAX_FILE_BYTES:
        raise ReadError(path, f"file too large ({size / 1e6:.0f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB limit)")
    with open(path, "rb") as fh:
        head = fh.read(2048)
    kind = sniff_kind(path, head)
    if kind == "pdf":
        pages = _pdf_pages(path)
    else:
        pages = _text_pages(path)
    return RawDocument(path=str(path), kind=kind, pages=pages)


def _has_encrypt_dictionary(path: Path) -> bool:
    with open(path, "rb") as fh:
        return b"/Encrypt" in fh.read()


def _pdf_pages(path: Path) -> list[str]:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        # pdfium's error code can be stale from an earlier document, so check the claim against the file
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD and _has_encrypt_dictionary(path):
            raise ReadError(path, "encrypted PDF: a password is needed to open it") from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise ReadError(path, "PDF uses an unsupported security handler") from None
        raise ReadError(path, "corrupt PDF: pdfium cannot load it (damaged, truncated or without pages)") from None
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise ReadError(path, "PDF has no pages")
        if n_pages > MAX_PAGES:
            raise ReadError(path, f"PDF too long ({n_pages} pages > {MAX_PAGES}): not a single report")
        pages = []
        for i in range(n_pages):
            page = pdf[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise ReadError(path, f"corrupt PDF: {exc}") from None
    finally:
        pdf.close()
    chars = sum(len(p.strip()) for p in pages)
    if chars < MIN_TEXT_CHARS_PER_PAGE * n_pages:
        raise ReadError(path, "no text layer (a scanned PDF?): nothing to read without OCR")
    return pages


def _text_pages(path: Path) -> list[str]:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise ReadError(path, "binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(
            path, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise ReadError(path, "empty file (no text)")
    return text.split("\f")
