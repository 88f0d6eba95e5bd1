"""Inter-annotator agreement: a blind second reading of a random sample against the first labels.

The second reader codes `data/labelled/second_pass/sample.tsv` without seeing the first codes, one line
per sentence as `<report>#<sid> codes` (e.g. `bradford-2023-01-31#0010 fd+ eh+`). The agreement tells
how far the gold labels can be trusted, and so what score a classifier can sensibly be asked for.
"""

from __future__ import annotations

from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from .labelling import load_labelled, parse_code_lines
from .taxonomy import Taxonomy, load_taxonomy


def parse_second_pass(path: Path, taxonomy: Taxonomy | None = None) -> dict[str, dict[str, str]]:
    """{sentence id: {theme: polarity}} from a second-pass code file; LabelError lists every bad line."""
    coded = parse_code_lines(path, r"[a-z0-9-]+#\d{4}", "report-2023-01-31#0010 fd+", taxonomy)
    return {sid: {lab["theme"]: lab["polarity"] for lab in c.labels} for sid, c in coded.items()}


def agreement(first: dict[str, dict[str, str]], second: dict[str, dict[str, str]],
              theme_ids: list[str]) -> dict:
    """Agreement between two readings of the same sentences (first = the gold file's labels)."""
    ids = sorted(set(first) & set(second))
    if not ids:
        raise ValueError("no sentence is coded in both readings")
    out: dict = {"sentences": len(ids), "only_in_second": len(set(second) - set(first))}

    def f1(a: set, b: set) -> float:
        return 2 * len(a & b) / (len(a) + len(b)) if (a or b) else 1.0

    theme_a = {(i, t) for i in ids for t in first[i]}
    theme_b = {(i, t) for i in ids for t in second[i]}
    pair_a = {(i, t, p) for i in ids for t, p in first[i].items()}
    pair_b = {(i, t, p) for i in ids for t, p in second[i].items()}
    out["theme_f1"] = round(f1(theme_a, theme_b), 3)
    out["theme_polarity_pair_f1"] = round(f1(pair_a, pair_b), 3)
    out["exact_same_labels"] = round(sum(first[i] == second[i] for i in ids) / len(ids), 3)
    out["any_label_kappa"] = round(cohen_kappa_score([bool(first[i]) for i in ids],
                                                     [bool(second[i]) for i in ids]), 3)
    per_theme = {}
    for theme in theme_ids:
        a = [theme in first[i] for i in ids]
        b = [theme in second[i] for i in ids]
        if sum(a) + sum(b) >= 4:  # kappa on a theme nobody used says nothing
            per_theme[theme] = {"kappa": round(cohen_kappa_score(a, b), 3), "first": sum(a), "second": sum(b)}
    out["per_theme"] = per_theme
    out["theme_kappa_macro"] = round(sum(v["kappa"] for v in per_theme.values()) / len(per_theme), 3)
    shared = [(first[i][t], second[i][t]) for i in ids for t in first[i] if t in second[i]]
    out["polarity_on_shared_themes"] = {
        "pairs": len(shared),
        "accuracy": round(sum(a == b for a, b in shared) / len(shared), 3) if shared else None,
        "kappa": round(cohen_kappa_score([a for a, _ in shared], [b for _, b in shared]), 3) if shared else None,
    }
    return out


def second_pass_agreement(labelled_jsonl: Path, second_pass_codes: Path) -> dict:
    """Agreement of the gold file with a blind second pass over its random sample."""
    taxonomy = load_taxonomy()
    first = {row["id"]: {lab["theme"]: lab["polarity"] for lab in row["labels"]}
             for row in load_labelled(labelled_jsonl)}
    second = parse_second_pass(second_pass_codes, taxonomy)
    return agreement(first, second, [t.id for t in taxonomy.themes])
