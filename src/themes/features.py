"""Text handling for the classifier: a spaCy pipeline that marks negation, contrast and judgement cues
and splits sentences into clauses at contrast markers.

The learners only ever see plain strings made here (normalised words plus cue tokens such as
`cue_contrast`), so the fitted scikit-learn objects stay standard and can be saved without code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

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

    def kinds(self, doc: Doc) -> tuple[list[str | None], dict[str, int]]:
        """Per token, the cue kind covering it (or None); and the number of cue phrases per kind."""
        marks: list[str | None] = [None] * len(doc)
        counts = {k: 0 for k in CUES}
        for match_id, start, end in sorted(self.matcher(doc), key=lambda m: m[1] - m[2]):
            if any(marks[i] for i in range(start, end)):
                continue
            kind = self.strings[match_id]
            counts[kind] += 1
            for i in range(start, end):
                marks[i] = kind
        return marks, counts


@lru_cache(maxsize=1)
def cue_tools() -> tuple[Language, CueMatcher]:
    """A blank English pipeline (tokeniser only) and the cue matcher over its vocabulary."""
    nlp = spacy.blank("en")
    return nlp, CueMatcher(nlp)


@dataclass
class PreparedSentence:
    text: str  # normalised words plus cue tokens, for the vectorisers
    clauses: list[str]  # the same, clause by clause (split at contrast markers)
    cues: dict[str, int]  # counts of cue kinds


_NUM = re.compile(r"\d+")


def prepare_doc(doc: Doc, matcher: CueMatcher) -> PreparedSentence:
    marks, cues = matcher.kinds(doc)
    words: list[str] = []
    clauses: list[list[str]] = [[]]
    negated = 0  # words left in the scope of a negation
    seen_contrast = False
    for tok, kind in zip(doc, marks):
        lower = tok.lower_
        if lower in CONTRAST_SPLIT and clauses[-1]:
            clauses.append([])
        if tok.is_punct or tok.is_space:
            negated = 0
            if lower == ";" and clauses[-1]:
                clauses.append([])
            continue
        w = _NUM.sub("0", lower.replace("’", "'"))
        out = [w]
        if kind:
            out.append(f"cue_{kind}")
            if kind == "negation":
                negated = 3
            elif kind == "contrast":
                seen_contrast = True
        elif negated:
            out.append(f"neg_{w}")
            negated -= 1
        if seen_contrast and kind != "contrast":
            out.append("after_contrast")
        words.extend(out)
        clauses[-1].extend(out)
    clause_texts = [" ".join(c) for c in clauses if c]
    return PreparedSentence(text=" ".join(words), clauses=clause_texts or [""], cues=cues)


def prepare(texts: list[str], batch_size: int = 1000) -> list[PreparedSentence]:
    """Prepare sentences for the vectorisers (tokens, cue marks, clauses)."""
    nlp, matcher = cue_tools()
    return [prepare_doc(doc, matcher) for doc in nlp.tokenizer.pipe(texts, batch_size=batch_size)]
