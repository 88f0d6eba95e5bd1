"""The yardstick the trained model must beat: keyword rules for themes and a word-list sentiment for
polarity. It is run and scored beside the model in `themes train`; its output is never a label.
"""

from __future__ import annotations

import re

from .features import keyword_themes
from .model import Tag
from .structure import IMPROVEMENT_KINDS

NEGATIVE = [r"\bnot\b", r"n't\b", r"\bno\b", r"\bweak", r"\bpoor", r"\bdelay", r"\bdrift", r"too (long|many|few|slow)",
            r"inconsisten", r"\bvariable", r"variab", r"\blimited", r"\bgaps?\b", r"\black", r"insufficien",
            r"underdeveloped", r"\bhowever\b", r"although", r"\bsome children\b", r"small number",
            r"not all", r"ineffective", r"inadequate", r"unsuitable", r"concern", r"deteriorat", r"\bneeds? to improve"]
POSITIVE = [r"effective", r"\bgood\b", r"strong", r"robust", r"timely", r"thorough", r"\bwell\b", r"improv",
            r"high[- ]quality", r"impressive", r"excellent", r"appropriate", r"\bclear", r"comprehensive",
            r"skil", r"sensitiv", r"creative", r"swift", r"prompt", r"positive", r"benefit", r"strength"]

_NEG = re.compile("|".join(NEGATIVE), re.I)
_POS = re.compile("|".join(POSITIVE), re.I)


def baseline_polarity(text: str, section: str | None = None) -> str:
    if section in IMPROVEMENT_KINDS:
        return "weakness"
    neg = len(_NEG.findall(text))
    pos = len(_POS.findall(text))
    if neg == 0 and pos == 0:
        return "neutral"
    return "weakness" if neg >= pos else "strength"


def baseline_tag(texts: list[str], sections: list[str | None] | None = None,
                 themes_given: list[list[str]] | None = None) -> list[list[Tag]]:
    """Every theme whose keywords occur, all with the sentence's lexicon polarity."""
    sections = sections or [None] * len(texts)
    out = []
    for i, (text, section) in enumerate(zip(texts, sections)):
        polarity = baseline_polarity(text, section)
        themes = themes_given[i] if themes_given is not None else keyword_themes(text)
        out.append([Tag(theme=t, polarity=polarity, confidence=1.0) for t in themes])
    return out
