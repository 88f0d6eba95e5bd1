"""Tag, compare and report end to end on the shipped sample, with the shipped model."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace

import pandas as pd
import pytest
from click.testing import CliRunner

from themes.cli import main
from themes.model import DEFAULT_MODEL_PATH, ModelError
from themes.model import load_model as load_model_file
from themes.publish import run_compare
from themes.tag import FINDING_COLUMNS, tag_reports, write_tag_outputs
from themes.taxonomy import load_taxonomy

from conftest import SAMPLES


@pytest.fixture(scope="session")
def tagged(model):
    return tag_reports([SAMPLES], workers=2)


def test_model_is_shipped_and_stamped(model):
    tax = load_taxonomy()
    assert DEFAULT_MODEL_PATH.exists()
    assert model.taxonomy.version == tax.version
    metrics = json.loads((DEFAULT_MODEL_PATH.parent / "metrics.json").read_text())
    assert metrics["taxonomy_version"] == tax.version
    assert metrics["model"]["pair_micro_f1"] > metrics["baseline"]["pair_micro_f1"]
    assert model.meta["training_data_sha256"] == metrics["training_data_sha256"]


def test_model_for_another_taxonomy_is_refused(tmp_path):
    other = replace(load_taxonomy(), version="0.0-other")
    with pytest.raises(ModelError, match="taxonomy"):
        load_model_file(DEFAULT_MODEL_PATH, taxonomy=other)
    edited = replace(load_taxonomy(), themes=load_taxonomy().themes[::-1])
    with pytest.raises(ModelError, match="taxonomy"):
        load_model_file(DEFAULT_MODEL_PATH, taxonomy=edited)
    bad = tmp_path / "not-a-model.skops"
    bad.write_bytes(b"this is not a zip archive")
    with pytest.raises(ModelError):
        load_model_file(bad)


def test_api_tags_plain_sentences(model):
    tags = model.tag([
        "Arrangements to identify children who are privately fostered are weak.",
        "Care leavers live in suitable accommodation and are well supported by their personal advisers.",
        "The council is a unitary authority on the south coast.",
    ])
    assert len(tags) == 3
    assert ("private_fostering", "weakness") in {(t.theme, t.polarity) for t in tags[0]}
    assert any(t.polarity == "strength" for t in tags[1])
    assert all(0 < t.confidence <= 1 for ts in tags for t in ts)


def test_findings_table(tagged):
    f = tagged.findings
    assert list(f.columns[: len(FINDING_COLUMNS) - 1]) == FINDING_COLUMNS[:-1]
    assert set(f["file"]) == {p.name for p in SAMPLES.glob("*.pdf")}
    assert set(f["polarity"]) <= {"strength", "weakness", "neutral"}
    assert tagged.errors.empty
    # every What needs to improve item of Southampton 2023 is a weakness finding
    wni = f[(f["file"] == "southampton-2023-07-28.pdf") & (f["section"] == "what_needs_to_improve")]
    assert len(wni) and set(wni["polarity"]) == {"weakness"}
    # nothing is lost: every sentence is in sentences.csv, tagged or not
    assert len(tagged.sentences) >= len(set(f["sentence_id"]))
    assert (tagged.documents["sentences"].sum()) == len(tagged.sentences)


def test_tag_outputs_written(tagged, tmp_path):
    paths = write_tag_outputs(tagged, tmp_path)
    names = {p.name for p in paths}
    assert {"findings.csv", "findings.parquet", "sentences.csv", "documents.csv", "errors.csv"} <= names
    back = pd.read_parquet(tmp_path / "findings.parquet")
    assert len(back) == len(tagged.findings)
    assert not list(tmp_path.glob("*.tmp*"))


def test_private_fostering_is_a_shared_weakness(tagged, tmp_path):
    res = run_compare(tagged.findings, tagged.documents, tmp_path)
    shared = res.shared.set_index("theme")
    assert "private_fostering" in shared.index
    assert set(shared.loc["private_fostering", "authorities"].split("; ")) == {"Southampton", "Southwark"}
    html = (tmp_path / "report.html").read_text()
    assert "Private fostering" in html
    evidence = pd.read_csv(tmp_path / "shared_weaknesses.csv")
    assert len(evidence)
    # quoted evidence from both reports, with where it is
    assert "southampton-2023-07-28.pdf" in html and "southwark-2022-11-11.pdf" in html
    for name in ("heatmap", "strengths_weaknesses", "shared_weaknesses", "trend-southampton", "trend-southwark"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000, name
        assert (tmp_path / f"{name}.svg").stat().st_size > 5_000, name
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "matrix.xlsx")
    assert all(ws.freeze_panes for ws in wb.worksheets)


def test_changes_over_time(tagged, tmp_path):
    res = run_compare(tagged.findings, tagged.documents, tmp_path, authorities=["Southampton"],
                      all_inspections=True)
    ch = res.changes["Southampton"]
    assert set(ch["status"]) <= {"persists", "new", "resolved"}
    assert len(ch) > 0


def test_changes_over_time_with_no_weakness_is_empty():
    from themes.compare import CHANGE_COLUMNS, changes_over_time

    findings = pd.DataFrame([
        {"file": f"a-{year}.pdf", "authority": "A", "published": f"{year}-01-01", "section": "children_in_care",
         "paragraph": 1, "sentence_id": f"a-{year}#0001", "sentence": "Children's health needs are met well.",
         "theme": "health_and_wellbeing", "area": "children_in_care", "polarity": "strength", "confidence": 0.9}
        for year in (2019, 2023)])
    changes = changes_over_time(findings, "A")
    assert changes.empty and list(changes.columns) == CHANGE_COLUMNS


def test_cli_tag_sentences_round_trip(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Life-story work is not completed for enough children."}) + "\n"
                   + json.dumps({"id": "b", "text": "Return home interviews are timely."}) + "\n")
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(main, ["tag-sentences", str(src), "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in rows] == ["a", "b"]
    assert {"theme": "life_story_work", "polarity": "weakness"} in [
        {k: lab[k] for k in ("theme", "polarity")} for lab in rows[0]["labels"]]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    r = CliRunner().invoke(main, ["tag-sentences", str(bad)])
    assert r.exit_code != 0 and "bad.jsonl:1" in r.output


def test_cli_report_default_runs_on_sample(tmp_path):
    r = CliRunner().invoke(main, ["report", "--out", str(tmp_path), "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "Private fostering" in r.output
    assert (tmp_path / "report.html").exists() and (tmp_path / "tagged" / "findings.csv").exists()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
def test_html_report_renders_in_headless_chromium(tagged, tmp_path):
    exe = _chromium()
    if not exe:
        pytest.skip("Debian's chromium is not installed")
    run_compare(tagged.findings, tagged.documents, tmp_path)
    page = (tmp_path / "report.html").resolve().as_uri()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    script = ("<script>document.title = JSON.stringify({imgs: [...document.images].filter(i => i.complete && "
              "i.naturalWidth > 100 && i.getBoundingClientRect().height > 50).length, rows: "
              "document.querySelectorAll('table tbody tr').length, sortable: "
              "document.querySelectorAll('table.sortable').length});</script>")
    probe = tmp_path / "probe.html"
    probe.write_text((tmp_path / "report.html").read_text().replace("</body>", script + "</body>"))
    dom = subprocess.run([exe, *flags, "--virtual-time-budget=5000", "--dump-dom", probe.resolve().as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    import re

    seen = json.loads(re.search(r"<title>(.*?)</title>", dom, re.S).group(1).replace("&quot;", '"'))
    assert seen["imgs"] >= 4 and seen["rows"] >= 10 and seen["sortable"] >= 1, seen
    shot = tmp_path / "shot.png"
    subprocess.run([exe, *flags, "--window-size=1280,2000", f"--screenshot={shot}", page],
                   capture_output=True, timeout=120)
    import matplotlib.image as mpimg

    pixels = mpimg.imread(shot)
    assert pixels.std() > 0.05, "the page rendered blank"
