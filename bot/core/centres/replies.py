"""“Where do I go?”: service centres near a location or in a province, hotlines, embassies.

Turns the directory (bot/core/centres.py) into Replies. An unverified phone
number is never shown as a number to call: the office is shown with a note to
confirm the number.
"""

from __future__ import annotations

from bot.core.callbacks import Centres, HelpAbroad, Hotlines, InProvince, Menu, PlaceOnMap
from bot.core.centres import (
    Directory,
    Place,
    country_at,
    help_abroad,
    hotlines,
    nearest,
    places_in_province,
)
from bot.core.dialogue_types import Button, Reply, Turn, Venue
from bot.i18n import N_, translator

# places a person can walk into in Laos (not hotlines, not missions abroad)
LAO_PLACE_KINDS = (
    "provincial_office",
    "centre",
    "resource_centre",
    "information_centre",
    "assistance_centre",
)
COUNTRY_NAMES = {
    "LA": N_("Laos"),
    "TH": N_("Thailand"),
    "KR": N_("South Korea"),
    "JP": N_("Japan"),
}
NEAREST_N = 3


def place_text(place: Place, lang: str, km: float | None = None) -> str:
    """A place as a few short lines: name, distance, address, services, phones, hours."""
    _ = translator(lang)
    head = f"📍 {place.name[lang]}"
    approximate = place.location is not None and place.location.approximate
    if km is not None and not approximate:
        head += " — " + _("{km} km", km=_km(km))
    lines = [head]
    if approximate:
        # the coordinate is a town centre: a distance or a map pin would look exact
        lines.append(_("In this town; the exact address is not known yet: ask locally."))
    if place.address:
        lines.append(place.address[lang])
    services = place.services[lang]
    lines += [f"• {s.rstrip('.')}" for s in services]
    callable_ = [p.number for p in place.callable_phones]
    if callable_:
        lines.append("☎ " + ", ".join(callable_))
    if place.unverified_phones or not callable_:
        lines.append(_("☎ No confirmed phone number here yet: check it before you rely on it."))
    if place.hours:
        lines.append(_("Hours: {hours}", hours=place.hours[lang]))
    if place.languages:
        lines.append(_("Languages: {languages}", languages=place.languages[lang]))
    if place.note:
        lines.append(place.note[lang])
    return "\n".join(lines)


def hotline_text(place: Place, lang: str) -> str:
    _ = translator(lang)
    callable_ = [p.number for p in place.callable_phones]
    number = ", ".join(callable_) if callable_ else _("number not confirmed")
    line = f"☎ {number} – {place.name[lang]}"
    extra = [x[lang] for x in (place.hours, place.languages) if x]
    if extra:
        line += " (" + "; ".join(extra) + ")"
    return line


def _km(km: float) -> str:
    return f"{km:.1f}" if km < 10 else f"{km:.0f}"


def _map_buttons(places: list[Place], lang: str) -> tuple[tuple[Button, ...], ...]:
    _ = translator(lang)
    return tuple(
        (Button(_("🗺 Map: {name}", name=p.name[lang])[:60], PlaceOnMap(p.id)),)
        for p in places
        if p.location is not None and not p.location.approximate
    )


class WhereToGo:
    def __init__(self, directory: Directory):
        self.directory = directory

    def ask_location(self, lang: str) -> Turn:
        """Share a location, or choose a province."""
        _ = translator(lang)
        ask = Reply(
            _(
                "To find the nearest service centre, tap “📍 Share my location” below "
                "(only used for this search, not stored), or choose your province."
            ),
            title=_("Service centres"),
            request_location=True,
            location_label=_("📍 Share my location"),
        )
        rows = []
        provinces = list(self.directory.provinces)
        for i in range(0, len(provinces), 2):
            rows.append(
                tuple(Button(p.name[lang][:30], InProvince(p.id)) for p in provinces[i : i + 2])
            )
        rows.append((Button(_("☎️ Hotlines"), Hotlines()), Button(_("☰ Menu"), Menu())))
        choose = Reply(_("Choose your province:"), buttons=tuple(rows))
        return Turn([ask, choose])

    def at_location(self, lat: float, lon: float, lang: str) -> Turn:
        _ = translator(lang)
        country = country_at(lat, lon)
        if country in ("TH", "KR", "JP"):
            return self.abroad(country, lang, lat, lon)
        if country is None:
            found = nearest(self.directory, lat, lon, 1, kinds=LAO_PLACE_KINDS)
            if not found or found[0][1] > 150:
                text = _(
                    "You seem to be outside Laos, Thailand, Korea and Japan. "
                    "Here are the help lines in Laos; the Lao embassy in your country can help too."
                )
                return Turn([Reply(text, remove_keyboard=True), self.hotlines_reply(lang, ("LA",))])
        found = nearest(self.directory, lat, lon, NEAREST_N, kinds=LAO_PLACE_KINDS)
        text = "\n\n".join(place_text(p, lang, km) for p, km in found)
        places = [p for p, _km in found]
        return Turn(
            [
                Reply(_("The nearest places:"), remove_keyboard=True),
                Reply(
                    text,
                    buttons=(*_map_buttons(places, lang), (Button(_("☎️ Hotlines"), Hotlines()),)),
                ),
            ]
        )

    def abroad(
        self, country: str, lang: str, lat: float | None = None, lon: float | None = None
    ) -> Turn:
        _ = translator(lang)
        help_ = help_abroad(self.directory, country, lat, lon)
        where = _(COUNTRY_NAMES[country])
        parts = [_("Help lines in {country}:", country=where)]
        parts += [hotline_text(p, lang) for p in help_.hotlines]
        missions = [(m, km) for m, km in help_.missions if m.kind == "embassy"]
        missions += [(m, km) for m, km in help_.missions if m.kind != "embassy"][:2]
        if missions:
            parts.append("")
            parts.append(_("Lao embassy and consulates in {country}:", country=where))
            parts += [place_text(m, lang, km) for m, km in missions]
        return Turn(
            [
                Reply(
                    "\n".join(parts),
                    title=_("Help in {country}", country=where),
                    remove_keyboard=lat is not None,
                    buttons=(
                        *_map_buttons([m for m, _km in missions], lang),
                        (Button(_("☰ Menu"), Menu()),),
                    ),
                )
            ]
        )

    def province(self, province_id: str, lang: str) -> Turn | None:
        _ = translator(lang)
        try:
            places = places_in_province(self.directory, province_id)
        except KeyError:
            return None
        prov = self.directory.province(province_id)
        text = "\n\n".join(place_text(p, lang) for p in places)
        return Turn(
            [
                Reply(
                    text,
                    title=prov.name[lang],
                    buttons=(
                        *_map_buttons(places, lang),
                        (Button(_("☎️ Hotlines"), Hotlines()), Button(_("☰ Menu"), Menu())),
                    ),
                )
            ]
        )

    def venue(self, place_id: str, lang: str) -> Turn | None:
        try:
            place = self.directory.place(place_id)
        except KeyError:
            return None
        if place.location is None or place.location.approximate:
            return None  # a town-centre coordinate is no venue to walk to
        address = place.address[lang] if place.address else place.name[lang]
        loc = place.location
        return Turn([Reply("", venue=Venue(loc.lat, loc.lon, place.name[lang], address))])

    def hotlines_reply(
        self, lang: str, countries: tuple[str, ...] = ("LA", "TH", "KR", "JP")
    ) -> Reply:
        _ = translator(lang)
        parts = []
        for country in countries:
            lines = [hotline_text(p, lang) for p in hotlines(self.directory, country)]
            if country != "LA":
                emb = help_abroad(self.directory, country).embassy
                if emb:
                    nums = [p.number for p in emb.callable_phones]
                    lines.append(
                        f"🏛 {emb.name[lang]}: "
                        + (", ".join(nums) if nums else _("number not confirmed"))
                    )
            if lines:
                parts.append(_(COUNTRY_NAMES[country]) + ":\n" + "\n".join(lines))
        parts.append(
            _(
                "In danger now? Call the police of the country you are in. Numbers marked “not confirmed” must be checked first."
            )
        )
        rows = tuple(
            (Button(_(COUNTRY_NAMES[c]), HelpAbroad(c)),)
            for c in ("TH", "KR", "JP")
            if c in countries
        )
        return Reply(
            "\n\n".join(parts),
            title=_("Hotlines"),
            buttons=(
                *rows,
                (Button(_("📍 Service centres"), Centres()), Button(_("☰ Menu"), Menu())),
            ),
        )
