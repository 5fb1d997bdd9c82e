"""Figures and what they count: people killed, injured, arrested, missing; money; percentages.

Rules over the text: English and Chinese in full; counts of people also in Spanish, German, Japanese and Russian. A count of people needs a role word next to it ("two
people were killed", "killing three", "4 injured", "死亡2人", "3人受伤"); a number alone is kept as a
plain ``number`` only when it carries a unit worth comparing (money, percent).
"""

from __future__ import annotations

import re

from ..model import Quantity, Span
from .patterns import AnyCase

NUM_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
NUM_WORDS.update({"a": 1, "an": 1, "no": 0, "both": 2, "thirty": 30, "forty": 40, "fifty": 50, "dozens": 24,
                  "a dozen": 12, "dozen": 12, "hundreds": 200, "several": 3})
ROLES = {
    "killed": "killed", "dead": "killed", "died": "killed", "slain": "killed", "fatally": "killed", "deaths": "killed",
    "death": "killed", "fatalities": "killed", "murdered": "killed", "lives": "killed", "bodies": "killed",
    "injured": "injured", "wounded": "injured", "hurt": "injured", "injuries": "injured", "injuring": "injured",
    "wounding": "injured", "hospitalized": "injured", "hospitalised": "injured",
    "arrested": "arrested", "detained": "arrested", "arrests": "arrested", "custody": "arrested",
    "missing": "missing", "evacuated": "evacuated", "killing": "killed",
}
_Q = r"(?:(?:at least|more than|over|about|around|nearly|almost|some|up to|as many as)\s+)?"  # "at least 12"
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+|a dozen|dozens|hundreds|several|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|both|no|an?)"
_WHO = r"(?:(?:other\s+|more\s+|additional\s+|young\s+|innocent\s+)?(?:people|persons|person|men|man|women|woman|boys?|girls?|teens?|teenagers?|children|child|kids?|victims?|others|adults?|students?|officers?|bystanders?|individuals?|residents?|civilians?|soldiers?|police officers?|family members|relatives|suspects?|juveniles?|infants?|babies|baby|toddlers?|brothers?|sisters?|sons?|daughters?|fathers?|mothers?|employees?|workers?|passengers?|pedestrians?|patrons?|customers?))"
_AGE = r"(?:\d{1,3}-year-old\s+)?"
_ROLE_AFTER = r"(killed|dead|died|slain|injured|wounded|hurt|arrested|detained|missing|hospitali[sz]ed|fatally\s+(?:shot|wounded|injured|stabbed))"
_F = re.IGNORECASE
PATTERNS = [
    AnyCase(rf"\bno\s+(?:one|one\s+else|other\s+people|others)\s+(?:was|were)\s+(?:seriously\s+)?(injured|hurt|killed|wounded)\b"
               rf"|\bno\s+(?:other\s+)?(injuries|deaths)\s+(?:were|have been)\s+reported\b"),
    # "three men and a woman were wounded": the counts add up
    AnyCase(rf"\b({_NUM})\s+{_AGE}{_WHO}\s+and\s+({_NUM})\s+{_AGE}{_WHO}\s+(?:(?:were|was|have been|had been|are|got)\s+)*(?:(?:shot|stabbed|struck)(?:\s+and)?\s+)?{_ROLE_AFTER}\b"),
    # "two people were killed", "3 men were shot and wounded", "a 23-year-old man was fatally shot"
    AnyCase(rf"\b{_Q}({_NUM})\s+{_AGE}{_WHO}?\s*(?:,[^,.]{{0,40}},\s*)?(?:(?:were|was|have been|has been|had been|are|is|got|being|later)\s+)*(?:(?:shot|stabbed|struck)(?:\s+and)?\s+)?{_ROLE_AFTER}\b"),
    # "killing two", "wounding three others", "left one dead" (the number after the role)
    AnyCase(rf"\b(killing|killed|wounding|wounded|injuring|injured|arrested|detained)\s+{_Q}({_NUM})(?:\s+{_AGE}{_WHO}\b|(?=\s*(?:[.,;]|and\b|$)))"),
    AnyCase(rf"\bleft\s+({_NUM})\s+{_AGE}{_WHO}?\s*(dead|injured|wounded|hurt)\b"),
    AnyCase(rf"\bdeath toll\s+(?:has\s+|had\s+)?(?:rose|risen|rises|climbed|climbs|jumped|reached|stands|stood|is|was|of)"
               rf"(?:\s+(?:to|at))?\s+{_Q}(\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty)\b"),
    # "the number of people injured ... rose to 55" (an update states the new figure this way)
    AnyCase(rf"\bnumber of\s+(?:{_WHO}\s+)?(killed|dead|injured|wounded|hurt|missing|arrested|detained)\b(?:[^.;]|\.(?=\d)){{0,80}}?"
               rf"(?P<update>\b(?:rose|risen|rises|climbed|climbs|jumped|reached|increased|stands|stood|is|was|has risen|had risen)"
               rf"(?:\s+(?:to|at))?\s+{_Q}(\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty))\b"),
]
# an amount: "200,000" or "1.1" (a comma after it ends the amount: "$200,000, the report said")
_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MONEY = AnyCase(rf"(?:(us\$|\$|€|£|¥|usd|eur|gbp|rmb|cny)\s?({_AMOUNT})(?:\s*(million|billion|trillion|m|bn)\b)?)"
                    rf"|({_AMOUNT})\s*(million|billion|trillion|millionen|milliarden|millones|mil millones)?\s*(?:de\s+)?"
                    r"(dollars|euros?|pounds|yuan|yen|dólares|dollar)\b")
_PERCENT = AnyCase(r"(\d+(?:[.,]\d+)?)\s*(?:%|percent|per cent|个百分点)|百分之([一二三四五六七八九十\d]+)")
_ZH_PEOPLE = re.compile(r"(死亡|遇难|丧生|受伤|伤|被捕|失踪)\s*(\d+|[一二三四五六七八九十两]+)\s*(?:人|名)|(\d+|[一二三四五六七八九十两]+)\s*(?:人|名)[^，。]{0,4}?(死亡|遇难|丧生|受伤|被捕|失踪)")
_ZH_ROLE = {"死亡": "killed", "遇难": "killed", "丧生": "killed", "受伤": "injured", "伤": "injured", "被捕": "arrested", "失踪": "missing"}
_ZH_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "十": 10}
# Counted things worth comparing across sources, in the languages of the demo and the seeds; the
# canonical unit is the slot a contradiction is about.
UNIT_WORDS = {
    "hour": "hours? horas? stunden? 小时 个小时", "day": "days? días? tage?n? 天", "worker": "workers? dockworkers? trabajadores? "
    "arbeiter(?:innen)? beschäftigte[n]? 工人 名工人 码头工人", "job": "jobs? empleos? puestos? stellen 个岗位 岗位 个工作岗位",
    "passenger": "passengers? pasajeros? passagiere[n]? 名乘客 乘客", "rider": "riders? 人次",
    "affected": "travellers? travelers? viajeros? reisende[n]? 名旅客 旅客", "home": "homes? houses? viviendas? häuser 栋房屋 间房屋",
    "hectare": "hectares? hectáreas? hektar 公顷",
}
_UNIT_RE = {u: re.compile(r"^[\s-]*(?:" + "|".join(w.replace(" ", r"\s+") for w in words.split()) + r")(?![a-zà-ÿ])", re.I)
            for u, words in UNIT_WORDS.items()}
# a number as printed, with a Chinese scale word ("1,200", "30.000", "6,3", "15万"); the span ends at the
# number or its scale word, not at the space after it
MEASURE = re.compile(r"(?<![0-9A-Za-z.,])(\d+(?:[.,]\d{3})*(?:[.,]\d+)?)(?:\s*(万|亿))?")
_MAGNITUDE = AnyCase(r"(?:magnitude|magnitud|stärke|里氏)\s*(?:of\s+)?(\d(?:[.,]\d)?)|(\d(?:[.,]\d)?)\s*(?:级|-magnitude)")
_PEOPLE_ES_DE = AnyCase(r"(?:(?:al menos|más de|unos|mindestens|rund|über)\s+)?(\d+|dos|tres|cuatro|cinco|zwei|drei|vier|fünf)\s+(?:personas\s+|menschen\s+)?"
                           r"(muertos|fallecidos|heridos|tote|toten|verletzte|verletzten)\b")
_ES_DE_ROLE = {"muertos": "killed", "fallecidos": "killed", "heridos": "injured", "tote": "killed", "toten": "killed",
               "verletzte": "injured", "verletzten": "injured"}
# "nobody was hurt" in the other languages: a toll of zero, which another report's figure can contradict
_NONE = AnyCase(
    r"(?:无人|没有人|未造成(?:任何)?人员|未造成|无)(死亡|遇难|受伤|伤亡)"
    r"|\b(?:no hubo|no se registraron|sin|ningún|ningun|não houve|sem|nenhum|aucun|pas de|nessun|non ci sono(?: stati)?)\s+"
    r"(muertos?|heridos?|víctimas|feridos?|mortos?|blessés?|morts?|feriti|ferito|morti|vittime)\b"
    r"|\b(verletzt|getötet|verwundet) wurde niemand\b|\bniemand wurde (verletzt|getötet)\b"
    r"|\bkeine (verletzten|toten|todesopfer)\b|\bpersonne n'a été (blessé|tué)e?\b|\bninguém (?:ficou|foi) (ferido|morto)\b")
_NONE_ROLE = {"死亡": "killed", "遇难": "killed", "受伤": "injured", "伤亡": "killed", "muerto": "killed",
              "muertos": "killed", "víctimas": "killed", "morto": "killed", "mortos": "killed", "mort": "killed",
              "morts": "killed", "morti": "killed", "vittime": "killed", "getötet": "killed", "toten": "killed",
              "todesopfer": "killed", "tué": "killed"}
_ES_DE_NUM = {"dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5}
# Japanese: "3人が死亡", "20人がけが", "死者は12人", "負傷者15人"
_JA_PEOPLE = re.compile(r"(\d+)\s*人(?:が|の)?(死亡|けが|負傷|重傷|軽傷|重軽傷|逮捕|行方不明)"
                        r"|(死者|死亡者|負傷者|けが人|逮捕者|行方不明者)(?:は|が|数は)?(?:少なくとも)?(\d+)\s*人")
_JA_ROLE = {"死亡": "killed", "死者": "killed", "死亡者": "killed", "けが": "injured", "負傷": "injured", "重傷": "injured",
            "軽傷": "injured", "重軽傷": "injured", "負傷者": "injured", "けが人": "injured", "逮捕": "arrested",
            "逮捕者": "arrested", "行方不明": "missing", "行方不明者": "missing"}
# Russian: "погибли 3 человека", "3 человека погибли", "ранены 20 человек", "20 пострадали"
_RU_ROLE_WORD = r"(погиб\w*|убит\w*|ранен\w*|пострадал\w*|задержан\w*|арестован\w*|пропал\w* без вести)"
# (a number of years, days or hours, or a date, after the role word is no count: "пропал без вести 10 лет")
_RU_NOT_PEOPLE = r"(?!\d|\s*(?:лет|год\w*|дн\w*|час\w*|минут\w*|месяц\w*|недел\w*|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|%))"
_RU_PEOPLE = AnyCase(rf"{_RU_ROLE_WORD}\s+(?:не менее|более|около|по меньшей мере|как минимум)?\s*(\d+){_RU_NOT_PEOPLE}(?:\s+человек\w*)?"
                     rf"|(\d+)\s+(?:человек\w*\s+)?{_RU_ROLE_WORD}")
_RU_ROLE = (("погиб", "killed"), ("убит", "killed"), ("ранен", "injured"), ("пострадал", "injured"),
            ("задержан", "arrested"), ("арестован", "arrested"), ("пропал", "missing"))


def plain_number(digits: str, scale: str | None) -> float | None:
    """1,200 / 1.200 (thousands) / 6,3 (decimal comma) / 15万 -> a float."""
    d = digits
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", d):
        d = re.sub(r"[.,]", "", d)
    else:
        d = d.replace(",", ".")
    try:
        value = float(d)
    except ValueError:
        return None
    return value * {"万": 1e4, "亿": 1e8}.get(scale or "", 1.0)


SCALE = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12, "millionen": 1e6, "milliarden": 1e9,
         "millones": 1e6, "mil millones": 1e9}
CURRENCY = {"$": "USD", "us$": "USD", "usd": "USD", "dollars": "USD", "美元": "USD", "€": "EUR", "eur": "EUR", "euros": "EUR",
            "欧元": "EUR", "£": "GBP", "gbp": "GBP", "pounds": "GBP", "¥": "JPY", "yen": "JPY", "yuan": "CNY", "rmb": "CNY",
            "cny": "CNY", "元": "CNY", "人民币": "CNY", "euro": "EUR", "dólares": "USD", "dollar": "USD"}


def number_value(word: str) -> float | None:
    w = word.lower().replace(",", "")
    if w.isdigit():
        return float(w)
    if w in NUM_WORDS:
        return float(NUM_WORDS[w])
    if all(c in _ZH_DIGITS for c in w):
        if w == "十":
            return 10.0
        if "十" in w:
            tens, _, ones = w.partition("十")
            return float((_ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0))
        return float("".join(str(_ZH_DIGITS[c]) for c in w))
    return None


def find_quantities(text: str, article_id: str, offset: int = 0) -> list[Quantity]:
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, kind: str, value: float | None, unit=None, role=None) -> None:
        if value is None or any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        out.append(Quantity(Span(article_id, offset + start, offset + end), text[start:end], kind, value, unit, role))

    low = text.lower()
    # Patterns in order of precedence (an earlier match wins an overlap): none, coordinated counts,
    # count before the role, role before the count, "left N dead", a toll, "the number of injured rose to N".
    for i, pattern in enumerate(PATTERNS):
        for m in pattern.finditer(text, low):
            if i == 0:
                value, role = 0.0, ROLES.get((m.group(1) or m.group(2)).lower(), "injured")
            elif i == 1:
                a, b = number_value(m.group(1)), number_value(m.group(2))
                value = a + b if a is not None and b is not None else None
                role = "killed" if m.group(3).lower().startswith("fatally") else ROLES.get(m.group(3).lower().split()[0], "other")
            elif i == 2:
                value, role = number_value(m.group(1)), ROLES.get(m.group(2).lower().split()[0], "other")
                if m.group(2).lower().startswith("fatally"):
                    role = "killed"
                if m.group(1).lower() in ("a", "an", "no") and not re.search(_WHO, m.group(0), _F):
                    continue  # "a ... killed" needs a person noun
            elif i == 3:
                value, role = number_value(m.group(2)), ROLES.get(m.group(1).lower(), "other")
                if m.group(2).lower() in ("a", "an", "no") and not re.search(_WHO, m.group(0), _F):
                    continue
            elif i == 4:
                value, role = number_value(m.group(1)), ROLES.get(m.group(2).lower(), "other")
            elif i == 5:
                value, role = number_value(m.group(1)), "killed"
            else:  # the span is the update ("rose to 55"), so figures between it and the role keep theirs
                value, role = number_value(m.group(3)), ROLES.get(m.group(1).lower(), "other")
                add(m.start("update"), m.end(), "people", value, None, role)
                continue
            add(m.start(), m.end(), "people", value, None, role)
    for m in _ZH_PEOPLE.finditer(text):
        role_word, num = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        add(m.start(), m.end(), "people", number_value(num), None, _ZH_ROLE.get(role_word, "other"))
    for m in _JA_PEOPLE.finditer(text):
        num, role_word = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        add(m.start(), m.end(), "people", number_value(num), None, _JA_ROLE.get(role_word, "other"))
    for m in _RU_PEOPLE.finditer(text, low):
        word, num = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        role = next((r for stem, r in _RU_ROLE if word.lower().startswith(stem)), "other")
        add(m.start(), m.end(), "people", number_value(num), None, role)
    for m in _PEOPLE_ES_DE.finditer(text, low):
        word = m.group(1).lower()
        value = float(_ES_DE_NUM[word]) if word in _ES_DE_NUM else number_value(word)
        add(m.start(), m.end(), "people", value, None, _ES_DE_ROLE[m.group(2).lower()])
    for m in _NONE.finditer(text, low):
        word = next(g for g in m.groups() if g).lower()
        add(m.start(), m.end(), "people", 0.0, None, _NONE_ROLE.get(word, "injured"))
    for m in _MAGNITUDE.finditer(text, low):
        add(m.start(), m.end(), "number", float((m.group(1) or m.group(2)).replace(",", ".")), "magnitude")
    _MONEY_ZH = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?\s*(美元|欧元|元|人民币)")
    for m in _MONEY_ZH.finditer(text):
        add(m.start(), m.end(), "money", plain_number(m.group(1), m.group(2)), CURRENCY.get(m.group(3)))
    for m in _MONEY.finditer(text, low):
        if m.group(2):
            cur, amount, scale = m.group(1), m.group(2), m.group(3)
        else:
            amount, scale, cur = m.group(4), m.group(5), m.group(6)
        try:
            value = (plain_number(amount, None) or 0.0) * SCALE.get((scale or "").lower(), 1.0)
        except ValueError:
            continue
        add(m.start(), m.end(), "money", value, CURRENCY.get(cur.lower(), cur))
    for m in _PERCENT.finditer(text, low):
        add(m.start(), m.end(), "percent", number_value(m.group(2)) if m.group(2) else float(m.group(1).replace(",", ".")), "%")
    for m in MEASURE.finditer(text):
        rest = text[m.end() : m.end() + 30]
        for unit, pattern in _UNIT_RE.items():
            hit = pattern.match(rest)
            if hit:
                add(m.start(), m.end() + hit.end(), "number", plain_number(m.group(1), m.group(2)), unit)
                break
    out.sort(key=lambda q: q.span.start)
    return out


def people_counts(quantities: list[Quantity]) -> dict[str, float]:
    """One figure per role for an article: the first one stated (the lead states the toll; later
    figures are often about other incidents or totals)."""
    counts: dict[str, float] = {}
    for q in quantities:
        if q.kind == "people" and q.role and q.role not in counts:
            counts[q.role] = q.value
    return counts
