"""Hand-labelling support: sentence listings to read, short code files to write, and their expansion
into the labelled JSONL the classifier trains on.

A listing (`data/labelled/sentences/<report>.tsv`) is frozen once labelling starts: it holds every
sentence of a report with a four-digit id. A reader writes one line per id in
`data/labelled/codes/<report>.codes`, e.g. `0412 pf- mo-` (private fostering weakness, management
oversight weakness) or `0413` (no theme). `build_labelled` checks every line against the taxonomy
and the listing and writes `labelled.jsonl`. The code files stay in the project as provenance.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from types import SimpleNamespace
from typing import TYPE_CHECKING

from .context import JUDGEMENT_SECTIONS, report_context, section_grades, sentence_grades
from .taxonomy import Taxonomy, load_taxonomy

if TYPE_CHECKING:  # the reader loads spaCy; checking a code file should not have to
    from .report import Report

LISTING_FIELDS = ["sid", "section", "paragraph", "text"]
# reports.csv's grade columns: the report's overall effectiveness and each judgement section's own grade, as
# `read_report` finds them (`report_grade_columns`); context for the polarity step, never labels
GRADE_COLUMNS = ["grade_overall"] + [f"grade_{kind}" for kind in JUDGEMENT_SECTIONS]


def report_grade_columns(report: Report) -> dict[str, str]:
    """A report's GRADE_COLUMNS as the reader finds them: the grade table's overall effectiveness and the
    grade each judgement section's heading gives (empty where there is none)."""
    by_kind = section_grades(report.sections)
    return {"grade_overall": report.grades.get("overall_effectiveness", ""),
            **{f"grade_{kind}": by_kind.get(kind, "") for kind in JUDGEMENT_SECTIONS}}


def _row_grades(info: dict, sections: list[str]) -> list[str | None]:
    """The grade each listed sentence stands under, from its report's reports.csv grade columns."""
    return sentence_grades(sections, {kind: info.get(f"grade_{kind}") for kind in JUDGEMENT_SECTIONS},
                           info.get("grade_overall"))


class LabelError(ValueError):
    """A code file that does not check out, with every problem found (file and line named)."""


def write_listing(report: Report, path: Path) -> int:
    """Write a report's sentences as a listing for labelling; returns the number of sentences."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(LISTING_FIELDS)
        for s in report.sentences:
            writer.writerow([f"{s.id:04d}", s.section, "" if s.paragraph is None else s.paragraph, s.text])
    tmp.replace(path)
    return len(report.sentences)


def read_listing(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


@dataclass
class CodedSentence:
    sid: str
    labels: list[dict]  # [{"theme": ..., "polarity": ...}]
    note: str


def parse_codes(path: Path, taxonomy: Taxonomy | None = None) -> dict[str, CodedSentence]:
    """Read a code file into {sid: CodedSentence}; raise LabelError listing every bad line."""
    return parse_code_lines(path, r"\d{4}", "0412 pf- mo+", taxonomy)


def parse_code_lines(path: Path, id_pattern: str, example: str,
                     taxonomy: Taxonomy | None = None) -> dict[str, CodedSentence]:
    """Code lines `<id> <code>...  # note`, ids matching `id_pattern`, into {id: CodedSentence}; raise
    LabelError listing every bad line (unreadable line, unknown code, theme twice, id twice)."""
    taxonomy = taxonomy or load_taxonomy()
    line_rx = re.compile(rf"^({id_pattern})((?:\s+[a-z]{{2}}[+\-0])*)\s*(?:#.*)?$")
    errors: list[str] = []
    coded: dict[str, CodedSentence] = {}
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = line_rx.match(line)
        if not m:
            errors.append(f"{path}:{lineno}: cannot read {raw!r} (expected e.g. '{example}')")
            continue
        sid, codes = m.group(1), m.group(2).split()
        rest = line[len(sid):]
        note = rest.split("#", 1)[1].strip() if "#" in rest else ""
        labels: list[dict] = []
        seen: set[str] = set()
        for code in codes:
            try:
                theme = taxonomy.by_code(code[:2]).id
                polarity = taxonomy.polarity_of_code(code[2])
            except KeyError as exc:
                errors.append(f"{path}:{lineno}: {exc.args[0]} in {raw!r}")
                continue
            if theme in seen:
                errors.append(f"{path}:{lineno}: theme {code[:2]} given twice in {raw!r}")
                continue
            seen.add(theme)
            labels.append({"theme": theme, "polarity": polarity})
        if sid in coded:
            errors.append(f"{path}:{lineno}: sentence {sid} coded twice")
        coded[sid] = CodedSentence(sid=sid, labels=labels, note=note)
    if errors:
        raise LabelError("\n".join(errors))
    return coded


def build_labelled(labelled_dir: Path, out: Path | None = None, require_complete: bool = True) -> dict:
    """Expand every code file under `labelled_dir/codes` into `labelled.jsonl`; return counts.

    Whole-report code files must code every sentence of their listing; targeted files (named
    `targeted-*.codes`) may code any subset."""
    taxonomy = load_taxonomy()
    listings_dir = labelled_dir / "sentences"
    codes_dir = labelled_dir / "codes"
    meta = _report_meta(labelled_dir)
    out = out or labelled_dir / "labelled.jsonl"
    errors: list[str] = []
    rows: list[dict] = []
    per_report: dict[str, dict] = {}
    for code_file in sorted(codes_dir.glob("*.codes")):
        stem = code_file.stem
        targeted = stem.startswith("targeted-")
        report_stem = stem[len("targeted-"):] if targeted else stem
        listing_path = listings_dir / f"{report_stem}.tsv"
        if not listing_path.exists():
            errors.append(f"{code_file}: no listing {listing_path}")
            continue
        listing_rows = read_listing(listing_path)
        listing = {row["sid"]: row for row in listing_rows}
        previous, paragraph = report_context(
            SimpleNamespace(text=r["text"], section=r["section"], paragraph=r["paragraph"] or None)
            for r in listing_rows)
        before = {r["sid"]: p for r, p in zip(listing_rows, previous)}
        around = {r["sid"]: p for r, p in zip(listing_rows, paragraph)}
        try:
            coded = parse_codes(code_file, taxonomy)
        except LabelError as exc:
            errors.append(str(exc))
            continue
        unknown = sorted(set(coded) - set(listing))
        if unknown:
            errors.append(f"{code_file}: ids not in the listing: {', '.join(unknown[:10])}")
        missing = sorted(set(listing) - set(coded))
        if missing and not targeted and require_complete:
            errors.append(f"{code_file}: {len(missing)} sentences not coded yet (first: {missing[0]})")
        info = meta.get(report_stem, {})
        grade_of = dict(zip((r["sid"] for r in listing_rows), _row_grades(info, [r["section"] for r in listing_rows])))
        counts = per_report.setdefault(report_stem, {"sentences": 0, "with_labels": 0, "pairs": 0,
                                                     "kind": "targeted" if targeted else "whole_report"})
        for sid in sorted(coded):
            if sid not in listing:
                continue
            row = listing[sid]
            rows.append({
                "id": f"{report_stem}#{sid}",
                "text": row["text"],
                "report": f"{report_stem}.pdf",
                "authority": info.get("authority", report_stem.rsplit("-", 3)[0]),
                "report_type": info.get("report_type", ""),
                "published": info.get("published", ""),
                "section": row["section"],
                "paragraph": int(row["paragraph"]) if row["paragraph"] else None,
                "source": "targeted" if targeted else "whole_report",
                "previous": before.get(sid),  # context for the model (not labelled here): the sentence
                "paragraph_context": around.get(sid),  # before, and the rest of the paragraph
                "grade": grade_of[sid],  # and the judgement grade the sentence stands under
                "labels": coded[sid].labels,
                **({"note": coded[sid].note} if coded[sid].note else {}),
            })
            counts["sentences"] += 1
            counts["with_labels"] += bool(coded[sid].labels)
            counts["pairs"] += len(coded[sid].labels)
    duplicates = _duplicate_texts(rows)
    if duplicates:
        errors.append("the same sentence text is labelled twice: " + "; ".join(duplicates[:5]))
    if errors:
        raise LabelError("\n".join(errors))
    tmp = out.with_suffix(".jsonl.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.replace(out)
    return {"sentences": len(rows), "reports": per_report, "taxonomy_version": taxonomy.version,
            "sha256": file_sha256(out)}


def fill_grade_columns(labelled_dir: Path, corpus_dir: Path) -> int:
    """Fill reports.csv's GRADE_COLUMNS by reading each labelled report from `corpus_dir/<authority>/<file>`
    (once, when reports are added: training then needs no corpus); return how many reports were read."""
    from .report import read_report

    path = labelled_dir / "reports.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = [f for f in reader.fieldnames if f not in GRADE_COLUMNS] + GRADE_COLUMNS
        rows = list(reader)
    for row in rows:
        found = sorted(corpus_dir.glob(f"*/{row['file']}"))
        if not found:
            raise LabelError(f"{row['file']}: not found under {corpus_dir}")
        row.update(report_grade_columns(read_report(found[0])))
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)
    return len(rows)


def _duplicate_texts(rows: list[dict]) -> list[str]:
    seen: dict[str, str] = {}
    dups = []
    for row in rows:
        key = " ".join(row["text"].lower().split())
        if key in seen and row["source"] == "targeted":
            dups.append(f"{row['id']} = {seen[key]}")
        seen.setdefault(key, row["id"])
    return dups


def _report_meta(labelled_dir: Path) -> dict[str, dict]:
    path = labelled_dir / "reports.csv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {Path(r["file"]).stem: r for r in csv.DictReader(fh)}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_labelled(path: Path) -> list[dict]:
    """The labelled sentences (gold only: this file never holds weak labels)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> int:
    """`python -m themes.labelling check FILE.codes...`: check code files while labelling."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or args[0] != "check":
        print("usage: python -m themes.labelling check FILE.codes [...]", file=sys.stderr)
        return 2
    status = 0
    for name in args[1:]:
        path = Path(name)
        stem = path.stem[len("targeted-"):] if path.stem.startswith("targeted-") else path.stem
        listing_path = path.parent.parent / "sentences" / f"{stem}.tsv"
        try:
            coded = parse_codes(path)
        except LabelError as exc:
            print(exc)
            status = 1
            continue
        listing = [row["sid"] for row in read_listing(listing_path)] if listing_path.exists() else []
        missing = [sid for sid in listing if sid not in coded]
        extra = [sid for sid in coded if listing and sid not in listing]
        pairs = sum(len(c.labels) for c in coded.values())
        print(f"{path}: {len(coded)} sentences coded, {pairs} pairs; {len(missing)} of {len(listing)} still to code"
              + (f"; ids not in listing: {extra[:5]}" if extra else ""))
        status = status or (1 if extra else 0)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
