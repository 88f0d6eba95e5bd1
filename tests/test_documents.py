"""Council self-evaluations, council papers and news articles: read, tagged, and compared with inspections.

The always-on tests use handmade fixtures in the same shapes; the seed documents (the Southampton
self-evaluation must never be copied into the project) are read from ../shared and skipped without it.
"""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner

from themes import read_report
from themes.cli import main
from themes.selfcheck import compare_self_evaluation

from conftest import FIXTURES, SAMPLES


def test_self_evaluation_columns_are_kept():
    r = read_report(FIXTURES / "self-evaluation-shape.txt")
    assert r.report_type == "self_evaluation"
    assert r.published.isoformat() == "2023-03-01"
    by_column = {}
    for s in r.sentences:
        by_column.setdefault(s.column, []).append(s.text)
    assert "Too many children in private fostering arrangements are not known to us, and our visits to them are late." \
        in by_column["still_to_improve"]
    assert "We have launched an awareness campaign with schools." in by_column["action"]
    assert any("early help offer" in t for t in by_column["going_well"])
    texts = " ".join(s.text for s in r.sentences)
    assert "<p>" not in texts and "Agency rate" not in texts and "Introduction\t2" not in texts  # no HTML, data, contents


def test_council_paper_and_news():
    paper = read_report(FIXTURES / "council-paper-shape.txt")
    assert paper.report_type == "council_paper" and paper.published.isoformat() == "2024-03-14"
    cols = {s.text: s.column for s in paper.sentences}
    assert cols["Plans for children in need are not specific enough."] == "still_to_improve"
    assert cols["Strategy meetings are timely and well attended."] == "going_well"
    assert not any("@" in t or "KEY DECISION" in t or "|" in t for t in cols)
    assert {s.paragraph for s in paper.sentences if s.column} == {1, 2}
    news = read_report(FIXTURES / "news-shape.txt")
    assert news.report_type == "news" and news.published.isoformat() == "2024-03-05"
    assert any("unsuitable accommodation" in s.text for s in news.sentences)


def _findings(rows):
    cols = ["file", "authority", "section", "paragraph", "sentence_id", "sentence", "theme", "polarity",
            "confidence", "column"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)


def test_selfcheck_categories():
    council = _findings([
        ("se.txt", "X", "body", None, "se#1", "Private fostering is weak.", "private_fostering", "weakness", 0.9, "still_to_improve"),
        ("se.txt", "X", "body", None, "se#2", "Life-story work is late.", "life_story_work", "weakness", 0.9, "still_to_improve"),
        ("se.txt", "X", "body", None, "se#3", "Early help is late.", "early_help", "weakness", 0.9, "still_to_improve"),
        ("se.txt", "X", "body", None, "se#4", "We will recruit carers.", "foster_carers", "weakness", 0.9, "action"),
    ])
    inspection = _findings([
        ("i.pdf", "X", "what_needs_to_improve", None, "i#1", "Private fostering.", "private_fostering", "weakness", 0.9, ""),
        ("i.pdf", "X", "children_in_care", 3, "i#2", "Carers leave.", "foster_carers", "weakness", 0.8, ""),
        ("i.pdf", "X", "children_in_care", 3, "i#3", "Carers are unsupported.", "foster_carers", "weakness", 0.8, ""),
        ("i.pdf", "X", "help_and_protection", 1, "i#4", "Early help is strong.", "early_help", "strength", 0.8, ""),
        ("i.pdf", "X", "help_and_protection", 2, "i#5", "One weak point on neglect.", "neglect", "weakness", 0.5, ""),
    ])
    res = compare_self_evaluation(council, inspection)
    cat = dict(zip(res.themes.theme, res.themes.category))
    assert cat == {"private_fostering": "known weakness", "foster_carers": "blind spot",
                   "life_story_work": "not confirmed", "early_help": "judged a strength by inspectors"}
    assert res.score == 0.5  # 1 of the 2 weaknesses inspectors found (one body sentence on neglect is not enough)
    assert "1 of the 2" in res.summary()
    assert set(res.evidence[res.evidence.theme == "private_fostering"].side) == {"council", "inspectors"}


def test_selfcheck_command_on_handmade_documents(tmp_path):
    r = CliRunner().invoke(main, ["selfcheck", str(FIXTURES / "self-evaluation-shape.txt"),
                                  str(FIXTURES / "ilacs-small.txt"), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "private fostering" in r.output.lower()
    for name in ("selfcheck.csv", "selfcheck_evidence.csv", "selfcheck.png", "selfcheck.svg", "selfcheck.html"):
        assert (tmp_path / name).stat().st_size > 200, name
    table = pd.read_csv(tmp_path / "selfcheck.csv")
    assert table.set_index("theme").loc["private_fostering", "category"] == "known weakness"


def test_report_includes_a_self_evaluation_section(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name in ("southampton-2023-07-28.pdf", "southwark-2022-11-11.pdf"):
        (inbox / name).write_bytes((SAMPLES / name).read_bytes())
    se = (FIXTURES / "self-evaluation-shape.txt").read_text().replace("Exampleton Children's Services",
                                                                      "Southampton Children's Services")
    (inbox / "southampton-self-evaluation-2022.txt").write_text(se)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["report", str(inbox), "--out", str(out), "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "self-evaluation: Southampton" in r.output
    html = (out / "report.html").read_text()
    assert "Does the council know itself?" in html and "known weakness" in html.lower()


def test_seed_documents_read(shared_dir):
    seeds = {p.name[:3]: p for p in (shared_dir / "seeds").iterdir()}
    se = read_report(seeds["001"])
    assert se.report_type == "self_evaluation" and se.authority == "Southampton"
    assert sum(s.column == "still_to_improve" for s in se.sentences) >= 30
    assert sum(s.column == "action" for s in se.sentences) >= 30
    assert not any("<p>" in s.text or "</" in s.text for s in se.sentences)
    assert read_report(seeds["003"]).report_type == "council_paper"
    news = read_report(seeds["004"])
    assert news.report_type == "news" and news.published.isoformat() == "2014-09-17"


def test_seed_selfcheck_southampton(shared_dir, tmp_path):
    """Southampton's April 2022 self-evaluation against its June 2023 inspection (see the README)."""
    seeds = {p.name[:3]: p for p in (shared_dir / "seeds").iterdir()}
    r = CliRunner().invoke(main, ["selfcheck", str(seeds["001"]), str(seeds["000"]), "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    cat = pd.read_csv(tmp_path / "selfcheck.csv").set_index("theme")["category"]
    assert cat["private_fostering"] == "known weakness"  # "Promotion of private fostering notification stalled"
    assert cat["unaccompanied_children"] == "blind spot"  # the self-evaluation names no UASC weakness
