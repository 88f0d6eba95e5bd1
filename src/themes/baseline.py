"""The yardstick the trained model must beat: keyword rules for themes and a word-list sentiment for
polarity. It is run and scored beside the model in `themes train`; its output is never a label.
"""

from __future__ import annotations

import re

from .model import Tag

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

NEGATIVE = [r"\bnot\b", r"n't\b", r"\bno\b", r"\bweak", r"\bpoor", r"\bdelay", r"\bdrift", r"too (long|many|few|slow)",
            r"inconsisten", r"\bvariable", r"variab", r"\blimited", r"\bgaps?\b", r"\black", r"insufficien",
            r"underdeveloped", r"\bhowever\b", r"although", r"\bsome children\b", r"small number",
            r"not all", r"ineffective", r"inadequate", r"unsuitable", r"concern", r"deteriorat", r"\bneeds? to improve"]
POSITIVE = [r"effective", r"\bgood\b", r"strong", r"robust", r"timely", r"thorough", r"\bwell\b", r"improv",
            r"high[- ]quality", r"impressive", r"excellent", r"appropriate", r"\bclear", r"comprehensive",
            r"skil", r"sensitiv", r"creative", r"swift", r"prompt", r"positive", r"benefit", r"strength"]

THEME_PATTERNS = {t: re.compile("|".join(ps), re.I) for t, ps in KEYWORDS.items()}
_NEG = re.compile("|".join(NEGATIVE), re.I)
_POS = re.compile("|".join(POSITIVE), re.I)


def baseline_polarity(text: str, section: str | None = None) -> str:
    if section in ("what_needs_to_improve", "areas_for_priority_action"):
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
        themes = themes_given[i] if themes_given is not None else [t for t, rx in THEME_PATTERNS.items() if rx.search(text)]
        out.append([Tag(theme=t, polarity=polarity, confidence=1.0) for t in themes])
    return out
