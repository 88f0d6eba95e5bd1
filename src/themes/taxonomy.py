"""The findings taxonomy: theme ids, areas, labelling codes and polarities, read from taxonomy.yaml.

Kept as data so that models, labelled sets and saved outputs can all be checked against one version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

POLARITIES = ("strength", "weakness", "neutral")


@dataclass(frozen=True)
class Theme:
    id: str
    code: str
    area: str
    label: str
    description: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    version: str
    areas: dict[str, str]
    themes: tuple[Theme, ...]
    polarity_codes: dict[str, str]  # polarity -> "+", "-", "0"

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def by_id(self, theme_id: str) -> Theme:
        for t in self.themes:
            if t.id == theme_id:
                return t
        raise KeyError(f"unknown theme id {theme_id!r}")

    def by_code(self, code: str) -> Theme:
        for t in self.themes:
            if t.code == code:
                return t
        raise KeyError(f"unknown theme code {code!r}")

    def area_of(self, theme_id: str) -> str:
        return self.by_id(theme_id).area

    def polarity_of_code(self, symbol: str) -> str:
        for pol, sym in self.polarity_codes.items():
            if sym == symbol:
                return pol
        raise KeyError(f"unknown polarity symbol {symbol!r}")

    def fingerprint(self) -> str:
        """A hash of everything that defines the themes, to catch edits made without a version bump."""
        payload = {
            "areas": self.areas,
            "themes": [[t.id, t.code, t.area, t.label, t.description] for t in self.themes],
            "polarities": self.polarity_codes,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def parse_taxonomy(text: str) -> Taxonomy:
    raw = yaml.safe_load(text)
    themes = tuple(
        Theme(
            id=t["id"],
            code=t["code"],
            area=t["area"],
            label=t["label"],
            description=" ".join(t["description"].split()),
            examples=tuple(t.get("examples", ())),
        )
        for t in raw["themes"]
    )
    tax = Taxonomy(
        version=str(raw["version"]),
        areas=dict(raw["areas"]),
        themes=themes,
        polarity_codes=dict(raw["polarities"]),
    )
    _validate(tax)
    return tax


def _validate(tax: Taxonomy) -> None:
    ids = [t.id for t in tax.themes]
    codes = [t.code for t in tax.themes]
    if len(set(ids)) != len(ids):
        raise ValueError("taxonomy: duplicate theme ids")
    if len(set(codes)) != len(codes):
        raise ValueError("taxonomy: duplicate theme codes")
    for t in tax.themes:
        if t.area not in tax.areas:
            raise ValueError(f"taxonomy: theme {t.id} has unknown area {t.area}")
    if set(tax.polarity_codes) != set(POLARITIES):
        raise ValueError("taxonomy: polarities must be strength, weakness, neutral")


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The taxonomy shipped with the package."""
    text = resources.files("themes").joinpath("taxonomy.yaml").read_text(encoding="utf-8")
    return parse_taxonomy(text)
