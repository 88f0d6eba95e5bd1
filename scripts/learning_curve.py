"""Learning curve: would more labelled sentences reach the F1 targets?

Same 5 authority-grouped folds as `themes train`; in each, the model is fitted on a random share of the
training fold's authorities (a third, a half, three quarters, all) and scored on the whole test fold.
Prints the mean training size and theme micro, pair micro and weakness-pair F1 for each share.
Run: .venv/bin/python scripts/learning_curve.py   (about 12 minutes on 2 cores with 23,152 sentences)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

from themes.taxonomy import load_taxonomy
from themes.train import (DESIGNS, _subset, grouped_folds, load_dataset, model_predictor, out_of_fold, score,
                          with_prepared)

ROOT = Path(__file__).resolve().parents[1]
SHARES = (1 / 3, 1 / 2, 3 / 4, 1.0)


def main() -> None:
    taxonomy = load_taxonomy()
    config = DESIGNS["sentence"]
    data = with_prepared(load_dataset(ROOT / "data" / "labelled" / "labelled.jsonl"), config)
    groups = np.array(data.groups)
    folds = grouped_folds(data)
    predict = model_predictor(config, taxonomy)

    def run(train_idx, test_idx, share: float, seed: int):
        authorities = sorted(set(groups[train_idx]))
        keep = np.random.default_rng(seed).choice(authorities, max(2, round(len(authorities) * share)),
                                                  replace=False)
        kept = train_idx[np.isin(groups[train_idx], keep)]
        return predict(_subset(data, kept), _subset(data, test_idx)), len(kept)

    print("share  train sentences  theme micro F1  pair micro F1  weakness-pair F1")
    for share in SHARES:
        results = Parallel(n_jobs=2)(delayed(run)(tr, te, share, k) for k, (tr, te) in enumerate(folds))
        pred = out_of_fold(len(data.texts), folds, [fold_pred for fold_pred, _ in results])
        s = score(data.labels, pred, taxonomy)
        size = np.mean([n for _, n in results])
        print(f"{share:5.2f}  {size:15.0f}  {s['theme_micro_f1']:14.3f}  {s['pair_micro_f1']:13.3f}  "
              f"{s['weakness_pair_f1']:16.3f}", flush=True)


if __name__ == "__main__":
    main()
