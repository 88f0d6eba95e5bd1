"""A report read into structure: the plain data passed from reading to tagging.

`read_report(path)` chains the read, structure and sentence stages; `read_reports(paths)` does the
same for many files on several processes, yielding a Report or a ReadError per file.
"""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from .documents import build_other_structure, detect_type
from .read import ReadError, read_raw
from .sentences import Sentence, segment_with_tokens
from .structure import IMPROVEMENT_KINDS, Section, build_structure

REPORT_TYPES = (
    "ilacs_standard", "ilacs_short", "focused_visit", "monitoring_visit", "jtai", "older_framework", "unknown",
)


@dataclass
class Report:
    file: str  # file name without folders
    path: str
    authority: str | None  # as named in the report's title
    report_type: str
    inspection_start: date | None
    inspection_end: date | None
    published: date | None
    lead_inspector: str | None
    grades: dict[str, str]
    sections: list[Section]
    sentences: list[Sentence]
    text: str = field(repr=False)
    metadata: dict[str, str] = field(default_factory=dict)  # joined from reports.csv when given
    # each sentence's spaCy tokens, kept only when asked for (for tagging); never saved or sent between processes
    tokens: list | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "tokens": None}

    def section(self, kind: str) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    @property
    def improvement_items(self) -> list[str]:
        """The bullets of "What needs to improve?" (and areas for priority action, if any)."""
        return [i for s in self.sections if s.kind in IMPROVEMENT_KINDS
                for i in s.items]

    def to_dict(self) -> dict:
        d = asdict(replace(self, tokens=None))
        del d["tokens"]
        for key in ("inspection_start", "inspection_end", "published"):
            d[key] = d[key].isoformat() if d[key] else None
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)


OFSTED_MARKERS = re.compile(r"ofsted|his majesty's inspector|her majesty's inspector|\bhmi\b|inspection date",
                            re.I)


def read_report(path: str | Path, metadata: dict[str, str] | None = None, keep_tokens: bool = False) -> Report:
    """Read one Ofsted report (PDF or text) into structure, or raise ReadError saying why not.
    `keep_tokens` keeps each sentence's spaCy tokens on the report (Report.tokens) for the tagger."""
    raw = read_raw(path)
    structure = build_structure(raw)
    other = detect_type("\n".join(raw.pages[:3])) if structure.report_type == "unknown" else None
    if other:  # a council self-evaluation or paper, or a news article
        structure = build_other_structure(raw, other)
    elif structure.report_type == "unknown" and not structure.grades:
        head = " ".join(raw.pages[:2]).replace("’", "'")
        if not OFSTED_MARKERS.search(head):
            raise ReadError(path, "not an Ofsted children's services report (no Ofsted title, dates or grades)")
    sentences, tokens = segment_with_tokens(structure, keep_tokens=keep_tokens)
    if not sentences:
        raise ReadError(path, "no findings text found in the document")
    return Report(
        file=Path(path).name,
        path=str(path),
        authority=structure.authority,
        report_type=structure.report_type,
        inspection_start=structure.inspection_start,
        inspection_end=structure.inspection_end,
        published=structure.published,
        lead_inspector=structure.lead_inspector,
        grades=structure.grades,
        sections=structure.sections,
        sentences=sentences,
        text=structure.text,
        metadata=dict(metadata or {}),
        tokens=tokens,
    )


def _read_one(path: str) -> Report | ReadError:
    try:
        return read_report(path)
    except ReadError as exc:
        return exc
    except Exception as exc:  # a bug or an input nobody foresaw: report it, do not stop the batch
        return ReadError(path, f"unexpected error while reading: {type(exc).__name__}: {exc}")


def read_reports(paths: Iterable[str | Path], workers: int | None = None) -> Iterator[Report | ReadError]:
    """Read many reports, in input order, on `workers` processes (default: all cores)."""
    paths = [str(p) for p in paths]
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(paths) <= 2:
        for p in paths:
            yield _read_one(p)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_read_one, paths, chunksize=2)


INPUT_SUFFIXES = {".pdf", ".txt", ".text"}


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files and folders (searched recursively for .pdf/.txt) into a sorted list of files."""
    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES))
        else:
            files.append(p)
    return files
