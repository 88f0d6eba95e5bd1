"""The `themes` command line: a thin layer over the Python API (click for parsing, tqdm for progress)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from .outputs import write_csv, write_text

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = PROJECT_ROOT / "data" / "samples"


def _fail(message: str) -> None:
    click.echo(f"themes: {message}", err=True)
    sys.exit(2)


def _metadata_by_file(path: Path | None) -> dict[str, dict]:
    if not path:
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {Path(row["file"]).name: row for row in csv.DictReader(fh)}


@click.group()
@click.version_option(package_name="themes")
def main() -> None:
    """Findings-taxonomy classifier and cross-authority theme analyser for Ofsted children's services reports."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Folder for one JSON per report.")
@click.option("--metadata", type=click.Path(exists=True, path_type=Path),
              help="A reports.csv to join by file name (authority, dates, framework, published grades).")
@click.option("--workers", type=int, default=None, help="Processes to use (default: all cores).")
def read(inputs: tuple[Path, ...], out_dir: Path, metadata: Path | None, workers: int | None) -> None:
    """Read reports (PDF or text; files or folders) into structured JSON."""
    from tqdm import tqdm

    from .read import ReadError
    from .report import expand_inputs, read_reports

    files = expand_inputs(inputs)
    meta = _metadata_by_file(metadata)
    errors = []
    done = 0
    for path, res in zip(files, tqdm(read_reports(files, workers), total=len(files), unit="report", desc="reading")):
        if isinstance(res, ReadError):
            click.echo(f"skipped {res}", err=True)
            errors.append({"file": path.name, "path": str(path), "reason": res.reason})
            continue
        res.metadata = meta.get(path.name, {})
        write_text(out_dir / f"{path.stem}.json", res.to_json())
        done += 1
    import pandas as pd

    write_csv(out_dir / "errors.csv", pd.DataFrame(errors, columns=["file", "path", "reason"]))
    click.echo(f"read {done} of {len(files)} files into {out_dir}; {len(errors)} skipped (see errors.csv)")


@main.command()
@click.option("--data", "data_dir", default=PROJECT_ROOT / "data" / "labelled", show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path), help="Labelled data folder.")
@click.option("--out", "out_dir", default=PROJECT_ROOT / "models", show_default=True,
              type=click.Path(path_type=Path), help="Where the model, metrics.json and MODEL_CARD.md go.")
@click.option("--design", default="sentence", show_default=True,
              help="The design to fit: a name in themes.train.DESIGNS (sentence, clause, ...).")
@click.option("--compare-designs", is_flag=True, help="Also cross-validate the other designs, for the model card.")
def train(data_dir: Path, out_dir: Path, design: str, compare_designs: bool) -> None:
    """Train the theme-and-polarity classifier on the hand-labelled sentences."""
    from .labelling import build_labelled
    from .train import DESIGNS, train as run_train

    if design not in DESIGNS:
        _fail(f"--design {design!r}: not one of {', '.join(DESIGNS)}")
    info = build_labelled(data_dir)
    click.echo(f"labelled data: {info['sentences']} sentences from {len(info['reports'])} reports")
    m = run_train(data_dir, out_dir, design=design, compare=compare_designs, progress=click.echo)
    r, b = m["model"], m["baseline"]
    click.echo(f"model: theme micro F1 {r['theme_micro_f1']:.3f}, macro {r['theme_macro_f1']:.3f}, pair micro F1 "
               f"{r['pair_micro_f1']:.3f}, weakness-pair F1 {r['weakness_pair_f1']:.3f}, polarity accuracy "
               f"{r['polarity_accuracy_on_found_themes']:.3f}")
    click.echo(f"baseline: theme micro F1 {b['theme_micro_f1']:.3f}, pair micro F1 {b['pair_micro_f1']:.3f}, "
               f"weakness-pair F1 {b['weakness_pair_f1']:.3f}")
    click.echo(f"wrote {out_dir / 'themes-model.skops'}, metrics.json, MODEL_CARD.md in {m['train_seconds']} s")


def _tag(inputs, out_dir: Path, model_path: Path | None, workers: int | None):
    from .model import ModelError
    from .tag import tag_reports, write_tag_outputs

    try:
        result = tag_reports(inputs, model_path=model_path, workers=workers, progress=True)
    except ModelError as exc:
        _fail(str(exc))
    for row in result.errors.itertuples():
        click.echo(f"skipped {row.path}: {row.reason}", err=True)
    write_tag_outputs(result, out_dir)
    click.echo(f"tagged {len(result.documents)} reports, {len(result.sentences)} sentences, {len(result.findings)} "
               f"findings into {out_dir}; {len(result.errors)} files skipped (see errors.csv)")
    return result


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path))
@click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Model file (default: the one shipped in models/).")
@click.option("--workers", type=int, default=None, help="Processes to use (default: all cores).")
def tag(inputs: tuple[Path, ...], out_dir: Path, model_path: Path | None, workers: int | None) -> None:
    """Tag every finding sentence of the reports with themes and polarity."""
    _tag(inputs, out_dir, model_path, workers)


@main.command("tag-sentences")
@click.argument("infile", type=click.File("r", encoding="utf-8"))
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None, help="Output JSONL (default stdout).")
@click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
def tag_sentences(infile, out_path: Path | None, model_path: Path | None) -> None:
    """Tag the sentences of a JSONL file ({"id": ..., "text": ...} per line).

    Optional context fields help as they do in a report: "section", "previous" (the sentence before),
    "paragraph_context" (the rest of its paragraph) and "grade" (the judgement grade it stands under,
    e.g. "inadequate")."""
    from .model import ModelError, load_model
    from .tag import tag_sentences_jsonl

    try:
        model = load_model(model_path)
        lines = list(tag_sentences_jsonl(infile, model, source=infile.name))
    except (ModelError, ValueError) as exc:
        _fail(str(exc))
    text = "\n".join(lines) + ("\n" if lines else "")
    if out_path:
        write_text(out_path, text)
    else:
        sys.stdout.write(text)


def _compare_options(f):
    f = click.option("--authorities", default=None, help="Comma-separated authorities to compare side by side.")(f)
    f = click.option("--neighbours-of", default=None, help="Compare an authority with its statistical neighbours.")(f)
    f = click.option("--min-shared", type=int, default=2, show_default=True,
                     help="Authorities that must share a weakness for it to be listed.")(f)
    f = click.option("--all-inspections", is_flag=True, help="Every inspection, not only each authority's latest.")(f)
    f = click.option("--exclude-wni", is_flag=True, help="Leave out the 'What needs to improve?' lists.")(f)
    return f


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@main.command()
@click.argument("findings_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path))
@click.option("--documents", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="documents.csv from `themes tag` (default: beside FINDINGS_CSV, if there).")
@_compare_options
def compare(findings_csv: Path, out_dir: Path, documents: Path | None, authorities, neighbours_of, min_shared,
            all_inspections, exclude_wni) -> None:
    """Compare tagged findings across authorities: shared weaknesses, matrix, charts, HTML report."""
    import pandas as pd

    findings = pd.read_csv(findings_csv)
    documents = documents or (findings_csv.parent / "documents.csv")
    docs = pd.read_csv(documents) if Path(documents).exists() else None
    _compare_and_summarise(findings, docs, out_dir, authorities, neighbours_of, min_shared, all_inspections,
                           exclude_wni)


def _compare_and_summarise(findings, documents, out_dir: Path, authorities, neighbours_of, min_shared,
                           all_inspections, exclude_wni, selfcheck_html: str | None = None) -> None:
    """Run the comparison with the options `_compare_options` declares, and print what it found."""
    from .publish import run_compare

    try:
        res = run_compare(findings, documents, out_dir, authorities=_split(authorities), neighbours_of=neighbours_of,
                          min_shared=min_shared, all_inspections=all_inspections, include_wni=not exclude_wni,
                          selfcheck_html=selfcheck_html)
    except KeyError as exc:
        _fail(str(exc.args[0]))
    click.echo(f"compared {res.selection.description}: {len(res.shared)} shared weaknesses")
    for row in res.shared.head(5).itertuples():
        names = row.authorities.split("; ")
        more = f"; and {len(names) - 6} more" if len(names) > 6 else ""
        click.echo(f"  {row.label}: {row.authorities_sharing} authorities ({'; '.join(names[:6])}{more})")
    click.echo(f"wrote {len(res.files)} files to {out_dir}; open {out_dir / 'report.html'}")


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", default=PROJECT_ROOT / "reports", show_default=True, type=click.Path(path_type=Path))
@click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@click.option("--workers", type=int, default=None)
@_compare_options
def report(inputs, out_dir: Path, model_path, workers, authorities, neighbours_of, min_shared, all_inspections,
           exclude_wni) -> None:
    """Tag and compare in one go. With no INPUT, runs on the sample reports shipped in data/samples."""
    if not inputs:
        inputs = (SAMPLE_DIR,)
        click.echo(f"no input given: using the sample reports in {SAMPLE_DIR}")
    from .selfcheck import selfchecks_in

    result = _tag(inputs, out_dir / "tagged", model_path, workers)
    if result.findings.empty:
        _fail("no findings to compare (no report could be read and tagged)")
    # a council self-evaluation among the inputs is checked against that council's next inspection
    checks = selfchecks_in(result.findings, result.documents, out_dir)
    for check in checks:
        click.echo(f"self-evaluation: {check.summary()}")
    _compare_and_summarise(result.findings, result.documents, out_dir, authorities, neighbours_of, min_shared,
                           all_inspections, exclude_wni, selfcheck_html="".join(c.html for c in checks) or None)


@main.command()
@click.argument("self_evaluation", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("inspection", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path))
@click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
def selfcheck(self_evaluation: Path, inspection: Path, out_dir: Path, model_path: Path | None) -> None:
    """Does a council know itself? Its self-evaluation's named weaknesses against an inspection's."""
    from .model import ModelError
    from .read import ReadError
    from .selfcheck import run_selfcheck

    try:
        res = run_selfcheck(self_evaluation, inspection, out_dir, model_path)
    except (ReadError, ModelError) as exc:
        _fail(str(exc))
    click.echo(res.summary())
    for row in res.themes.itertuples():
        click.echo(f"  {row.category:32s} {row.label} (council {row.council_sentences}, "
                   f"inspection {row.inspectors_sentences})")
    click.echo(f"wrote selfcheck.csv, selfcheck_evidence.csv, selfcheck.png/.svg and selfcheck.html to {out_dir}")


@main.group()
def labels() -> None:
    """Labelled data: check code files and build labelled.jsonl."""


@labels.command("check")
@click.argument("code_files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def labels_check(code_files) -> None:
    """Check code files against the taxonomy and their listings."""
    from .labelling import main as labelling_main

    sys.exit(labelling_main(["check", *map(str, code_files)]))


@labels.command("build")
@click.option("--data", "data_dir", default=PROJECT_ROOT / "data" / "labelled", show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path))
def labels_build(data_dir: Path) -> None:
    """Expand every code file into labelled.jsonl (fails on any bad or missing line)."""
    from .labelling import LabelError, build_labelled

    try:
        info = build_labelled(data_dir)
    except LabelError as exc:
        _fail(str(exc))
    click.echo(json.dumps({k: v for k, v in info.items() if k != "reports"}, indent=1))
    for stem, c in info["reports"].items():
        click.echo(f"  {stem}: {c['sentences']} sentences, {c['with_labels']} with labels, {c['pairs']} pairs")


@labels.command("grades")
@click.option("--data", "data_dir", default=PROJECT_ROOT / "data" / "labelled", show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--corpus", "corpus_dir", default=PROJECT_ROOT.parent / "shared" / "corpus" / "reports",
              show_default=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
def labels_grades(data_dir: Path, corpus_dir: Path) -> None:
    """Fill reports.csv's grade columns by reading each labelled report (run when reports are added)."""
    from .labelling import LabelError, fill_grade_columns
    from .read import ReadError

    try:
        n = fill_grade_columns(data_dir, corpus_dir)
    except (LabelError, ReadError) as exc:
        _fail(str(exc))
    click.echo(f"grade columns filled for {n} reports in {data_dir / 'reports.csv'}")


@labels.command("agreement")
@click.option("--data", "data_dir", default=PROJECT_ROOT / "data" / "labelled", show_default=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--second-pass", "second_pass", default="second_pass.codes", show_default=True,
              help="The second reading's code file, in DATA/second_pass/.")
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None,
              help="Write the figures as JSON here (default: DATA/second_pass/agreement.json, or "
                   "agreement2.json for second_pass2.codes).")
def labels_agreement(data_dir: Path, second_pass: str, out_path: Path | None) -> None:
    """Agreement of labelled.jsonl with a blind second pass over a random sample of it."""
    from .agreement import second_pass_agreement
    from .labelling import LabelError

    codes = data_dir / "second_pass" / second_pass
    try:
        res = second_pass_agreement(data_dir / "labelled.jsonl", codes)
    except (LabelError, ValueError, FileNotFoundError) as exc:
        _fail(str(exc))
    suffix = Path(second_pass).stem.removeprefix("second_pass")
    write_text(out_path or data_dir / "second_pass" / f"agreement{suffix}.json", json.dumps(res, indent=1) + "\n")
    click.echo(json.dumps({k: v for k, v in res.items() if k != "per_theme"}, indent=1))


if __name__ == "__main__":
    main()
