"""Local authorities: names as reports print them, their DfE codes, regions and statistical neighbours.

Reports name a council in many ways ("Southampton", "Southampton City Council", "London Borough of
Southwark", "Bristol City of"). `find_authority` maps any of them to one row of the DfE lookup shipped
in `data/la_lookup.csv` (codes, region, and the ten statistical neighbours, nearest first).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Authority:
    code: str  # the DfE (old) LA code, e.g. "852"
    code_new: str  # the ONS code, e.g. "E06000045"
    name: str  # the ONS name
    region: str
    la_type: str
    neighbours: tuple[str, ...]  # LA codes of the statistical neighbours, nearest first


_PREFIXES = ("the ", "london borough of ", "royal borough of ", "metropolitan borough of ", "borough of ",
             "council of the ", "county of ", "city and county of ")
_SUFFIXES = (" local safeguarding children board", " safeguarding children board", " children and families trust", " children's services", " childrens services", " children's trust",
             " metropolitan borough council", " metropolitan district council", " district metropolitan council",
             " metropolitan council", " borough council", " city council", " county council", " council",
             " unitary authority", " metropolitan borough", " city of", " city", " borough", " county",
             " local authority")
_SPECIAL = {
    "hull": "kingston upon hull",
    "east riding": "east riding of yorkshire",
    "telford wrekin": "telford and wrekin",
    "windsor maidenhead": "windsor and maidenhead",
    "london corporation": "city of london",
    "corporation of london": "city of london",
    "newcastle": "newcastle upon tyne",
    "bedford borough": "bedford",
    "durham": "county durham",
}


def normalise_name(name: str) -> str:
    """A comparable form of a council's name: lower case, no council/borough/city trimmings."""
    s = name.lower().replace("’", "'").replace("&", " and ")
    s = re.sub(r"[^a-z' ]+", " ", s.replace("-", " "))
    s = re.sub(r"\s+", " ", s).strip()
    if s in ("city of london", "london", "city of london corporation"):
        return "city of london"
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES:
            if s.startswith(p):
                s, changed = s[len(p):], True
        if s.startswith("city of ") and s != "city of london":
            s, changed = s[len("city of "):], True
        for suf in _SUFFIXES:
            if s.endswith(suf) and len(s) > len(suf):
                s, changed = s[: -len(suf)], True
        s = s.strip(" ,")
    return _SPECIAL.get(s, s)


@lru_cache(maxsize=1)
def _lookup_rows() -> list[dict[str, str]]:
    text = resources.files("themes").joinpath("data/la_lookup.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def authorities() -> dict[str, Authority]:
    """All authorities in the shipped lookup, by LA code."""
    return {row["la_code"]: Authority(
        code=row["la_code"], code_new=row["la_code_new"], name=row["name"], region=row["region"],
        la_type=row["la_type"], neighbours=tuple(c for c in row["stat_neighbours"].split(",") if c))
        for row in _lookup_rows()}


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for row in _lookup_rows():
        for name in [row["name"], *row["aliases"].split("|")]:
            if name:
                index.setdefault(normalise_name(name), row["la_code"])
    return index


def find_authority(name: str | None) -> Authority | None:
    """The lookup row for a council's name as printed anywhere (or a corpus folder slug), or None."""
    if not name:
        return None
    code = _index().get(normalise_name(name))
    return authorities()[code] if code else None


def neighbours_of(name: str) -> list[Authority]:
    """The statistical neighbours of an authority, nearest first (those in the lookup)."""
    la = find_authority(name)
    if la is None:
        raise KeyError(f"unknown authority {name!r}")
    table = authorities()
    return [table[c] for c in la.neighbours if c in table]
