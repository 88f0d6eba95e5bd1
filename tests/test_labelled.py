"""The hand-labelled data: complete, valid, reproducible, gold only; and the seed 001 text never shipped."""

from __future__ import annotations

import json
import subprocess

import pytest

from themes.agreement import second_pass_agreement
from themes.labelling import LabelError, build_labelled, file_sha256, load_labelled, parse_codes
from themes.taxonomy import load_taxonomy

from conftest import LABELLED_DIR as LABELLED
from conftest import ROOT


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    out = tmp_path_factory.mktemp("labelled") / "labelled.jsonl"
    info = build_labelled(LABELLED, out=out)
    return info, load_labelled(out), out


def test_code_files_build_into_the_shipped_labelled_file(rebuilt):
    info, rows, out = rebuilt
    assert info["sentences"] >= 4000 and len(info["reports"]) >= 20
    assert file_sha256(out) == file_sha256(LABELLED / "labelled.jsonl"), "run `themes labels build`"
    metrics = json.loads((ROOT / "models" / "metrics.json").read_text())
    assert metrics["training_data_sha256"] == file_sha256(out), "the shipped model was trained on other data"


def test_gold_only_and_every_theme_present(rebuilt):
    _, rows, _ = rebuilt
    assert {r["source"] for r in rows} <= {"whole_report", "targeted"}  # weak labels never live here
    counts = {}
    for r in rows:
        for lab in r["labels"]:
            counts[lab["theme"]] = counts.get(lab["theme"], 0) + 1
    tax = load_taxonomy()
    thin = {t: counts.get(t, 0) for t in tax.ids if counts.get(t, 0) < 15}
    assert not thin, f"themes with fewer than 15 labelled sentences: {thin}"
    assert len({r["authority"] for r in rows}) >= 20


def test_labelled_sentences_carry_the_grade_they_stand_under(rebuilt):
    from themes.context import GRADE_LEVELS

    _, rows, _ = rebuilt
    assert {r["grade"] for r in rows} <= {*GRADE_LEVELS, None}
    assert sum(r["grade"] is not None for r in rows) >= 0.9 * len(rows)  # only post-2026 and a few old reports lack one
    # a section's own judgement grade beats the overall one (Southampton 2023: good overall, leaders outstanding)
    southampton = {r["section"]: r["grade"] for r in rows if r["report"] == "southampton-2023-07-28.pdf"}
    assert southampton["leaders"] == "outstanding" and southampton["summary"] == "good"


def test_bad_code_lines_are_named(tmp_path):
    bad = tmp_path / "x.codes"
    bad.write_text("0001 pf-\n0002 zz+\n0002 ap-\n0003 ap+ ap-\n0004 pf?\n")
    with pytest.raises(LabelError) as info:
        parse_codes(bad)
    msg = str(info.value)
    for line in (2, 3, 4, 5):
        assert f"x.codes:{line}" in msg


def test_blind_second_pass_agreement():
    res = second_pass_agreement(LABELLED / "labelled.jsonl", LABELLED / "second_pass" / "second_pass.codes")
    assert res["sentences"] >= 400
    assert 0 <= res["theme_f1"] <= 1 and res["theme_kappa_macro"] > 0.5


def test_seed_001_text_is_not_in_the_project(shared_dir):
    """The Southampton self-evaluation carries a no-further-distribution notice: none of it is shipped."""
    seed = next((shared_dir / "seeds").glob("001_*"))
    lines = [ln.strip() for ln in seed.read_text(encoding="utf-8").splitlines() if len(ln.strip()) > 80]
    probes = [ln[10:70] for ln in lines[::10]]
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for name in files:
        path = ROOT / name
        if path.suffix.lower() in {".pdf", ".png", ".skops", ".parquet", ".xlsx"} or not path.exists():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        leaked = [p for p in probes if p in text]
        assert not leaked, f"{name} holds text from seed 001: {leaked[:1]}"


def test_grade_columns_are_what_the_reader_finds(corpus_dir, tmp_path):
    import csv

    from themes.labelling import GRADE_COLUMNS, fill_grade_columns

    with open(LABELLED / "reports.csv", encoding="utf-8", newline="") as fh:
        shipped = [r for r in csv.DictReader(fh)
                   if r["file"] in ("southampton-2023-07-28.pdf", "devon-2020-03-17.pdf", "norfolk-2013-08-16.pdf")]
    blank = [{**r, **{c: "" for c in GRADE_COLUMNS}} for r in shipped]
    with open(tmp_path / "reports.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(shipped[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(blank)
    assert fill_grade_columns(tmp_path, corpus_dir / "reports") == 3
    with open(tmp_path / "reports.csv", encoding="utf-8", newline="") as fh:
        assert list(csv.DictReader(fh)) == shipped


def test_checking_a_code_file_loads_no_heavy_library():
    import sys

    code = ("import sys, themes.labelling; heavy = [m for m in ('spacy', 'sklearn', 'pypdfium2', 'pandas') "
            "if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, f"a labeller's check imports {done.stdout.strip()}"
