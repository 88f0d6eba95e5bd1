"""Stage 5, aggregate (`themes.compare`): compare tagged findings across authorities and over time (plain pandas).

Input is the `findings` table from tagging (one row per sentence-theme pair). Everything here is a
function of DataFrames to DataFrames, and every count can be traced back to its sentences: the
evidence tables carry the sentence, its report file and paragraph number.

Counting rules (kept simple so that an analyst can check them by hand):
- body findings and "What needs to improve?" (WNI) findings are counted apart;
- weakness share = body weaknesses / all body findings for that theme;
- a theme "is a weakness" for an authority when its body weaknesses are at least `min_weakness`
  and at least as many as its strengths, or, with WNI included, when the WNI list names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .authorities import find_authority, neighbours_of
from .documents import OTHER_TYPES
from .structure import IMPROVEMENT_KINDS
from .taxonomy import load_taxonomy

FULL_INSPECTIONS = ("ilacs_standard", "ilacs_short", "older_framework")


@dataclass
class Selection:
    """What is being compared: the reports chosen and their findings."""

    description: str
    authorities: list[str]
    reports: pd.DataFrame  # file, authority, published, report_type
    findings: pd.DataFrame
    include_wni: bool = True
    notes: list[str] = field(default_factory=list)


def _reports_of(findings: pd.DataFrame, documents: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["file", "authority", "published", "report_type"]
    if documents is not None and len(documents):
        reps = documents[[c for c in cols if c in documents.columns]].copy()
    else:
        reps = findings[cols].drop_duplicates("file").copy()
    reps["published"] = reps["published"].fillna("").astype(str)
    return reps.sort_values(["authority", "published", "file"]).reset_index(drop=True)


def select(findings: pd.DataFrame, documents: pd.DataFrame | None = None, authorities: list[str] | None = None,
           neighbours_of_authority: str | None = None, all_inspections: bool = False,
           include_wni: bool = True) -> Selection:
    """Choose the reports to compare: named authorities, an authority and its statistical neighbours,
    or everything given; the most recent full inspection per authority unless `all_inspections`."""
    reports = _reports_of(findings, documents)
    # self-evaluations, council papers and news are tagged like reports but are not inspections
    reports = reports[~reports["report_type"].isin(OTHER_TYPES)]
    if reports.empty:
        raise KeyError("no Ofsted inspection findings to compare")
    notes: list[str] = []
    present = sorted(reports["authority"].unique())
    if neighbours_of_authority:
        la = find_authority(neighbours_of_authority)
        if la is None:
            raise KeyError(f"unknown authority {neighbours_of_authority!r}")
        wanted = [la.name] + [n.name for n in neighbours_of(la.name)]
        missing = [w for w in wanted if w not in present]
        if missing:
            notes.append("statistical neighbours with no report in the input: " + ", ".join(missing))
        chosen = [w for w in wanted if w in present]
        description = f"{la.name} and its statistical neighbours"
    elif authorities:
        chosen = []
        for name in authorities:
            la = find_authority(name)
            label = la.name if la else name
            if label not in present:
                raise KeyError(f"no reports for authority {name!r} in the input (have: {', '.join(present[:10])}...)")
            chosen.append(label)
        description = " and ".join(chosen) if len(chosen) <= 3 else f"{len(chosen)} named authorities"
    else:
        chosen = present
        description = f"all {len(chosen)} authorities in the input"
    reports = reports[reports["authority"].isin(chosen)]
    if not all_inspections:
        full = reports[reports["report_type"].isin(FULL_INSPECTIONS)]
        pool = full if len(full) else reports
        reports = pool.sort_values("published").groupby("authority", as_index=False).tail(1)
        description += ", most recent inspection of each"
    else:
        description += ", all inspections"
    chosen_files = set(reports["file"])
    sel = findings[findings["file"].isin(chosen_files)].copy()
    if not include_wni:
        sel = sel[~sel["section"].isin(IMPROVEMENT_KINDS)]
        description += " (What needs to improve lists excluded)"
    return Selection(description=description, authorities=[c for c in chosen if c in set(reports["authority"])],
                     reports=reports.reset_index(drop=True), findings=sel, include_wni=include_wni, notes=notes)


def theme_counts(findings: pd.DataFrame, by: tuple[str, ...] = ("authority",), min_weakness: int = 1,
                 include_wni: bool = True) -> pd.DataFrame:
    """One row per group x theme: body weakness/strength/neutral counts, WNI mentions, weakness share
    and whether the theme counts as a weakness there."""
    tax = load_taxonomy()
    f = findings.copy()
    f["part"] = f["section"].isin(IMPROVEMENT_KINDS).map({True: "wni", False: "body"})
    keys = list(by) + ["theme"]
    body = f[f["part"] == "body"]
    counts = body.pivot_table(index=keys, columns="polarity", values="sentence_id", aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=["weakness", "strength", "neutral"], fill_value=0)
    wni = f[f["part"] == "wni"].groupby(keys)["sentence_id"].count().rename("wni_mentions")
    out = counts.join(wni, how="outer").fillna(0).astype(int).reset_index()
    out["area"] = out["theme"].map(tax.area_of)
    out["label"] = out["theme"].map(lambda t: tax.by_id(t).label)
    body_total = out["weakness"] + out["strength"] + out["neutral"]
    out["findings"] = body_total
    out["weakness_share"] = (out["weakness"] / body_total.where(body_total > 0)).round(3)
    out["is_weakness"] = ((out["weakness"] >= min_weakness) & (out["weakness"] >= out["strength"])) | (
        include_wni & (out["wni_mentions"] > 0))
    order = list(by) + ["area", "theme", "label", "weakness", "strength", "neutral", "findings", "weakness_share",
                        "wni_mentions", "is_weakness"]
    return out[order].sort_values(list(by) + ["area", "theme"]).reset_index(drop=True)


def area_counts(findings: pd.DataFrame, by: tuple[str, ...] = ("authority",)) -> pd.DataFrame:
    """Body findings rolled up by area: counts and weakness share."""
    tax = load_taxonomy()
    body = findings[~findings["section"].isin(IMPROVEMENT_KINDS)]
    counts = body.pivot_table(index=list(by) + ["area"], columns="polarity", values="sentence_id",
                              aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=["weakness", "strength", "neutral"], fill_value=0).reset_index()
    total = counts["weakness"] + counts["strength"] + counts["neutral"]
    counts["findings"] = total
    counts["weakness_share"] = (counts["weakness"] / total.where(total > 0)).round(3)
    counts["area_label"] = counts["area"].map(tax.areas)
    return counts


def evidence(findings: pd.DataFrame, polarity: str | None = "weakness", per_group: int = 3,
             by: tuple[str, ...] = ("authority", "theme")) -> pd.DataFrame:
    """The quoted sentences behind the counts, most confident first, with report and paragraph."""
    f = findings if polarity is None else findings[findings["polarity"] == polarity]
    f = f.sort_values("confidence", ascending=False)
    cols = list(by) + ["polarity", "sentence", "file", "section", "paragraph", "sentence_id", "confidence"]
    cols = list(dict.fromkeys(cols))
    return f.groupby(list(by), sort=True).head(per_group)[cols].sort_values(
        list(by) + ["confidence"], ascending=[True] * len(by) + [False]).reset_index(drop=True)


def shared_weaknesses(findings: pd.DataFrame, min_shared: int = 2, include_wni: bool = True,
                      min_weakness: int = 1, per_authority: int = 2,
                      counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Themes that are weaknesses in at least `min_shared` authorities, ranked by how many authorities
    share them, then by their mean weakness share and WNI mentions; with evidence per authority.
    `counts`: the findings' `theme_counts` by authority with the same options, if already made."""
    tax = load_taxonomy()
    if counts is None:
        counts = theme_counts(findings, ("authority",), min_weakness=min_weakness, include_wni=include_wni)
    weak = counts[counts["is_weakness"]]
    ev = evidence(findings, "weakness", per_group=per_authority)
    rows = []
    for theme, grp in weak.groupby("theme"):
        if grp["authority"].nunique() < min_shared:
            continue
        quotes = []
        for _, r in ev[ev["theme"] == theme].iterrows():
            if r["authority"] in set(grp["authority"]):
                para = "" if pd.isna(r["paragraph"]) else f", para {int(r['paragraph'])}"
                where = "What needs to improve" if r["section"] in IMPROVEMENT_KINDS else r["section"].replace("_", " ")
                quotes.append(f"{r['authority']} ({r['file']}, {where}{para}): \"{r['sentence']}\"")
        rows.append({
            "theme": theme,
            "label": tax.by_id(theme).label,
            "area": tax.area_of(theme),
            "authorities_sharing": grp["authority"].nunique(),
            "authorities": "; ".join(sorted(grp["authority"])),
            "mean_weakness_share": round(float(grp["weakness_share"].fillna(1.0).mean()), 3),
            "weakness_findings": int(grp["weakness"].sum()),
            "wni_mentions": int(grp["wni_mentions"].sum()),
            "evidence": "\n".join(quotes),
        })
    out = pd.DataFrame(rows, columns=["theme", "label", "area", "authorities_sharing", "authorities",
                                      "mean_weakness_share", "weakness_findings", "wni_mentions", "evidence"])
    return out.sort_values(["authorities_sharing", "mean_weakness_share", "wni_mentions", "weakness_findings"],
                           ascending=False).reset_index(drop=True)


def weakness_share_matrix(counts: pd.DataFrame, index: str = "authority") -> pd.DataFrame:
    """Wide table: rows are authorities (or reports), columns themes in taxonomy order."""
    tax = load_taxonomy()
    wide = counts.pivot_table(index=index, columns="theme", values="weakness_share", aggfunc="mean")
    return wide.reindex(columns=[t for t in tax.ids if t in wide.columns])


CHANGE_COLUMNS = ["theme", "label", "area", "from_report", "to_report", "status", "evidence_before", "evidence_after"]


def changes_over_time(findings: pd.DataFrame, authority: str, min_weakness: int = 1) -> pd.DataFrame:
    """For one authority's successive inspections: which weaknesses persist, are new, or were resolved,
    between each report and the one before it, with a sentence of evidence each."""
    f = findings[findings["authority"] == authority]
    reports = f[["file", "published"]].drop_duplicates().sort_values(["published", "file"])["file"].tolist()
    if len(reports) < 2:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    counts = theme_counts(f, ("file",), min_weakness=min_weakness)
    status_of = {(r.file, r.theme): bool(r.is_weakness) for r in counts.itertuples()}
    ev = evidence(f, "weakness", per_group=1, by=("file", "theme"))
    ev_map = {(r.file, r.theme): r.sentence for r in ev.itertuples()}
    strong = evidence(f, "strength", per_group=1, by=("file", "theme"))
    strong_map = {(r.file, r.theme): r.sentence for r in strong.itertuples()}
    tax = load_taxonomy()
    rows = []
    for before, after in zip(reports, reports[1:]):
        for theme in tax.ids:
            was = status_of.get((before, theme), False)
            now = status_of.get((after, theme), False)
            if not was and not now:
                continue
            status = "persists" if was and now else ("new" if now else "resolved")
            rows.append({"theme": theme, "label": tax.by_id(theme).label, "area": tax.area_of(theme),
                         "from_report": before, "to_report": after, "status": status,
                         "evidence_before": ev_map.get((before, theme), ""),
                         "evidence_after": ev_map.get((after, theme), "") if now else
                         strong_map.get((after, theme), "(not mentioned as a weakness)")})
    order = {"persists": 0, "new": 1, "resolved": 2}
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)  # no rows: no weakness in any of the reports
    return out.sort_values(["to_report", "status", "area", "theme"], key=lambda s: s.map(order) if s.name == "status"
                           else s).reset_index(drop=True)
