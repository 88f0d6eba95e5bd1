"""Text handling for the classifier: a spaCy pipeline that marks negation, contrast and judgement cues
and splits sentences into clauses at contrast markers.

The learners only ever see plain strings made here (normalised words plus cue tokens such as
`cue_contrast`), so the fitted scikit-learn objects stay standard and can be saved without code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Span

from .sentences import sentence_pipeline

# Cue phrases, as lower-case token sequences. Weakness cues are the wording inspectors use for
# shortfalls; strength cues the wording for good practice; contrast cues turn a sentence.
CUES: dict[str, list[str]] = {
    "contrast": ["however", "but", "although", "though", "while", "whilst", "whereas", "despite",
                 "nevertheless", "yet", "in contrast", "even though", "except"],
    "negation": ["not", "no", "never", "n't", "nor", "cannot", "without", "none", "lack", "lacks", "lacking",
                 "absence", "absent", "fail", "fails", "failed", "unable"],
    "limiter": ["not all", "not always", "not consistently", "not yet", "some children", "a small number",
                "a few", "a minority", "too many", "too few", "too long", "too much", "too slow", "too slowly",
                "not enough", "not sufficiently", "insufficient", "insufficiently", "inconsistent",
                "inconsistently", "variable", "variability", "vary", "varies", "limited", "gaps", "gap",
                "delay", "delays", "delayed", "drift", "weak", "weaker", "weakness", "weaknesses", "poor",
                "poorly", "underdeveloped", "ineffective", "inadequate", "unsuitable", "unclear",
                "concern", "concerns", "deteriorated", "worsened", "backlog", "waiting", "wait", "shortfall",
                "shortfalls", "remain", "remains", "still", "only", "rarely", "infrequent", "overly",
                "needs to improve", "need to improve", "further work", "more work", "not been"],
    "praise": ["effective", "effectively", "good", "strong", "strength", "strengths", "robust", "timely",
               "thorough", "well", "improved", "improving", "improvement", "high-quality", "high quality",
               "impressive", "excellent", "outstanding", "appropriate", "appropriately", "clear", "clearly",
               "comprehensive", "consistently", "skilled", "skilful", "skilfully", "sensitive", "sensitively",
               "creative", "swift", "swiftly", "prompt", "promptly", "positive", "benefit", "benefits",
               "well-established", "embedded", "helpful", "meaningful", "valued", "successful",
               "successfully", "quickly", "carefully", "rigorous", "highly"],
    "most": ["most", "many", "the majority", "almost all", "nearly all"],
}

CONTRAST_SPLIT = {"however", "but", "although", "though", "whereas", "despite", "while", "whilst",
                  "nevertheless", "except"}

class CueMatcher:
    """Finds cue phrases with a spaCy PhraseMatcher on lower-cased tokens; longer matches win over
    the words inside them."""

    def __init__(self, nlp: Language):
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for kind, phrases in CUES.items():
            self.matcher.add(kind, list(nlp.tokenizer.pipe(phrases)))
        self.strings = nlp.vocab.strings

    def kinds(self, span: Span) -> tuple[list[str | None], dict[str, int]]:
        """Per token of the span, the cue kind covering it (or None); and the number of cue phrases
        per kind."""
        marks: list[str | None] = [None] * len(span)
        counts = {k: 0 for k in CUES}
        offset = span.start  # the matcher gives positions in the whole doc
        for match_id, start, end in sorted(self.matcher(span), key=lambda m: m[1] - m[2]):
            start, end = start - offset, end - offset
            if any(marks[i] for i in range(start, end)):
                continue
            kind = self.strings[match_id]
            counts[kind] += 1
            for i in range(start, end):
                marks[i] = kind
        return marks, counts


@lru_cache(maxsize=1)
def cue_tools() -> tuple[Language, CueMatcher]:
    """The sentence pipeline (its tokeniser is all that is used here) and the cue matcher over its
    vocabulary, so that spans from the sentence stage can be read without tokenising again."""
    nlp = sentence_pipeline()
    return nlp, CueMatcher(nlp)


@dataclass
class PreparedSentence:
    text: str  # normalised words plus cue tokens, for the vectorisers
    clauses: list[str]  # the same, clause by clause (split at contrast markers)
    cues: dict[str, int]  # counts of cue kinds
    # cue counts of the sentence before and of the rest of the paragraph (see model.prepare_inputs)
    context_cues: list[float] | None = None
    grade: str | None = None  # the judgement grade the sentence stands under (model.GRADE_LEVELS), if known


_NUM = re.compile(r"\d+")
_TOKEN_ATTRS = [LOWER, IS_PUNCT, IS_SPACE]


_WORDS: dict[int, tuple[str, bool, bool]] = {}  # lower-case form id -> (word, splits a clause, is ";")


def _new_word(lower_id: int, strings) -> tuple[str, bool, bool]:
    """The normalised word for a lower-case form not seen before, remembered for next time."""
    lower = strings[lower_id]
    entry = (_NUM.sub("0", lower.replace("’", "'")), lower in CONTRAST_SPLIT, lower == ";")
    if len(_WORDS) < 200_000:
        _WORDS[lower_id] = entry
    return entry


def prepare_span(span: Span, matcher: CueMatcher, attrs) -> PreparedSentence:
    """Words, cue marks and clauses of one sentence. `attrs` is the span's rows of
    doc.to_array(_TOKEN_ATTRS) (one array per paragraph is cheaper than a Token object per word)."""
    marks, cues = matcher.kinds(span)
    strings = matcher.strings
    known = _WORDS.get
    words: list[str] = []
    breaks: list[int] = []  # where clauses start, as positions in `words`
    negated = 0  # words left in the scope of a negation
    seen_contrast = False
    for (lower_id, punct, space), kind in zip(attrs.tolist(), marks):
        w, splits, semicolon = known(lower_id) or _new_word(lower_id, strings)
        if splits and words:
            breaks.append(len(words))
        if punct or space:
            negated = 0
            if semicolon and words:
                breaks.append(len(words))
            continue
        words.append(w)
        if kind:
            words.append(f"cue_{kind}")
            if kind == "negation":
                negated = 3
            elif kind == "contrast":
                seen_contrast = True
        elif negated:
            words.append(f"neg_{w}")
            negated -= 1
        if seen_contrast and kind != "contrast":
            words.append("after_contrast")
    bounds = [0, *breaks, len(words)]
    clause_texts = [" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a]
    return PreparedSentence(text=" ".join(words), clauses=clause_texts or [""], cues=cues)


def prepare(texts: list[str], spans: list[Span | None] | None = None,
            batch_size: int = 1000) -> list[PreparedSentence]:
    """Prepare sentences for the vectorisers (tokens, cue marks, clauses). `spans`, when given, are
    the sentences' tokens from the sentence stage, used instead of tokenising the texts again."""
    nlp, matcher = cue_tools()
    if spans is None or any(s is None for s in spans):
        spans = [doc[:] for doc in nlp.tokenizer.pipe(texts, batch_size=batch_size)]
    prepared = []
    doc = attrs = None  # one attribute array per doc: a paragraph's sentences come one after another
    for span in spans:
        if span.doc is not doc:
            doc, attrs = span.doc, span.doc.to_array(_TOKEN_ATTRS)
        prepared.append(prepare_span(span, matcher, attrs[span.start:span.end]))
    return prepared


# ---------------------------------------------------------------------------------------------------
# Theme keywords: one list per theme, lower case. The baseline tags with them; the model reads them as
# features (in the sentence, the one before it and the rest of its paragraph). Never labels.
# ---------------------------------------------------------------------------------------------------

KEYWORDS: dict[str, list[str]] = {
    "early_help": [r"early help", r"family hubs?", r"step[- ]?(up|down)", r"targeted (family )?support"],
    "front_door": [r"\bmash\b", r"front door", r"referrals?", r"\bcontacts?\b", r"thresholds?", r"consent",
                   r"out[- ]of[- ]hours", r"emergency duty"],
    "child_protection_enquiries": [r"strategy (meetings?|discussions?)", r"section 47", r"child protection enquir",
                                   r"initial child protection conference"],
    "assessment_and_planning": [r"assessments?", r"\bplans?\b", r"planning", r"core groups?", r"drift",
                                r"child in need", r"contingency"],
    "pre_proceedings_and_court": [r"pre-proceedings", r"public law outline", r"\bplo\b", r"proceedings",
                                  r"\bcourt", r"letters? before"],
    "neglect": [r"neglect"],
    "domestic_abuse": [r"domestic abuse", r"domestic violence", r"\bidva", r"safety agreements?", r"marac"],
    "exploitation_and_missing": [r"exploitation", r"missing", r"return home interview", r"county lines",
                                 r"contextual safeguarding", r"extra-familial", r"gangs?", r"radicalisation"],
    "disabled_children": [r"disabled children", r"disabilit", r"short breaks?", r"respite"],
    "homeless_16_17": [r"homeless", r"16- and 17-year-olds", r"housing protocol"],
    "private_fostering": [r"private(ly)? foster"],
    "allegations_lado": [r"\blado\b", r"designated officer", r"allegations?"],
    "education_safeguarding": [r"electively home educated", r"home educat", r"missing (from )?education",
                               r"reduced timetables?", r"part-time timetables?"],
    "entering_care": [r"come into care", r"coming into care", r"edge of care", r"section 20", r"enter care"],
    "placement_sufficiency": [r"sufficiency", r"placement choice", r"unregistered", r"unregulated",
                              r"placed (at a )?distance", r"out of area", r"shortage"],
    "placement_stability": [r"stability", r"placement moves?", r"breakdowns?", r"disruption", r"matching"],
    "foster_carers": [r"foster carers?", r"connected carers?", r"kinship carers?", r"fostering"],
    "permanence": [r"permanence", r"adoption", r"adopt", r"special guardianship", r"\bsgo", r"reunification",
                   r"return(ing)? home"],
    "life_story_work": [r"life[- ]story", r"later[- ]life letters?"],
    "health_and_wellbeing": [r"health assessments?", r"dental", r"\bsdq", r"camhs", r"emotional", r"mental health",
                             r"therapeutic", r"\bhealth\b"],
    "education_of_children_in_care": [r"virtual school", r"personal education plans?", r"\bpeps?\b",
                                      r"attainment", r"exclusions?", r"attendance"],
    "unaccompanied_children": [r"unaccompanied", r"asylum"],
    "independent_reviewing": [r"independent reviewing", r"\biros?\b", r"reviews? (are|is) held", r"statutory reviews?",
                              r"child protection chairs?"],
    "family_time": [r"family time", r"contact with (their )?(parents|family|brothers|siblings)", r"siblings?",
                    r"brothers and sisters"],
    "voice_and_participation": [r"wishes and feelings", r"\bviews\b", r"voice", r"participation", r"advoca",
                                r"independent visitors?", r"children in care council"],
    "identity_and_diversity": [r"identity", r"cultur", r"religio", r"diversity", r"ethnic", r"lgbt"],
    "care_leaver_accommodation": [r"accommodation", r"staying put", r"staying close", r"bed and breakfast",
                                  r"tenanc", r"housing"],
    "care_leaver_eet": [r"education, employment (and|or) training", r"\bneet\b", r"apprenticeships?",
                        r"university", r"higher education"],
    "care_leaver_support": [r"personal advisers?", r"\bpas?\b", r"pathway plans?", r"local offer",
                            r"independence", r"care leavers?"],
    "leadership_and_governance": [r"leaders", r"leadership", r"corporate parent", r"political", r"governance",
                                  r"self-assessment", r"self-evaluation", r"budget", r"investment"],
    "partnership_working": [r"partners?\b", r"partnership", r"multi-agency", r"police", r"information sharing",
                            r"information-sharing", r"schools"],
    "quality_assurance_and_performance": [r"audits?", r"quality assurance", r"performance (information|data)",
                                          r"\bdata\b"],
    "management_oversight_and_supervision": [r"management oversight", r"supervision", r"managers?\b",
                                             r"oversight"],
    "workforce": [r"caseloads?", r"recruit", r"retention", r"agency (staff|social workers)", r"workforce",
                  r"training", r"morale", r"turnover", r"changes? of social worker"],
    "recording": [r"record(s|ing|ed)?\b", r"chronolog", r"case notes?"],
    "visits_and_direct_work": [r"visit", r"seen alone", r"direct work", r"relationships? with"],
}

# the lists are lower case: searching lower-cased text without re.I is several times faster
THEME_PATTERNS = {t: re.compile("|".join(ps)) for t, ps in KEYWORDS.items()}


_REGEX_CHARS = set("[](){}?*+|.^$\\")


def _literal_prefix(pattern: str) -> str:
    """The plain text every match of a keyword pattern starts with ("plans?" -> "plan"), so that a
    string search can rule a theme out before its regex runs."""
    pattern = pattern.removeprefix(r"\b")
    out = []
    for ch in pattern:
        if ch in "?*{":
            return "".join(out[:-1])
        if ch in _REGEX_CHARS:
            break
        out.append(ch)
    return "".join(out)


def _keyword_automaton() -> ahocorasick.Automaton:
    """One Aho-Corasick automaton over every pattern's literal prefix (pyahocorasick): a single pass
    over a line finds the themes (by number) that could match, and only their regexes run."""
    themes_of: dict[str, set[int]] = {}
    for k, patterns in enumerate(KEYWORDS.values()):
        for pattern in patterns:
            themes_of.setdefault(_literal_prefix(pattern), set()).add(k)
    automaton = ahocorasick.Automaton()
    for literal, themes in themes_of.items():
        automaton.add_word(literal, tuple(themes))
    automaton.make_automaton()
    return automaton


_THEME_PATTERN_LIST = list(THEME_PATTERNS.items())
_THEME_ORDER = {t: k for k, t in enumerate(THEME_PATTERNS)}
_AUTOMATON = _keyword_automaton()


def keyword_themes(text: str) -> list[str]:
    """Themes whose keywords occur in a text. A text of several lines (a paragraph's other sentences)
    gets the union over its lines, each looked up once."""
    if "\n" not in text:
        return list(_line_keywords(text))
    found: set[str] = set()
    for line in text.split("\n"):
        found.update(_line_keywords(line))
    return sorted(found, key=_THEME_ORDER.__getitem__)  # in taxonomy order, as for a single line


@lru_cache(maxsize=100_000)
def _line_keywords(line: str) -> tuple[str, ...]:
    low = line.lower()
    candidates = {k for _, themes in _AUTOMATON.iter(low) for k in themes}
    return tuple(_THEME_PATTERN_LIST[k][0] for k in sorted(candidates) if _THEME_PATTERN_LIST[k][1].search(low))
