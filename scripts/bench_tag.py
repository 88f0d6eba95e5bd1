"""Benchmark: tag the whole ../shared corpus end to end on 2 cores, and 1,000 sentences on a warm model.

Prints reports/s, sentences/s, peak memory and the ratio to raw PDF text extraction alone measured in
the same run (target: under 2.5x), and the time to tag 1,000 sentences (target: under 1 s).
Run: .venv/bin/python scripts/bench_tag.py
"""

from __future__ import annotations

import resource
import time

from bench_common import corpus_files, raw_extraction_seconds

from themes import load_model, read_report
from themes.tag import tag_reports

WORKERS = 2


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    files = corpus_files()
    raw = raw_extraction_seconds(files, WORKERS)
    start = time.perf_counter()
    result = tag_reports(files, workers=WORKERS)
    full = time.perf_counter() - start
    n_docs, n_sent = len(result.documents), len(result.sentences)
    print(f"files: {len(files)} ({n_docs} tagged, {len(result.errors)} skipped), sentences: {n_sent}, "
          f"findings: {len(result.findings)}, workers: {WORKERS}")
    print(f"raw text extraction alone: {raw:.1f} s")
    print(f"read + tag end to end: {full:.1f} s = {n_docs / full:.1f} reports/s, {n_sent / full:.0f} sentences/s")
    print(f"ratio to raw extraction: {full / raw:.2f} (target < 2.5)")
    print(f"peak memory: main process {peak_mb(resource.RUSAGE_SELF):.0f} MB, "
          f"largest worker {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB")

    model = load_model()
    report = read_report(files[0])
    texts = [s.text for s in report.sentences]
    texts = (texts * (1000 // len(texts) + 1))[:1000]
    model.tag(texts[:50])  # warm up
    start = time.perf_counter()
    model.tag(texts)
    warm = time.perf_counter() - start
    print(f"1,000 sentences on a warm model: {warm:.2f} s (target < 1 s)")


if __name__ == "__main__":
    main()
