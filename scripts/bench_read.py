"""Benchmark: read and segment the whole ../shared corpus on 2 cores; compare with raw extraction.

Prints reports/s, sentences/s and the ratio to raw PDF text extraction alone (target: under 2x).
Run: .venv/bin/python scripts/bench_read.py
"""

from __future__ import annotations

import time

from bench_common import corpus_files, raw_extraction_seconds

from themes.read import ReadError
from themes.report import read_reports

WORKERS = 2


def main() -> None:
    files = corpus_files()
    raw = raw_extraction_seconds(files, WORKERS)
    start = time.perf_counter()
    ok = sentences = 0
    for res in read_reports(files, workers=WORKERS):
        if not isinstance(res, ReadError):
            ok += 1
            sentences += len(res.sentences)
    full = time.perf_counter() - start
    print(f"files: {len(files)} ({ok} read), sentences: {sentences}, workers: {WORKERS}")
    print(f"raw text extraction alone: {raw:.1f} s")
    print(f"read + structure + segment: {full:.1f} s = {ok / full:.1f} reports/s, {sentences / full:.0f} sentences/s")
    print(f"ratio to raw extraction: {full / raw:.2f} (target < 2)")


if __name__ == "__main__":
    main()
