"""Shared test helpers: where the project and ../shared are, and small PDF makers for bad inputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = ROOT / "data" / "samples"
SHARED = Path(os.environ.get("THEMES_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
LABELLED_DIR = ROOT / "data" / "labelled"


@pytest.fixture(scope="session")
def model():
    """The shipped model, loaded once for the whole test run."""
    from themes import load_model

    return load_model()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "seeds").exists():
        pytest.skip("../shared is not beside the project")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "reports.csv").exists():
        pytest.skip("../shared/corpus is not beside the project")
    return CORPUS


def make_text_pdf(path: Path, lines: list[str]) -> Path:
    """A real PDF with a text layer (written by matplotlib)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.27, 11.69))
    for i, line in enumerate(lines):
        fig.text(0.08, 0.95 - i * 0.03, line, fontsize=10)
    fig.savefig(path, format="pdf")
    plt.close(fig)
    return path


def make_blank_pdf(path: Path, pages: int = 1) -> Path:
    """A PDF whose pages carry no text at all (as a scan without OCR looks to a text extractor)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path
