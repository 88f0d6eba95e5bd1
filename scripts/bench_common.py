"""Shared pieces of the benchmark scripts: where the corpus is, and raw text extraction alone."""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("THEMES_SHARED", ROOT.parent / "shared")) / "corpus" / "reports"


def corpus_files() -> list[Path]:
    files = sorted(CORPUS.rglob("*.pdf"))
    if not files:
        sys.exit(f"no corpus at {CORPUS}: the benchmarks need ../shared/corpus")
    return files


def _extract(path: str) -> int:
    """pdfium text extraction alone: the floor any reader must pay."""
    from themes.read import ReadError, read_raw

    try:
        return sum(len(p) for p in read_raw(path).pages)
    except ReadError:
        return 0


def raw_extraction_seconds(files: list[Path], workers: int) -> float:
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_extract, map(str, files), chunksize=2))
    return time.perf_counter() - start
