"""Stage 6, charts: comparison charts with matplotlib (PNG and SVG), colour-blind-safe.

Colours are from the Okabe-Ito palette (weakness orange-vermilion, strength blue) and the cividis
colour map for shares, both readable with the common forms of colour blindness.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.cluster.hierarchy import leaves_list, linkage  # noqa: E402

from .outputs import write_with  # noqa: E402
from .taxonomy import load_taxonomy  # noqa: E402

WEAKNESS = "#D55E00"
STRENGTH = "#0072B2"
AREA_COLOURS = {"help_and_protection": "#E69F00", "children_in_care": "#56B4E9", "care_leavers": "#009E73",
                "leadership_and_workforce": "#CC79A7"}
SHARE_CMAP = "Oranges"  # light (no weaknesses) to dark orange (all weaknesses): sequential, CVD-safe

plt.rcParams.update({"font.size": 9, "axes.titlesize": 11, "axes.spines.top": False, "axes.spines.right": False,
                     "svg.fonttype": "none"})


def save(fig: plt.Figure, out_base: Path) -> list[Path]:
    """Write the figure as PNG and SVG (atomically) and close it."""
    paths = []
    for fmt in ("png", "svg"):
        target = out_base.with_suffix(f".{fmt}")
        write_with(target, lambda tmp, fmt=fmt: fig.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight"))
        paths.append(target)
    plt.close(fig)
    return paths


def _theme_order() -> list[str]:
    tax = load_taxonomy()
    return [t.id for area in tax.areas for t in tax.themes if t.area == area]


def heatmap(matrix: pd.DataFrame, out_base: Path, title: str, order: str = "cluster",
            grades: dict[str, str] | None = None) -> list[Path]:
    """Authorities (rows) x themes (columns, grouped by area): weakness share. Grey = no findings."""
    tax = load_taxonomy()
    themes = [t for t in _theme_order() if t in matrix.columns]
    m = matrix.reindex(columns=themes)
    if len(m) > 2 and order == "cluster":
        filled = m.fillna(0.0).to_numpy()
        m = m.iloc[leaves_list(linkage(filled, method="average", metric="euclidean"))]
    elif order == "grade" and grades:
        rank = {"outstanding": 0, "good": 1, "requires improvement to be good": 2, "inadequate": 3}
        m = m.loc[sorted(m.index, key=lambda a: (rank.get(grades.get(a, ""), 4), a))]
    n_rows, n_cols = m.shape
    height = max(3.0, 0.16 * n_rows + 2.6)
    width = max(8.0, 0.24 * n_cols + 3.5)
    fig, ax = plt.subplots(figsize=(width, height))
    data = np.ma.masked_invalid(m.to_numpy(dtype=float))
    cmap = plt.get_cmap(SHARE_CMAP).with_extremes(bad="#b8c4cc")  # blue-grey: no findings, unlike any orange
    im = ax.imshow(data, aspect="auto", cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks(range(n_cols))
    ax.set_xticklabels([tax.by_id(t).label for t in themes], rotation=60, ha="right", fontsize=7.5)
    ax.set_yticks(range(n_rows))
    row_labels = [f"{a} ({grades[a][:2].upper() if grades and grades.get(a) else '-'})" if grades else a
                  for a in m.index]
    ax.set_yticklabels(row_labels, fontsize=7 if n_rows > 40 else 8.5)
    # area bands above the columns
    start = 0
    for area in tax.areas:
        n = sum(1 for t in themes if tax.area_of(t) == area)
        if not n:
            continue
        ax.axvline(start - 0.5, color="white", lw=2)
        ax.annotate(tax.areas[area], xy=((start + start + n - 1) / 2, -0.6), xycoords=("data", "data"),
                    ha="center", va="bottom", fontsize=8, color=AREA_COLOURS[area], fontweight="bold",
                    annotation_clip=False)
        start += n
    ax.tick_params(axis="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    cbar = fig.colorbar(im, ax=ax, fraction=0.025, pad=0.01)
    cbar.set_label("weakness share of the theme's findings (grey: no findings)")
    ax.set_title(title, pad=22, loc="left")
    return save(fig, out_base)


def diverging_bars(counts: pd.DataFrame, authorities: list[str], out_base: Path, title: str,
                   max_themes: int = 24) -> list[Path]:
    """Strengths (right) against weaknesses (left) per theme, one panel per authority, shared rows."""
    tax = load_taxonomy()
    sub = counts[counts["authority"].isin(authorities)]
    totals = sub.groupby("theme")[["weakness", "strength"]].sum().sum(axis=1)
    themes = [t for t in _theme_order() if t in totals.index]
    if len(themes) > max_themes:
        keep = set(totals.sort_values(ascending=False).index[:max_themes])
        themes = [t for t in themes if t in keep]
    n = len(authorities)
    fig, axes = plt.subplots(1, n, figsize=(3.4 * n + 2.2, 0.28 * len(themes) + 1.8), sharey=True, squeeze=False)
    limit = max(1, int(sub[["weakness", "strength"]].max().max()))
    y = np.arange(len(themes))
    for ax, authority in zip(axes[0], authorities):
        a = sub[sub["authority"] == authority].set_index("theme").reindex(themes).fillna(0)
        ax.barh(y, -a["weakness"], color=WEAKNESS, label="weaknesses")
        ax.barh(y, a["strength"], color=STRENGTH, label="strengths")
        ax.axvline(0, color="black", lw=0.6)
        ax.set_xlim(-limit - 0.5, limit + 0.5)
        ax.set_title(authority)
        ax.set_xlabel("findings (sentences)")
        ticks = ax.get_xticks()
        ax.set_xticks(ticks)
        ax.set_xticklabels([str(int(abs(t))) for t in ticks])
        ax.grid(axis="x", color="#dddddd", lw=0.5)
        ax.set_axisbelow(True)
    axes[0][0].set_yticks(y)
    axes[0][0].set_yticklabels([tax.by_id(t).label for t in themes])
    axes[0][0].invert_yaxis()
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", ncol=2, frameon=False)
    fig.suptitle(title, x=0.01, ha="left")
    fig.tight_layout()
    return save(fig, out_base)


def shared_weakness_bars(shared: pd.DataFrame, total_authorities: int, out_base: Path, title: str,
                         top: int = 20) -> list[Path]:
    """How many of the compared authorities share each weakness."""
    tax = load_taxonomy()
    s = shared.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.32 * max(len(s), 1) + 1.6))
    colours = [AREA_COLOURS[a] for a in s["area"]]
    ax.barh(s["label"], s["authorities_sharing"], color=colours)
    for i, (n, share) in enumerate(zip(s["authorities_sharing"], s["mean_weakness_share"])):
        ax.text(n + 0.05, i, f"{n}  (mean weakness share {share:.0%})", va="center", fontsize=8)
    ax.set_xlim(0, max(total_authorities, int(s["authorities_sharing"].max() if len(s) else 1)) * 1.45)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(f"authorities where the theme is a weakness (of {total_authorities} compared)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in AREA_COLOURS.values()]
    ax.legend(handles, list(tax.areas.values()), loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4,
              frameon=False, fontsize=8)
    ax.set_title(title, loc="left", pad=22)
    if not len(s):
        ax.text(0.5, 0.5, "no weakness shared by enough authorities", transform=ax.transAxes, ha="center")
    return save(fig, out_base)


def trend(area_by_report: pd.DataFrame, authority: str, out_base: Path) -> list[Path]:
    """One authority over time: weakness share by area across its inspections."""
    tax = load_taxonomy()
    d = area_by_report.sort_values("published")
    fig, ax = plt.subplots(figsize=(7.5, 4))
    reports = d[["file", "published"]].drop_duplicates().sort_values("published")
    x = np.arange(len(reports))
    markers = {"help_and_protection": "o", "children_in_care": "s", "care_leavers": "^",
               "leadership_and_workforce": "D"}
    for area in tax.areas:
        a = d[d["area"] == area].set_index("file").reindex(reports["file"])
        ax.plot(x, a["weakness_share"].to_numpy(dtype=float), marker=markers[area], color=AREA_COLOURS[area],
                label=tax.areas[area], lw=2)
    ax.set_xticks(x)
    ax.set_xticklabels([p[:7] or f for f, p in zip(reports["file"], reports["published"])])
    ax.set_ylim(0, 1)
    ax.set_ylabel("weakness share of findings")
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.grid(axis="y", color="#dddddd", lw=0.5)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(f"{authority}: weakness share by area across inspections", loc="left")
    return save(fig, out_base)


CATEGORY_COLOURS = {"known weakness": "#009E73", "blind spot": WEAKNESS,
                    "not confirmed": "#999999", "judged a strength by inspectors": STRENGTH}


def selfcheck_chart(result, out_base: Path) -> list[Path]:
    """Council-named against inspector-found weaknesses, theme by theme: sentences on each side,
    coloured by what the comparison makes of the theme."""
    t = result.themes
    if t.empty:
        fig, ax = plt.subplots(figsize=(6, 1.5))
        ax.axis("off")
        ax.text(0.5, 0.5, "No weakness themes named by the council or found by inspectors", ha="center")
        return save(fig, out_base)
    t = t.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.5, 0.32 * len(t) + 1.6))
    y = np.arange(len(t))
    colours = [CATEGORY_COLOURS[c] for c in t.category]
    ax.barh(y, -t.council_sentences, color=colours, alpha=0.55, edgecolor="black", linewidth=0.4)
    ax.barh(y, t.inspectors_sentences, color=colours, edgecolor="black", linewidth=0.4)
    ax.set_yticks(y, t.label)
    ax.axvline(0, color="black", linewidth=0.8)
    lim = max(t.council_sentences.max(), t.inspectors_sentences.max(), 1) * 1.15
    ax.set_xlim(-lim, lim)
    ticks = ax.get_xticks()
    ax.set_xticks(ticks, [f"{abs(int(v))}" for v in ticks])
    ax.set_xlabel("← weakness sentences in the self-evaluation  |  weakness sentences in the inspection →")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in CATEGORY_COLOURS.values()]
    ax.legend(handles, CATEGORY_COLOURS.keys(), loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4,
              frameon=False, fontsize=8)
    ax.set_title(f"{result.authority}: does the council know itself?\n{result.summary()}", fontsize=9, pad=24)
    return save(fig, out_base)
