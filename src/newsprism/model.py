"""Central data types. Every stage reads and writes these; nothing else defines article-shaped data.

Offsets are Python string indices (code points) into ``Article.text`` as stored, so a span
``(article_id, start, end)`` always points at the exact characters a statement rests on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Where a publication date came from, most trusted first (DESIGN.md: metadata > header > dateline > URL).
DATE_PROVENANCES = ("metadata", "header", "dateline", "dateline-year-inferred", "url", "none")
DATE_PRECISIONS = ("datetime", "day", "month", "year", "none")
# Where an outlet name came from.
SOURCE_PROVENANCES = ("operator", "metadata", "feed", "dateline", "credit", "domain", "filename", "none")


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) of one article's stored text, or of its title when
    ``field`` is "title" (headlines state tolls: "2 killed, 4 injured in Stockton shootings")."""

    article_id: str
    start: int
    end: int
    field: str = "text"  # text | title

    def text(self, article_text: str) -> str:
        return article_text[self.start : self.end]


def span_fields(span: "Span | dict[str, Any]") -> dict[str, Any]:
    """A span as a dict, whether it is a Span or already one (a comparison read back from JSON)."""
    if isinstance(span, dict):
        return span
    return {"article_id": span.article_id, "start": span.start, "end": span.end, "field": span.field}


@dataclass(slots=True)
class RawRecord:
    """What a reader found in its input, before normalization.

    ``published`` is whatever the input said (a string, or None); normalization parses it and
    decides its provenance. ``origin`` names the file and ``record`` the position inside it, so
    any later complaint can point a user at the exact input.
    """

    text: str
    origin: str
    record: str | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    lang: str | None = None
    external_id: str | None = None
    # A date found in a leading metadata header (" date 2023-05-04 ..."), set by the text reader.
    header_date: str | None = None
    # Sources trust: "metadata" for structured fields, "feed" for a feed's title, etc.
    source_provenance: str = "metadata"
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Article:
    """A normalized article as stored. ``id`` is stable: ingesting the same input again yields it again."""

    id: str
    text: str
    title: str | None
    source: str | None
    source_provenance: str
    url: str | None
    lang: str | None
    published: str | None  # ISO 8601 date or datetime, as precise as ``date_precision`` says
    date_provenance: str
    date_precision: str
    sentences: list[tuple[int, int]]  # character spans of sentences in ``text``
    origin: str
    record: str | None = None
    external_id: str | None = None
    content_hash: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def sentence_spans(self) -> list[Span]:
        return [Span(self.id, s, e) for s, e in self.sentences]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sentences"] = [list(s) for s in self.sentences]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Article":
        d = dict(d)
        d["sentences"] = [tuple(s) for s in d.get("sentences") or []]
        return cls(**d)


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input (or one record of it) that could not become an article, and why, in one line."""

    origin: str
    reason: str
    record: str | None = None

    def line(self) -> str:
        where = f"{self.origin} [{self.record}]" if self.record else self.origin
        return f"{where}: {self.reason}"


# --- extraction: every item is a span of one article ------------------------------------------------

ENTITY_KINDS = ("person", "organisation", "place", "other")
PEOPLE_ROLES = ("killed", "injured", "arrested", "missing", "evacuated", "other")


@dataclass(slots=True)
class Entity:
    """One mention. ``canonical`` is the name that matches across articles and languages: the longest
    form the article uses ("Mao" -> "Mao Ning"), English glosses for Chinese (北约 -> NATO)."""

    span: Span
    text: str
    kind: str  # ENTITY_KINDS
    canonical: str


@dataclass(slots=True)
class Quote:
    """Direct ("...", she said) or indirect (Mao said Asia was ...) speech."""

    span: Span  # the whole attribution: speaker, cue and content
    content: Span  # a quotation that goes on after its "she said": from its first passage to its last
    content_text: str  # the words said (the passages of a continued quotation, joined without the cue)
    cue: str
    direct: bool
    speaker: str | None  # canonical name when the text allows, else the words used ("the ministry")
    speaker_span: Span | None = None
    speaker_kind: str | None = None  # person | organisation | ...


@dataclass(slots=True)
class TimeExpr:
    """A time expression resolved against the article's publication date (TimeML-style values:
    2023-05-04, 2023-05, 2024, 2023-W18, PRESENT_REF, P3Y ...). ``flags`` keep what cannot be trusted:
    ``garbled`` (a value that cannot be right as printed, e.g. "in 4"), ``vague`` ("end of January"),
    ``unanchored`` (relative, but the article has no date)."""

    span: Span
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str | None
    anchor: str | None = None  # the date it was resolved against
    modifier: str | None = None  # START | MID | END | APPROX ...
    flags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Quantity:
    """A figure and what it counts: people by role, money, a percentage, another amount."""

    span: Span
    text: str
    kind: str  # people | money | percent | number
    value: float
    unit: str | None = None  # currency code, "%", ...
    role: str | None = None  # PEOPLE_ROLES for people


@dataclass(slots=True)
class Label:
    """An outcome stated in words: a slot ("vote", "verdict") and a value from its closed set."""

    span: Span
    text: str
    slot: str
    value: str


@dataclass(slots=True)
class Extraction:
    article_id: str
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    version: str = ""
    content_hash: str = ""  # of the text the spans point into: a changed text makes this extraction stale

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Extraction":
        def span(x):
            return Span(**x) if x else None

        return cls(
            article_id=d["article_id"], version=d.get("version", ""), content_hash=d.get("content_hash", ""),
            entities=[Entity(**{**e, "span": span(e["span"])}) for e in d.get("entities", [])],
            quotes=[Quote(**{**q, "span": span(q["span"]), "content": span(q["content"]),
                             "speaker_span": span(q.get("speaker_span"))}) for q in d.get("quotes", [])],
            times=[TimeExpr(**{**t, "span": span(t["span"])}) for t in d.get("times", [])],
            quantities=[Quantity(**{**q, "span": span(q["span"])}) for q in d.get("quantities", [])],
            labels=[Label(**{**x, "span": span(x["span"])}) for x in d.get("labels", [])],
        )


# --- comparison of a story's sources ------------------------------------------------------------------

CLAIM_LABELS = ("consensus", "partial", "unique")


@dataclass(slots=True)
class ClaimUnit:
    """One sentence of one article, as it takes part in the comparison."""

    span: Span
    text: str
    source: str  # the article's outlet, else its id


@dataclass(slots=True)
class ClaimGroup:
    """Sentences of different articles that report the same thing (aligned across languages)."""

    id: int
    label: str  # CLAIM_LABELS: reported by all sources, some, or one
    units: list[ClaimUnit]
    articles: list[str]  # distinct article ids, in story order


@dataclass(slots=True)
class Contradiction:
    """The same slot (a toll, a date, an amount) with different values in different articles."""

    slot: str  # killed | injured | date | money | percent ...
    values: list[dict[str, Any]]  # {"value", "text", "span": Span, "article_id", "source", "published"}
    reason: str


@dataclass(slots=True)
class QuoteMatch:
    """Quotes of one speaker in different articles (translations included) that render the same words."""

    speaker: str
    # {"article_id", "source", "span": Span, "text", "direct", "cue", "speaker" (that report's name for them),
    #  "said_as" and "speaker_span" (the name as that report writes it, where it does)}
    quotes: list[dict[str, Any]]
    similarity: float


@dataclass(slots=True)
class Alias:
    """Another spelling of a person's name (兰布卡, its pinyin Lan Buka: Sitiveni Rabuka), learned where two
    reports of one story, in two scripts, give both the same words. ``evidence``: those two quotes."""

    alias: str
    name: str
    story_id: int | None
    evidence: list[dict[str, Any]]  # {"article_id", "span": Span (the words), "text", "said_as", "speaker_span"}


@dataclass(slots=True)
class TimelineEntry:
    date: str  # ISO date, month or year
    kind: str  # "event" (a dated fact) | "published"
    text: str
    span: Span | None
    article_id: str


@dataclass(slots=True)
class StoryComparison:
    story_id: int
    articles: list[dict[str, Any]]  # id, source, lang, published, title
    groups: list[ClaimGroup] = field(default_factory=list)
    omissions: dict[str, list[int]] = field(default_factory=dict)  # article id -> ids of groups most others report
    # figures left out of a reported claim: {"article_id", "group", "value", "stated_by": [{"article_id", "span", "text"}]}
    omitted_figures: list[dict[str, Any]] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    # figures reports state alike: {"slot", "value", "everyone": bool, "values": [{"value", "text", "span", "article_id", ...}]}
    agreed: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[QuoteMatch] = field(default_factory=list)
    spellings: list["Alias"] = field(default_factory=list)  # names the story shows in two scripts: stored as aliases
    timeline: list[TimelineEntry] = field(default_factory=list)
    unreliable: list[dict[str, Any]] = field(default_factory=list)  # garbled values: {"text", "span", "article_id", "flags"}
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "StoryComparison":
        def span(x):
            return Span(**x) if isinstance(x, dict) else x

        def spans_in(items):
            return [{**i, "span": span(i.get("span")), **({"speaker_span": span(i["speaker_span"])} if i.get("speaker_span") else {})}
                    for i in items]

        return cls(
            story_id=d["story_id"], articles=d["articles"], seconds=d.get("seconds", 0.0),
            groups=[ClaimGroup(g["id"], g["label"], [ClaimUnit(span(u["span"]), u["text"], u["source"]) for u in g["units"]],
                               g["articles"]) for g in d["groups"]],
            omissions={k: list(v) for k, v in d["omissions"].items()},
            omitted_figures=[{**o, "stated_by": spans_in(o["stated_by"])} for o in d.get("omitted_figures", [])],
            contradictions=[Contradiction(c["slot"], spans_in(c["values"]), c["reason"]) for c in d["contradictions"]],
            agreed=[{**a, "values": spans_in(a["values"])} for a in d.get("agreed", [])],
            quotes=[QuoteMatch(q["speaker"], spans_in(q["quotes"]), q["similarity"]) for q in d["quotes"]],
            spellings=[Alias(a["alias"], a["name"], a.get("story_id"), spans_in(a["evidence"])) for a in d.get("spellings", [])],
            timeline=[TimelineEntry(t["date"], t["kind"], t["text"], span(t["span"]), t["article_id"]) for t in d["timeline"]],
            unreliable=spans_in(d["unreliable"]),
        )


# --- the reader's view of a comparison (compare/view.py): what a story page shows, in reading order ------


@dataclass(slots=True)
class Outlet:
    """One report in a story's coverage strip. ``name``: the outlet, or a readable fallback (its web
    domain, else "unnamed outlet") when none is known; ``named``: whether an outlet name was found."""

    article_id: str
    name: str
    named: bool
    lang: str | None
    published: str | None
    title: str
    url: str | None = None
    copy_of: str | None = None


@dataclass(slots=True)
class DisputedValue:
    """One value of a disputed slot and the statements giving it. ``role``: majority | outlier | split
    (no majority) | earlier | latest (an update over time)."""

    value: Any
    role: str
    statements: list[dict[str, Any]]  # the contradiction's values: {"value", "text", "span", "article_id", "source", "published"}


@dataclass(slots=True)
class Dispute:
    """A slot the reports state differently. ``kind``: "contradiction", or "update" when the reports,
    in publication order, only ever raise a count (an earlier toll superseded by a later one)."""

    slot: str
    kind: str
    values: list[DisputedValue]
    note: str


@dataclass(slots=True)
class ClaimView:
    """A claim group as shown: one representative sentence (``lead``), the other reports' wordings
    (``others``), and ``figures_differ`` ("killed: 12 / 14 / 15") when its members state different figures,
    so it is never shown as plain agreement."""

    group: int
    label: str
    lead: ClaimUnit
    others: list[ClaimUnit]
    articles: list[str]
    figures_differ: list[str] = field(default_factory=list)


@dataclass(slots=True)
class QuotePiece:
    """One passage of a shown quote: a quote interrupted by "he said" is shown as its passages, each
    with its own span, so every shown character can be checked against the source."""

    text: str
    span: Span


@dataclass(slots=True)
class StoryView:
    story_id: int
    headline: str
    headline_article: str | None  # the report the headline is taken from (None: from a claim)
    outlets: list[Outlet]
    languages: list[str]
    first_report: str | None
    last_report: str | None
    disputes: list[Dispute]
    updates: list[Dispute]
    agreed: list[ClaimView]  # reported by two or more reports, no differing figures
    differing: list[ClaimView]  # reported by two or more, with differing figures
    single: dict[str, list[ClaimView]]  # article id -> what only that report says
    omissions: dict[str, list[ClaimView]]  # article id -> claims most others report that it leaves out
    quotes: list[tuple[QuoteMatch, list[list[QuotePiece]]]]
    timeline: list[TimelineEntry]
    unreliable: list[dict[str, Any]]
    marks: dict[str, list[tuple[int, int, str, str]]]  # article id -> (start, end, "garbled"|"disputed", note), text spans

    @property
    def counts(self) -> dict[str, int]:
        return {"agreed": len(self.agreed), "disputed": len(self.disputes) + len(self.differing),
                "single": sum(len(v) for v in self.single.values()), "updates": len(self.updates)}
