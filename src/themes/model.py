"""Stage 4, tag: the theme-and-polarity classifier.

Two learned steps, both scikit-learn:
1. themes: one-vs-rest logistic regression over word n-grams (with cue and context tokens from
   `features` and `prepare_inputs`); a probability threshold per theme and a rule against far-behind
   second themes (`select_themes`), tuned on held-out folds;
2. polarity: a three-class logistic regression for each (sentence, theme) pair, whose features are the
   theme, the words and cue counts of the whole sentence (design "sentence", the one shipped) or of the
   clause that speaks most about the theme (design "clause"), the neighbours' cue counts and the
   judgement grade the sentence stands under.

The model is saved with skops (no code runs on load) together with its taxonomy version, training
data hash and metrics; `load_model` refuses a model made for another taxonomy version.
"""

from __future__ import annotations

import json
from itertools import repeat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException
from scipy.special import expit
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from sklearn.multiclass import OneVsRestClassifier

from .context import GRADE_LEVELS, grade_level
from .features import CUES, PreparedSentence, keyword_themes, prepare
from .structure import IMPROVEMENT_KINDS
from .taxonomy import POLARITIES, Taxonomy, load_taxonomy

MODEL_FORMAT = 1
DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "themes-model.skops"


def prepare_inputs(texts: list[str], sections: list[str | None] | None = None,
                   previous: list[str | None] | None = None, context: bool = True,
                   paragraph: list[str | None] | None = None, tokens: list | None = None,
                   grades: list[str | None] | None = None) -> list[PreparedSentence]:
    """Sentences as the vectorisers see them: words, cue tokens and, with `context`, where the sentence
    sits and what the sentence before it spoke of ("This means ..." refers back). Keyword hits are
    features for the model to weigh, never labels. `tokens`: the sentences' spaCy spans, if the
    sentence stage kept them (Report.tokens). `grades`: the judgement grade each sentence stands under
    (`sentence_grades`), kept for the polarity step."""
    prepared = prepare(texts, tokens)
    if grades is not None:
        for p, g in zip(prepared, grades):
            p.grade = grade_level(g)
    sections = sections if sections is not None else [None] * len(texts)
    previous = previous if previous is not None else [None] * len(texts)
    paragraph = paragraph if paragraph is not None else [None] * len(texts)
    for p, text, section, prev, para in zip(prepared, texts, sections, previous, paragraph):
        extra = ["section_wni"] if section in IMPROVEMENT_KINDS else []
        if context:
            if section:
                extra.append(f"sec_{section}")
            extra += [f"kw_{t}" for t in keyword_themes(text)]
            if prev:
                extra += [f"pkw_{t}" for t in keyword_themes(prev)]
            if para:  # the rest of the paragraph: Ofsted paragraphs keep to one subject
                extra += [f"ckw_{t}" for t in keyword_themes(para)]
        if extra:
            tail = " " + " ".join(extra)
            p.text += tail
            p.clauses = [c + tail for c in p.clauses]
    if context:
        _add_context_cues(prepared, texts, previous, paragraph)
    return prepared


def _add_context_cues(prepared: list[PreparedSentence], texts: list[str], previous: list[str | None],
                      paragraph: list[str | None]) -> None:
    """Each sentence's neighbours' cue counts ("This means ..." takes its polarity from the sentence
    before). Neighbours are looked up among the texts prepared in the same call (a report's sentences,
    or the labelled set); a neighbour not among them counts as no cues. Summed with numpy, one
    reduction for all sentences (the same numbers as adding the lists up one by one)."""
    kinds = list(CUES)
    index = {t: i for i, t in enumerate(texts)}
    unknown = len(prepared)  # a row of zeros for neighbours not among the texts
    cues = np.array([[p.cues[k] for k in kinds] for p in prepared] + [[0] * len(kinds)], dtype=np.int64)

    def summed(joined: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
        rows: list[int] = []
        starts, sizes = [], []
        for text in joined:
            parts = text.split("\n") if text else []
            starts.append(len(rows))
            sizes.append(len(parts))
            rows.extend(index.get(t, unknown) for t in parts)
        rows.append(unknown)  # every start then points at a row
        sizes_arr = np.array(sizes)
        sums = np.add.reduceat(cues[rows], starts, axis=0) if starts else cues[:0]
        sums[sizes_arr == 0] = 0  # reduceat gives an empty group the row it starts at
        return sums, sizes_arr

    before, _ = summed(previous)
    around, n = summed(paragraph)
    rows = np.hstack([np.minimum(before, 3) / 3, np.minimum(around, 6) / 6, around / np.maximum(n, 1)[:, None]])
    for p, row in zip(prepared, rows.tolist()):
        p.context_cues = row


def select_themes(probs: np.ndarray, thresholds: np.ndarray, top_ratio: float = 0.0,
                  fallback_floor: float | None = None) -> np.ndarray:
    """Which themes a sentence gets, from its theme probabilities. A theme needs its own threshold and
    at least `top_ratio` of the sentence's most probable theme (most sentences are about one thing, and
    a second theme that is far behind the first is usually wrong); a sentence that would get none gets
    its most probable theme if that reaches `fallback_floor` (nearly every finding has a theme; None:
    no fallback)."""
    chosen = probs >= thresholds[None, :]
    if probs.shape[0] == 0:
        return chosen
    top = probs.max(axis=1)
    if top_ratio > 0:
        chosen &= probs >= top_ratio * top[:, None]
    if fallback_floor is not None:
        lonely = np.nonzero(~chosen.any(axis=1) & (top >= fallback_floor))[0]
        chosen[lonely, probs[lonely].argmax(axis=1)] = True
    return chosen


# the word n-gram vectoriser's settings: the texts are already normalised words and cue tokens
_WORD_VECTORISER = dict(analyzer="word", token_pattern=r"\S+", ngram_range=(1, 2), lowercase=False)


@dataclass
class WordCounts:
    """Word 1-2-gram counts of prepared sentences over one vocabulary (every n-gram in at least `min_df`
    of them), counted once for a whole cross-validation: each fit then selects its rows and the columns
    its own sentences keep, instead of counting again (`ThemeTagger._tfidf_from_counts`)."""

    matrix: sp.csr_matrix  # one row per sentence
    terms: np.ndarray  # the columns' n-grams, in scikit-learn's vocabulary order (sorted)

    def rows(self, idx) -> "WordCounts":
        return WordCounts(self.matrix[idx], self.terms)


def count_words(texts: list[str], min_df: int) -> WordCounts:
    """Count the n-grams a fitted word vectoriser of `ThemeTagger` could keep from any subset of `texts`
    (one kept from a subset is in at least `min_df` of the subset's texts, so of all of them)."""
    vec = CountVectorizer(**_WORD_VECTORISER, min_df=min_df, dtype=np.float32)
    matrix = vec.fit_transform(texts).tocsr()
    return WordCounts(matrix, vec.get_feature_names_out())


class ModelError(Exception):
    """A model file that cannot be used (missing, unsafe, or for another taxonomy version)."""


@dataclass
class ModelConfig:
    design: str = "sentence"  # "sentence" or "clause": where polarity features come from
    theme_c: float = 8.0
    polarity_c: float = 8.0
    char_ngrams: tuple[int, int] | None = None  # (2, 5) adds character n-grams: no gain measured, 7x slower
    min_df: int = 2
    class_weight: str | None = "balanced"
    default_threshold: float = 0.5
    context: bool = True  # section, theme-keyword and previous-sentence tokens as features
    tune_selection_rule: bool = True  # tune select_themes' rule beside the thresholds (False: thresholds only)
    polarity_context: bool = True  # cue counts of the sentence before and the rest of the paragraph for polarity
    # the whole sentence's words at half weight beside the focus clause's, for polarity: no more accurate than
    # the clause's alone at C=8 (measured on 45,300 sentences), and nearly twice the fitting work
    polarity_sentence_words: bool = False
    # liblinear's stopping tolerance for the theme models: 0.2 gives the same held-out scores (to three decimals)
    # as 0.05 and as its default 1e-4, in a fraction of the time
    theme_tol: float = 0.2
    polarity_tol: float = 1e-3  # newton-cg's; 1e-4 (its default) gave the same held-out scores, in more steps
    # polarity classes' weights, as scikit-learn's class_weight: None (all 1) or "balanced". Unweighted: "balanced"
    # gave the rare neutral class 20 times a strength's weight, and more pairs went wrongly neutral (weakness-pair F1
    # 0.741 against 0.744, polarity accuracy 0.938 against 0.943 on 45,300 sentences); weakness at 1.25 or 1.6: 0.744
    polarity_class_weight: str | None = None
    polarity_grade: bool = True  # the judgement grade the sentence stands under, for polarity (`sentence_grades`)
    seed: int = 0

    def to_dict(self) -> dict:
        d = dict(self.__dict__)
        d["char_ngrams"] = list(self.char_ngrams) if self.char_ngrams else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "ModelConfig":
        d = dict(d)
        d["char_ngrams"] = tuple(d["char_ngrams"]) if d.get("char_ngrams") else None
        d.setdefault("polarity_context", False)  # model files from before it read no context for polarity
        d.setdefault("polarity_sentence_words", True)  # and read the sentence's words beside the clause's
        d.setdefault("polarity_tol", 1e-4)
        d.setdefault("polarity_grade", False)  # and knew no grades
        d.setdefault("polarity_class_weight", "balanced")
        return cls(**d)


@dataclass
class Tag:
    theme: str
    polarity: str
    confidence: float


@dataclass
class ThemeTagger:
    """The trained classifier: `tag(texts)` returns, per text, its (theme, polarity, confidence) tags."""

    taxonomy: Taxonomy
    config: ModelConfig = field(default_factory=ModelConfig)
    word_vec: TfidfVectorizer | None = None
    char_vec: TfidfVectorizer | None = None
    theme_clf: OneVsRestClassifier | None = None
    polarity_clf: LogisticRegression | None = None
    thresholds: np.ndarray | None = None
    top_ratio: float = 0.0  # see select_themes; tuned with the thresholds
    fallback_floor: float | None = None  # None: no fallback
    meta: dict = field(default_factory=dict)
    _stacked: tuple | None = field(default=None, repr=False, compare=False)  # theme weights, built once

    # ---- features ------------------------------------------------------------------------------
    @property
    def theme_ids(self) -> list[str]:
        return self.taxonomy.ids

    @property
    def selection_rule(self) -> dict:
        """The tuned `select_themes` parameters, as saved in the model file and in metrics.json."""
        return {"top_ratio": self.top_ratio, "fallback_floor": self.fallback_floor}

    def _prepared(self, texts: list[str], sections: list[str | None] | None,
                  previous: list[str | None] | None = None,
                  paragraph: list[str | None] | None = None, tokens: list | None = None,
                  grades: list[str | None] | None = None) -> list[PreparedSentence]:
        return prepare_inputs(texts, sections, previous, context=self.config.context, paragraph=paragraph,
                              tokens=tokens, grades=grades)

    def _word_rows(self, texts: list[str]) -> sp.csr_matrix:
        """The fitted word 1-2-gram TF-IDF rows of prepared texts: the same matrix as
        `word_vec.transform` (tests/test_model.py checks the two agree), about twice as fast: the
        texts are already plain words, so every n-gram is looked up in one pass and scipy adds up
        the counts, where scikit-learn catches a KeyError for each unknown n-gram."""
        vec = self.word_vec
        if not (vec.analyzer == "word" and vec.token_pattern == r"\S+" and vec.ngram_range == (1, 2)
                and not vec.lowercase and vec.stop_words is None and vec.preprocessor is None
                and vec.tokenizer is None and not vec.binary and vec.use_idf and vec.norm == "l2"):
            return vec.transform(texts).tocsr()
        grams: list[str] = []
        lengths = []
        for text in texts:
            words = text.split()
            grams += words
            grams += map(" ".join, zip(words, words[1:]))
            lengths.append(max(2 * len(words) - 1, 0))
        ids = np.fromiter(map(vec.vocabulary_.get, grams, repeat(-1)), dtype=np.int64, count=len(grams))
        rows = np.repeat(np.arange(len(texts)), lengths)
        known = ids >= 0
        # a COO matrix adds up repeated (row, n-gram) entries: the counts
        x = sp.coo_matrix((np.ones(int(known.sum()), dtype=vec.dtype), (rows[known], ids[known])),
                          shape=(len(texts), len(vec.vocabulary_))).tocsr()
        x.sum_duplicates()
        return self._weighted(x)

    def _weighted(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """N-gram counts (columns in `word_vec`'s vocabulary order) weighted as `word_vec` weights
        them: sublinear tf, idf, rows normalised; in place."""
        vec = self.word_vec
        if vec.sublinear_tf:
            np.log(counts.data, counts.data)
            counts.data += 1.0
        counts.data *= vec.idf_.astype(vec.dtype)[counts.indices]
        return normalize(counts, norm="l2", copy=False)

    def _tfidf_from_counts(self, counts: WordCounts) -> sp.csr_matrix:
        """Fit `word_vec` from counted n-grams, as `word_vec.fit_transform` would from the texts: keep
        the n-grams in at least min_df of these sentences, weight by smoothed idf and sublinear tf, and
        normalise rows (tests/test_model.py checks the two agree)."""
        vec = self.word_vec
        matrix = counts.matrix
        df = np.bincount(matrix.indices, minlength=matrix.shape[1])  # a row holds each n-gram once
        keep = np.flatnonzero(df >= vec.min_df)
        x = matrix[:, keep].astype(vec.dtype)
        vec.vocabulary_ = dict(zip(counts.terms[keep].tolist(), range(len(keep))))
        vec.fixed_vocabulary_ = False
        vec.idf_ = np.log((x.shape[0] + 1) / (df[keep].astype(vec.dtype) + 1)) + 1  # as TfidfTransformer does
        return self._weighted(x)

    def _theme_matrix(self, x_words: sp.csr_matrix, raw_texts: list[str]) -> sp.csr_matrix:
        """The theme classifier's input: the word n-gram rows, and character n-grams if configured."""
        if self.char_vec is None:
            return x_words
        return sp.hstack([x_words, self.char_vec.transform(raw_texts)]).tocsr()

    def _theme_proba(self, x: sp.csr_matrix) -> np.ndarray:
        """Every theme's probability in one sparse product. The same numbers as the one-vs-rest
        classifier's predict_proba (a sigmoid of each binary model's decision), without its
        per-theme input checks, which cost more than the arithmetic."""
        if self._stacked is None:
            estimators = self.theme_clf.estimators_
            if not all(hasattr(e, "coef_") and e.coef_.shape[0] == 1 for e in estimators):
                return self.theme_clf.predict_proba(x)
            self._stacked = (np.ascontiguousarray(np.vstack([e.coef_ for e in estimators]).T),
                             np.concatenate([e.intercept_ for e in estimators]))
        coef, intercept = self._stacked
        return expit(np.asarray(x @ coef) + intercept)

    _CUE_TOKENS = tuple(f" cue_{k} " for k in CUES)

    @staticmethod
    def _cue_row(clause: str) -> list[float]:
        """The clause's cue counts (at most 3, scaled to 1) and whether it follows a contrast. Prepared text
        is single-spaced and a cue token always follows its word, so counting " cue_x " in the padded
        string counts the tokens."""
        padded = f" {clause} "
        return ([min(padded.count(token), 3) / 3 for token in ThemeTagger._CUE_TOKENS]
                + [float(" after_contrast " in padded)])

    def _polarity_matrix(self, prepared: list[PreparedSentence], x_words: sp.csr_matrix, pair_sentence: list[int],
                         pair_theme: list[int], focus: tuple[list[str], sp.csr_matrix]) -> sp.csr_matrix:
        """Polarity features per (sentence, theme) pair: the focus clause's words, the theme, and cue counts
        in the clause and in the whole sentence. Word rows are reused, never vectorised again."""
        n_themes = len(self.theme_ids)
        focus_texts, x_focus = focus
        sent_text = [prepared[i].text for i in pair_sentence]
        theme_onehot = sp.csr_matrix(
            (np.ones(len(pair_theme)), (np.arange(len(pair_theme)), pair_theme)), shape=(len(pair_theme), n_themes))
        cue_rows = {t: self._cue_row(t) for t in {*focus_texts, *sent_text}}  # a sentence with three themes: once
        cues = np.array([cue_rows[f] + cue_rows[t] for f, t in zip(focus_texts, sent_text)])
        parts = [x_focus, theme_onehot, sp.csr_matrix(cues)]
        if self.config.polarity_sentence_words:
            parts.insert(1, 0.5 * x_words[pair_sentence])
        if self.config.polarity_context:
            width = 3 * len(CUES)
            parts.append(sp.csr_matrix(np.array([prepared[i].context_cues or [0.0] * width for i in pair_sentence],
                                                dtype=float).reshape(len(pair_sentence), width)))
        if self.config.polarity_grade:  # one column per grade level; none set when the grade is not known
            level = {g: k for k, g in enumerate(GRADE_LEVELS)}
            rows = [(n, level[prepared[i].grade]) for n, i in enumerate(pair_sentence) if prepared[i].grade]
            parts.append(sp.csr_matrix((np.ones(len(rows)), ([r for r, _ in rows], [c for _, c in rows])),
                                       shape=(len(pair_sentence), len(GRADE_LEVELS))))
        # float32, as the word rows are: the polarity fit runs at memory speed, and float64 took half as long again
        return sp.hstack(parts, format="csr", dtype=np.float32)

    def _focus_clauses(self, prepared: list[PreparedSentence], x_words: sp.csr_matrix,
                       pair_sentence: list[int], pair_theme: list[int]) -> tuple[list[str], sp.csr_matrix]:
        """For each (sentence, theme) pair, the clause that speaks most about the theme: its text and
        its word n-gram row."""
        # score every clause of the sentences that have pairs, once
        needed = [] if self.config.design == "sentence" else sorted(
            i for i in set(pair_sentence) if len(prepared[i].clauses) > 1)  # one clause: no choice
        clause_index: dict[int, tuple[int, int]] = {}
        clause_texts: list[str] = []
        for i in needed:
            clauses = prepared[i].clauses
            clause_index[i] = (len(clause_texts), len(clauses))
            clause_texts.extend(clauses)
        if not clause_texts:
            return [prepared[i].text for i in pair_sentence], x_words[pair_sentence]
        x_clauses = self._word_rows(clause_texts)
        clause_raw = None
        if self.char_vec is not None:  # character n-grams of a clause: rebuild from its words, cue tokens removed
            clause_raw = [" ".join(w for w in c.split()
                                   if not w.startswith(("cue_", "neg_", "after_", "section_", "sec_", "kw_", "pkw_")))
                          for c in clause_texts]
        probs = self._theme_proba(self._theme_matrix(x_clauses, clause_raw))
        texts, rows = [], []  # rows index x_words stacked over x_clauses
        n_sentences = x_words.shape[0]
        for i, t in zip(pair_sentence, pair_theme):
            start, n = clause_index.get(i, (0, 1))
            if n == 1:
                texts.append(prepared[i].text)
                rows.append(i)
            else:
                best = start + int(np.argmax(probs[start:start + n, t]))
                texts.append(clause_texts[best])
                rows.append(n_sentences + best)
        return texts, sp.vstack([x_words, x_clauses]).tocsr()[rows]

    # ---- training ------------------------------------------------------------------------------
    def fit(self, texts: list[str], labels: list[list[dict]], sections: list[str | None] | None = None,
            thresholds: np.ndarray | None = None, previous: list[str | None] | None = None,
            prepared: list[PreparedSentence] | None = None,
            paragraph: list[str | None] | None = None, polarity: bool = True,
            word_counts: WordCounts | None = None, grades: list[str | None] | None = None) -> "ThemeTagger":
        """Fit both steps (the theme step only with `polarity=False`: enough for theme probabilities, as
        threshold tuning needs). `prepared` (from `prepare_inputs`) saves re-tokenising in cross-validation,
        and `word_counts` (the texts' rows of `count_words`) saves counting n-grams again."""
        cfg = self.config
        prepared = prepared if prepared is not None else self._prepared(texts, sections, previous, paragraph,
                                                                         grades=grades)
        self.word_vec = TfidfVectorizer(**_WORD_VECTORISER, min_df=cfg.min_df, sublinear_tf=True, dtype=np.float32)
        if word_counts is None:
            x_words = self.word_vec.fit_transform([p.text for p in prepared]).tocsr()
        else:
            x_words = self._tfidf_from_counts(word_counts)
        parts = [x_words]
        self.char_vec = None
        if cfg.char_ngrams:
            self.char_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(cfg.char_ngrams),
                                            min_df=cfg.min_df, sublinear_tf=True, lowercase=True, dtype=np.float32)
            parts.append(self.char_vec.fit_transform(texts))
        x = sp.hstack(parts).tocsr()
        index = {t: j for j, t in enumerate(self.theme_ids)}
        y = np.zeros((len(texts), len(self.theme_ids)), dtype=np.int8)
        for i, labs in enumerate(labels):
            for lab in labs:
                y[i, index[lab["theme"]]] = 1
        base = LogisticRegression(C=cfg.theme_c, solver="liblinear", dual=True, class_weight=cfg.class_weight,
                                  random_state=cfg.seed, max_iter=2000, tol=cfg.theme_tol)
        # liblinear works in float64: convert once here, not once for each theme
        self.theme_clf = OneVsRestClassifier(base, n_jobs=None).fit(x.astype(np.float64), y)
        self._stacked = None
        self.thresholds = (np.asarray(thresholds, dtype=float) if thresholds is not None
                           else np.full(len(self.theme_ids), cfg.default_threshold))
        if not polarity:
            return self
        # polarity, on gold pairs
        pair_sentence, pair_theme, pair_y = [], [], []
        for i, labs in enumerate(labels):
            for lab in labs:
                pair_sentence.append(i)
                pair_theme.append(index[lab["theme"]])
                pair_y.append(POLARITIES.index(lab["polarity"]))
        focus = self._focus_clauses(prepared, x_words, pair_sentence, pair_theme)
        xp = self._polarity_matrix(prepared, x_words, pair_sentence, pair_theme, focus)
        # newton-cg: the same model as lbfgs in under half the time here (8 Newton steps against 140)
        self.polarity_clf = LogisticRegression(C=cfg.polarity_c, solver="newton-cg", max_iter=3000,
                                               tol=cfg.polarity_tol, random_state=cfg.seed,
                                               class_weight=cfg.polarity_class_weight)
        self.polarity_clf.fit(xp, np.array(pair_y))
        return self

    # ---- prediction ----------------------------------------------------------------------------
    def theme_probabilities(self, texts: list[str], sections: list[str | None] | None = None,
                            previous: list[str | None] | None = None,
                            prepared: list[PreparedSentence] | None = None,
                            paragraph: list[str | None] | None = None) -> np.ndarray:
        prepared = prepared if prepared is not None else self._prepared(texts, sections, previous, paragraph)
        return self._theme_proba(self._theme_matrix(self._word_rows([p.text for p in prepared]), texts))

    def tag(self, texts: list[str], sections: list[str | None] | None = None,
            themes_given: list[list[str]] | None = None,
            previous: list[str | None] | None = None,
            prepared: list[PreparedSentence] | None = None,
            paragraph: list[str | None] | None = None, tokens: list | None = None,
            grades: list[str | None] | None = None) -> list[list[Tag]]:
        """Tag each text. Context, when known, helps: its section, the sentence before it, the rest of
        its paragraph (see `report_context`) and the judgement grade it stands under (`sentence_grades`).
        With `themes_given`, only polarity is predicted. `tokens` (Report.tokens) saves tokenising the
        texts again."""
        return self.tag_with_probabilities(texts, sections, themes_given, previous, prepared, paragraph, tokens,
                                           grades)[0]

    def tag_with_probabilities(self, texts: list[str], sections: list[str | None] | None = None,
                               themes_given: list[list[str]] | None = None,
                               previous: list[str | None] | None = None,
                               prepared: list[PreparedSentence] | None = None,
                               paragraph: list[str | None] | None = None, tokens: list | None = None,
                               grades: list[str | None] | None = None) -> tuple[list[list[Tag]], np.ndarray | None]:
        """As `tag`, and every theme's probability for each text (None with `themes_given`): the
        cross-validation keeps both, and computing the probabilities again would double the theme step."""
        texts = list(texts)
        probs = None if themes_given is not None else np.zeros((0, len(self.theme_ids)))
        if not texts:
            return [], probs
        prepared = prepared if prepared is not None else self._prepared(texts, sections, previous, paragraph,
                                                                         tokens, grades)
        pair_sentence: list[int] = []
        pair_theme: list[int] = []
        pair_conf: list[float] = []
        x_words = self._word_rows([p.text for p in prepared])
        if themes_given is None:
            probs = self._theme_proba(self._theme_matrix(x_words, texts))
            hits = select_themes(probs, self.thresholds, self.top_ratio, self.fallback_floor)
            for i, j in zip(*np.nonzero(hits)):
                pair_sentence.append(int(i))
                pair_theme.append(int(j))
                pair_conf.append(float(probs[i, j]))
        else:
            index = {t: j for j, t in enumerate(self.theme_ids)}
            for i, themes in enumerate(themes_given):
                for t in themes:
                    pair_sentence.append(i)
                    pair_theme.append(index[t])
                    pair_conf.append(1.0)
        result: list[list[Tag]] = [[] for _ in texts]
        if not pair_sentence:
            return result, probs
        focus = self._focus_clauses(prepared, x_words, pair_sentence, pair_theme)
        pol_probs = self.polarity_clf.predict_proba(
            self._polarity_matrix(prepared, x_words, pair_sentence, pair_theme, focus))
        classes = [POLARITIES[c] for c in self.polarity_clf.classes_]
        weakness = classes.index("weakness") if "weakness" in classes else None
        theme_ids = self.theme_ids
        best = pol_probs.argmax(axis=1).tolist()
        for i, t, conf, pp, k in zip(pair_sentence, pair_theme, pair_conf, pol_probs, best):
            if sections is not None and sections[i] in IMPROVEMENT_KINDS and weakness is not None:
                k = weakness  # every theme a "What needs to improve?" item names is a weakness (guideline 8)
            result[i].append(Tag(theme=theme_ids[t], polarity=classes[k], confidence=round(conf * float(pp[k]), 4)))
        for tags in result:
            tags.sort(key=lambda tag: -tag.confidence)
        return result, probs

    # ---- persistence ---------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        from .outputs import write_with

        payload = {
            "format": MODEL_FORMAT,
            "meta": json.dumps({**self.meta, "taxonomy_version": self.taxonomy.version,
                                "taxonomy_fingerprint": self.taxonomy.fingerprint(),
                                "theme_ids": self.theme_ids, "config": self.config.to_dict(),
                                "selection_rule": self.selection_rule}),
            "word_vec": self.word_vec,
            "char_vec": self.char_vec,
            "theme_clf": self.theme_clf,
            "polarity_clf": self.polarity_clf,
            "thresholds": np.asarray(self.thresholds, dtype=np.float64),
        }
        return write_with(path, lambda tmp: sio.dump(payload, tmp))


def load_model(path: str | Path | None = None, taxonomy: Taxonomy | None = None) -> ThemeTagger:
    """Load a saved model, refusing one whose types are not plain scikit-learn/numpy (skops checks
    this before anything is built) or whose taxonomy version differs from the package's."""
    path = Path(path) if path else DEFAULT_MODEL_PATH
    taxonomy = taxonomy or load_taxonomy()
    if not path.exists():
        raise ModelError(f"{path}: no model file here; run `themes train` to make one")
    try:
        payload = sio.load(path, trusted=[])  # only skops' default-trusted types; nothing else is built
    except UntrustedTypesFoundException:
        untrusted = sio.get_untrusted_types(file=path)
        raise ModelError(f"{path}: refused, the file holds types that are not trusted: {', '.join(untrusted[:5])}") \
            from None
    except Exception as exc:
        raise ModelError(f"{path}: not a readable skops model file ({exc})") from None
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise ModelError(f"{path}: not a themes model (format {payload.get('format') if isinstance(payload, dict) else '?'})")
    meta = json.loads(payload["meta"])
    if meta.get("taxonomy_version") != taxonomy.version or meta.get("theme_ids") != taxonomy.ids:
        raise ModelError(
            f"{path}: model was trained for taxonomy version {meta.get('taxonomy_version')!r} but this "
            f"package has version {taxonomy.version!r}; retrain with `themes train`")
    if meta.get("taxonomy_fingerprint") not in (None, taxonomy.fingerprint()):
        raise ModelError(
            f"{path}: the taxonomy's themes changed since this model was trained, but its version "
            f"({taxonomy.version!r}) did not: bump the version in taxonomy.yaml and retrain with `themes train`")
    return ThemeTagger(
        taxonomy=taxonomy,
        config=ModelConfig.from_dict(meta["config"]),
        word_vec=payload["word_vec"],
        char_vec=payload["char_vec"],
        theme_clf=payload["theme_clf"],
        polarity_clf=payload["polarity_clf"],
        thresholds=np.asarray(payload["thresholds"]),
        **meta.get("selection_rule", {}),
        meta={k: v for k, v in meta.items() if k not in ("config", "selection_rule")},
    )
