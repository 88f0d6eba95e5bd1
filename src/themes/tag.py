"""Batch tagging: read reports, tag every finding sentence, and lay the results out as tables.

`tag_reports` returns four DataFrames (findings, sentences, documents, errors); `write_tag_outputs`
writes them to a folder. Reading and tagging run together in worker processes, each loading the
model once, so a batch uses every core it is given.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd
from tqdm import tqdm

from .authorities import find_authority
from .context import report_context, section_grades, sentence_grades
from .model import ThemeTagger, load_model
from .outputs import write_csv, write_parquet
from .read import ReadError
from .report import Report, expand_inputs, read_report

FINDING_COLUMNS = ["file", "authority", "la_code", "report_type", "published", "section", "paragraph",
                   "sentence_id", "sentence", "theme", "area", "polarity", "confidence", "column"]
SENTENCE_COLUMNS = ["file", "authority", "la_code", "report_type", "published", "section", "paragraph",
                    "sentence_id", "sentence", "themes", "column"]
GRADE_KEYS = ["overall_effectiveness", "impact_of_leaders", "help_and_protection", "children_in_care",
              "care_leavers", "children_in_care_and_care_leavers"]


@dataclass
class TaggedReport:
    """One report's rows, built in a worker process and sent back as plain records."""

    document: dict
    sentences: list[dict]
    findings: list[dict]


@dataclass
class TagResult:
    findings: pd.DataFrame
    sentences: pd.DataFrame
    documents: pd.DataFrame
    errors: pd.DataFrame


def tag_report(report: Report, model: ThemeTagger) -> TaggedReport:
    taxonomy = model.taxonomy
    la = find_authority(report.authority) or find_authority(Path(report.file).stem.rsplit("-", 3)[0])
    published = report.published.isoformat() if report.published else ""
    texts = [s.text for s in report.sentences]
    sents = report.sentences
    previous, paragraph = report_context(sents)
    sections = [s.section for s in sents]
    grades = sentence_grades(sections, section_grades(report.sections), report.grades.get("overall_effectiveness"))
    tags = model.tag(texts, sections, previous=previous, paragraph=paragraph, tokens=report.tokens, grades=grades)
    stem = Path(report.file).stem
    common = {"file": report.file, "authority": la.name if la else (report.authority or ""),
              "la_code": la.code if la else "", "report_type": report.report_type, "published": published}
    area = {t: taxonomy.area_of(t) for t in taxonomy.ids}
    sentences, findings = [], []
    for s, stags in zip(report.sentences, tags):
        sid = f"{stem}#{s.id:04d}"
        row = {**common, "section": s.section, "paragraph": s.paragraph, "sentence_id": sid, "sentence": s.text}
        if s.column == "action":
            stags = []  # a council's "What are we doing about it?" is an action, not a finding
        sentences.append({**row, "themes": "; ".join(f"{t.theme}:{t.polarity}" for t in stags),
                          "column": s.column or ""})
        for t in stags:
            # the council itself names what is "still to improve": a weakness, whatever the wording
            polarity = "weakness" if s.column == "still_to_improve" else t.polarity
            findings.append({**row, "theme": t.theme, "area": area[t.theme], "polarity": polarity,
                             "confidence": t.confidence, "column": s.column or ""})
    document = {
        "file": report.file,
        "authority": common["authority"],
        "authority_as_named": report.authority or "",
        "la_code": common["la_code"],
        "region": la.region if la else "",
        "report_type": report.report_type,
        "inspection_start": report.inspection_start.isoformat() if report.inspection_start else "",
        "inspection_end": report.inspection_end.isoformat() if report.inspection_end else "",
        "published": published,
        "lead_inspector": report.lead_inspector or "",
        **{k: report.grades.get(k, "") for k in GRADE_KEYS},
        "other_grades": json.dumps({k: v for k, v in report.grades.items() if k not in GRADE_KEYS}) if any(
            k not in GRADE_KEYS for k in report.grades) else "",
        "sentences": len(report.sentences),
        "tagged_sentences": sum(1 for t in tags if t),
        "findings": len(findings),
        "weaknesses": sum(1 for f in findings if f["polarity"] == "weakness"),
        "strengths": sum(1 for f in findings if f["polarity"] == "strength"),
        "improvement_items": len(report.improvement_items),
    }
    return TaggedReport(document=document, sentences=sentences, findings=findings)


# Worker-process state: the model is loaded once per process.
_WORKER_MODEL: ThemeTagger | None = None


def _init_worker(model_path: str | None) -> None:
    global _WORKER_MODEL
    if _WORKER_MODEL is None:  # a forked worker already has the parent's model; a spawned one loads it
        _WORKER_MODEL = load_model(model_path)


def _work(path: str) -> TaggedReport | ReadError:
    try:
        return tag_report(read_report(path, keep_tokens=True), _WORKER_MODEL)
    except ReadError as exc:
        return exc
    except Exception as exc:  # an input nobody foresaw: name it and go on with the batch
        return ReadError(path, f"unexpected error: {type(exc).__name__}: {exc}")


def iter_tagged(paths: list[str], model_path: str | None = None, workers: int | None = None,
                model: ThemeTagger | None = None) -> Iterator[tuple[int, TaggedReport | ReadError]]:
    """(index into `paths`, result) for every path, as they finish: largest files first, so that no
    big report is left running alone at the end of a batch."""
    global _WORKER_MODEL
    workers = workers or os.cpu_count() or 1
    _WORKER_MODEL = model or load_model(model_path)
    try:
        if workers <= 1 or len(paths) <= 1:
            for i, p in enumerate(paths):
                yield i, _work(p)
            return
        order = sorted(range(len(paths)), key=lambda i: -_size(paths[i]))
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(model_path,)) as pool:
            yield from zip(order, pool.map(_work, [paths[i] for i in order], chunksize=1))
    finally:
        _WORKER_MODEL = None


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def tag_reports(inputs: Iterable[str | Path], model_path: str | Path | None = None, workers: int | None = None,
                progress: bool = False, model: ThemeTagger | None = None) -> TagResult:
    """Read and tag every report under `inputs` (files or folders); unreadable files go to errors."""
    paths = [str(p) for p in expand_inputs(inputs)]
    if model is None:
        # fail here, once, with a clear message, before starting workers (which inherit it when forked)
        model = load_model(model_path)
    results: list[TaggedReport | ReadError | None] = [None] * len(paths)
    for i, res in tqdm(iter_tagged(paths, str(model_path) if model_path else None, workers, model),
                       total=len(paths), desc="tagging", unit="report", disable=not progress):
        results[i] = res
    # rows in input order, whatever order the workers finished in
    errors = [{"file": Path(p).name, "path": p, "reason": r.reason}
              for p, r in zip(paths, results) if isinstance(r, ReadError)]
    tagged = [r for r in results if not isinstance(r, ReadError)]
    return TagResult(
        findings=pd.DataFrame([row for r in tagged for row in r.findings], columns=FINDING_COLUMNS),
        sentences=pd.DataFrame([row for r in tagged for row in r.sentences], columns=SENTENCE_COLUMNS),
        documents=pd.DataFrame([r.document for r in tagged]),
        errors=pd.DataFrame(errors, columns=["file", "path", "reason"]),
    )


def write_tag_outputs(result: TagResult, out_dir: str | Path) -> list[Path]:
    out = Path(out_dir)
    findings = result.findings.copy()
    findings["paragraph"] = findings["paragraph"].astype("Int64")
    sentences = result.sentences.copy()
    sentences["paragraph"] = sentences["paragraph"].astype("Int64")
    written = [
        write_csv(out / "findings.csv", findings),
        write_parquet(out / "findings.parquet", findings),
        write_csv(out / "sentences.csv", sentences),
        write_csv(out / "documents.csv", result.documents),
        write_csv(out / "errors.csv", result.errors),
    ]
    return written


def tag_sentences_jsonl(lines: Iterable[str], model: ThemeTagger, source: str = "input") -> Iterator[str]:
    """`{"id", "text"}` lines in, `{"id", "text", "labels": [...]}` lines out, in input order."""
    records = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            text = rec["text"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise ValueError(f"{source}:{n}: not a JSON object with a 'text' field") from None
        if not isinstance(text, str):
            raise ValueError(f"{source}:{n}: 'text' must be a string")
        records.append(rec)
    tags = model.tag([r["text"] for r in records], [r.get("section") for r in records],
                     previous=[r.get("previous") for r in records],
                     paragraph=[r.get("paragraph_context") for r in records], grades=[r.get("grade") for r in records])
    for rec, t in zip(records, tags):
        yield json.dumps({"id": rec.get("id"), "text": rec["text"],
                          "labels": [{"theme": x.theme, "polarity": x.polarity, "confidence": x.confidence}
                                     for x in t]}, ensure_ascii=False)


__all__ = ["tag_reports", "write_tag_outputs", "tag_sentences_jsonl", "TagResult"]
