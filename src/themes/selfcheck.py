"""Does a council know itself? Its self-evaluation's named weaknesses against an inspection's findings.

Both documents are tagged by the same model. The council "names" a theme as a weakness when a sentence
in its "What we still need to improve" column is about it, or when enough of its other sentences (never
its "What are we doing about it?" actions) are weaknesses of it, most of what it says about the theme
there. Inspectors "find" a theme to
be a weakness when a "What needs to improve?" item names it, or when enough body sentences do. Each
theme then falls into one of: known weakness (both), blind spot (inspectors only), not confirmed
(council only; "judged a strength" when inspectors praised it and found no weakness in it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .structure import IMPROVEMENT_KINDS
from .taxonomy import load_taxonomy

CATEGORIES = ["known weakness", "blind spot", "not confirmed", "judged a strength by inspectors"]


@dataclass
class SelfCheck:
    """The comparison, theme by theme, with the evidence from both documents."""

    self_evaluation: str
    inspection: str
    authority: str
    themes: pd.DataFrame  # one row per theme named or found by either side
    evidence: pd.DataFrame  # the sentences behind each row: theme, side, sentence, where
    html: str = ""  # the section for report.html, once published

    @property
    def score(self) -> float | None:
        found = self.themes[self.themes.inspectors_weakness]
        return None if found.empty else round(float(found.council_weakness.mean()), 3)

    def summary(self) -> str:
        n_found = int(self.themes.inspectors_weakness.sum())
        n_known = int((self.themes.category == "known weakness").sum())
        if not n_found:
            return f"{self.authority}: inspectors found no weakness themes to check the self-evaluation against"
        blind = int((self.themes.category == "blind spot").sum())
        unconfirmed = int(self.themes.category.isin(CATEGORIES[2:]).sum())
        return (f"{self.authority}: the self-evaluation named {n_known} of the {n_found} weakness themes "
                f"inspectors found ({self.score:.0%}); {blind} blind spot{'s' if blind != 1 else ''}, "
                f"{unconfirmed} named but not confirmed")


def _weakness_themes(findings: pd.DataFrame, strong: pd.Series, min_other: int,
                     min_share: float = 0.0) -> dict[str, pd.DataFrame]:
    """Themes with a weakness in a `strong` row (a named list), or in at least `min_other` other rows
    that are at least `min_share` of the theme's findings outside the list."""
    weak = findings[findings.polarity == "weakness"]
    out = {}
    for theme, rows in weak.groupby("theme"):
        named = rows[strong.loc[rows.index]]
        other = rows[~strong.loc[rows.index]]
        all_other = findings[(findings.theme == theme) & ~strong]
        share = len(other) / len(all_other) if len(all_other) else 0.0
        if len(named) or (other.sentence_id.nunique() >= min_other and share >= min_share):
            out[theme] = pd.concat([named, other])
    return out


def compare_self_evaluation(self_findings: pd.DataFrame, inspection_findings: pd.DataFrame,
                            min_sentences: int = 2) -> SelfCheck:
    """Compare tagged findings (rows as in findings.csv) of a self-evaluation and an inspection."""
    taxonomy = load_taxonomy()
    council = self_findings[self_findings["column"].fillna("") != "action"]
    # a self-evaluation's prose tells much history and context: outside its "still to improve" column a
    # theme counts only when most of what it says about the theme is weakness
    council_named = _weakness_themes(council, council["column"].fillna("") == "still_to_improve",
                                     min_sentences + 1, min_share=0.5)
    inspected_found = _weakness_themes(inspection_findings, inspection_findings.section.isin(IMPROVEMENT_KINDS),
                                       min_sentences)
    inspected_strengths = set(inspection_findings.loc[inspection_findings.polarity == "strength", "theme"])
    rows, evidence = [], []
    for theme in taxonomy.ids:
        named, found = theme in council_named, theme in inspected_found
        if not (named or found):
            continue
        if named and found:
            category = "known weakness"
        elif found:
            category = "blind spot"
        elif theme in inspected_strengths:
            category = "judged a strength by inspectors"
        else:
            category = "not confirmed"
        rows.append({"theme": theme, "area": taxonomy.area_of(theme), "label": taxonomy.by_id(theme).label,
                     "council_weakness": named, "inspectors_weakness": found, "category": category,
                     "council_sentences": int(council_named[theme].sentence_id.nunique()) if named else 0,
                     "inspectors_sentences": int(inspected_found[theme].sentence_id.nunique()) if found else 0})
        sides = [("council", council_named.get(theme))]
        if found:
            sides.append(("inspectors", inspected_found[theme]))
        elif category == "judged a strength by inspectors":
            praised = inspection_findings[(inspection_findings.theme == theme)
                                          & (inspection_findings.polarity == "strength")]
            sides.append(("inspectors", praised))
        for side, frame in sides:
            if frame is None:
                continue
            for _, f in frame.drop_duplicates("sentence_id").sort_values("confidence", ascending=False).head(5).iterrows():
                evidence.append({"theme": theme, "side": side, "polarity": f.polarity, "sentence": f.sentence,
                                 "file": f.file, "section": f.section,
                                 "paragraph": "" if pd.isna(f.paragraph) else int(f.paragraph),
                                 "column": f.get("column", ""), "confidence": f.confidence})
    themes = pd.DataFrame(rows, columns=["theme", "area", "label", "council_weakness", "inspectors_weakness",
                                         "category", "council_sentences", "inspectors_sentences"])
    order = {c: i for i, c in enumerate(CATEGORIES)}
    themes = themes.sort_values(["category", "inspectors_sentences"], key=lambda s: s.map(order)
                                if s.name == "category" else -s).reset_index(drop=True)
    authority = (inspection_findings.authority.iloc[0] if len(inspection_findings)
                 else self_findings.authority.iloc[0] if len(self_findings) else "")
    return SelfCheck(
        self_evaluation=self_findings.file.iloc[0] if len(self_findings) else "",
        inspection=inspection_findings.file.iloc[0] if len(inspection_findings) else "",
        authority=authority, themes=themes, evidence=pd.DataFrame(evidence))


def publish_selfcheck(result: SelfCheck, out_dir: str | Path, stem: str = "selfcheck") -> str:
    """Write the comparison's tables, chart and standalone HTML; return the HTML section for report.html."""
    from .charts import selfcheck_chart
    from .outputs import write_csv, write_text
    from .publish import render_selfcheck_page, selfcheck_fragment

    out = Path(out_dir)
    write_csv(out / f"{stem}.csv", result.themes)
    write_csv(out / f"{stem}_evidence.csv", result.evidence)
    png = selfcheck_chart(result, out / stem)[0]
    result.html = selfcheck_fragment(result, png)
    write_text(out / f"{stem}.html", render_selfcheck_page(result, result.html))
    return result.html


def run_selfcheck(self_evaluation: str | Path, inspection: str | Path, out_dir: str | Path,
                  model_path: str | Path | None = None) -> SelfCheck:
    """Read and tag both documents, compare them, and write selfcheck.csv, evidence, chart and HTML."""
    from .model import load_model
    from .report import read_report
    from .tag import tag_report

    model = load_model(model_path)
    self_tagged = tag_report(read_report(self_evaluation), model)
    insp_tagged = tag_report(read_report(inspection), model)
    result = compare_self_evaluation(pd.DataFrame(self_tagged.findings), pd.DataFrame(insp_tagged.findings))
    publish_selfcheck(result, out_dir)
    return result


def selfchecks_in(findings: pd.DataFrame, documents: pd.DataFrame, out_dir: str | Path) -> list[SelfCheck]:
    """For each self-evaluation in a tagged batch, the comparison with the same council's first Ofsted
    inspection published after it (or, failing that, its latest)."""
    from .documents import OTHER_TYPES

    if documents is None or documents.empty:
        return []
    checks = []
    inspections = documents[~documents.report_type.isin(OTHER_TYPES)]
    for doc in documents[documents.report_type == "self_evaluation"].itertuples():
        same = inspections[inspections.authority == doc.authority].sort_values("published")
        if same.empty:
            continue
        later = same[same.published.astype(str) > str(doc.published or "")]
        target = (later if len(later) else same).iloc[0 if len(later) else -1]
        result = compare_self_evaluation(findings[findings.file == doc.file], findings[findings.file == target.file])
        publish_selfcheck(result, out_dir, stem=f"selfcheck-{Path(doc.file).stem}")
        checks.append(result)
    return checks
