"""Bad input gets one clear line naming the file; a batch goes on and leaves no partial output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from themes import read_report
from themes.cli import main
from themes.read import ReadError

from conftest import SAMPLES, make_blank_pdf, make_text_pdf

GOOD_PDF = SAMPLES / "southampton-2023-07-28.pdf"


def _reason(path: Path) -> str:
    with pytest.raises(ReadError) as info:
        read_report(path)
    message = str(info.value)
    assert path.name in message, "the error must name the file"
    assert "\n" not in message, "the error must be one line"
    return info.value.reason


def test_corrupt_pdf(tmp_path):
    p = tmp_path / "corrupt.pdf"
    p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert "corrupt" in _reason(p)


def test_truncated_pdf(tmp_path):
    p = tmp_path / "truncated.pdf"
    p.write_bytes(GOOD_PDF.read_bytes()[:20000])
    assert "corrupt" in _reason(p)


def test_encrypted_pdf(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(GOOD_PDF).pages[:2]:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    p = tmp_path / "encrypted.pdf"
    with open(p, "wb") as fh:
        writer.write(fh)
    assert "encrypted" in _reason(p)


def test_empty_file(tmp_path):
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    assert "empty" in _reason(p)
    t = tmp_path / "blank.txt"
    t.write_text("  \n\n ")
    assert "empty" in _reason(t)


def test_pdf_without_pages(tmp_path):
    from pypdf import PdfWriter

    p = tmp_path / "nopages.pdf"
    with open(p, "wb") as fh:
        PdfWriter().write(fh)
    assert "without pages" in _reason(p)


def test_scanned_pdf_without_text(tmp_path):
    p = make_blank_pdf(tmp_path / "scan.pdf", pages=3)
    assert "no text layer" in _reason(p)


def test_not_an_ofsted_report(tmp_path):
    p = make_text_pdf(tmp_path / "minutes.pdf", ["Minutes of the allotment society", "Present: six members.",
                                                  "The committee agreed to repair the shed before winter."])
    assert "not an Ofsted" in _reason(p)
    t = tmp_path / "recipe.txt"
    t.write_text("Lemon cake\n\nMix the butter and sugar. Bake for forty minutes.\n", encoding="utf-8")
    assert "not an Ofsted" in _reason(t)


def test_html_saved_as_pdf(tmp_path):
    p = tmp_path / "page.pdf"
    p.write_text("<!DOCTYPE html><html><body>Not found</body></html>")
    assert "HTML" in _reason(p)


def test_wrong_type_and_encoding(tmp_path):
    d = tmp_path / "report.docx"
    d.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert "unsupported" in _reason(d)
    t = tmp_path / "latin1.txt"
    t.write_bytes("Inspection of Exampleton: the caf\xe9 r\xe9sum\xe9\n".encode("latin-1") * 5)
    assert "UTF-8" in _reason(t)


def test_huge_file_is_refused_without_reading_it(tmp_path):
    p = tmp_path / "huge.pdf"
    with open(p, "wb") as fh:
        fh.write(b"%PDF-1.7\n")
        fh.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    assert "too large" in _reason(p)


def test_batch_goes_on_and_leaves_no_partial_output(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(GOOD_PDF, inbox / GOOD_PDF.name)
    (inbox / "corrupt.pdf").write_bytes(b"%PDF-1.4\ngarbage")
    (inbox / "empty.txt").write_bytes(b"")
    make_blank_pdf(inbox / "scan.pdf")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["read", str(inbox), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "corrupt.pdf" in result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["errors.csv", "southampton-2023-07-28.json"]
    errors = (out / "errors.csv").read_text()
    for bad in ("corrupt.pdf", "empty.txt", "scan.pdf"):
        assert bad in errors


def test_many_files_in_one_batch(tmp_path):
    """Hundreds of files (most of them junk) in one folder: every one accounted for, in parallel."""
    inbox = tmp_path / "many"
    inbox.mkdir()
    for i in range(400):
        (inbox / f"note-{i:04d}.txt").write_text(f"Shopping list {i}\n\nEggs, bread and milk.\n")
    shutil.copy(GOOD_PDF, inbox / GOOD_PDF.name)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["read", str(inbox), "--out", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "read 1 of 401 files" in result.output
    assert len((out / "errors.csv").read_text().strip().splitlines()) == 401  # header + 400
