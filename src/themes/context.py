"""Where a sentence stands, as plain data for the tagger: its neighbours in the report and the judgement
grade it stands under. Pure Python, so that the labelling tools can use it without loading the model's
libraries."""

from __future__ import annotations


def report_context(sentences) -> tuple[list[str | None], list[str | None]]:
    """For sentences in reading order (objects with .text, .section, .paragraph): the sentence before
    each (same section) and the rest of its paragraph (or, outside numbered paragraphs, its neighbours)."""
    sentences = list(sentences)
    previous = [None] + [a.text if a.section == b.section else None for a, b in zip(sentences, sentences[1:])]
    following = [b.text if a.section == b.section else None for a, b in zip(sentences, sentences[1:])] + [None]
    members: dict[tuple, list[int]] = {}
    for i, s in enumerate(sentences):
        if s.paragraph is not None:
            members.setdefault((s.section, s.paragraph), []).append(i)
    paragraph = []
    for i, s in enumerate(sentences):
        if s.paragraph is not None:
            others = [sentences[j].text for j in members[(s.section, s.paragraph)] if j != i]
        else:
            others = [t for t in (previous[i], following[i]) if t]
        paragraph.append("\n".join(others) or None)
    return previous, paragraph


# Judgement grades, as `grade_level` names them: the grade a sentence stands under is a prior for its polarity
# (in the labelled set, 6% of the pairs under an outstanding judgement are weaknesses, 73% under an inadequate one)
GRADE_LEVELS = ("outstanding", "good", "requires_improvement", "inadequate")


def grade_level(grade: str | None) -> str | None:
    """A judgement grade as one of GRADE_LEVELS ("requires improvement to be good", and "adequate" in older
    frameworks, are requires_improvement); None when there is none or it is not a grade."""
    if not grade:
        return None
    g = " ".join(grade.lower().replace("_", " ").split())
    if g.startswith(("requires improvement", "require improvement")) or g == "adequate":
        return "requires_improvement"
    return g if g in GRADE_LEVELS else None


# The sections whose headings carry a judgement grade of their own (ILACS); every other sentence stands under
# the report's overall effectiveness
JUDGEMENT_SECTIONS = ("leaders", "help_and_protection", "children_in_care", "care_leavers",
                      "children_in_care_and_care_leavers")


def section_grades(sections) -> dict[str, str]:
    """Judgement section kind -> the grade its heading gives, for a report's sections (objects with .kind
    and .grade)."""
    grades: dict[str, str] = {}
    for section in sections:
        if section.grade and section.kind in JUDGEMENT_SECTIONS:
            grades.setdefault(section.kind, section.grade)
    return grades


def sentence_grades(sections: list[str | None], section_grades: dict[str, str | None],
                    overall: str | None) -> list[str | None]:
    """The grade each sentence stands under (a GRADE_LEVELS name or None): its section's own judgement grade
    (ILACS judgement headings carry one), else the report's overall effectiveness."""
    levels = {kind: grade_level(g) for kind, g in section_grades.items()}
    fallback = grade_level(overall)
    return [levels.get(s) or fallback for s in sections]


__all__ = ["GRADE_LEVELS", "JUDGEMENT_SECTIONS", "grade_level", "report_context", "section_grades", "sentence_grades"]
