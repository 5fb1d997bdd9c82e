"""Time expressions, resolved against the article's publication date (TimeML TIMEX3 values).

English: rules in the spirit of HeidelTime (patterns that find an expression, a normaliser per
pattern, news conventions for the year of a bare month and the direction of a bare weekday).
Chinese: jionlp's time parser, given the publication date as its base.

Machine translation damages dates in a recognisable way: a year reduced to its last digit ("open an
office in Tokyo in 4"), a day pushed behind the year ("January 2023, 1"). Such expressions are kept,
with ``value`` None and the flag ``garbled``: a reader must see that the source printed something that
cannot be right, not a silent guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..model import Span, TimeExpr
from .patterns import AnyCase

MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"a": 1, "an": 1, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100})
UNITS = {"year": "Y", "month": "M", "week": "W", "day": "D", "hour": "H", "minute": "M", "decade": "DE",
         "century": "CE", "quarter": "Q", "second": "S"}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}

_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_NUMW = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|several|few|many|some)"
_UNIT = r"(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries|century|quarters?)"
_REL = r"(?:last|next|this|past|coming|previous|following)"


@dataclass
class _Match:
    start: int
    end: int
    type: str
    value: str | None
    modifier: str | None = None
    flags: tuple[str, ...] = ()


def _month_num(word: str) -> int:
    w = word.lower().rstrip(".")
    return MONTHS.get(w) or MONTHS[w[:3]]


def _day_num(word: str) -> int:
    return int(re.match(r"\d+", word).group())


def _num(word: str) -> str:
    w = word.lower()
    if w.isdigit():
        return w
    if w in NUMBER_WORDS:
        return str(NUMBER_WORDS[w])
    return "X"  # several, few, some: an unknown count


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    m0 = y * 12 + (m - 1) + k
    return m0 // 12, m0 % 12 + 1


class EnglishTimex:
    """Find and normalise English time expressions. ``dct``: the publication date (None: unanchored)."""

    def __init__(self) -> None:
        P = []  # (pattern, handler); handlers read the case as written from ``ctx``, the text

        def rule(pattern: str):
            def deco(fn):
                P.append((AnyCase(pattern), fn))
                return fn
            return deco

        # Damaged by translation: "January 2023, 1" (the day pushed behind the year).
        @rule(rf"\b({_MON})\s+({_YEAR}),\s*({_DAY})\b")
        def _garbled_mdy(m, dct, ctx):
            return "DATE", None, None, ("garbled",)

        @rule(rf"\b({_MON})\s+({_DAY}),?\s+({_YEAR})\b")
        def _mdy(m, dct, ctx):
            return "DATE", f"{int(m.group(3)):04d}-{_month_num(m.group(1)):02d}-{_day_num(m.group(2)):02d}", None, ()

        @rule(rf"\b({_DAY})\s+({_MON}),?\s+({_YEAR})\b")
        def _dmy(m, dct, ctx):
            return "DATE", f"{int(m.group(3)):04d}-{_month_num(m.group(2)):02d}-{_day_num(m.group(1)):02d}", None, ()

        @rule(r"\b(\d{4})-(\d{2})-(\d{2})\b")
        def _iso(m, dct, ctx):
            return "DATE", m.group(0), None, ()

        @rule(r"\b(\d{1,2})/(\d{1,2})/(\d{2,4})\b")
        def _slash(m, dct, ctx):
            y = int(m.group(3))
            y = y + (1900 if y >= 50 else 2000) if y < 100 else y
            mo, d = int(m.group(1)), int(m.group(2))
            if mo > 12:
                mo, d = d, mo
            return "DATE", f"{y:04d}-{mo:02d}-{d:02d}", None, ()

        @rule(rf"\b(?:(?:{_WD}),?\s+)?({_MON})\s+({_DAY})\b(?!\s*,?\s*\d)")
        def _md(m, dct, ctx):
            mo, d = _month_num(m.group(1)), _day_num(m.group(2))
            y = _year_of_month(mo, dct, ctx, m.start()) if dct else None
            return "DATE", f"{y:04d}-{mo:02d}-{d:02d}" if y else f"XXXX-{mo:02d}-{d:02d}", None, () if dct else ("unanchored",)

        @rule(rf"\b(?:(early|late|mid|the end of|end of|the beginning of|beginning of|the start of|the middle of)[\s-]+)?({_MON})(?:\s+(?:of\s+)?({_YEAR}))?\b")
        def _month(m, dct, ctx):
            word = m.group(2).lower().rstrip(".")
            if word == "may" and not m.group(3) and not m.group(1) and not re.search(r"\b(in|of|since|until|by|last|next|this|early|late|mid|during)\s+$", ctx[max(0, m.start() - 12) : m.start()], re.I):
                return None  # the verb "may"
            if word in ("mar", "jan", "jun", "jul", "oct", "dec", "sep", "aug", "nov", "feb", "apr") and not ctx[m.start()].isupper():
                return None
            mo = _month_num(word)
            mod = _modifier(m.group(1))
            if m.group(3):
                return "DATE", f"{int(m.group(3)):04d}-{mo:02d}", mod, ("vague",) if mod else ()
            if not dct:
                return "DATE", f"XXXX-{mo:02d}", mod, ("unanchored",)
            y = _year_of_month(mo, dct, ctx, m.start())
            flags = ("vague",) if mod else ()
            return "DATE", f"{y:04d}-{mo:02d}", mod, flags

        @rule(rf"\b(?:(last|next|this|coming|past)\s+)?({_WD})(?:\s+(morning|afternoon|evening|night))?\b")
        def _weekday(m, dct, ctx):
            wd = WEEKDAYS[m.group(2).lower()]
            if not dct:
                return "DATE", "XXXX-WXX-" + str(wd + 1), None, ("unanchored",)
            rel = (m.group(1) or "").lower()
            delta = (wd - dct.weekday()) % 7  # days ahead to the next such weekday (0 = today)
            # News reports what happened: a bare weekday is the latest one, today included; "next"
            # (or a future verb right before it: "will meet Monday") looks ahead.
            before = ctx[max(0, m.start() - 40) : m.start()]
            future = rel in ("next", "coming") or (rel != "last" and _FUTURE.search(before))
            if future:
                day = dct + timedelta(days=delta if delta else 7)
            else:
                day = dct - timedelta(days=(7 - delta) % 7 if delta else (7 if rel == "last" else 0))
            part = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}.get((m.group(3) or "").lower())
            return ("TIME", f"{day.isoformat()}T{part}", None, ()) if part else ("DATE", day.isoformat(), None, ())

        @rule(r"\b(today|tonight|yesterday|tomorrow|this (?:morning|afternoon|evening))\b")
        def _deictic(m, dct, ctx):
            w = m.group(1).lower()
            if not dct:
                return "DATE", None, None, ("unanchored",)
            if w == "yesterday":
                return "DATE", (dct - timedelta(days=1)).isoformat(), None, ()
            if w == "tomorrow":
                return "DATE", (dct + timedelta(days=1)).isoformat(), None, ()
            if w == "tonight":
                return "TIME", f"{dct.isoformat()}TNI", None, ()
            if w.startswith("this "):
                return "TIME", f"{dct.isoformat()}T" + {"morning": "MO", "afternoon": "AF", "evening": "EV"}[w.split()[1]], None, ()
            return "DATE", dct.isoformat(), None, ()

        @rule(rf"\b(last|next|this|the past|the coming|the previous|the following)\s+(year|month|week|quarter|summer|winter|spring|fall|autumn)\b")
        def _relunit(m, dct, ctx):
            rel, unit = m.group(1).lower().split()[-1], m.group(2).lower()
            if not dct:
                return "DATE", None, None, ("unanchored",)
            k = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1, "this": 0}[rel]
            if unit == "year":
                return "DATE", str(dct.year + k), None, ()
            if unit == "month":
                y, mo = _shift_month(dct.year, dct.month, k)
                return "DATE", f"{y:04d}-{mo:02d}", None, ()
            if unit == "week":
                iso = (dct + timedelta(weeks=k)).isocalendar()
                return "DATE", f"{iso[0]:04d}-W{iso[1]}", None, ()  # TimeML writes W7, not W07
            if unit == "quarter":
                q = (dct.month - 1) // 3 + k
                return "DATE", f"{dct.year + q // 4:04d}-Q{q % 4 + 1}", None, ()
            return "DATE", f"{dct.year + (k if k > 0 else (k if k < 0 else 0)):04d}-{SEASONS[unit]}", None, ()

        @rule(r"\b(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter(?:\s+of\s+(\d{4}))?\b")
        def _quarter(m, dct, ctx):
            q = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}[m.group(1).lower()]
            y = m.group(2) or (str(dct.year) if dct else "XXXX")
            return "DATE", f"{y}-Q{q}", None, ()

        # Company results: "the quarter", "the latest quarter" is the last one ended before publication;
        # "the year-earlier quarter" the same quarter a year before.
        @rule(r"\b(?:the\s+)?(?:(latest|most recent|recent|current|same|year-earlier|year-ago)\s+)?(quarter|period)\b|\b(year-earlier|year-ago)\b")
        def _the_quarter(m, dct, ctx):
            which = (m.group(1) or m.group(3) or "").lower()
            if not dct or (m.group(2) and m.group(2).lower() == "period" and not which.startswith("year")):
                return None
            if not which and not m.group(0).lower().startswith("the"):
                return None
            last = dct - timedelta(days=45)
            q, y = (last.month - 1) // 3 + 1, last.year
            if which.startswith("year"):
                y -= 1
            return "DATE", f"{y:04d}-Q{q}", None, ()

        @rule(r"\b(daily|weekly|monthly|annually|yearly|every (?:day|week|month|year)|each (?:day|week|month|year))\b")
        def _set(m, dct, ctx):
            w = m.group(1).lower().split()[-1]
            code = {"daily": "D", "day": "D", "weekly": "W", "week": "W", "monthly": "M", "month": "M"}.get(w, "Y")
            return "SET", f"P1{code}", None, ()

        @rule(r"\b(?:for|in recent|over the)\s+(years|months|weeks|decades)\b")
        def _plural(m, dct, ctx):
            if "recent" in m.group(0).lower():
                return "DATE", "PAST_REF", None, ()
            return "DURATION", {"years": "PXY", "months": "PXM", "weeks": "PXW", "decades": "PXDE"}[m.group(1).lower()], None, ()

        @rule(rf"\b(?:the\s+)?(?:(past|last|next|coming|previous|first|final)\s+)?({_NUMW})[\s-]+({_UNIT})(?:\s+(ago|earlier|later|from now))?\b")
        def _duration(m, dct, ctx):
            n, unit = _num(m.group(2)), m.group(3).lower().rstrip("s")
            if unit == "centurie":
                unit = "century"
            if "-" in m.group(0) and m.group(2).isdigit() and re.match(r"\s*[a-z]", ctx[m.end() : m.end() + 3]):
                return None  # "a 6-year note": a property of a thing, rarely annotated as a duration
            if m.group(2).lower() in ("a", "an") and not (m.group(1) or m.group(4)):
                # "a year" is a duration only with a time word around it ("for a year", "a year ago")
                if not re.search(r"\b(for|in|over|within|about|nearly|almost|than|after)\s+$", ctx[max(0, m.start() - 10) : m.start()], re.I):
                    return None
            code = UNITS.get(unit, "D")
            if m.group(4) and dct:  # "three years ago": a date
                sign = -1 if m.group(4).lower() in ("ago", "earlier") else 1
                if n.isdigit() and unit in ("year", "month", "week", "day"):
                    k = sign * int(n)
                    if unit == "year" and "quarter" in _sentence_around(ctx, m.start(), m.end()).lower():
                        last = dct - timedelta(days=45)  # results: the same quarter, k years before
                        return "DATE", f"{last.year + k:04d}-Q{(last.month - 1) // 3 + 1}", None, ()
                    if unit == "year":
                        return "DATE", str(dct.year + k), None, ()
                    if unit == "month":
                        y, mo = _shift_month(dct.year, dct.month, k)
                        return "DATE", f"{y:04d}-{mo:02d}", None, ()
                    d = dct + timedelta(days=k * (7 if unit == "week" else 1))
                    return "DATE", d.isoformat(), None, ()
                return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", None, ()
            timed = unit in ("hour", "minute", "second")
            if code == "DE":
                return "DURATION", f"P{int(n) * 10 if n.isdigit() else 'X'}Y", None, ()
            if code == "CE":
                return "DURATION", f"P{int(n) * 100 if n.isdigit() else 'X'}Y", None, ()
            if code == "Q":
                return "DURATION", f"P{int(n) * 3 if n.isdigit() else 'X'}M", None, ()
            return "DURATION", f"P{'T' if timed else ''}{n}{code}", None, ()

        @rule(r"\b(?:(?:at|by|around|about|until|before|after)\s+)?(\d{1,2})(?::(\d{2}))?\s*(a\.m\.|p\.m\.|am\b|pm\b)")
        def _clock(m, dct, ctx):
            h, mi = int(m.group(1)), int(m.group(2) or 0)
            if h > 12:
                return None
            if m.group(3).lower().startswith("p") and h < 12:
                h += 12
            if m.group(3).lower().startswith("a") and h == 12:
                h = 0
            day = dct.isoformat() if dct else "XXXX-XX-XX"
            return "TIME", f"{day}T{h:02d}:{mi:02d}", None, ()

        @rule(r"\b(?:the\s+)?(?:early\s+|late\s+|mid-)?(1[89]|20)(\d)0'?s\b")
        def _decade(m, dct, ctx):
            return "DATE", f"{m.group(1)}{m.group(2)}X", None, ()  # TimeML's decade: 196X

        @rule(rf"\b(?:(early|late|mid|the end of|end of|the beginning of|the start of)[\s-]+)?({_YEAR})\b(?!\s*(?:%|percent|people|[a-z]*s\b))")
        def _year(m, dct, ctx):
            after = ctx[m.end() : m.end() + 2]
            if re.match(r"[.,]\d|\d", after):
                return None
            mod = _modifier(m.group(1))
            return "DATE", m.group(2), mod, ("vague",) if mod else ()

        @rule(r"\b(fiscal|fiscal year)\s+(\d{4})\b")
        def _fiscal(m, dct, ctx):
            return "DATE", f"FY{m.group(2)}", None, ()

        # Only the references TimeML annotators mark reliably: "previously", "soon", "future" mostly are not.
        @rule(r"\b(now|currently|current|at present|recently|the past|nowadays|these days)\b")
        def _ref(m, dct, ctx):
            w = m.group(1).lower()
            if w in ("recently", "the past"):
                return "DATE", "PAST_REF", None, ()
            if w.endswith("future") or w == "soon":
                return "DATE", "FUTURE_REF", None, ()
            return "DATE", "PRESENT_REF", None, ()

        # Chinese-news day of month ("said on the 4th"): the publication month, or the one before.
        @rule(r"\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of|century|anniversary|floor|time|round|day|year|quarter|largest|biggest))")
        def _day_of_month(m, dct, ctx):
            d = int(m.group(1))
            if not dct or not 1 <= d <= 31:
                return "DATE", None, None, ("unanchored",)
            y, mo = (dct.year, dct.month) if d <= dct.day else _shift_month(dct.year, dct.month, -1)
            return "DATE", f"{y:04d}-{mo:02d}-{d:02d}", None, ()

        # A year cut to its last digits by translation: "open a liaison office in Tokyo in 4."
        @rule(r"\b(?:in|by|since|until|before)\s+(\d{1,2})(?=\s*[.,;)]|\s*$)")
        def _cut_year(m, dct, ctx):
            before = ctx[max(0, m.start() - 40) : m.start()].lower()
            if re.search(r"\b(chapter|section|article|page|room|gate|round|grade|step|figure|table|\d)\s*$", before):
                return None
            return "DATE", None, None, ("garbled",)

        self.rules = P

    def find(self, text: str, dct: date | None, article_id: str = "", offset: int = 0) -> list[TimeExpr]:
        cands: list[_Match] = []
        low = text.lower()
        for order, (pattern, fn) in enumerate(self.rules):
            for m in pattern.finditer(text, low):
                got = fn(m, dct, text)
                if got is None:
                    continue
                typ, value, mod, flags = got
                cands.append(_Match(m.start(), m.end(), typ, value, mod, tuple(flags)))
                cands[-1].order = order  # type: ignore[attr-defined]
        # Longest first, earlier rule first on ties; no overlaps.
        cands.sort(key=lambda c: (-(c.end - c.start), c.order, c.start))  # type: ignore[attr-defined]
        taken: list[_Match] = []
        for c in cands:
            if all(c.end <= t.start or c.start >= t.end for t in taken):
                taken.append(c)
        taken.sort(key=lambda c: c.start)
        anchor = dct.isoformat() if dct else None
        return [TimeExpr(Span(article_id, offset + c.start, offset + c.end), text[c.start : c.end], c.type, c.value,
                         anchor, c.modifier, list(c.flags)) for c in taken]


_FUTURE = re.compile(r"\b(will|shall|is to|are to|plan(?:s|ned|ning)? to|scheduled|expected to|set to|due to|as soon as|as early as|until)\b[^.]{0,30}$", re.I)


def _year_of_month(month: int, dct: date, text: str, at: int) -> int:
    """The year of a month named without one: the publication year, unless the month lies ahead of the
    publication date in a sentence about the past (then last year), or behind it in one about the
    future (then next year)."""
    before = text[max(0, at - 8) : at].lower()
    if "last" in before:
        return dct.year if month < dct.month else dct.year - 1
    if "next" in before:
        return dct.year if month > dct.month else dct.year + 1
    sentence = _sentence_around(text, at, at)
    future = re.search(r"\b(will|would|shall|plans?|planned|planning|scheduled|expected|due|next|upcoming|aim|aiming|aims|"
                       r"seek|seeking|hopes?|intends?|to be held|before)\b", sentence, re.I)
    if month > dct.month + 1 and not future:
        return dct.year - 1
    if month < dct.month - 1 and future:
        return dct.year + 1
    return dct.year


def _modifier(word: str | None) -> str | None:
    if not word:
        return None
    w = word.lower()
    if "end" in w or w == "late":
        return "END"
    if "mid" in w or "middle" in w:
        return "MID"
    return "START"


def _sentence_around(text: str, start: int, end: int) -> str:
    s = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    e = text.find(".", end)
    return text[s : e if e >= 0 else len(text)]


# Month names of the other European languages of the demo and of typical newsrooms, for explicit dates.
_EU_MONTHS = {
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    # (genitive, as dates write them: "12 марта 2026 года")
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
}


class EuropeanTimex:
    """Explicit dates in Spanish, Portuguese, French, German, Italian and Russian: "14 de marzo de 2026",
    "am 14. März", "le 14 mars", "marzo de 2027", "12 марта 2026 года". No relative expressions ("ayer", "letzte Woche"):
    those need each language's grammar, and a wrong relative date is worse than none."""

    def __init__(self, lang: str) -> None:
        self.months = {m: i + 1 for i, m in enumerate(_EU_MONTHS[lang].split())}
        names = "|".join(sorted(self.months, key=len, reverse=True))
        day, year = r"(?:[12]\d|3[01]|0?[1-9])", _YEAR
        self.day_month = re.compile(rf"\b({day})(?:\.|º|er)?\s+(?:de\s+|di\s+)?({names})(?:,?\s+(?:de\s+|del\s+)?({year}))?\b", re.I)
        self.month_year = re.compile(rf"\b({names})\s+(?:de\s+|del\s+|di\s+)?({year})\b", re.I)
        # the first day of a range that names its month once: "del 19 al 25 de abril", "vom 19. bis 25. April"
        self.range_start = re.compile(rf"\b({day})(?:\.|º|er)?\s*(?:al|au|bis|a|-|–)\s*(?=({day})(?:\.|º|er)?\s+(?:de\s+|di\s+)?({names})\b)", re.I)

    def find(self, text: str, dct: date | None, article_id: str = "", offset: int = 0) -> list[TimeExpr]:
        found: list[TimeExpr] = []
        taken: list[tuple[int, int]] = []
        anchor = dct.isoformat() if dct else None
        for m in self.day_month.finditer(text):
            mo, d = self.months[m.group(2).lower()], int(m.group(1))
            y = int(m.group(3)) if m.group(3) else (_year_of_month(mo, dct, text, m.start()) if dct else None)
            value = f"{y:04d}-{mo:02d}-{d:02d}" if y else f"XXXX-{mo:02d}-{d:02d}"
            found.append(TimeExpr(Span(article_id, offset + m.start(), offset + m.end()), m.group(0), "DATE", value,
                                  anchor, None, [] if y and (m.group(3) or dct) else ["unanchored"]))
            taken.append((m.start(), m.end()))
        ends = {t.span.start - offset: t for t in found}
        for m in self.range_start.finditer(text):
            end = ends.get(m.end())
            if end is None:
                continue
            value = end.value[:8] + f"{int(m.group(1)):02d}"  # the end's year and month
            found.append(TimeExpr(Span(article_id, offset + m.start(1), offset + m.end(1)), m.group(1), "DATE", value,
                                  anchor, None, list(end.flags)))
        for m in self.month_year.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = f"{int(m.group(2)):04d}-{self.months[m.group(1).lower()]:02d}"
            found.append(TimeExpr(Span(article_id, offset + m.start(), offset + m.end()), m.group(0), "DATE", value, anchor, None, []))
        found.sort(key=lambda t: t.span.start)
        return found


_NOT_A_DAY = re.compile(r"[线楼院房床站口门路车台]")


class ChineseTimex:
    """jionlp's parser with the publication date as its base; its spans are kept as offsets."""

    def __init__(self) -> None:
        import jionlp  # noqa: F401  (heavy: loaded once, on first Chinese article)

        self._jio = jionlp

    def find(self, text: str, dct: date | None, article_id: str = "", offset: int = 0) -> list[TimeExpr]:
        import time as _time

        base = _time.mktime((dct or date.today()).timetuple())
        out = []
        for item in self._jio.ner.extract_time(text, time_base=base, with_parsing=True):
            start, end = item["offset"]
            if _NOT_A_DAY.match(text, end):  # "30号线" is metro line 30, "3号楼" building 3: not dates
                continue
            detail = item.get("detail") or {}
            kind = detail.get("type", "time_point")
            value, typ = None, "DATE"
            tp = detail.get("time")
            if kind == "time_point" and isinstance(tp, list) and tp:
                first, last = tp[0][:10], tp[-1][:10]
                value = first if first == last else _common_prefix(tp[0], tp[-1])
            elif kind == "time_span":
                value, typ = None, "DURATION"
            elif kind == "time_delta":
                typ = "DURATION"
                value = _delta_value(tp)
            elif kind == "time_period":
                typ = "SET"
            flags = [] if dct else ["unanchored"]
            out.append(TimeExpr(Span(article_id, offset + start, offset + end), item["text"], typ, value,
                                dct.isoformat() if dct else None, None, flags))
        return out


def _common_prefix(a: str, b: str) -> str:
    """jionlp gives a range (2024-01-01 .. 2024-12-31 for 明年): its TimeML value is the shared part."""
    if a[:4] != b[:4]:
        return a[:10]
    if a[5:7] != b[5:7]:
        return a[:4]
    if a[8:10] != b[8:10]:
        return a[:7]
    return a[:10]


def _delta_value(delta) -> str | None:
    if not isinstance(delta, dict):
        return None
    for key, code in (("year", "Y"), ("month", "M"), ("day", "D"), ("hour", "TH")):
        if key in delta:
            n = delta[key]
            n = int(n) if isinstance(n, (int, float)) and float(n).is_integer() else n
            return f"P{code[:-1] if len(code) > 1 else ''}{n}{code[-1]}"
    return None
