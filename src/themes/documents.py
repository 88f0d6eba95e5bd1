"""Stage 2 for documents that are not Ofsted reports: council self-evaluations, council (scrutiny) papers
and news articles, read into the same `Structure` so that they can be segmented, tagged and compared.

These come as Word- or web-exported text: headings, bullets, HTML remnants (`<p>`, `<ul>`, `<li>`),
pipe tables and tab-separated table rows. What matters most is the table column a sentence sits in: in a
self-evaluation, "What we still need to improve" is the council's own named weakness, "What is going well"
its named strength, and "What are we doing about it?" an action, not a finding.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .authorities import authorities, normalise_name
from .read import RawDocument
from .structure import BULLET_CHARS, Paragraph, Section, Structure, normalise_chars, parse_date_range

OTHER_TYPES = ("self_evaluation", "council_paper", "news")

# table columns, by the words of their header
COLUMN_HEADERS = [
    (re.compile(r"what (is|are) going well|what we do well|^strengths|areas of strength", re.I), "going_well"),
    (re.compile(r"what (we )?(still )?need(s)? to improve|areas? (for|of) (improvement|development)|"
                r"what (is|isn't|is not) going (so )?well|what could be better|areas for improvement", re.I),
     "still_to_improve"),
    (re.compile(r"what are we doing about it|what we are doing|actions?( we are taking)?$|next steps", re.I),
     "action"),
]

_AREAS = [
    (re.compile(r"help and protection|early help|front door|safeguarding|child protection|brief intervention|"
                r"families first|resource service|social work with families", re.I), "help_and_protection"),
    (re.compile(r"care leavers? and (in )?care|in care and care leavers", re.I), "children_in_care_and_care_leavers"),
    (re.compile(r"care leaver|pathway", re.I), "care_leavers"),
    (re.compile(r"children in care|looked after|fostering|adoption|virtual school|permanence", re.I),
     "children_in_care"),
    (re.compile(r"leadership|leaders|management|workforce|governance", re.I), "leaders"),
    (re.compile(r"^contents$|^page$", re.I), "contents"),
]

_TAG = re.compile(r"</?(?:p|ul|ol|li|u|i|b|em|strong|span|div|br|h\d)(?:\s[^>]*)?/?>", re.I)
_BLOCK_TAG = re.compile(r"</?(?:p|ul|ol|li|div|br|h\d)(?:\s[^>]*)?/?>", re.I)
_INLINE_BULLET = re.compile(rf"\s+[{BULLET_CHARS}]\s+")
_BULLET = re.compile(rf"^\s*(?:[-*{BULLET_CHARS}]|\(?[ivx]{{1,4}}\)|\d{{1,2}}[.)])\s+")
_NUMBER_CELL = re.compile(r"^\s*(\d{1,3})\.?\s*$")
_NUMERIC = re.compile(r"^[\s\d.,%£$()+\-–/<>≤≥x]*$")
_WEEKDAY_DATE = re.compile(
    r"^(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\s+\d{1,2}),?\s+\d{4}$")


@dataclass
class _Piece:
    """One paragraph of text with where it sits."""

    text: str
    heading: str
    area: str
    column: str | None
    number: int | None
    kind: str = "para"  # "para" or "item"


def detect_type(text: str) -> str | None:
    """'self_evaluation', 'council_paper' or 'news' for a document of those shapes, else None."""
    head = "\n".join(text.strip().splitlines()[:60])
    title = "\n".join([ln for ln in text.strip().splitlines() if ln.strip()][:6])
    if re.search(r"self[- ]evaluation|self[- ]assessment", title, re.I) or re.search(
            r"what we still need to improve", text, re.I):
        return "self_evaluation"
    if re.search(r"^(DECISION[- ]MAKER|REPORT OF|SUBJECT|DATE OF DECISION)\s*:", head, re.M) or re.search(
            r"scrutiny (panel|committee)|cabinet member|RECOMMENDATIONS:", head):
        return "council_paper"
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()][:8]
    if any(_WEEKDAY_DATE.match(ln) for ln in lines) and re.search(r"ofsted", text, re.I):
        return "news"
    return None


def _table_row(line: str) -> str | None:
    """Pipe-table syntax as tab-separated cells; None for a table rule (|----|---| or "- | | |")."""
    if re.fullmatch(r"\s*[-|:\s]*", line) and ("|" in line or "--" in line):
        return None
    if line.lstrip().startswith("|") or line.count("|") >= 2:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        return "\t".join(c for c in cells if c and c != "-")
    return line


def _clean_text(text: str) -> list[str]:
    """Text as lines: HTML remnants removed (block tags end a line), inline bullets split."""
    text = html.unescape(normalise_chars(text)).replace("\u00a0", " ")
    text = _BLOCK_TAG.sub("\n", text)
    text = _TAG.sub("", text)
    text = _INLINE_BULLET.sub("\n• ", text)
    return [part.strip() for part in text.split("\n")]


def _column_of(cell: str) -> str | None:
    for rx, name in COLUMN_HEADERS:
        if rx.search(cell.strip().rstrip("?.:")):
            return name
    return None


def _area_of(heading: str) -> str | None:
    for rx, area in _AREAS:
        if rx.search(heading):
            return area
    return None


def _is_heading(line: str) -> bool:
    s = line.strip()
    if not s or "\t" in s or _BULLET.match(s) or len(s) > 90:
        return False
    words = s.split()
    if len(words) > 12 or not (s[0].isupper() or s[0].isdigit()):
        return False
    if s.isupper():
        return True
    return not re.search(r"[.,;:]$", s) or bool(_column_of(s))


def _pieces(text: str, doc_type: str) -> tuple[list[_Piece], str]:
    heading, area, column = "", "body", None
    columns: list[str | None] = []  # the columns of the table being read, from its header row
    pieces: list[_Piece] = []
    title = ""
    para: list[str] = []
    para_number: int | None = None
    previous_line = None

    def flush() -> None:
        nonlocal para, para_number
        body = " ".join(p.strip() for p in para if p.strip())
        words = len(re.findall(r"[A-Za-z]{2,}", body))
        is_item = bool(para) and bool(_BULLET.match(para[0]))
        sentence_like = bool(re.search(r"[.!?:]['’”)]?$", body))
        contact = re.search(r"\S+@\S+\.\w+|\bTel:", body) and words < 10
        if not contact and (words >= 6 or (words >= 4 and (is_item or sentence_like))
                            or (words >= 2 and sentence_like)):  # not a label such as "E-mail"
            if is_item:
                body = _BULLET.sub("", body, count=1)
            pieces.append(_Piece(body, heading, area, column, para_number, "item" if is_item else "para"))
        para, para_number = [], None

    def cell_lines(cell: str, col: str | None, number: int | None) -> None:
        """The paragraphs of one table cell; a lead-in such as "Areas for improvement were:" sets the
        column for the rest of the cell."""
        nonlocal column, para, para_number
        saved = column
        column = col
        for line in _clean_text(cell):
            if not line:
                continue
            flush()
            para, para_number = [line], number
            lead = _column_of(line) if line.endswith(":") else None
            flush()
            if lead:
                column = lead
        column = saved

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        row = _table_row(raw)
        if row is None:
            continue
        if "\t" in row.strip():
            flush()
            cells = [c.strip() for c in row.split("\t") if c.strip()]
            named = [_column_of(c) for c in cells]
            if len(cells) >= 2 and all(named):  # a table header row
                columns, column = named, None
                continue
            if cells and cells[0].endswith((":", "?")) and len(cells) <= 3 and len(cells[-1].split()) < 8:
                continue  # "KEY DECISION?\tNo", "DECISION-MAKER:\t..."
            if len(cells) >= 2 and (all(_NUMERIC.match(c) for c in cells[1:]) or
                                    (_NUMERIC.match(cells[-1]) and len(cells[0].split()) <= 12)):
                continue  # a data table or a contents line
            number = None
            m = _NUMBER_CELL.match(cells[0]) if cells else None
            if m and len(cells) >= 2:
                number, cells = int(m.group(1)), cells[1:]
            if not columns:
                column = None  # a new numbered paragraph of a council paper starts afresh
            for i, cell in enumerate(cells):
                cell_lines(cell, columns[i] if i < len(columns) else column, number)
            continue
        for line in _clean_text(row):
            if line == previous_line and line:  # a caption repeated by the export
                continue
            previous_line = line
            if not line:
                flush()
                continue
            if not title:
                title = line
                continue
            bullet = _BULLET.match(line)
            if not bullet and _is_heading(line):
                flush()
                columns = []
                col = _column_of(line)
                if col:  # a one-column table or a heading such as "What is going well"
                    column = col
                    continue
                heading, column = line, None
                # a self-evaluation's subheadings stay in their judgement area; a contents list is a
                # "contents" section, which segmentation skips like an Ofsted report's
                keep = doc_type == "self_evaluation" and area != "contents"
                area = _area_of(line) or (area if keep else "body")
                continue
            if bullet and para:
                flush()
            para.append(line)
        if not raw.strip():
            flush()
    flush()
    return pieces, title


def build_other_structure(raw: RawDocument, doc_type: str) -> Structure:
    """A Structure for a self-evaluation, council paper or news article (see module docstring)."""
    text = "\n".join(raw.pages)
    pieces, title = _pieces(text, doc_type)
    head = "\n".join(text.strip().splitlines()[:40])
    out: list[str] = []
    offset = 0
    sections: list[Section] = []
    for piece in pieces:
        if not sections or sections[-1].title != (piece.heading or title) or sections[-1].kind != piece.area:
            sections.append(Section(kind=piece.area, title=piece.heading or title, start=offset, end=offset))
        if out:
            out.append("\n\n")
            offset += 2
        begin = offset
        out.append(piece.text)
        offset += len(piece.text)
        section = sections[-1]
        section.paragraphs.append(Paragraph(number=piece.number, start=begin, end=offset, kind=piece.kind,
                                            column=piece.column))
        section.end = offset
    published = parse_dateline(head)
    return Structure(text="".join(out), title=title, authority=authority_in_text(head), report_type=doc_type,
                     inspection_start=None, inspection_end=None, published=published, lead_inspector=None,
                     grades={}, sections=sections)


_MONTH_FIRST = re.compile(r"\b([A-Z][a-z]+)\s+(\d{1,2}),?\s+(\d{4})\b")


def parse_dateline(head: str):
    """The document's own date: a news dateline ("Wednesday, September 17, 2014") or a council paper's
    "DATE OF DECISION: 26 JANUARY 2023"."""
    for line in [ln.strip() for ln in head.splitlines() if ln.strip()][:15]:
        line = line.replace("\t", " ")
        month_year = re.fullmatch(r"([A-Z][a-z]+)\s+(\d{4})", line)
        if month_year and parse_date_range(f"1 {line}")[1]:  # "April 2022" on a title page
            return parse_date_range(f"1 {line}")[1]
        m = re.match(r"DATE[A-Z ]*:?\s*(.+)$", line, re.I)
        candidate = m.group(1) if m else line if _WEEKDAY_DATE.match(line) else None
        if not candidate:
            continue
        candidate = candidate.title().replace(",", " ")
        mf = _MONTH_FIRST.search(candidate)
        if mf:
            candidate = f"{mf.group(2)} {mf.group(1)} {mf.group(3)}"
        found = parse_date_range(candidate)[1]
        if found:
            return found
    return None


def authority_in_text(text: str) -> str | None:
    """The first local authority named in a text (e.g. "Southampton" in "Southampton City Council")."""
    norm = " " + normalise_name(text) + " "
    best: tuple[int, int, str] | None = None
    for la in authorities().values():
        key = normalise_name(la.name)
        if not key:
            continue
        pos = norm.find(" " + key + " ")
        if pos >= 0 and (best is None or (pos, -len(key)) < best[:2]):
            best = (pos, -len(key), la.name)
    return best[2] if best else None
