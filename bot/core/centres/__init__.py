"""The service-centre directory (content/centres.yaml) and the searches over it.

Loading collects every problem with file, line and field (like the FAQ loader),
so one `python -m bot validate` run lists everything an editor must fix. The
searches are plain functions over a frozen `Directory`, so dialogue code and
tests can call them without Telegram.

A phone with `verified: False` came from memory, not from a source: the renderer
shows the office and asks the user to confirm the number, never the number as
one to call (`Phone.callable`, `Place.callable_phones`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from bot.core.content import Source
from bot.core.errors import ContentError, Problem
from bot.core.schema import LANGS, Record
from bot.core.text import fold
from bot.core.yamlsrc import LineDict, LineList, load_yaml

COUNTRIES = ("LA", "TH", "KR", "JP")
# Order matters: it breaks distance ties (an office before a centre in the same town)
# and orders `places_in_province`.
KINDS = (
    "provincial_office",
    "centre",
    "resource_centre",
    "information_centre",
    "assistance_centre",
    "embassy",
    "consulate",
    "hotline",
)
MISSION_KINDS = ("embassy", "consulate")
# Kinds without a place to walk into: they need a phone, not a location.
CALL_ONLY_KINDS = ("hotline",)

# The 18 province-level units: 17 provinces + Vientiane Capital (FACTS.md §6).
PROVINCE_IDS = (
    "vientiane-capital",
    "phongsaly",
    "luang-namtha",
    "oudomxay",
    "bokeo",
    "luang-prabang",
    "houaphanh",
    "xayaboury",
    "xieng-khouang",
    "vientiane-province",
    "bolikhamxay",
    "khammouane",
    "savannakhet",
    "salavan",
    "sekong",
    "champasak",
    "attapeu",
    "xaisomboun",
)

# A place further than this from its province's capital has a wrong province or
# wrong coordinates (the largest provinces are about 250 km across).
MAX_KM_FROM_CAPITAL = 250.0
EARTH_RADIUS_KM = 6371.0088
# The 1:110m outline of Thailand cuts off coasts and islands (Pattaya, Samui);
# points this close outside it still count as Thailand.
TH_COAST_TOLERANCE_KM = 25.0

TOP_KEYS = ("provinces", "province_sources", "places", "_shared")
PROVINCE_KEYS = ("id", "name", "capital", "location", "aliases")
PLACE_REQUIRED = ("id", "kind", "country", "name", "phones", "services", "sources", "reviewed")
PLACE_OPTIONAL = (
    "province",
    "address",
    "location",
    "location_approximate",
    "hours",
    "languages",
    "lao_language",
    "email",
    "note",
    "needs_native_review",
)
PHONE_KEYS = ("number", "verified", "short_code", "domestic", "note")

_INTERNATIONAL_RE = re.compile(r"^\+\d{1,3}(?:[ -]\d{1,5})+$")
_SHORT_CODE_RE = re.compile(r"^(?:\d{3,4}|\d{4}-\d{4})$")
_DOMESTIC_RE = re.compile(r"^0\d{1,4}(?:-\d{1,6}){1,3}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_LATIN_RE = re.compile("[a-z0-9]")


# --- geography -----------------------------------------------------------------------
class Box(NamedTuple):
    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat_min <= lat <= self.lat_max and self.lon_min <= lon <= self.lon_max


LA_BOX = Box(13.9, 22.5, 100.0, 107.7)
JP_TSUSHIMA = Box(34.05, 34.75, 129.15, 129.55)  # Japanese, but inside the first KR box
# Samui, Phangan and Tao lie beyond TH_COAST_TOLERANCE_KM of the coarse outline.
TH_GULF_ISLANDS = Box(9.3, 10.2, 99.7, 100.2)
# Used by the validator: a place abroad must lie in one of its country's boxes.
COUNTRY_BOXES: dict[str, tuple[Box, ...]] = {
    "LA": (LA_BOX,),
    "TH": (Box(5.6, 20.5, 97.3, 105.7),),
    "KR": (
        Box(33.9, 37.75, 124.5, 129.6),  # south of the DMZ's western end
        Box(37.75, 38.62, 126.65, 129.6),  # Paju, Yeoncheon, Cheorwon, Sokcho
        Box(33.0, 33.6, 126.0, 127.0),  # Jeju
        Box(37.2, 37.6, 130.7, 131.9),  # Ulleungdo, Dokdo
    ),
    "JP": (
        JP_TSUSHIMA,
        Box(30.9, 34.0, 128.5, 132.1),  # Kyushu, Goto
        Box(32.7, 37.6, 130.8, 141.0),  # Chugoku, Shikoku, Kansai, Chubu, Kanto
        Box(36.0, 41.6, 137.8, 142.1),  # Tohoku, Sado
        Box(41.3, 45.6, 139.3, 145.85),  # Hokkaido
        Box(24.0, 30.9, 122.9, 131.4),  # Okinawa and the Nansei islands
    ),
}

# Laos and Thailand share a long river border, so boxes cannot tell them apart.
# Outlines (lon, lat): Natural Earth 1:110m (public domain, via world.geo.json), with
# points added along the Mekong between twin towns (Savannakhet/Mukdahan,
# Thakhek/Nakhon Phanom, Paksan/Bueng Kan, Vientiane/Nong Khai, Houayxay/Chiang Khong),
# where the coarse line puts one town on the wrong bank. Within a few km of the river
# the answer can still be wrong; callers near a border should offer both countries.
_MEKONG_BORDER = (  # shared Laos-Thailand border, south to north
    (105.218777, 14.273212),
    (105.544338, 14.723934),
    (105.589039, 15.570316),
    (104.779321, 16.441865),
    (104.745, 16.50),
    (104.745, 16.65),
    (104.80, 17.30),
    (104.80, 17.50),
    (103.956477, 18.240954),
    (103.66, 18.375),
    (103.200192, 18.309632),
    (102.998706, 17.961695),
    (102.70, 17.89),
    (102.413005, 17.932782),
    (102.113592, 18.109102),
    (101.059548, 17.512497),
    (101.035931, 18.408928),
    (101.282015, 19.462585),
    (100.606294, 19.508344),
    (100.548881, 20.109238),
    (100.412, 20.20),
    (100.412, 20.32),
    (100.115988, 20.41785),
)
_LAOS_OTHER_BORDERS = (  # China, Vietnam, Cambodia
    (100.329101, 20.786122), (101.180005, 21.436573), (101.270026, 21.201652),
    (101.80312, 21.174367), (101.652018, 22.318199), (102.170436, 22.464753),
    (102.754896, 21.675137), (103.203861, 20.766562), (104.435, 20.758733),
    (104.822574, 19.886642), (104.183388, 19.624668), (103.896532, 19.265181),
    (105.094598, 18.666975), (105.925762, 17.485315), (106.556008, 16.604284),
    (107.312706, 15.908538), (107.564525, 15.202173), (107.382727, 14.202441),
    (106.496373, 14.570584), (106.043946, 13.881091),
)  # fmt: skip
_THAILAND_OTHER_BORDERS = (  # Cambodia, the Gulf, Malaysia, the Andaman Sea, Myanmar
    (104.281418, 14.416743), (102.988422, 14.225721), (102.348099, 13.394247),
    (102.584932, 12.186595), (101.687158, 12.64574), (100.83181, 12.627085),
    (100.978467, 13.412722), (100.097797, 13.406856), (100.018733, 12.307001),
    (99.478921, 10.846367), (99.153772, 9.963061), (99.222399, 9.239255),
    (99.873832, 9.207862), (100.279647, 8.295153), (100.459274, 7.429573),
    (101.017328, 6.856869), (101.623079, 6.740622), (102.141187, 6.221636),
    (101.814282, 5.810808), (101.154219, 5.691384), (101.075516, 6.204867),
    (100.259596, 6.642825), (100.085757, 6.464489), (99.690691, 6.848213),
    (99.519642, 7.343454), (98.988253, 7.907993), (98.503786, 8.382305),
    (98.339662, 7.794512), (98.150009, 8.350007), (98.25915, 8.973923),
    (98.553551, 9.93296), (99.038121, 10.960546), (99.587286, 11.892763),
    (99.196354, 12.804748), (99.212012, 13.269294), (99.097755, 13.827503),
    (98.430819, 14.622028), (98.192074, 15.123703), (98.537376, 15.308497),
    (98.903348, 16.177824), (98.493761, 16.837836), (97.859123, 17.567946),
    (97.375896, 18.445438), (97.797783, 18.62708), (98.253724, 19.708203),
    (98.959676, 19.752981), (99.543309, 20.186598),
)  # fmt: skip
LAOS_OUTLINE = _MEKONG_BORDER + _LAOS_OTHER_BORDERS
THAILAND_OUTLINE = tuple(reversed(_MEKONG_BORDER)) + _THAILAND_OTHER_BORDERS


def _in_polygon(lat: float, lon: float, ring: tuple[tuple[float, float], ...]) -> bool:
    inside = False
    j = len(ring) - 1
    for i, (xi, yi) in enumerate(ring):
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _km_to_outline(lat: float, lon: float, ring: tuple[tuple[float, float], ...]) -> float:
    """Distance to the nearest edge, on a local flat projection (fine for tens of km)."""
    kx = 111.32 * math.cos(math.radians(lat))
    ky = 110.57
    best = math.inf
    for i, (ax, ay) in enumerate(ring):
        bx, by = ring[i - 1]
        ax_, ay_ = (ax - lon) * kx, (ay - lat) * ky
        bx_, by_ = (bx - lon) * kx, (by - lat) * ky
        dx, dy = bx_ - ax_, by_ - ay_
        seg = dx * dx + dy * dy
        t = 0.0 if seg == 0 else max(0.0, min(1.0, -(ax_ * dx + ay_ * dy) / seg))
        best = min(best, math.hypot(ax_ + t * dx, ay_ + t * dy))
    return best


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def country_at(lat: float, lon: float) -> str | None:
    """Which country a shared location is in: LA, TH, KR, JP, or None elsewhere.

    Laos and Thailand by outline (their boxes overlap, and the LA box also covers
    Hanoi and Yunnan), Korea and Japan by boxes (Tsushima before Korea).
    """
    if _in_polygon(lat, lon, LAOS_OUTLINE):
        return "LA"
    if _in_polygon(lat, lon, THAILAND_OUTLINE):
        return "TH"
    if JP_TSUSHIMA.contains(lat, lon):
        return "JP"
    for country in ("KR", "JP"):
        if any(box.contains(lat, lon) for box in COUNTRY_BOXES[country]):
            return country
    if TH_GULF_ISLANDS.contains(lat, lon) or (
        COUNTRY_BOXES["TH"][0].contains(lat, lon)
        and _km_to_outline(lat, lon, THAILAND_OUTLINE) <= TH_COAST_TOLERANCE_KM
    ):
        return "TH"
    return None


# --- values --------------------------------------------------------------------------
@dataclass(frozen=True)
class LoEn:
    lo: str
    en: str

    def __getitem__(self, lang: str) -> str:
        if lang not in LANGS:
            raise KeyError(lang)
        return getattr(self, lang)


@dataclass(frozen=True)
class LoEnList:
    lo: tuple[str, ...]
    en: tuple[str, ...]

    def __getitem__(self, lang: str) -> tuple[str, ...]:
        if lang not in LANGS:
            raise KeyError(lang)
        return getattr(self, lang)


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    approximate: bool = False


@dataclass(frozen=True)
class Phone:
    """One number. `verified=False`: from memory, never shown as a number to call."""

    number: str
    verified: bool
    short_code: bool = False
    domestic: bool = False  # national format, callable only inside the country (0120-...)
    note: LoEn | None = None

    @property
    def callable(self) -> bool:
        return self.verified

    @property
    def dial(self) -> str:
        """What a tel: link needs: the number without spaces or dashes."""
        return re.sub(r"[ -]", "", self.number)


@dataclass(frozen=True)
class Province:
    id: str
    name: LoEn
    capital: LoEn
    location: Location
    aliases: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True)
class Place:
    id: str
    kind: str
    country: str
    name: LoEn
    phones: tuple[Phone, ...]
    services: LoEnList
    sources: tuple[Source, ...]
    reviewed: dt.date
    province: str | None = None
    address: LoEn | None = None
    location: Location | None = None
    hours: LoEn | None = None
    languages: LoEn | None = None
    lao_language: bool | None = None  # True/False only where a source says so
    email: str | None = None
    note: LoEn | None = None
    needs_native_review: bool = False
    file: str = ""
    line: int = 0

    @property
    def callable_phones(self) -> tuple[Phone, ...]:
        return tuple(p for p in self.phones if p.verified)

    @property
    def unverified_phones(self) -> tuple[Phone, ...]:
        return tuple(p for p in self.phones if not p.verified)


@dataclass(frozen=True)
class Directory:
    provinces: tuple[Province, ...]
    places: tuple[Place, ...]
    file: str = ""
    _places_by_id: dict[str, Place] = field(init=False, repr=False, compare=False)
    _provinces_by_id: dict[str, Province] = field(init=False, repr=False, compare=False)
    _alias_index: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_places_by_id", {p.id: p for p in self.places})
        object.__setattr__(self, "_provinces_by_id", {p.id: p for p in self.provinces})
        object.__setattr__(self, "_alias_index", _alias_index(self.provinces))

    def place(self, place_id: str) -> Place:
        return self._places_by_id[place_id]

    def province(self, province_id: str) -> Province:
        return self._provinces_by_id[province_id]


@dataclass(frozen=True)
class AbroadHelp:
    """What to show someone abroad: the country's hotlines, then Lao missions
    nearest first (or in file order, embassy first, without a location)."""

    country: str
    hotlines: tuple[Place, ...]
    missions: tuple[tuple[Place, float | None], ...]

    @property
    def nearest_mission(self) -> Place | None:
        return self.missions[0][0] if self.missions else None

    @property
    def embassy(self) -> Place | None:
        """The embassy even when an honorary consulate (often without contacts) is nearer."""
        return next((m for m, _ in self.missions if m.kind == "embassy"), None)


# --- searches --------------------------------------------------------------------------
def _check_kinds(kinds: Iterable[str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    wanted = frozenset([kinds] if isinstance(kinds, str) else kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kind(s): {', '.join(sorted(unknown))}")
    return wanted


def nearest(
    directory: Directory,
    lat: float,
    lon: float,
    n: int = 3,
    kinds: Iterable[str] | None = None,
    country: str | None = None,
) -> list[tuple[Place, float]]:
    """The n places with a location nearest to (lat, lon), with distance in km.

    Ties (several offices given the same town point) put a provincial office first.
    """
    wanted = _check_kinds(kinds)
    scored = []
    for place in directory.places:
        if place.location is None:
            continue
        if wanted is not None and place.kind not in wanted:
            continue
        if country is not None and place.country != country:
            continue
        km = haversine_km(lat, lon, place.location.lat, place.location.lon)
        scored.append((round(km, 3), KINDS.index(place.kind), place.id, place))
    scored.sort(key=lambda s: s[:3])
    return [(s[3], s[0]) for s in scored[: max(n, 0)]]


def hotlines(directory: Directory, country: str, verified_only: bool = False) -> list[Place]:
    """Hotlines of a country in file order (editors put the most useful first)."""
    out = [p for p in directory.places if p.kind == "hotline" and p.country == country]
    if verified_only:
        out = [p for p in out if p.callable_phones]
    return out


def help_abroad(
    directory: Directory, country: str, lat: float | None = None, lon: float | None = None
) -> AbroadHelp:
    """Hotlines of `country` and the Lao embassy/consulates there, nearest first."""
    missions = [p for p in directory.places if p.kind in MISSION_KINDS and p.country == country]
    if lat is not None and lon is not None:
        ranked: list[tuple[Place, float | None]] = [
            (m, round(haversine_km(lat, lon, m.location.lat, m.location.lon), 3))
            for m in missions
            if m.location is not None
        ]
        ranked.sort(key=lambda pk: (pk[1], MISSION_KINDS.index(pk[0].kind)))
    else:
        ranked = [(m, None) for m in sorted(missions, key=lambda m: MISSION_KINDS.index(m.kind))]
    return AbroadHelp(country, tuple(hotlines(directory, country)), tuple(ranked))


def places_in_province(directory: Directory, province_id: str) -> list[Place]:
    """Every place in a Lao province, provincial office first. KeyError for an unknown id."""
    directory.province(province_id)
    found = [p for p in directory.places if p.province == province_id]
    return sorted(found, key=lambda p: KINDS.index(p.kind))


def _alias_key(alias: str) -> str:
    return fold(alias).strip()


def _alias_pattern(key: str) -> re.Pattern[str]:
    """Latin aliases match whole words, with or without their spaces
    ("luang prabang" = "luangprabang"); Lao aliases match anywhere (no word spaces)."""
    parts = [re.escape(p) for p in key.split()]
    body = r"[\s-]*".join(parts)
    if _LATIN_RE.match(key[0]):
        body = r"(?<![a-z0-9])" + body
    if _LATIN_RE.match(key[-1]):
        body += r"(?![a-z0-9])"
    return re.compile(body)


def _alias_index(provinces: Iterable[Province]) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for prov in provinces:
        for alias in (prov.name.lo, prov.name.en, *prov.aliases):
            key = _alias_key(alias)
            if key and key not in seen:
                seen[key] = prov.id
    return tuple(seen.items())


def find_province(directory: Directory, text: str) -> Province | None:
    """The province a typed name or a whole question refers to, in Lao or English.

    Every alias found in the folded text is a candidate; one inside a longer match
    loses ("ແຂວງວຽງຈັນ" is the province, not the "ວຽງຈັນ" capital inside it), then
    the earliest in the text wins.
    """
    key = fold(text)
    if not key.strip():
        return None
    hits: list[tuple[int, int, str]] = []
    for alias, province_id in directory._alias_index:
        for m in _alias_pattern(alias).finditer(key):
            hits.append((m.start(), m.end(), province_id))
    if not hits:
        return None
    kept = [
        h
        for h in hits
        if not any(o[0] <= h[0] and h[1] <= o[1] and o[1] - o[0] > h[1] - h[0] for o in hits)
    ]
    kept.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    return directory.province(kept[0][2])


# --- loading and validation ---------------------------------------------------------
def default_directory_path() -> Path:
    return Path(__file__).resolve().parents[3] / "content" / "centres.yaml"


def _display_name(path: Path) -> str:
    return f"content/{path.name}" if path.parent.name == "content" else str(path)


def validate_directory(path: Path | str | None = None) -> list[Problem]:
    """Every problem in the directory file; an empty list when it loads."""
    try:
        load_directory(path)
    except ContentError as exc:
        return exc.problems
    return []


def load_directory(path: Path | str | None = None) -> Directory:
    """Load content/centres.yaml; raise ContentError listing every problem found."""
    path = Path(path) if path else default_directory_path()
    name = _display_name(path)
    data = load_yaml(path, name)
    if not isinstance(data, LineDict):
        raise ContentError([Problem(name, 1, "", "expected a mapping with provinces: and places:")])
    loader = _Loader(name)
    loader.top(data)
    if loader.problems:
        raise ContentError(loader.problems)
    return Directory(tuple(loader.provinces), tuple(loader.places), name)


class _Loader:
    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []
        self.provinces: list[Province] = []
        self.places: list[Place] = []
        # (id, kind, province, line) of every place, loaded or not, so one bad field
        # does not also report a "missing" office or hide a duplicate id
        self.seen: list[tuple[str, str, str | None, int]] = []

    def bad(self, line: int | None, where: str, msg: str) -> None:
        self.problems.append(Problem(self.name, line, where, msg))

    # top level
    def top(self, data: LineDict) -> None:
        for key in data:
            if key not in TOP_KEYS:
                self.bad(
                    data.line_of(key),
                    str(key),
                    f"unknown section (allowed: {', '.join(TOP_KEYS[:3])})",
                )
        for key in ("provinces", "province_sources", "places"):
            if key not in data:
                self.bad(data.line, key, "missing section")
        if "province_sources" in data:
            self.sources(data, "province_sources", "province_sources")
        provinces = data.get("provinces")
        if "provinces" in data:
            if not isinstance(provinces, LineList):
                self.bad(data.line_of("provinces"), "provinces", "expected a list of provinces")
            else:
                self.all_provinces(provinces)
        places = data.get("places")
        if "places" in data:
            if not isinstance(places, LineList):
                self.bad(data.line_of("places"), "places", "expected a list of places")
            else:
                for i, raw in enumerate(places):
                    if not isinstance(raw, LineDict):
                        self.bad(places.line_of(i), f"places[{i}]", "each place must be a mapping")
                        continue
                    place = self.place(raw, i)
                    if place:
                        self.places.append(place)
                self.cross_checks(places)

    # provinces
    def all_provinces(self, items: LineList) -> None:
        first: dict[str, int] = {}
        for i, raw in enumerate(items):
            line = items.line_of(i)
            if not isinstance(raw, LineDict):
                self.bad(line, f"provinces[{i}]", "each province must be a mapping")
                continue
            prov = self.province(raw, i)
            if prov is None:
                continue
            if prov.id in first:
                self.bad(
                    line, f"{prov.id}.id", f"duplicate province (first at line {first[prov.id]})"
                )
                continue
            first[prov.id] = line
            self.provinces.append(prov)
        for pid in PROVINCE_IDS:
            if pid not in first:
                self.bad(
                    items.line, "provinces", f"province {pid!r} is missing (all 18 are required)"
                )
        owner: dict[str, str] = {}
        for prov in self.provinces:
            for alias in (prov.name.lo, prov.name.en, *prov.aliases):
                key = _alias_key(alias)
                if not key:
                    self.bad(prov.line, f"{prov.id}.aliases", f"alias {alias!r} has no letters")
                elif owner.setdefault(key, prov.id) != prov.id:
                    self.bad(prov.line, f"{prov.id}.aliases",
                             f"alias {alias!r} names both {owner[key]!r} and {prov.id!r}; a typed name must point to one province")  # fmt: skip

    def province(self, raw: LineDict, i: int) -> Province | None:
        pid = raw.get("id")
        label = f"{pid}." if isinstance(pid, str) else f"provinces[{i}]."
        before = len(self.problems)
        rec = Record(raw, self.name, label, self.problems)
        rec.fields(PROVINCE_KEYS)
        rec.one_of("id", PROVINCE_IDS, "province id")
        name = self.lo_en(raw, "name", label)
        capital = self.lo_en(raw, "capital", label)
        location = self.location(raw, label, approximate=False) if "location" in raw else None
        if location and not LA_BOX.contains(location.lat, location.lon):
            self.bad(raw.line_of("location"), f"{label}location", "coordinates are outside Laos")
        aliases = raw.get("aliases")
        if "aliases" in raw and (
            not isinstance(aliases, list)
            or not all(isinstance(a, str) and a.strip() for a in aliases)
        ):
            self.bad(raw.line_of("aliases"), f"{label}aliases", "expected a list of names")
            aliases = []
        if len(self.problems) > before:
            return None
        return Province(pid, name, capital, location, tuple(a.strip() for a in aliases), raw.line)

    # places
    def place(self, raw: LineDict, i: int) -> Place | None:
        pid = raw.get("id")
        label = f"{pid}." if isinstance(pid, str) else f"places[{i}]."
        before = len(self.problems)
        if isinstance(pid, str):
            prov = raw.get("province")
            self.seen.append(
                (pid, str(raw.get("kind")), prov if isinstance(prov, str) else None, raw.line)
            )

        rec = Record(raw, self.name, label, self.problems)
        bad = rec.bad
        rec.fields(PLACE_REQUIRED, PLACE_OPTIONAL)
        kind = rec.one_of("kind", KINDS, "kind")
        country = rec.one_of("country", COUNTRIES, "country")

        province = raw.get("province")
        if "province" in raw and province not in PROVINCE_IDS:
            bad("province", f"unknown province {province!r}")
        if country == "LA" and kind not in CALL_ONLY_KINDS and "province" not in raw:
            bad("province", "a place in Laos needs its province id", raw.line)
        if country in COUNTRIES and country != "LA" and "province" in raw:
            bad("province", "only places in Laos have a province")

        name = self.lo_en(raw, "name", label)
        address = self.lo_en(raw, "address", label) if "address" in raw else None
        hours = self.lo_en(raw, "hours", label) if "hours" in raw else None
        languages = self.lo_en(raw, "languages", label) if "languages" in raw else None
        note = self.lo_en(raw, "note", label) if "note" in raw else None

        approx = rec.flag("location_approximate")
        location = self.location(raw, label, approximate=approx) if "location" in raw else None
        if "location" not in raw and kind in KINDS and kind not in CALL_ONLY_KINDS:
            bad("location", f"a {kind} needs a location {{lat, lon}}", raw.line)
        if "location_approximate" in raw and "location" not in raw:
            bad("location_approximate", "set only together with a location")
        if location and country in COUNTRY_BOXES:
            boxes = COUNTRY_BOXES[country]
            if not any(b.contains(location.lat, location.lon) for b in boxes):
                where = "Laos" if country == "LA" else country
                bad("location", f"coordinates ({location.lat}, {location.lon}) are outside {where}")

        phones = self.phones(raw, label)
        if kind in CALL_ONLY_KINDS and raw.get("phones") == []:
            bad("phones", "a hotline needs at least one number")
        services = self.services(raw, label)
        sources = self.sources(raw, "sources", label)
        reviewed = rec.date("reviewed")
        lao_language = raw.get("lao_language")
        if "lao_language" in raw and not isinstance(lao_language, bool):
            bad("lao_language", "expected true or false (leave it out when unknown)")
        email = raw.get("email")
        if "email" in raw and (not isinstance(email, str) or not _EMAIL_RE.match(email)):
            bad("email", f"not an email address: {email!r}")
        nnr = rec.flag("needs_native_review")

        if len(self.problems) > before:
            return None
        return Place(
            id=pid,
            kind=kind,
            country=country,
            name=name,
            phones=tuple(phones),
            services=services,
            sources=tuple(sources),
            reviewed=reviewed,
            province=province,
            address=address,
            location=location,
            hours=hours,
            languages=languages,
            lao_language=lao_language,
            email=email,
            note=note,
            needs_native_review=nnr,
            file=self.name,
            line=raw.line,
        )

    def cross_checks(self, items: LineList) -> None:
        first: dict[str, int] = {}
        offices: dict[str, list[tuple[str, int]]] = {}
        for pid, kind, province, line in self.seen:
            if pid in first:
                self.bad(line, f"{pid}.id", f"duplicate id (first at line {first[pid]})")
            else:
                first[pid] = line
            if kind == "provincial_office" and province:
                offices.setdefault(province, []).append((pid, line))
        by_id = {p.id: p for p in self.provinces}
        for place in self.places:
            if place.kind == "provincial_office" and place.country != "LA":
                self.bad(place.line, f"{place.id}.country", "a provincial_office is in Laos")
            prov = by_id.get(place.province or "")
            if prov and place.location:
                km = haversine_km(
                    place.location.lat, place.location.lon, prov.location.lat, prov.location.lon
                )
                if km > MAX_KM_FROM_CAPITAL:
                    self.bad(place.line, f"{place.id}.location",
                             f"{km:.0f} km from the capital of {prov.id}; check the province or the coordinates")  # fmt: skip
        for pid in PROVINCE_IDS:
            found = offices.get(pid, [])
            if not found:
                self.bad(items.line, "places", f"no provincial_office for province {pid!r}")
            for extra_id, extra_line in found[1:]:
                self.bad(extra_line, f"{extra_id}.province",
                         f"second provincial_office for {pid!r} (first: {found[0][0]} at line {found[0][1]})")  # fmt: skip

    # fields
    def lo_en(self, raw: LineDict, key: str, label: str) -> LoEn | None:
        """A {lo, en} text mapping (bot/core/schema.py); None when absent or wrong."""
        before = len(self.problems)
        texts = Record(raw, self.name, label, self.problems).texts(key)
        if key not in raw or len(self.problems) > before:
            return None
        return LoEn(texts["lo"], texts["en"])

    def location(self, raw: LineDict, label: str, approximate: bool) -> Location | None:
        value = raw.get("location")
        line = raw.line_of("location")
        if not isinstance(value, LineDict) or set(value) != {"lat", "lon"}:
            self.bad(line, f"{label}location", "expected {lat: <number>, lon: <number>}")
            return None
        lat, lon = value["lat"], value["lon"]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
            self.bad(line, f"{label}location", "lat and lon must be numbers")
            return None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.bad(line, f"{label}location", f"({lat}, {lon}) is not a coordinate")
            return None
        return Location(float(lat), float(lon), approximate)

    def phones(self, raw: LineDict, label: str) -> list[Phone]:
        items = raw.get("phones")
        if "phones" not in raw:
            return []
        if not isinstance(items, LineList):
            self.bad(
                raw.line_of("phones"),
                f"{label}phones",
                "expected a list (use [] when no number is known)",
            )
            return []
        out: list[Phone] = []
        for j, item in enumerate(items):
            line = items.line_of(j)
            where = f"{label}phones[{j}]"
            if not isinstance(item, LineDict):
                self.bad(line, where, "expected {number: ..., verified: true|false}")
                continue
            ok = True
            for key in item:
                if key not in PHONE_KEYS:
                    self.bad(
                        item.line_of(key),
                        f"{where}.{key}",
                        f"unknown field (allowed: {', '.join(PHONE_KEYS)})",
                    )
                    ok = False
            number, verified = item.get("number"), item.get("verified")
            short, domestic = item.get("short_code", False), item.get("domestic", False)
            if not isinstance(verified, bool):
                self.bad(item.line_of("verified"), f"{where}.verified",
                         "say verified: true (a source confirms it) or verified: false")  # fmt: skip
                ok = False
            if (
                not isinstance(short, bool)
                or not isinstance(domestic, bool)
                or (short and domestic)
            ):
                self.bad(line, where, "short_code and domestic are true/false, and not both")
                ok = False
            if not isinstance(number, str):
                self.bad(item.line_of("number"), f"{where}.number",
                         'expected the number as a quoted string, e.g. "+856 21 251 128"')  # fmt: skip
                ok = False
            else:
                problem = _phone_problem(number.strip(), short is True, domestic is True)
                if problem:
                    self.bad(item.line_of("number"), f"{where}.number", problem)
                    ok = False
            note = self.lo_en(item, "note", f"{where}.") if "note" in item else None
            if ok and ("note" not in item or note):
                out.append(Phone(number.strip(), verified, short, domestic, note))
        return out

    def services(self, raw: LineDict, label: str) -> LoEnList | None:
        value = raw.get("services")
        if "services" not in raw:
            return None
        line = raw.line_of("services")
        if not isinstance(value, LineDict) or set(value) != set(LANGS):
            self.bad(line, f"{label}services", "expected {lo: [...], en: [...]}")
            return None
        lists = {}
        for lang in LANGS:
            items = value[lang]
            if (
                not isinstance(items, list)
                or not items
                or not all(isinstance(s, str) and s.strip() for s in items)
            ):
                self.bad(
                    value.line_of(lang),
                    f"{label}services.{lang}",
                    "expected a non-empty list of texts",
                )
                return None
            lists[lang] = tuple(s.strip() for s in items)
        if len(lists["lo"]) != len(lists["en"]):
            self.bad(
                line,
                f"{label}services",
                "lo and en need the same number of lines (one translation each)",
            )
            return None
        return LoEnList(lists["lo"], lists["en"])

    def sources(self, raw: LineDict, key: str, label: str) -> list[Source]:
        src = raw.get(key)
        where = label if key == label else f"{label}{key}"
        if key not in raw:
            return []
        if not isinstance(src, LineList) or not src:
            self.bad(
                raw.line_of(key), where, "at least one source (title + url or document) is required"
            )
            return []
        out: list[Source] = []
        for j, s in enumerate(src):
            line = src.line_of(j)
            if (
                not isinstance(s, dict)
                or not isinstance(s.get("title"), str)
                or not s["title"].strip()
            ):
                self.bad(line, f"{where}[{j}]", "each source needs a title")
                continue
            unknown = set(s) - {"title", "url", "document"}
            if unknown:
                self.bad(line, f"{where}[{j}]", f"unknown field(s): {', '.join(sorted(unknown))}")
                continue
            url, doc = s.get("url"), s.get("document")
            if not url and not doc:
                self.bad(line, f"{where}[{j}]", "each source needs a url or a document")
            elif url and not re.match(r"^https?://\S+$", str(url)):
                self.bad(line, f"{where}[{j}].url", f"not a web address: {url!r}")
            else:
                out.append(Source(s["title"].strip(), url, doc))
        return out


def _phone_problem(number: str, short_code: bool, domestic: bool) -> str | None:
    digits = sum(ch.isdigit() for ch in number)
    if short_code:
        if not _SHORT_CODE_RE.match(number):
            return f"{number!r}: a short code is 3-4 digits or 4-4 digits like 1577-0071"
        return None
    if domestic:
        if not _DOMESTIC_RE.match(number) or not 9 <= digits <= 11:
            return f"{number!r}: a domestic number starts with 0, in groups with '-' (0120-76-2029)"
        return None
    if not _INTERNATIONAL_RE.match(number) or not 8 <= digits <= 15:
        hint = " (mark short codes with short_code: true)" if _SHORT_CODE_RE.match(number) else ""
        return f"{number!r}: write +<country code> and the number, e.g. +856 21 251 128{hint}"
    return None
