"""Stage 3, sentences: split each block of a report into sentences with a rule-based spaCy pipeline.

spaCy's pretrained pipelines cannot be installed here, so this is `spacy.blank("en")` with the
sentencizer and one custom component that undoes the splits it gets wrong in Ofsted prose
("No. 5", "etc. and", lower-case continuations, a sentence of only a closing bracket).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from .structure import NON_FINDING_KINDS, Structure

# Tokens after which a full stop does not end a sentence when what follows is a number or lower case.
ABBREVIATIONS = {"no", "nos", "para", "paras", "approx", "cf", "viz", "pp", "p", "vol", "fig", "ref", "tel", "etc",
                 "mr", "mrs", "ms", "dr", "st", "prof", "cllr", "inc", "ltd", "co"}


@Language.component("ofsted_sentence_fixes")
def ofsted_sentence_fixes(doc: Doc) -> Doc:
    """Undo sentence starts that the punctuation-only sentencizer sets wrongly.

    Only the first token of each sentence is looked at, which keeps this cheap."""
    last = len(doc) - 1
    for i in _sentence_starts(doc)[1:]:
        token = doc[i]
        prev = doc[i - 1]
        text = token.text
        before = doc[i - 2].lower_ if i >= 2 else ""
        wrong = (
            # "No. 5", "etc. and", "para. 12": an abbreviation, not the end of a sentence
            (prev.text == "." and before in ABBREVIATIONS and (text[:1].isdigit() or text[:1].islower()))
            # a sentence cannot start in lower case (a list carried on, or "e.g" without its dot)
            or text[:1].islower()
            # nothing but closing punctuation left over
            or (i == last and text in {")", "]", "’", "”", "'", '"'})
        )
        if wrong:
            token.is_sent_start = False
        elif prev.text in {"(", "‘", "“", "["} and i >= 2:
            # the sentencizer leaves an opening bracket or quote on the sentence before
            prev.is_sent_start = True
            token.is_sent_start = False
    return doc


@lru_cache(maxsize=1)
def sentence_pipeline() -> Language:
    """A blank English pipeline with rule-based sentence boundaries (built once per process)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("ofsted_sentence_fixes", after="sentencizer")
    return nlp


@dataclass
class Sentence:
    """A sentence of a report, with where it stands: section, paragraph number and character offsets."""

    id: int  # 1-based position in the report
    text: str
    section: str  # section kind, e.g. "help_and_protection", "what_needs_to_improve"
    paragraph: int | None  # the report's paragraph number (None in unnumbered parts)
    item: int | None  # bullet number within a "What needs to improve?" list
    start: int  # offsets into the report's cleaned text
    end: int
    column: str | None = None  # council documents' table column (going_well, still_to_improve, action)


def _sentence_starts(doc: Doc) -> list[int]:
    """Token indices where sentences start (reading the array is far cheaper than doc.sents)."""
    if len(doc) == 0:
        return []
    flags = doc.to_array([SENT_START])
    starts = [int(i) for i in numpy.flatnonzero(flags.ravel() == 1)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return starts


def _sentence_spans(doc: Doc, full: str) -> list[tuple[int, int, int, int]]:
    """Character and token spans (char start, char end, token start, token end) of the sentences,
    with a trailing "(Principle 1)" kept on its sentence.

    `full` is the text the doc was made from (Doc.text is rebuilt from the tokens on each access)."""
    spans: list[tuple[int, int, int, int]] = []
    starts = _sentence_starts(doc)
    ends = [doc[i].idx for i in starts[1:]] + [len(full)]
    for i, j, end in zip(starts, starts[1:] + [len(doc)], ends):
        begin = doc[i].idx
        text = full[begin:end].strip()
        if spans and text.startswith("(") and text.rstrip(".").endswith(")") and len(text) < 80:
            spans[-1] = (spans[-1][0], end, spans[-1][2], j)
        else:
            spans.append((begin, end, i, j))
    return spans


def segment(structure: Structure, nlp: Language | None = None) -> list[Sentence]:
    """All finding sentences of a report (front matter, contents and Ofsted's end matter excluded)."""
    return segment_with_tokens(structure, nlp, keep_tokens=False)[0]


def segment_with_tokens(structure: Structure, nlp: Language | None = None,
                        keep_tokens: bool = True) -> tuple[list[Sentence], list[Span] | None]:
    """As `segment`, and each sentence's spaCy tokens too, so that tagging need not tokenise again."""
    nlp = nlp or sentence_pipeline()
    spans = []
    for section in structure.sections:
        if section.kind in NON_FINDING_KINDS:
            continue
        for para in section.paragraphs:
            spans.append((section, para))
    texts = [structure.text[p.start: p.end] for _, p in spans]
    sentences: list[Sentence] = []
    tokens: list[Span] = []
    for (section, para), para_text, doc in zip(spans, texts, nlp.pipe(texts, batch_size=256)):
        for start_char, end_char, start_token, end_token in _sentence_spans(doc, para_text):
            text = para_text[start_char:end_char].strip()
            if not any(ch.isalpha() for ch in text):
                continue
            start = para.start + start_char
            sentences.append(
                Sentence(
                    id=len(sentences) + 1,
                    text=text,
                    section=section.kind,
                    paragraph=para.number,
                    item=para.item if para.kind == "item" else None,
                    start=start,
                    end=start + len(para_text[start_char:end_char].rstrip()),
                    column=para.column,
                )
            )
            if keep_tokens:
                tokens.append(doc[start_token:end_token])
    return sentences, (tokens if keep_tokens else None)
