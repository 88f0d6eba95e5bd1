"""The tagger's fast paths give exactly what the plain library calls give.

Tagging a whole corpus is made fast by reusing the sentence stage's spaCy tokens, a one-pass keyword
search, one sparse product for all themes and a direct TF-IDF lookup. Each is checked here against the
slow, obvious way on the shipped sample and the labelled sentences.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import skops.io as sio

from themes import load_model, read_report
from themes.labelling import load_labelled
from themes.features import KEYWORDS, THEME_PATTERNS, _line_keywords, _literal_prefix, prepare
from themes.model import ModelError, prepare_inputs
from themes.tag import tag_report

from conftest import LABELLED_DIR, SAMPLES


@pytest.fixture(scope="module")
def report():
    return read_report(SAMPLES / "southampton-2023-07-28.pdf", keep_tokens=True)


@pytest.fixture(scope="module")
def labelled_texts():
    return [row["text"] for row in load_labelled(LABELLED_DIR / "labelled.jsonl")][:2000]


def test_literal_prefixes():
    assert _literal_prefix(r"plans?") == "plan"
    assert _literal_prefix(r"\bmash\b") == "mash"
    assert _literal_prefix(r"private(ly)? foster") == "private"
    assert _literal_prefix(r"contact with (their )?(parents|family)") == "contact with "
    assert all(_literal_prefix(p) for ps in KEYWORDS.values() for p in ps)


def test_keyword_search_matches_every_regex(labelled_texts, report):
    lines = labelled_texts + [s.text for s in report.sentences] + ["", "Neglect.", "PRIVATE FOSTERING", "mashed"]
    for line in lines:
        expected = tuple(t for t, rx in THEME_PATTERNS.items() if rx.search(line.lower()))
        assert _line_keywords.__wrapped__(line) == expected, line


def test_reused_tokens_prepare_like_fresh_tokens(report):
    texts = [s.text for s in report.sentences]
    assert report.tokens is not None and len(report.tokens) == len(texts)
    from_spans = prepare(texts, report.tokens)
    from_texts = prepare(texts)
    same = sum(a == b for a, b in zip(from_spans, from_texts))
    # a sentence boundary inside a whitespace-free chunk can tokenise differently; it is rare
    assert same >= 0.99 * len(texts)


def test_tokens_are_not_kept_unless_asked_and_never_pickled(report):
    import pickle

    plain = read_report(SAMPLES / "southwark-2017-06-13.pdf")
    assert plain.tokens is None
    assert pickle.loads(pickle.dumps(report)).tokens is None
    assert "tokens" not in report.to_dict()


def test_word_rows_equal_the_vectoriser(model, labelled_texts):
    prepared = prepare_inputs(labelled_texts)
    texts = [p.text for p in prepared] + [c for p in prepared for c in p.clauses] + ["", "zzz unknown words"]
    expected = model.word_vec.transform(texts)
    got = model._word_rows(texts)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    assert abs(got - expected).max() == 0


def test_theme_probabilities_equal_one_vs_rest(model, labelled_texts):
    x = model._word_rows([p.text for p in prepare_inputs(labelled_texts)])
    assert np.array_equal(model._theme_proba(x), model.theme_clf.predict_proba(x))


def test_fitting_from_counted_words_equals_fitting_from_texts():
    """Cross-validation counts n-grams once (count_words) and each fit selects its rows: the same
    vocabulary, idf, and so the same theme model, as fitting on the texts."""
    from themes.model import ModelConfig, ThemeTagger, count_words
    from themes.taxonomy import load_taxonomy

    rows = load_labelled(LABELLED_DIR / "labelled.jsonl")[:1500]
    prepared = prepare_inputs([r["text"] for r in rows])
    counts = count_words([p.text for p in prepared], ModelConfig().min_df)
    half = np.arange(0, len(rows), 2)
    texts, labels = [rows[i]["text"] for i in half], [rows[i]["labels"] for i in half]
    fits = [ThemeTagger(taxonomy=load_taxonomy()).fit(texts, labels, prepared=[prepared[i] for i in half],
                                                      polarity=False, word_counts=words)
            for words in (None, counts.rows(half))]
    plain, counted = (f.word_vec for f in fits)
    assert counted.vocabulary_ == plain.vocabulary_
    assert np.array_equal(counted.idf_, plain.idf_)
    probe = [p.text for p in prepared[1::2]]
    assert abs(counted.transform(probe) - plain.transform(probe)).max() == 0
    assert np.array_equal(fits[0].theme_probabilities(probe), fits[1].theme_probabilities(probe))


def test_report_tags_same_with_or_without_reused_tokens(model, report):
    with_tokens = tag_report(report, model).findings
    fresh = read_report(report.path)
    assert fresh.tokens is None
    without = tag_report(fresh, model).findings
    pairs = lambda rows: {(r["sentence_id"], r["theme"], r["polarity"]) for r in rows}  # noqa: E731
    a, b = pairs(with_tokens), pairs(without)
    assert len(a ^ b) <= 0.01 * len(a)


def test_model_with_untrusted_types_is_refused(tmp_path):
    path = tmp_path / "untrusted.skops"
    sio.dump({"format": 1, "meta": "{}", "call": os.getcwd}, path)
    with pytest.raises(ModelError, match="not trusted"):
        load_model(path)


def test_select_themes_rule():
    from themes.model import select_themes

    probs = np.array([[0.9, 0.6, 0.1],    # second theme far behind the first
                      [0.5, 0.45, 0.1],   # second theme close to the first
                      [0.35, 0.2, 0.1],   # nothing reaches its threshold, top above the floor
                      [0.2, 0.1, 0.05]])  # nothing reaches its threshold, top below the floor
    thresholds = np.array([0.4, 0.4, 0.4])
    # defaults: thresholds alone
    assert (select_themes(probs, thresholds) == (probs >= thresholds)).all()
    chosen = select_themes(probs, thresholds, top_ratio=0.7, fallback_floor=0.3)
    assert chosen.tolist() == [[True, False, False], [True, True, False], [True, False, False],
                               [False, False, False]]
    assert select_themes(probs[:0], thresholds, 0.7, 0.3).shape == (0, 3)


def test_tune_selection_rule_picks_the_best_rule_on_held_out_probabilities():
    from themes.train import tune_selection_rule

    rng = np.random.default_rng(0)
    n = 400
    y = np.zeros((n, 3), dtype=np.int8)
    y[np.arange(n), rng.integers(0, 3, n)] = 1  # one theme per sentence
    probs = np.clip(0.55 * y + rng.uniform(0, 0.5, y.shape), 0, 1)  # noise pushes wrong themes over 0.4
    thresholds = np.full(3, 0.4)
    ratio, floor = tune_selection_rule(probs, y, thresholds)
    assert ratio > 0  # a second theme far behind the first should be dropped here
    from themes.model import select_themes

    def f1(chosen):
        tp = (chosen & (y == 1)).sum()
        return 2 * tp / (chosen.sum() + y.sum())

    assert f1(select_themes(probs, thresholds, ratio, floor)) > f1(probs >= thresholds)


def test_saved_model_keeps_its_selection_rule(model, tmp_path):
    saved = (model.top_ratio, model.fallback_floor)
    model.top_ratio, model.fallback_floor = 0.6, 0.25
    try:
        path = model.save(tmp_path / "m.skops")
    finally:
        model.top_ratio, model.fallback_floor = saved
    again = load_model(path)
    assert (again.top_ratio, again.fallback_floor) == (0.6, 0.25)


def test_preparing_in_parallel_parts_gives_the_same_features():
    from themes.train import DESIGNS, _report_parts, _subset, load_dataset, with_prepared

    n = 600
    data = _subset(load_dataset(LABELLED_DIR / "labelled.jsonl"), np.arange(n))
    parts = _report_parts(data.ids, 2)
    assert len(parts) == 2 and parts[0][0] == 0 and parts[-1][1] == n
    cut = parts[1][0]  # cut only between two reports
    assert data.ids[cut].split("#")[0] != data.ids[cut - 1].split("#")[0]
    one = with_prepared(data, DESIGNS["sentence"]).prepared
    two = with_prepared(data, DESIGNS["sentence"], n_jobs=2).prepared
    assert one == two
    assert all(p.context_cues is not None and len(p.context_cues) == 15 for p in one)


def test_neighbours_cues_reach_polarity():
    texts = ["Some children wait too long for their plans to progress.", "This means that drift occurs."]
    prepared = prepare_inputs(texts, ["help_and_protection"] * 2, previous=[None, texts[0]],
                              paragraph=[texts[1], texts[0]])
    assert prepared[0].context_cues != prepared[1].context_cues
    assert any(prepared[1].context_cues[:5])  # the sentence before has cues, seen from the second


def test_model_files_from_before_polarity_context_load_without_it():
    from themes.model import ModelConfig

    old = {k: v for k, v in ModelConfig().to_dict().items() if k != "polarity_context"}
    assert ModelConfig.from_dict(old).polarity_context is False
    assert ModelConfig.from_dict(ModelConfig().to_dict()).polarity_context is True


def test_grade_levels_and_the_grade_each_sentence_stands_under():
    from themes.context import grade_level, sentence_grades

    assert grade_level("requires improvement to be good") == "requires_improvement"
    assert grade_level("Adequate") == "requires_improvement"  # the older frameworks' word
    assert grade_level("outstanding") == "outstanding"
    assert grade_level("not_reported_post_reform") is None and grade_level("") is None
    assert sentence_grades(["help_and_protection", "summary", "children_in_care"],
                           {"help_and_protection": "inadequate", "leaders": "good"}, "requires improvement") == [
        "inadequate", "requires_improvement", "requires_improvement"]
    assert sentence_grades(["summary"], {}, None) == [None]


def test_the_grade_a_sentence_stands_under_reaches_polarity(model):
    from themes.context import GRADE_LEVELS

    assert model.config.polarity_grade
    # the grade columns come last in the polarity features; weakness is likelier under inadequate than outstanding
    weakness = list(model.polarity_clf.classes_).index(1)
    coef = model.polarity_clf.coef_[weakness, -len(GRADE_LEVELS):]
    assert coef[GRADE_LEVELS.index("inadequate")] > coef[GRADE_LEVELS.index("good")] > \
        coef[GRADE_LEVELS.index("outstanding")]
    text = ["Children's plans are reviewed, and most are updated when their circumstances change."]
    given = [["assessment_and_planning"]]
    under = {g: model.tag(text, ["help_and_protection"], themes_given=given, grades=[g])[0][0] for g in
             ("outstanding", "inadequate")}
    assert under["outstanding"] != under["inadequate"]


def test_model_files_from_before_grades_load_without_them():
    from themes.model import ModelConfig

    old = {k: v for k, v in ModelConfig().to_dict().items() if k not in ("polarity_grade", "polarity_class_weight")}
    assert ModelConfig.from_dict(old).polarity_grade is False
    assert ModelConfig.from_dict(old).polarity_class_weight == "balanced"


def test_neighbours_cue_sums_and_cue_rows_equal_counting_one_by_one():
    from themes.features import CUES
    from themes.model import ThemeTagger

    rows = load_labelled(LABELLED_DIR / "labelled.jsonl")[:3000]
    texts, previous, paragraph = [r["text"] for r in rows], [r["previous"] for r in rows], \
        [r["paragraph_context"] for r in rows]
    prepared = prepare_inputs(texts, [r["section"] for r in rows], previous, paragraph=paragraph)
    cues_of = {t: [p.cues[k] for k in CUES] for t, p in zip(texts, prepared)}

    def plain(joined):
        parts = joined.split("\n") if joined else []
        total = [0] * len(CUES)
        for t in parts:
            total = [a + b for a, b in zip(total, cues_of.get(t, [0] * len(CUES)))]
        return total, len(parts)

    for p, prev, para in zip(prepared, previous, paragraph):
        (before, _), (around, n) = plain(prev), plain(para)
        assert p.context_cues == [min(b, 3) / 3 for b in before] + [min(a, 6) / 6 for a in around] + [
            a / max(n, 1) for a in around]
    for text in [p.text for p in prepared] + [c for p in prepared for c in p.clauses]:
        toks = text.split()
        assert ThemeTagger._cue_row(text) == [min(toks.count(f"cue_{k}"), 3) / 3 for k in CUES] + [
            float("after_contrast" in toks)]
