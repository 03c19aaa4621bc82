"""The centre directory: the real file loads, searches find what a user nearby needs,
and every kind of breakage is reported with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.callbacks import PlaceOnMap
from bot.core.centres import (
    KINDS,
    PROVINCE_IDS,
    Directory,
    country_at,
    default_directory_path,
    find_province,
    help_abroad,
    hotlines,
    load_directory,
    nearest,
    places_in_province,
    validate_directory,
)
from bot.core.errors import ContentError

REAL = default_directory_path()


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory(REAL)


# --- the real directory ----------------------------------------------------------------
def test_real_directory_loads_without_problems(directory):
    assert validate_directory(REAL) == []
    assert [p.id for p in directory.provinces] == list(PROVINCE_IDS)
    offices = [p for p in directory.places if p.kind == "provincial_office"]
    assert sorted(p.province for p in offices) == sorted(PROVINCE_IDS)
    assert {p.country for p in directory.places} == {"LA", "TH", "KR", "JP"}


def test_every_place_has_sources_review_date_and_a_way_to_reach_it(directory):
    for place in directory.places:
        assert place.sources and place.reviewed, place.id
        assert place.kind in KINDS
        assert place.services.lo and len(place.services.lo) == len(place.services.en)
        if place.kind == "hotline":
            assert place.phones, place.id
        else:
            assert place.location is not None, place.id


def test_directory_is_frozen(directory):
    with pytest.raises(AttributeError):
        directory.places[0].id = "x"


# --- nearest ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (15.12, 105.80, "lsw-champasak"),  # Pakse: the office, not the MRC at the same point
        (17.41, 104.83, "lsw-khammouane"),  # Thakhek
        (16.57, 104.76, "lsw-savannakhet"),
        (19.89, 102.14, "lsw-luang-prabang"),
        (17.97, 102.61, "lsw-vientiane-capital"),
    ],
)
def test_nearest_puts_the_local_provincial_office_first(directory, lat, lon, expected):
    found = nearest(directory, lat, lon)
    assert found[0][0].id == expected
    assert found[0][1] < 10
    assert [km for _, km in found] == sorted(km for _, km in found)


@pytest.mark.parametrize("province_id", PROVINCE_IDS)
def test_at_each_capital_its_own_office_is_nearest(directory, province_id):
    prov = directory.province(province_id)
    place, km = nearest(directory, prov.location.lat, prov.location.lon, n=1)[0]
    assert (place.province, place.kind, km) == (province_id, "provincial_office", 0)


def test_exactly_at_a_centre_the_distance_is_zero(directory):
    mrc = directory.place("mrc-salavan")
    found = nearest(directory, mrc.location.lat, mrc.location.lon, kinds=["resource_centre"])
    assert found[0] == (mrc, 0)


def test_nearest_filters_by_kind_and_country(directory):
    found = nearest(directory, 15.12, 105.80, n=5, kinds=("resource_centre",))
    assert found[0][0].id == "mrc-champasak"
    assert {p.kind for p, _ in found} == {"resource_centre"}
    abroad = nearest(directory, 15.12, 105.80, n=2, country="TH")
    assert [p.id for p, _ in abroad] == ["th-lao-embassy-bangkok"]  # hotlines have no location


def test_nearest_rejects_a_misspelt_kind(directory):
    with pytest.raises(ValueError, match="provincial_offices"):
        nearest(directory, 15.12, 105.80, kinds=["provincial_offices"])


# --- country_at ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (17.9667, 102.6000, "LA"),  # Vientiane, on the Mekong
        (15.12, 105.80, "LA"),  # Pakse
        (17.41, 104.83, "LA"),  # Thakhek, opposite Nakhon Phanom
        (16.5703, 104.7622, "LA"),  # Savannakhet riverfront, opposite Mukdahan
        (20.27, 100.4178, "LA"),  # Houayxay, opposite Chiang Khong
        (13.75, 100.50, "TH"),  # Bangkok
        (17.4138, 102.787, "TH"),  # Udon Thani
        (18.788, 98.985, "TH"),  # Chiang Mai
        (17.878, 102.742, "TH"),  # Nong Khai, across from Vientiane
        (16.5453, 104.7235, "TH"),  # Mukdahan
        (12.9236, 100.8825, "TH"),  # Pattaya, outside the coarse coastline
        (9.512, 100.013, "TH"),  # Koh Samui
        (37.5665, 126.978, "KR"),  # Seoul
        (35.18, 129.08, "KR"),  # Busan
        (33.50, 126.53, "KR"),  # Jeju
        (35.68, 139.69, "JP"),  # Tokyo
        (34.69, 135.50, "JP"),  # Osaka
        (33.59, 130.40, "JP"),  # Fukuoka
        (43.06, 141.35, "JP"),  # Sapporo
        (26.21, 127.68, "JP"),  # Naha
        (34.2, 129.29, "JP"),  # Tsushima, inside the Korea box
        (48.8, 2.3, None),  # Paris
        (21.0285, 105.8542, None),  # Hanoi, inside the Laos box
        (25.04, 102.71, None),  # Kunming
        (11.56, 104.92, None),  # Phnom Penh
        (39.03, 125.75, None),  # Pyongyang
        (43.12, 131.89, None),  # Vladivostok
        (3.14, 101.69, None),  # Kuala Lumpur
    ],
)
def test_country_at(lat, lon, expected):
    assert country_at(lat, lon) == expected


@pytest.mark.parametrize("province_id", PROVINCE_IDS)
def test_every_provincial_capital_is_in_laos(directory, province_id):
    loc = directory.province(province_id).location
    assert country_at(loc.lat, loc.lon) == "LA"


# --- help abroad -----------------------------------------------------------------------
def test_bangkok_gets_thai_hotlines_and_the_embassy_with_an_unconfirmed_number(directory):
    country = country_at(13.75, 100.50)
    help_ = help_abroad(directory, country, 13.75, 100.50)
    assert help_.country == "TH"
    assert [h.id for h in help_.hotlines] == ["th-doe-hotline-1694", "th-emergency-191"]
    assert help_.hotlines[0].callable_phones[0].dial == "1694"
    embassy = help_.nearest_mission
    assert embassy.id == "th-lao-embassy-bangkok"
    assert embassy.phones and not embassy.callable_phones  # shown as "confirm the number"
    assert all(not p.callable for p in embassy.unverified_phones)


def test_seoul_gets_korean_lines_and_the_seoul_embassy(directory):
    help_ = help_abroad(directory, country_at(37.5665, 126.978), 37.5665, 126.978)
    ids = [h.id for h in help_.hotlines]
    assert ids[:4] == [
        "kr-hug-1577-0071",
        "kr-immigration-1345",
        "kr-danuri-1577-1366",
        "kr-gyeonggi-1661-0222",
    ]
    assert help_.nearest_mission.id == "kr-lao-embassy-seoul"
    assert help_.missions[0][1] < 10
    assert [p.dial for p in help_.nearest_mission.callable_phones] == ["+8227961713", "+8227961714"]
    lao_speaking = [h.id for h in help_.hotlines if h.lao_language]
    assert lao_speaking == ["kr-danuri-1577-1366", "kr-gyeonggi-1661-0222"]


def test_unverified_hotline_is_left_out_when_only_callable_numbers_are_wanted(directory):
    every = [h.id for h in hotlines(directory, "KR")]
    callable_ = [h.id for h in hotlines(directory, "KR", verified_only=True)]
    assert "kr-kmwsc-1644-0644" in every
    assert "kr-kmwsc-1644-0644" not in callable_


def test_tokyo_gets_japanese_lines_and_the_tokyo_embassy(directory):
    help_ = help_abroad(directory, country_at(35.68, 139.69), 35.68, 139.69)
    assert [h.id for h in help_.hotlines] == [
        "jp-fresc-helpdesk",
        "jp-isa-information-center",
        "jp-emergency-110",
    ]
    fresc = help_.hotlines[0].phones[0]
    # a temporary COVID-19 desk per 2020-21 sources: kept for the record, never offered as a call
    assert (fresc.number, fresc.domestic, fresc.callable) == ("0120-76-2029", True, False)
    assert help_.nearest_mission.id == "jp-lao-embassy-tokyo"
    assert not help_.nearest_mission.callable_phones


def test_in_fukuoka_the_consulate_is_nearest_but_the_embassy_is_still_offered(directory):
    help_ = help_abroad(directory, "JP", 33.59, 130.40)
    assert help_.nearest_mission.id == "jp-lao-consulate-fukuoka"
    assert help_.nearest_mission.phones == ()
    assert help_.embassy.id == "jp-lao-embassy-tokyo"


def test_help_abroad_without_a_location_lists_the_embassy_first(directory):
    help_ = help_abroad(directory, "JP")
    assert help_.missions[0] == (directory.place("jp-lao-embassy-tokyo"), None)
    assert len(help_.missions) == 4


def test_far_away_is_no_country_and_has_no_help_list(directory):
    assert country_at(48.8, 2.3) is None
    assert help_abroad(directory, "FR", 48.8, 2.3).hotlines == ()


# --- provinces -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ຫລວງພະບາງ", "luang-prabang"),
        ("ຫຼວງພະບາງ", "luang-prabang"),
        ("ແຂວງ ຫຼວງພະບາງ", "luang-prabang"),
        ("Luang Prabang", "luang-prabang"),
        ("louangphabang", "luang-prabang"),
        ("LuangPrabang", "luang-prabang"),
        ("หลวงพระบาง", "luang-prabang"),  # Thai script
        ("Pakse", "champasak"),
        ("ປາກເຊ", "champasak"),
        ("Champassak", "champasak"),
        ("Savanakhet", "savannakhet"),
        ("savan", "savannakhet"),
        ("job centre in Savannakhet?", "savannakhet"),
        ("ສູນຈັດຫາງານ ແຂວງສະຫວັນນະເຂດ", "savannakhet"),
        ("where is the labour office in thakhek", "khammouane"),
        ("ຄໍາມ່ວນ", "khammouane"),  # ໍ + າ typed for ຳ
        ("Vientiane", "vientiane-capital"),
        ("ນະຄອນຫລວງວຽງຈັນ", "vientiane-capital"),
        ("ແຂວງວຽງຈັນ", "vientiane-province"),
        ("Vientiane Province", "vientiane-province"),
        ("Phonsavan", "xieng-khouang"),
        ("Sam Neua", "houaphanh"),
        ("Sayabouly", "xayaboury"),
        ("Oudomxai", "oudomxay"),
        ("Houayxay", "bokeo"),
        ("Saravane", "salavan"),
        ("Xekong", "sekong"),
        ("Attapu", "attapeu"),
        ("Saysomboun", "xaisomboun"),
        ("Borikhamxay", "bolikhamxay"),
        ("Phongsali", "phongsaly"),
        ("Louang Namtha", "luang-namtha"),
    ],
)
def test_find_province(directory, text, expected):
    found = find_province(directory, text)
    assert found is not None and found.id == expected


@pytest.mark.parametrize(
    "text",
    ["how much is a visa", "ໄປເຮັດວຽກເກົາຫຼີ", "Buasavanh company", "Seoul", "", "   "],
)
def test_find_province_ignores_text_without_a_province(directory, text):
    assert find_province(directory, text) is None


def test_find_province_takes_the_first_place_named(directory):
    text = "I live in Vientiane but my family is in Champasak"
    assert find_province(directory, text).id == "vientiane-capital"
    assert find_province(directory, "Phonsavanh, not Savannakhet").id == "xieng-khouang"


def test_places_in_province_lists_the_office_first(directory):
    assert [p.id for p in places_in_province(directory, "champasak")] == [
        "lsw-champasak",
        "mrc-champasak",
    ]
    with pytest.raises(KeyError):
        places_in_province(directory, "champassak")


# --- validation ------------------------------------------------------------------------
@pytest.fixture
def broken(tmp_path):
    """A copy of the real file and an editor: replace `old` by `new` in the first
    occurrence after `anchor`; returns the copy's path and the edited line number."""
    path = tmp_path / "centres.yaml"
    shutil.copy(REAL, path)

    def edit(anchor: str, old: str, new: str) -> int:
        text = path.read_text(encoding="utf-8")
        start = text.index(anchor)
        at = text.index(old, start)
        path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
        return text.count("\n", 0, at) + 1

    return path, edit


def _problems(path: Path) -> list:
    problems = validate_directory(path)
    assert problems, "the broken file was accepted"
    with pytest.raises(ContentError) as exc:
        load_directory(path)
    assert exc.value.problems == problems
    for p in problems:
        assert p.file.endswith("centres.yaml")
    return problems


def test_coordinates_outside_laos(broken):
    path, edit = broken
    line = edit("- id: lsw-champasak", "location: {lat: 15.1202", "location: {lat: 35.1202")
    (p,) = [p for p in _problems(path) if "outside" in p.message]
    assert (p.line, p.field) == (line, "lsw-champasak.location")
    assert "outside Laos" in p.message


def test_coordinates_outside_the_country_abroad(broken):
    path, edit = broken
    line = edit(
        "- id: kr-lao-embassy-seoul", "{lat: 37.5345, lon: 127.0000}", "{lat: 35.68, lon: 139.69}"
    )
    (p,) = _problems(path)
    assert (p.line, p.field) == (line, "kr-lao-embassy-seoul.location")
    assert "outside KR" in p.message


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        (
            '{number: "+856 21 251 128", verified: true}',
            '{number: "021-251-128", verified: true}',
            "+<country code>",
        ),
        (
            '{number: "+856 21 251 128", verified: true}',
            '{number: "+856 21 25x 128", verified: true}',
            "+<country code>",
        ),
        ('{number: "+856 21 251 128", verified: true}', '{number: "+856 21 251 128"}', "verified"),
        (
            '{number: "+856 21 251 128", verified: true}',
            '{number: "12", short_code: true, verified: true}',
            "short code",
        ),
        (
            '{number: "+856 21 251 128", verified: true}',
            "{number: 1362, verified: true}",
            "quoted string",
        ),
    ],
)
def test_bad_phone(broken, old, new, hint):
    path, edit = broken
    line = edit("- id: la-tourist-police-vientiane", old, new)
    problems = _problems(path)
    assert [p.line for p in problems] == [line]
    assert problems[0].field.startswith("la-tourist-police-vientiane.phones[0]")
    assert hint in problems[0].message


def test_short_code_without_its_flag_is_explained(broken):
    path, edit = broken
    edit("- id: th-doe-hotline-1694", '{number: "1694", short_code: true', '{number: "1694"')
    (p,) = _problems(path)
    assert p.field == "th-doe-hotline-1694.phones[0].number"
    assert "short_code: true" in p.message


def test_missing_province(broken):
    path, edit = broken
    edit("provinces:", "  - id: sekong\n", "  - id: sekong-typo\n")
    problems = _problems(path)
    missing = [p for p in problems if "'sekong' is missing" in p.message]
    assert len(missing) == 1 and missing[0].field == "provinces"
    unknown = [p for p in problems if p.field == "sekong-typo.id"]
    assert unknown and "unknown province id" in unknown[0].message


def test_duplicate_province(broken):
    path, edit = broken
    line = edit("provinces:", "  - id: sekong\n", "  - id: salavan\n")
    problems = _problems(path)
    dup = [p for p in problems if "duplicate province" in p.message]
    assert len(dup) == 1 and (dup[0].line, dup[0].field) == (line, "salavan.id")
    assert any("'sekong' is missing" in p.message for p in problems)


def test_second_provincial_office_for_a_province(broken):
    path, edit = broken
    line = edit("- id: lsw-sekong", "province: sekong", "province: salavan")
    problems = _problems(path)
    second = [p for p in problems if "second provincial_office" in p.message]
    assert len(second) == 1 and second[0].field == "lsw-sekong.province"
    assert second[0].line == line - 3  # the record's first line
    assert any("no provincial_office for province 'sekong'" in p.message for p in problems)


def test_missing_sources(broken):
    path, edit = broken
    edit(
        "- id: kr-danuri-1577-1366",
        '    sources:\n      - title: "K-Guide: Danuri helpline 1577-1366"\n'
        "        url: https://k-guide.kr/ENG/1154/contents.do\n",
        "",
    )
    (p,) = _problems(path)
    assert p.field == "kr-danuri-1577-1366.sources"
    assert p.message == "missing field"


def test_unknown_field(broken):
    path, edit = broken
    line = edit(
        "- id: mrc-salavan",
        "    phones: []\n",
        "    phones: []\n    website: https://example.org\n",
    )
    (p,) = _problems(path)
    assert (p.line, p.field) == (line + 1, "mrc-salavan.website")
    assert p.message.startswith("unknown field")


def test_duplicate_place_id(broken):
    path, edit = broken
    line = edit(
        "- id: jp-lao-consulate-kyoto", "id: jp-lao-consulate-kyoto", "id: jp-lao-consulate-nagoya"
    )
    (p,) = _problems(path)
    assert (p.line, p.field) == (line, "jp-lao-consulate-nagoya.id")
    assert "duplicate id" in p.message


def test_missing_review_date_and_unknown_kind_are_both_reported(broken):
    path, edit = broken
    edit("- id: esc-vientiane", "    reviewed: 2026-11-29\n", "")
    line = edit("- id: mrc-luang-prabang", "kind: resource_centre", "kind: resource_center")
    problems = _problems(path)
    assert {p.field for p in problems} == {"esc-vientiane.reviewed", "mrc-luang-prabang.kind"}
    assert [p.line for p in problems if p.field.endswith("kind")] == [line]


def test_alias_naming_two_provinces_is_rejected(broken):
    path, edit = broken
    edit("  - id: sekong\n", "aliases: [Sekong,", "aliases: [Pakse, Sekong,")
    problems = _problems(path)
    (p,) = problems
    assert p.field == "champasak.aliases"  # the second province to claim it
    assert "'Pakse'" in p.message and "'sekong'" in p.message and "'champasak'" in p.message


def test_yaml_syntax_error_names_the_line(broken):
    path, edit = broken
    line = edit("- id: esc-vientiane", "kind: centre", "kind: [centre")
    (p,) = _problems(path)
    assert p.line is not None and p.line >= line


# --- town-centre coordinates (issue #10): never shown as a distance or an exact pin -------


def test_a_town_centre_coordinate_is_no_distance_and_no_map_pin(directory):
    from bot.core.centres.replies import WhereToGo

    where = WhereToGo(directory)
    approx = [p for p in directory.places if p.location and p.location.approximate]
    assert approx, "the directory has town-centre coordinates; this test must see them"
    turn = where.at_location(15.12, 105.80, "en")  # Pakse: the Champasak office is nearest
    text = turn.replies[1].text
    first = text.split("\n\n")[0]
    assert "Champasak" in first and "km" not in first and "exact address" in first
    data = [b.data for r in turn.replies for row in r.buttons for b in row]
    assert all(PlaceOnMap(p.id) not in data for p in approx)
    assert where.venue(approx[0].id, "en") is None


def test_an_exact_coordinate_keeps_its_distance_and_pin(directory):
    import dataclasses

    from bot.core.centres.replies import WhereToGo, place_text

    place = next(p for p in directory.places if p.location and p.location.approximate)
    exact = dataclasses.replace(
        place, location=dataclasses.replace(place.location, approximate=False)
    )
    assert "1.2 km" in place_text(exact, "en", 1.2)
    assert "km" not in place_text(place, "en", 1.2).split("\n")[0]
    where = WhereToGo(dataclasses.replace(directory, places=(exact,)))
    assert where.venue(exact.id, "en") is not None
