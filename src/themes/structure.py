"""Stage 2, structure: turn raw page text into a report's metadata, grades, sections and paragraphs.

The raw text of an Ofsted PDF is a stream of wrapped lines with running headers, page numbers,
footnotes and pdfium artefacts. This module cleans those lines, joins them into blocks (headings,
numbered paragraphs, bullet items, plain paragraphs) and assigns each block to a section. The same
code reads the plain-text form of a report, where a line is usually a whole paragraph.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .read import RawDocument

# ----------------------------------------------------------------------------------------------
# Data passed on to the next stages
# ----------------------------------------------------------------------------------------------

GRADE_WORDS = ("outstanding", "good", "requires improvement to be good", "inadequate")

# Section kinds whose text is findings (sentences are kept) and kinds that are not.
NON_FINDING_KINDS = {"front_matter", "contents", "inspection_information", "end_matter"}
# sections whose items are the inspectors' list of what must improve: every theme they name is a weakness
IMPROVEMENT_KINDS = frozenset({"what_needs_to_improve", "areas_for_priority_action"})


@dataclass
class Block:
    """A heading, numbered paragraph, bullet item or plain paragraph, after line joining."""

    kind: str  # "heading" | "para" | "item"
    text: str
    number: int | None = None  # the report's own paragraph number, for numbered paragraphs
    page: int = 0
    section_kind: str | None = None  # set for headings that open a section


@dataclass
class Paragraph:
    number: int | None  # the report's paragraph number; None in unnumbered sections
    start: int
    end: int
    kind: str = "para"  # "para" or "item"
    item: int | None = None  # 1-based bullet index within its section, for items
    column: str | None = None  # table column in council documents: going_well, still_to_improve, action


@dataclass
class Section:
    kind: str
    title: str
    start: int
    end: int
    grade: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


@dataclass
class Structure:
    """Everything known about a report before sentence segmentation."""

    text: str  # the cleaned text: blocks joined by blank lines; all offsets point into it
    title: str
    authority: str | None
    report_type: str
    inspection_start: date | None
    inspection_end: date | None
    published: date | None
    lead_inspector: str | None
    grades: dict[str, str]
    sections: list[Section]


# ----------------------------------------------------------------------------------------------
# Line cleaning
# ----------------------------------------------------------------------------------------------

BULLET_CHARS = "◼▪■●•◦○▫□➢➤►✓"
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_BULLET_LINE = re.compile(rf"^\s*(?:[{BULLET_CHARS}\ue000-\uf8ff]|[-*](?=\s))\s*")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?\s*$", re.I)
_LONE_NUMBER = re.compile(r"^\s*\d{1,2}\s*$")
_TERMINAL = re.compile(r"[.?!:;][’'”\")\]]*\s*$")
_SENTENCE_END = re.compile(r"[.?!][’'”\")\]]*\s*$")


@dataclass
class Line:
    text: str
    page: int
    hyphen: bool = False  # ended in a hyphen at a line break (pdfium's U+FFFE)
    blank: bool = False


def normalise_chars(text: str) -> str:
    """Undo the character-level artefacts of PDF extraction, keeping the text's own punctuation."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00ad", "")  # soft hyphen
    text = text.replace("\u2011", "-").replace("\u2010", "-")  # non-breaking and plain hyphen
    text = text.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
    text = text.replace("\u200b", "").replace("\ufeff", "")
    # pdfium writes U+FFFE for a hyphen that ended a line and joins the two lines: split them again
    text = text.replace("\ufffe", "\ufffe\n")
    # ligatures and compatibility forms, but keep curly quotes and dashes as they are
    text = unicodedata.normalize("NFKC", text)
    return text


def _norm_key(line: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", line.strip().lower()))


def page_lines(raw: RawDocument) -> list[list[Line]]:
    pages: list[list[Line]] = []
    for pno, page in enumerate(raw.pages):
        lines = []
        for part in normalise_chars(page).split("\n"):
            hyphen = part.endswith("\ufffe")
            text = part.replace("\ufffe", "-").rstrip()
            lines.append(Line(text=text, page=pno, hyphen=hyphen, blank=not text.strip()))
        pages.append(lines)
    return pages


def remove_running_lines(pages: list[list[Line]], zone: int = 3) -> list[list[Line]]:
    """Drop running headers and footers (lines repeated at the top or bottom of many pages) and
    page numbers. Digits are ignored when comparing, so "5 to 16 June 2023 2" matches "... 3"."""
    n = len(pages)

    def edges(lines: list[Line]) -> list[int]:
        idx = [i for i, ln in enumerate(lines) if not ln.blank]
        return idx[:zone] + idx[-zone:]

    counts: Counter[str] = Counter()
    for lines in pages[1:]:
        counts.update({_norm_key(lines[i].text) for i in edges(lines)})
    threshold = max(2, int(0.4 * n))
    running = {k for k, c in counts.items() if c >= threshold and len(k) > 1}
    cleaned = []
    for pno, lines in enumerate(pages):
        drop = set()
        for i in edges(lines):
            text = lines[i].text
            if (pno > 0 and _norm_key(text) in running) or _PAGE_NUMBER.match(text) or text.strip() == "©":
                drop.add(i)
        cleaned.append([ln for i, ln in enumerate(lines) if i not in drop])
    return cleaned


_FOOTNOTE_START = re.compile(r"^\s*(\d{1,2})(?:\s+(?=[A-Z‘'“\"(])|\s*$)")
_GLUED_MARKER = re.compile(r"[A-Za-z]{3}[?)’”.]?(\d{1,2})(?=\s|$)", re.M)


def remove_footnotes(pages: list[list[Line]], zone: int = 10) -> list[list[Line]]:
    """Drop footnotes: a numbered note at the foot of a page whose marker appears in the text."""
    all_text = "\n".join(ln.text for lines in pages for ln in lines)
    markers = set(_GLUED_MARKER.findall(all_text))
    markers.update(m.strip() for m in re.findall(r"(?m)^\s*\d{1,2}\s*$", all_text))
    cleaned = []
    for lines in pages:
        nonblank = [i for i, ln in enumerate(lines) if not ln.blank]
        cut = None
        for i in nonblank[-zone:]:
            if i == nonblank[0]:
                continue  # a number at the top of a page is a page number, not a footnote
            m = _FOOTNOTE_START.match(lines[i].text)
            if m and m.group(1) in markers and not re.match(r"^\s*\d+\.\d", lines[i].text):
                cut = i
                break
        cleaned.append(lines if cut is None else lines[:cut])
    return cleaned


def clean_lines(raw: RawDocument) -> list[Line]:
    pages = page_lines(raw)
    if raw.kind == "pdf":
        pages = remove_footnotes(pages)
        pages = remove_running_lines(pages)
    out: list[Line] = []
    for lines in pages:
        for ln in lines:
            if not ln.blank and _LONE_NUMBER.match(ln.text) and raw.kind == "pdf":
                continue  # a footnote marker or page number on a line of its own
            out.append(ln)
        out.append(Line(text="", page=lines[0].page if lines else 0, blank=True))
    return out


# ----------------------------------------------------------------------------------------------
# Headings
# ----------------------------------------------------------------------------------------------

# "require improvement to be good" after a plural subject; "... require improvement" alone is a summary line
_GRADE = (r"(outstanding|good|requires improvement(?: to be good)?|require improvement to be good"
          r"|inadequate|adequate)\.?")

# (section kind, pattern matched against the whole normalised heading text)
HEADINGS: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(pattern))
    for kind, pattern in [
        ("what_needs_to_improve", r"what needs to improve(?: in this local authority)?[?:]?"),
        ("what_needs_to_improve", r"recommendations"),
        ("what_needs_to_improve", r"what does the local authority need to improve\??"),
        ("areas_for_priority_action", r"areas? for priority action"),
        ("help_and_protection",
         rf"(?:key judgement judgement grade )?(?:the )?experiences and progress of children who need help"
         rf" and protection(?:(?: are| is)?:? {_GRADE})?"),
        ("children_in_care_and_care_leavers",
         rf"(?:the )?experiences and progress of children in care and care leavers(?: are| is)?:? {_GRADE}"),
        ("children_in_care", rf"(?:the )?experiences and progress of children in care(?: are| is)?:? {_GRADE}"),
        ("children_in_care",
         rf"(?:key judgement judgement grade )?the experiences and progress of children looked after"
         rf" and achieving permanence(?::? {_GRADE})?"),
        ("care_leavers", rf"(?:the )?experiences and progress of care leavers(?: are| is)?:? {_GRADE}"),
        ("care_leavers", r"(?:key judgement judgement grade )?the experiences and progress of care leavers"),
        ("leaders", rf"(?:the )?impact of leaders on (?:social work )?practice with children and families"
                    rf"(?: are| is)?:? {_GRADE}"),
        ("leaders", rf"(?:key judgement judgement grade )?leadership, management and governance(?: {_GRADE})?"),
        ("summary", r"executive summary|summary of (?:key )?findings"),
        ("strengths", r"the local authority's strengths"),
        ("progress_since_last_inspection", r"progress since the last inspection"),
        ("summary_for_children", r"summary for children and young people"),
        ("local_context", r"information about this local authority area"),
        ("judgements", r"inspection judgements about the local authority"),
        ("judgements", r"inspection findings (?:-|–) the local authority"),
        ("lscb", r"(?:section 2: |inspection findings (?:-|–) )?the local safeguarding children board(?: \(lscb\))?"),
        ("lscb", r"inspection judgements? about the lscb"),
        ("contents", r"contents"),
        # the 2013 framework for services for looked after children
        ("inspection_information", r"about this inspection|the inspection judgements and what they mean"),
        ("local_context", r"service information"),
        ("summary", r"overall effectiveness of services for looked after children and young people"),
        ("leaders", r"capacity to improve"),
        ("what_needs_to_improve", r"areas for improvement"),
        ("children_in_care", r"outcomes for looked after children and young people|quality of provision"),
        ("leaders", r"leadership and management"),
        ("end_matter", r"record of main findings"),
        ("end_matter", r"what the inspection judge?ments mean(?:: the (?:local authority|lscb))?"),
        ("end_matter", r"information about this inspection|the inspection team"),
        ("end_matter", r"the office for standards in education, children's services and skills \(ofsted\).*"),
        ("end_matter", r"ofsted has statutory responsibility.*"),
    ]
]


def normalise_heading(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'")
    text = re.sub(r"\s+", " ", text).strip().lower()
    text = re.sub(r"(?<=[a-z?)])\d{1,2}$", "", text)  # footnote marker glued to the end
    return text


# Every heading starts with one of these: a cheap test before the regular expressions.
_HEADING_STARTS = (
    "what ", "areas for", "area for", "the experiences", "experiences and", "key judgement", "the impact of",
    "impact of leaders", "leadership", "executive summary", "summary of", "summary for", "recommendations",
    "the local",
    "progress since", "information about", "inspection judgement", "inspection findings", "section 2",
    "contents", "about this", "the inspection judgements", "service information", "overall effectiveness of",
    "capacity to", "outcomes for", "quality of provision", "record of main", "the office for", "ofsted has",
    "the inspection team",
)


def could_be_heading(text: str) -> bool:
    return text[:30].lower().lstrip().startswith(_HEADING_STARTS)


def match_heading(text: str) -> tuple[str, str | None] | None:
    """The section kind and grade a heading line announces, or None."""
    if not could_be_heading(text):
        return None
    norm = normalise_heading(text)
    for kind, pattern in HEADINGS:
        m = pattern.fullmatch(norm)
        if m:
            grade = next((g for g in m.groups() if g), None) if m.groups() else None
            return kind, normalise_grade(grade) if grade else None
    return None


def normalise_grade(text: str) -> str:
    t = re.sub(r"\s+", " ", text.strip().lower())
    if t.startswith(("requires improvement", "require improvement")) or t == "adequate":
        return "requires improvement to be good" if t.startswith("require") else "adequate"
    return t


# ----------------------------------------------------------------------------------------------
# Blocks
# ----------------------------------------------------------------------------------------------

_NUMBERED = re.compile(r"^\s*(\d{1,3})\.(?:\s+(?=\S)|(?=[A-Z]))")
_FRONT_FIELD = re.compile(r"^(?:Inspection dates?\b|Lead inspector\b|Reporting inspector\b|Judgement\s+Grade\s*$"
                          r"|Report published:|Published:|Age group:)")
_OVERALL = re.compile(r"^Overall effectiveness\b", re.I)


def _join(prev: str, nxt: str, hyphen: bool, vocabulary: set[str]) -> str:
    """Join a wrapped line to the text before it, mending words split by a line-end hyphen."""
    nxt = nxt.strip()
    if prev.endswith("-") and not prev.endswith(" -") and (hyphen or re.search(r"[A-Za-z]-$", prev)):
        head = re.search(r"([A-Za-z]+)-$", prev)
        tail = re.match(r"([A-Za-z]+)", nxt)
        if head and tail and tail.group(1).islower():
            joined = (head.group(1) + tail.group(1)).lower()
            hyphenated = f"{head.group(1)}-{tail.group(1)}".lower()
            if joined in vocabulary and hyphenated not in vocabulary:
                return prev[:-1] + nxt  # a word broken by the typesetter: "assess-" + "ment"
        return prev + nxt  # a compound that fell at the end of a line: "multi-" + "agency"
    return prev.rstrip() + " " + nxt


def _vocabulary(lines: list[Line]) -> set[str]:
    text = "\n".join(ln.text for ln in lines).lower()
    return set(re.findall(r"[a-z]+(?:-[a-z]+)*", text))


def _table_line(text: str) -> bool:
    """A line of the grade table on a report's front page (names of judgements and grades only)."""
    words = re.findall(r"[a-z']+", text.lower().replace("’", "'"))
    return bool(words) and all(w in _TABLE_VOCAB for w in words)


_TABLE_VOCAB = set(
    """judgement judgements grade grades the impact of leaders on social work practice with children and
    families experiences progress who need help protection in care leavers overall effectiveness outstanding
    good requires improvement to be inadequate young people""".split()
)


def build_blocks(lines: list[Line], kind: str) -> list[Block]:
    """Join wrapped lines into blocks. `kind` is "pdf" (lines are wrapped) or "text"."""
    vocabulary = _vocabulary(lines)
    widths = sorted(len(ln.text) for ln in lines if not ln.blank)
    full_width = widths[int(0.9 * (len(widths) - 1))] if widths else 80
    blocks: list[Block] = []
    current: Block | None = None
    last_number = 0
    prev_line: Line | None = None
    in_table = False
    i = 0
    nonblank = lines

    def close():
        nonlocal current
        if current is not None and current.text.strip():
            blocks.append(current)
        current = None

    while i < len(nonblank):
        ln = nonblank[i]
        if ln.blank:
            # In text files a blank line ends a block, unless the next line carries on a sentence.
            if kind == "text":
                nxt = next((x for x in nonblank[i + 1:] if not x.blank), None)
                carries_on = (
                    current is not None and nxt is not None and not _SENTENCE_END.search(current.text)
                    and re.match(r"^\s*[a-z(]", nxt.text) is not None
                )
                if not carries_on:
                    close()
            i += 1
            continue
        text = ln.text.strip()

        # The title page: field lines and the grade table stand as blocks of their own.
        if (ln.page == 0 and _FRONT_FIELD.match(text)) or (in_table and (_table_line(text) or _OVERALL.match(text))):
            close()
            in_table = in_table or bool(re.match(r"judgement\s+grade", text, re.I))
            blocks.append(Block(kind="table" if in_table else "field", text=text, page=ln.page))
            prev_line = ln
            i += 1
            continue
        in_table = False
        # Headings may wrap over up to three lines: take the longest run that reads as one.
        heading = None
        if text[:1].isupper() and could_be_heading(text):
            joined = ""
            for j in range(i, min(i + 4, len(nonblank))):
                if nonblank[j].blank:
                    if kind == "text":
                        break
                    continue
                joined = (joined + " " + nonblank[j].text.strip()).strip()
                found = match_heading(joined)
                if found:
                    heading = (found, j + 1, joined)
                if kind == "text":
                    break
        if heading:
            (section_kind, _grade), next_i, title = heading
            close()
            blocks.append(Block(kind="heading", text=title, page=ln.page, section_kind=section_kind))
            prev_line = nonblank[next_i - 1]
            i = next_i
            continue

        bullet = _BULLET_LINE.match(text)
        numbered = _NUMBERED.match(text)
        if bullet:
            close()
            current = Block(kind="item", text=text[bullet.end():].strip(), page=ln.page)
        elif numbered and (
            int(numbered.group(1)) == last_number + 1
            or current is None
            or _SENTENCE_END.search(current.text)
            or kind == "text"
        ):
            close()
            last_number = int(numbered.group(1))
            current = Block(kind="para", text=text[numbered.end():].strip(), number=last_number, page=ln.page)
        elif current is None:
            current = Block(kind="para", text=text, page=ln.page)
        elif kind == "text":
            # a new line in a text file is a new block unless it carries on a broken sentence
            if not _SENTENCE_END.search(current.text) and re.match(r"^\s*[a-z(]", text):
                current.text = _join(current.text, text, False, vocabulary)
            else:
                close()
                current = Block(kind="para", text=text, page=ln.page)
        else:
            prev_text = prev_line.text if prev_line else ""
            ends_paragraph = (
                _SENTENCE_END.search(prev_text) is not None and len(prev_text.rstrip()) < 0.8 * full_width
            )
            if ends_paragraph and current.kind == "para":
                close()
                current = Block(kind="para", text=text, page=ln.page)
            elif ends_paragraph and current.kind == "item" and not re.match(r"^\s*[a-z(]", text):
                close()
                current = Block(kind="para", text=text, page=ln.page)
            else:
                current.text = _join(current.text, text, prev_line.hyphen if prev_line else False, vocabulary)
        prev_line = ln
        i += 1
    close()
    return _mark_subheadings(blocks, kind)


def _mark_subheadings(blocks: list[Block], kind: str) -> list[Block]:
    """Short unpunctuated plain blocks ("Care leavers", "Summary") are sub-headings, not findings."""
    for b in blocks:
        if b.kind == "para" and b.number is None:
            t = b.text.strip()
            if len(t) <= 70 and not re.search(r"[.?!:;,]['’”)]*$", t) and len(t.split()) <= 9:
                b.kind = "heading"
    return blocks


# ----------------------------------------------------------------------------------------------
# Front matter: title, authority, dates, inspector, grades, report type
# ----------------------------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Z][a-z]+)(?:\s+(\d{4}))?")


def parse_date_range(text: str) -> tuple[date | None, date | None]:
    """'5 to 16 June 2023', '29 April – 22 May 2014', '15 – 19 July 2013', '02 March 2020 to 13 ...'."""
    text = text.replace("–", " - ").replace("—", " - ")
    found = [(int(d), m.lower(), y) for d, m, y in _DATE.findall(text) if m.lower() in _MONTHS]
    if not found:
        return None, None
    end_d, end_m, end_y = found[-1]
    if not end_y:
        return None, None
    end = _safe_date(int(end_y), _MONTHS[end_m], end_d)
    start = None
    if len(found) >= 2:
        d, m, y = found[0]
        start = _safe_date(int(y or end_y), _MONTHS[m], d)
    else:
        m = re.search(r"(\d{1,2})\s*(?:to|-)\s*\d{1,2}\s+[A-Z][a-z]+", text)
        if m:
            start = _safe_date(int(end_y), _MONTHS[end_m], int(m.group(1)))
    if start and end and start > end:  # e.g. 28 December to 8 January
        start = _safe_date(start.year - 1, start.month, start.day)
    return start, end


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


_AUTHORITY_SUFFIXES = re.compile(r"\s+(?:local authority|council|county council)$", re.I)


_TITLE_PATTERNS = [
    # (pattern on the lower-cased front page, report type, whether group 1 is the authority)
    (r"(?:re-?)?inspection of services for children in need of help and protection", "older_framework", False),
    (r"review of the effectiveness of the local safeguarding children board", "older_framework", False),
    (r"inspection of (?:safeguarding and )?looked after children(?:'s)? services", "older_framework", False),
    (r"inspection of safeguarding (?:and looked after children )?services", "older_framework", False),
    (r"focused visit to ([a-z][\w ,.'&-]{1,60}?) (?:local authority )?children's services", "focused_visit", True),
    (r"monitoring visit (?:of|to) ([a-z][\w ,.'&-]{1,60}?) (?:local authority )?children's services",
     "monitoring_visit", True),
    (r"joint targeted area inspection of (?:the )?[\w ,'-]*? in ([a-z][\w ,.'&-]{1,40}?)(?:$| \d| inspection| joint)",
     "jtai", True),
    (r"inspection of ((?!services\b|local authority\b|children's\b|the local\b)[a-z][\w ,.'&()-]{1,60}?) "
     r"(?:local authority )?children's (?:social care )?services", "ilacs", True),
    (r"inspection of ((?!services\b|local authority\b)[a-z][\w ,.'&-]{1,60}? (?:trust|council))\b", "ilacs", True),
    (r"inspection of (?:local authority )?children's (?:social care )?services", "ilacs", False),
]


def parse_title(front: str) -> tuple[str, str | None, str]:
    """Return (title, authority as named in the title, report type) from the front-page text."""
    flat = re.sub(r"\s+", " ", front).strip()
    low = flat.lower().replace("’", "'").replace("‘", "'")
    lines = [ln.strip() for ln in front.splitlines() if ln.strip()]
    for pattern, rtype, named in _TITLE_PATTERNS:
        m = re.search(pattern, low)
        if not m:
            continue
        title = flat[m.start(): m.end()]
        if named:
            authority = flat[m.start(1): m.end(1)]
            authority = re.sub(r"\s+local authority$", "", authority, flags=re.I).strip()
        else:
            # Older and 2018-19 layouts: the council's name stands on its own line(s) near the title.
            first_words = " ".join(low[m.start(): m.end()].split()[:3])
            idx = next((i for i, ln in enumerate(lines)
                        if ln.lower().replace("’", "'").replace("‘", "'").startswith(first_words)), 0)
            authority = _authority_near(lines, idx)
        return title, authority, rtype
    return (lines[0] if lines else ""), None, "unknown"


def _authority_near(lines: list[str], title_idx: int) -> str | None:
    """The council's name printed just before the title (or just after, in 2013 reports)."""
    before: list[str] = []
    for ln in reversed(lines[:title_idx]):
        if re.fullmatch(r"\d+", ln):
            break
        before.insert(0, ln)
        if len(before) == 2:
            break
    before = [b for b in before if not re.search(r"inspection|ofsted|crown copyright", b, re.I)]
    if before:
        if len(before) == 2 and (
            re.search(r"\b(of|and|upon|on|the)$", before[0], re.I)
            or re.fullmatch(r"(?:county |city |borough |district )?council", before[1], re.I)
        ):
            return f"{before[0]} {before[1]}"
        return before[-1]
    for ln in lines[title_idx + 1: title_idx + 4]:
        if re.search(r"council|borough|city|county", ln, re.I) and not re.search(r"inspection", ln, re.I):
            return ln
    return None


# Judgement names in grade tables, mapped to the keys used in reports.csv where they exist.
_JUDGEMENT_KEYS = [
    (r"impact of leaders", "impact_of_leaders"),
    (r"children in care and care leavers", "children_in_care_and_care_leavers"),
    (r"children who need help and protection", "help_and_protection"),
    (r"children looked after and achieving permanence", "children_in_care"),
    (r"adoption performance", "adoption_performance"),
    (r"children in care", "children_in_care"),
    (r"care leavers", "care_leavers"),
    (r"leadership, management and governance", "leadership_management_governance"),
    (r"local safeguarding children board|lscb", "lscb"),
    (r"overall effectiveness|overall judgement|children's services in|children's services (?:are|require)",
     "overall_effectiveness"),
]


def _judgement_key(name: str) -> str | None:
    name = name.lower().replace("’", "'")
    for pattern, key in _JUDGEMENT_KEYS:
        if re.search(pattern, name):
            return key
    return None


_GRADE_IN_TEXT = re.compile(
    r"(outstanding|good|requires\s+improvement(?:\s+to\s+be\s+good)?|require\s+improvement(?:\s+to\s+be\s+good)?"
    r"|inadequate|adequate)", re.I)


def parse_grades(front: str) -> dict[str, str]:
    """Judgement -> grade, from the front page's grade table (ILACS) or judgement list (older)."""
    flat = re.sub(r"\s+", " ", front.replace("\t", " "))
    grades: dict[str, str] = {}
    start = flat.find("Judgement Grade")
    if start >= 0:
        body = flat[start + len("Judgement Grade"):]
        pos = 0
        for m in _GRADE_IN_TEXT.finditer(body):
            name = body[pos: m.start()]
            key = _judgement_key(name)
            if key and key not in grades:
                grades[key] = normalise_grade(m.group(1).replace("require ", "requires "))
            pos = m.end()
            if key == "overall_effectiveness":
                break
        return grades
    # Older frameworks: "The overall judgement is requires improvement", "1. Children who need ... Good"
    low = flat.replace("’", "'")
    m = re.search(r"(?:overall judgement is(?: that children's services)?|children's services in [A-Z][\w ,'-]+?"
                  r" (?:are|is|require|requires))\s+(?:judged to be\s+|that\s+)?"
                  r"(outstanding|good|requires? improvement(?: to be good)?|inadequate|adequate)", low, re.I)
    if m:
        grades["overall_effectiveness"] = normalise_grade(m.group(1).replace("require ", "requires "))
    for m in re.finditer(r"\d(?:\.\d)?\.? ((?:[A-Z][\w,' ]+?)) (Outstanding|Good|Requires [Ii]mprovement"
                         r"(?: to be good)?|Inadequate|Adequate)", low):
        key = _judgement_key(m.group(1))
        if key and key not in grades:
            grades[key] = normalise_grade(m.group(2))
    return grades


def parse_lead_inspector(text: str) -> str | None:
    m = re.search(r"(?:Lead|Reporting) inspector:?\s+([^,\n]+?)(?:,|\n|\s+HMI\b|\s+(?:His|Her) Majesty)", text)
    if m:
        name = m.group(1).strip()
        return name if 2 <= len(name) <= 60 else None
    return None


def _published_from_name(path: str) -> date | None:
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", Path(path).name)
    return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def classify_ilacs(start: date | None, end: date | None, grades: dict[str, str]) -> str:
    """Standard ILACS inspections last two weeks on site; short ones one week."""
    if start and end:
        return "ilacs_short" if (end - start).days <= 7 else "ilacs_standard"
    return "ilacs_short" if "children_in_care_and_care_leavers" in grades else "ilacs_standard"


# ----------------------------------------------------------------------------------------------
# Putting it together
# ----------------------------------------------------------------------------------------------


def front_matter_end(blocks: list[Block]) -> int:
    """Index of the first block after the title page material (title, dates, grade table)."""
    table = [i for i, b in enumerate(blocks[:60]) if b.kind == "table"]
    if table:
        return table[-1] + 1
    for i, b in enumerate(blocks):
        if b.kind == "heading" and b.section_kind:
            return i
    return 0


def build_structure(raw: RawDocument) -> Structure:
    lines = clean_lines(raw)
    blocks = build_blocks(lines, raw.kind)
    fm_end = front_matter_end(blocks)
    front_text = "\n".join(ln.text for ln in lines[:400] if not ln.blank and ln.page <= 1)
    first_page = "\n".join(ln.text for ln in lines if ln.page == 0 and not ln.blank)
    title_block = "\n".join((first_page if first_page.strip() else front_text).splitlines()[:10])
    title, authority, rtype = parse_title(title_block)
    head_text = "\n".join(ln.text for ln in lines[:200] if not ln.blank)
    dates_text = _first_match(r"Inspection dates?:?\s*([^\n]+)", head_text) or ""
    start, end = parse_date_range(dates_text)
    if rtype == "ilacs" or rtype == "unknown":
        grades = parse_grades("\n".join(b.text for b in blocks[:fm_end]) if fm_end else first_page)
    else:
        grades = parse_grades(front_text)
    if rtype == "ilacs":
        # an inspection split over two visits ("5 to 9 December 2022 and 14 to 15 February 2023")
        # is classified by its first visit
        first_visit = parse_date_range(dates_text.split(" and ")[0]) if " and " in dates_text else (start, end)
        rtype = classify_ilacs(first_visit[0] or start, first_visit[1] or end, grades)
    published = None
    m = re.search(r"(?:Report )?[Pp]ublished:?\s*(\d{1,2}\s+[A-Z][a-z]+\s+\d{4})", head_text)
    if m:
        published = parse_date_range(m.group(1))[1]
    published = published or _published_from_name(raw.path)
    lead = parse_lead_inspector(head_text) or parse_lead_inspector("\n".join(ln.text for ln in lines if not ln.blank))

    text_parts: list[str] = []
    sections: list[Section] = []
    offset = 0

    def add_text(s: str) -> tuple[int, int]:
        nonlocal offset
        if text_parts:
            text_parts.append("\n\n")
            offset += 2
        begin = offset
        text_parts.append(s)
        offset += len(s)
        return begin, offset

    current = Section(kind="front_matter", title=title or "front matter", start=0, end=0)
    sections.append(current)
    numbered_context: int | None = None
    item_count = 0
    for idx, b in enumerate(blocks):
        if idx == fm_end and current.kind == "front_matter":
            current = Section(kind="summary", title="Summary", start=offset, end=offset)
            sections.append(current)
            numbered_context = None
            item_count = 0
        if b.kind == "heading" and b.section_kind and idx >= fm_end:
            kind = b.section_kind
            if current.kind in ("lscb", "end_matter") and kind not in ("end_matter",) and kind != "lscb":
                kind = current.kind  # headings inside the LSCB part or end matter stay there
            if current.kind == "judgements" and kind == "summary":
                kind = current.kind
            grade = match_heading(b.text)
            title_text = re.sub(r"^key judgement judgement grade\s+", "", b.text, flags=re.I)
            current = Section(kind=kind, title=title_text, start=offset, end=offset,
                              grade=grade[1] if grade else None)
            sections.append(current)
            numbered_context = None
            item_count = 0
            s, e = add_text(b.text)
            current.start = s
            current.end = e
            continue
        s, e = add_text(b.text)
        current.end = e
        if b.kind == "heading":
            continue
        if b.kind == "item":
            item_count += 1
            number = numbered_context if current.kind not in IMPROVEMENT_KINDS else None
            current.paragraphs.append(Paragraph(number=number, start=s, end=e, kind="item", item=item_count))
            if current.kind in IMPROVEMENT_KINDS:
                current.items.append(b.text)
        else:
            if b.number is not None:
                numbered_context = b.number
            number = b.number if b.number is not None else numbered_context
            current.paragraphs.append(Paragraph(number=number, start=s, end=e))
            if current.kind in IMPROVEMENT_KINDS and b.number is not None:
                current.items.append(b.text)
    return Structure(
        text="".join(text_parts),
        title=title,
        authority=authority,
        report_type=rtype,
        inspection_start=start,
        inspection_end=end,
        published=published,
        lead_inspector=lead,
        grades=grades,
        sections=sections,
    )


def _first_match(pattern: str, text: str) -> str | None:
    m = re.search(pattern, text)
    return m.group(1) if m else None
