"""Stage 6, show: write a comparison as CSV tables, an Excel workbook, charts and one HTML report.

`run_compare(findings, documents, out_dir, ...)` is what `themes compare` and `themes report` call.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import jinja2
import pandas as pd

from . import charts
from .compare import (IMPROVEMENT_KINDS, Selection, area_counts, changes_over_time, evidence, select, shared_weaknesses,
                      theme_counts, weakness_share_matrix)
from .documents import OTHER_TYPES
from .outputs import write_csv, write_text, write_with
from .taxonomy import load_taxonomy

HEADLINES = 8


@dataclass
class CompareResult:
    selection: Selection
    counts: pd.DataFrame
    shared: pd.DataFrame
    files: list[Path] = field(default_factory=list)
    changes: dict[str, pd.DataFrame] = field(default_factory=dict)


def _where(row) -> str:
    if row["section"] in IMPROVEMENT_KINDS:
        return "What needs to improve"
    para = "" if pd.isna(row["paragraph"]) else f", paragraph {int(row['paragraph'])}"
    return row["section"].replace("_", " ") + para


def _workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """One sheet per view, readable headers, frozen header row and first column, fitted widths."""

    from openpyxl.styles import Font

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for name, frame in sheets.items():
                frame = frame.copy()
                frame.columns = [str(c).replace("_", " ").capitalize() if str(c).islower() else str(c)
                                 for c in frame.columns]
                frame.to_excel(xl, sheet_name=name[:31], index=False, freeze_panes=(1, 1))
                ws = xl.sheets[name[:31]]
                for i, col in enumerate(frame.columns, 1):
                    values = [str(col)] + [str(v) for v in frame[col].head(200).tolist()]
                    width = min(60, max(8, max(len(v) for v in values) + 2))
                    ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
                for cell in ws[1]:
                    cell.font = Font(bold=True)

    write_with(path, write)


def _png_b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode("ascii")


def run_compare(findings: pd.DataFrame, documents: pd.DataFrame | None, out_dir: str | Path,
                authorities: list[str] | None = None, neighbours_of: str | None = None, min_shared: int = 2,
                all_inspections: bool = False, include_wni: bool = True, trend_authorities: list[str] | None = None,
                selfcheck_html: str | None = None, title: str | None = None) -> CompareResult:
    """Select, aggregate and write every output of a comparison into `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tax = load_taxonomy()
    sel = select(findings, documents, authorities=authorities, neighbours_of_authority=neighbours_of,
                 all_inspections=all_inspections, include_wni=include_wni)
    f = sel.findings
    counts = theme_counts(f, ("authority",), include_wni=include_wni)
    shared = shared_weaknesses(f, min_shared=min_shared, include_wni=include_wni, counts=counts)
    by_report = theme_counts(f, ("authority", "file"), include_wni=include_wni)
    areas = area_counts(f, ("authority",))
    ev = evidence(f, None, per_group=5)
    ev["where"] = ev.apply(_where, axis=1) if len(ev) else []
    matrix = weakness_share_matrix(counts)
    files: list[Path] = []

    # ---- tables ----
    files.append(write_csv(out / "shared_weaknesses.csv", shared))
    files.append(write_csv(out / "matrix.csv", counts))
    wide = matrix.copy()
    wide.columns = [tax.by_id(c).label for c in wide.columns]
    sheets = {
        "Shared weaknesses": shared,
        "Weakness share": wide.reset_index().rename(columns={"authority": "Authority"}),
        "Authority x theme": counts,
        "Report x theme": by_report,
        "Areas": areas,
        "Evidence": ev.drop(columns=["sentence_id"]),
        "Reports": sel.reports,
    }

    # ---- change over time for authorities with several inspections ----
    # every inspection of the compared authorities (not only the selected ones); council documents are
    # not inspections
    trend_src = findings[~findings["report_type"].isin(OTHER_TYPES)]
    changes: dict[str, pd.DataFrame] = {}
    candidates = trend_authorities if trend_authorities is not None else sel.authorities
    reports_all = trend_src[["authority", "file"]].drop_duplicates()
    for authority in candidates:
        if reports_all[reports_all["authority"] == authority]["file"].nunique() >= 2 and len(candidates) <= 12:
            ch = changes_over_time(trend_src[trend_src["authority"] == authority], authority)
            changes[authority] = ch
    if changes:
        all_changes = pd.concat([c.assign(authority=a) for a, c in changes.items()], ignore_index=True)
        files.append(write_csv(out / "changes_over_time.csv", all_changes))
        sheets["Change over time"] = all_changes
    _workbook(out / "matrix.xlsx", sheets)
    files.append(out / "matrix.xlsx")

    # ---- charts ----
    chart_list = []
    grades = {}
    if documents is not None and "overall_effectiveness" in documents.columns:
        d = documents[documents["file"].isin(set(sel.reports["file"]))]
        grades = dict(zip(d["authority"], d["overall_effectiveness"].fillna("")))
    if len(matrix):
        p = charts.heatmap(matrix, out / "heatmap", f"Weakness share by theme: {sel.description}",
                           order="cluster" if len(matrix) > 2 else "grade", grades=grades or None)
        files += p
        chart_list.append(("heatmap", p[0], "Authorities × themes, weakness share (themes grouped by area; "
                                             "authorities ordered by clustering)."))
    side = sel.authorities[:4]
    if len(side) >= 2:
        p = charts.diverging_bars(counts, side, out / "strengths_weaknesses",
                                  "Strengths and weaknesses by theme (body findings)")
        files += p
        chart_list.append(("diverging", p[0], "Strength findings (right) against weakness findings (left), "
                                              "per theme, for " + ", ".join(side) + "."))
    p = charts.shared_weakness_bars(shared, len(sel.authorities), out / "shared_weaknesses",
                                    "Weaknesses shared across the compared authorities")
    files += p
    chart_list.append(("shared", p[0], "How many of the compared authorities share each weakness."))
    for authority in changes:
        fa = trend_src[trend_src["authority"] == authority]
        ar = area_counts(fa, ("authority", "file", "published"))
        slug = "".join(ch if ch.isalnum() else "-" for ch in authority.lower())
        p = charts.trend(ar, authority, out / f"trend-{slug}")
        files += p
        chart_list.append((f"trend-{slug}", p[0], f"{authority}: weakness share by area across its inspections."))

    # ---- HTML ----
    html = render_html(sel, counts, shared, ev, chart_list, changes, min_shared, documents, selfcheck_html, title)
    files.append(write_text(out / "report.html", html))
    return CompareResult(selection=sel, counts=counts, shared=shared, files=files, changes=changes)


def _model_facts() -> tuple[int, str]:
    import json

    from .model import DEFAULT_MODEL_PATH

    metrics = DEFAULT_MODEL_PATH.parent / "metrics.json"
    if metrics.exists():
        m = json.loads(metrics.read_text())
        return m.get("sentences", 0), f"{m['model']['pair_micro_f1']:.2f}"
    return 0, "n/a"


def render_html(sel: Selection, counts: pd.DataFrame, shared: pd.DataFrame, ev: pd.DataFrame,
                chart_list: list[tuple[str, Path, str]], changes: dict[str, pd.DataFrame], min_shared: int,
                documents: pd.DataFrame | None, selfcheck_html: str | None, title: str | None) -> str:
    tax = load_taxonomy()
    template = _template("report.html.j2")
    f = sel.findings
    doc_by_file = {}
    if documents is not None and len(documents):
        doc_by_file = {r["file"]: r for r in documents.to_dict("records")}
    reports = []
    for r in sel.reports.to_dict("records"):
        d = doc_by_file.get(r["file"], {})
        rf = f[f["file"] == r["file"]]
        reports.append({**r, "overall": d.get("overall_effectiveness", "") or "—", "findings": len(rf),
                        "weaknesses": int((rf["polarity"] == "weakness").sum())})
    ev_w = ev[ev["polarity"] == "weakness"]
    shared_rows = []
    for s in shared.to_dict("records"):
        quotes = []
        sharing = set(s["authorities"].split("; "))
        for e in ev_w[(ev_w["theme"] == s["theme"]) & (ev_w["authority"].isin(sharing))].groupby("authority").head(2) \
                .to_dict("records"):
            quotes.append({"sentence": e["sentence"], "authority": e["authority"], "file": e["file"],
                           "where": e["where"]})
        shared_rows.append({**s, "area_label": tax.areas[s["area"]], "quotes": quotes})
    matrix_rows = [{**r, "share": "" if pd.isna(r["weakness_share"]) else f"{r['weakness_share']:.2f}"}
                   for r in counts.to_dict("records")]
    evidence_rows = [{**e, "label": tax.by_id(e["theme"]).label} for e in ev.to_dict("records")]
    change_blocks = []
    for authority, ch in changes.items():
        n = ch["status"].value_counts().to_dict() if len(ch) else {}
        summary = (f"Between successive inspections: {n.get('persists', 0)} weaknesses persisted, "
                   f"{n.get('new', 0)} were new and {n.get('resolved', 0)} were resolved.")
        change_blocks.append({"authority": authority, "summary": summary, "rows": ch.to_dict("records")})
    model_sentences, model_pair_f1 = _model_facts()
    sections = [("compared", "Compared"), ("shared", "Shared weaknesses"), ("charts", "Charts")]
    if change_blocks:
        sections.append(("over-time", "Over time"))
    if selfcheck_html:
        sections.append(("selfcheck", "Self-evaluation"))
    sections.append(("tables", "Tables"))
    try:
        version = metadata.version("themes")
    except metadata.PackageNotFoundError:
        version = "dev"
    return template.render(
        title=title or f"Ofsted findings compared: {sel.description}",
        version=version,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        taxonomy_version=tax.version,
        model_sentences=model_sentences,
        model_pair_f1=model_pair_f1,
        sections=sections,
        selection=sel,
        reports=reports,
        findings_count=len(f),
        weakness_count=int((f["polarity"] == "weakness").sum()),
        strength_count=int((f["polarity"] == "strength").sum()),
        include_wni=sel.include_wni,
        shared=shared_rows,
        headline_count=HEADLINES,
        min_shared=min_shared,
        n_authorities=len(sel.authorities),
        charts=[{"png": _png_b64(p), "alt": name, "caption": cap} for name, p, cap in chart_list],
        changes=change_blocks,
        selfcheck=selfcheck_html,
        matrix=matrix_rows,
        evidence=evidence_rows,
    )


def selfcheck_fragment(result, png_path: Path) -> str:
    """The self-evaluation comparison as an HTML section (also embedded in report.html)."""
    from .selfcheck import CATEGORIES

    return _template("selfcheck.html.j2").render(r=result, png=_png_b64(png_path), categories=CATEGORIES)


def render_selfcheck_page(result, fragment: str) -> str:
    """A standalone page around a `selfcheck_fragment`."""
    return _template("selfcheck-page.html.j2").render(
        title=f"{result.authority}: self-evaluation against inspection", body=fragment)


_TEMPLATES = jinja2.Environment(loader=jinja2.PackageLoader("themes"), autoescape=True,
                                undefined=jinja2.StrictUndefined)


def _template(name: str) -> jinja2.Template:
    """A template shipped in themes/templates (autoescaped; undefined names are errors)."""
    return _TEMPLATES.get_template(name)
