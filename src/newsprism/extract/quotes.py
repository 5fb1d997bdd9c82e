"""Quotes and attributions: who said (or claimed, warned, believes) what.

English, over spaCy's dependency parse:
- a cue verb ("say", "tell", "warn", "according to" ...) with a subject: the speaker;
- its clausal complement is the content (indirect speech: "Mao said Asia was ..."), or the quoted
  text in its sentence or just before it (direct: "'...,' she said");
- quoted text with no cue verb of its own takes the cue of the sentence that follows it.
Speakers are resolved where the text allows: a pronoun to the last person (or organisation) named
before it, "the ministry" or "the spokesperson" to the entity named with that word earlier, a surname
to the full name (entities' canonical names).

Chinese: patterns over the text (X表示/说/指出 ... “…” or ，…。) with the speaker taken from jiagu's
entities at the start of the clause.
"""

from __future__ import annotations

import re

from ..model import Entity, Quote, Span
from ..text import HAN
from .entities import gloss

CUE_LEMMAS = frozenset("""
say tell add state announce report claim argue insist explain note warn write declare predict suggest acknowledge
admit deny confirm reply respond urge accuse believe think expect hope fear know feel agree contend assert maintain
tweet promise vow pledge question blame criticize criticise estimate reveal find indicate show stress emphasize
emphasise recall describe call ask allege concede boast complain charge testify disclose observe remark conclude
predict caution signal point demand threaten propose recommend retort
""".split())
STRONG_CUES = frozenset("say tell add state announce report claim argue insist explain note warn write declare".split())
# Straight quotes pair within a paragraph only: one stray mark must not shift every pairing after it.
# Doubled apostrophes (''...'', ``...'') are how the New York Times archive and TeX-style text mark quotes.
# A quotation over several paragraphs opens each of them and closes only the last ('"A\n\n"B."'): with
# straight marks, which cannot tell opening from closing, that is a paragraph left open before one that opens.
QUOTE_PAIRS = re.compile(r"“([^”]{3,}?)”|\"((?:[^\"\n]{3,}\n+\")+[^\"\n]{3,}?)\"|\"([^\"\n]{3,}?)\"|«([^»]{3,}?)»"
                         r"|„([^“”]{3,}?)[“”]|(?:''|``)((?:(?!'')[^\n]){3,}?)''")
OPENING_MARKS, CLOSING_MARKS = frozenset("\"“«„"), frozenset("\"”»“")
PRONOUNS_PERSON = frozenset("he she him her i we".split())
PRONOUNS_ORG = frozenset("it they".split())
RELATIVE_PRONOUNS = frozenset("who which that".split())
_ROLE_ABBREVIATIONS = {"sen": "senator", "gov": "governor", "pres": "president", "rep": "congressman", "gen": "general"}
SPEAKER_SPAN = 1500  # characters within which a pronoun speaker is the last named speaker
MIXED = 0.7  # a quoted phrase under this share of the clause said is a quote inside it, not the content
CONTINUED_WITHIN = 120  # characters between an attributed quotation and the passage that continues it
ENCODED_MIN_CHARS = 20  # characters: a shorter content the attribution encoder marks is mostly a stray piece (PolNeAR dev: F1 +0.006 over 10)
# the head of a description that stands for a person the article named ("the communications pro said")
PERSON_HEADS = frozenset("pro lawyer attorney strategist operative activist analyst expert politician veteran".split())
_ABBREVIATION = re.compile(r"(?:\b[A-Z][a-z]{0,3}|\b[A-Z]-[A-Z][a-z]*|\b[A-Z])\.$")  # "Rep.", "Sen.", "R-Tenn.", "J."
# where a sentence starts (after its end mark and any closing quotation mark), before a capital or a quotation
_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?])[\"”’']?\s+|\n\s*)(?=[A-Z“\"])")
ROLE_WORDS = frozenset("""spokesperson spokesman spokeswoman minister president secretary chief leader official
director chairman chairwoman ambassador general premier chancellor governor mayor senator nominee candidate
congressman congresswoman lawmaker speaker justice judge prosecutor aide adviser advisor ceo founder""".split())


# the name ends its line or goes on with ", 34, of Denver" / "(Austin)": not '"The Grapes of Wrath" — Steinbeck's novel'
_SIGNED = re.compile(r"[”\"»']?[ \t\u00a0]*([―—–])[ \t\u00a0]*([A-Z][\w.'’-]+(?:[ \t][A-Z][\w.'’-]+){0,3})"
                     r"(?=[ \t\u00a0]*(?:[,(]|\.?[ \t\u00a0]*(?:\n|$)))")
# a line that hands the next paragraph to someone: "..., saying:", "He wrote:", "Full statement via Gawker:"
_BLOCK_INTRO = re.compile(r"\b(?:saying|said|says|wrote|writes|tweeted|posted|statement|reads|read|added|declared|"
                          r"continued|explained)(?:\s+(?:on|via|in|to)\s+[\w.'’-]+(?:\s+[\w.'’-]+){0,2})?:[ \t]*\n+[ \t]*(?=\S)")
_LABELLED = re.compile(r"(?m)^[ \t]*[\"“]?([A-Z][\w.'’-]*(?:[ \t][A-Z][\w.'’-]*){0,3}):[ \t]+\S[^\n]*")
_CONTACT = re.compile(r"@|https?:|www\.|\(\d{3}\)|\d{3}-\d{4}")
NOT_SPEAKERS = frozenset("""UPDATE UPDATED NOTE PHOTO PHOTOS VIDEO WATCH READ RELATED CORRECTION SOURCE SOURCES CREDIT
EDITOR'S EDITORS BREAKING EXCLUSIVE LIVE OPINION ANALYSIS Q A WHEN WHERE WHAT WHO WHY HOW TOPICS TAGS FILE
HIGHLIGHTS SLIDESHOW GALLERY EMAIL E-MAIL CONTACT MORE ADVERTISEMENT SUBSCRIBE SHARE
""".split())


def quote_segments(text: str) -> list[tuple[int, int]]:
    """Character spans of quoted passages (inside the marks)."""
    out = []
    for m in QUOTE_PAIRS.finditer(text):
        g = m.lastindex  # each alternative has one group: the one that matched
        if len(m.group(g).split()) >= 4:  # a quoted phrase ("high vigilance", a title) is a term, not speech
            out.append((m.start(g), m.end(g)))
    return out


class SpeakerResolver:
    """Turns the words a text uses for a speaker into a canonical name, from the article's entities."""

    def __init__(self, entities: list[Entity], text: str):
        self.entities = sorted(entities, key=lambda e: e.span.start)
        self.text = text
        # Names inside quoted speech are who the speaker talks about, not who speaks: a pronoun after
        # '"[Clinton] was the chief architect...," he said' is not Clinton.
        quoted = quote_segments(text)
        self.outside = [e for e in self.entities if not any(s <= e.span.start < t for s, t in quoted)]
        self.roles: list[tuple[int, str, str]] = []  # (position, role word, canonical person)
        self.spoke: list[tuple[int, str]] = []  # (position, canonical person) of the speakers named so far
        for e in self.entities:
            if e.kind != "person":
                continue
            # the office next to a name: "Sen. Marco Rubio", "President Trump", "Laura Penn, the press secretary
            # for ...": the last three words before it, or an apposition right after it (an office elsewhere in
            # the sentence may be someone else's: "Cohen said the president ...")
            before = re.split(r"[.!?][\"”’']?\s+(?=[A-Z“\"])|\n|,", text[max(0, e.span.start - 40) : e.span.start])[-1]
            after = re.match(r"\s*,\s*(?:the\s+|a\s+|an\s+)?((?:[\w-]+\s+){0,3}[\w-]+)", text[e.span.end : e.span.end + 60])
            near = re.findall(r"[a-z\-]+", before.lower())[-3:] + (re.findall(r"[a-z\-]+", after.group(1).lower()) if after else [])
            for word in near:
                word = _ROLE_ABBREVIATIONS.get(word, word)  # "Sen. Marco Rubio" is "the senator"
                if word in ROLE_WORDS:
                    self.roles.append((e.span.start, word, e.canonical))

    def named(self, surname: str) -> tuple[str, str] | None:
        """The person the article names in full with this last name."""
        people = [e for e in self.entities if e.kind == "person" and e.canonical.split()[-1:] == [surname]]
        return (people[0].canonical, "person") if people else None

    def named_elsewhere(self, canonical: str, start: int, end: int) -> bool:
        """Whether the article names this speaker outside the stretch start..end."""
        return any(e.canonical == canonical and not (start <= e.span.start < end) for e in self.entities)

    def _last_speaker_and_subject(self, start: int) -> tuple[str | None, str | None]:
        """The last speaker named within SPEAKER_SPAN before ``start``, and the person a sentence since then
        opens with (``_subject``)."""
        said = [(pos, name) for pos, name in self.spoke if pos < start and start - pos <= SPEAKER_SPAN]
        subject = self._subject(said[-1][0] if said else max(0, start - SPEAKER_SPAN), start)
        return (said[-1][1] if said else None), subject

    def _subject(self, since: int, start: int) -> str | None:
        """The person the latest sentence between ``since`` and ``start`` opens with, as its subject: a name
        ("Pelosi did not agree ...", "In an interview, Ryan hammered ...") or an office the article gave a
        name ("The president opted ..."). Not a sentence a quotation opens, nor a name further in
        ("Critics compared it to Governor X's plan" is about the critics)."""
        found = None
        for m in _SENTENCE_START.finditer(self.text, since, start):
            at = m.end()
            if self.text[at:at + 1] in "“\"" or _ABBREVIATION.search(self.text, max(0, m.start() - 12), m.start()):
                continue  # a quotation opens it; or no sentence starts here: "Rep. Stephen Fincher", "R-Tenn."
            at += re.match(r"(?:[A-Z][^,.;\"“”]{0,40},\s+)?", self.text[at:at + 60]).end()  # "In an interview, "
            person = next((e for e in self.outside if e.kind == "person" and at <= e.span.start <= at + 12
                           and e.span.end <= start), None)  # (a title may come first: "Ohio Rep. Tim Ryan")
            if person is not None:
                found = person.canonical
                continue
            office = re.match(r"the\s+(?:[a-z-]+\s+){0,2}?([a-z-]+)\b", self.text[at:at + 50], re.I)
            if office and office.group(1).lower() in ROLE_WORDS:
                named = [c for pos, role, c in self.roles if role == office.group(1).lower() and pos < at]
                if named:
                    found = named[-1]
        return found

    def resolve(self, words: str, start: int, end: int) -> tuple[str, str | None]:
        inside = [e for e in self.entities if e.span.start >= start and e.span.end <= end]
        people = [e for e in inside if e.kind == "person"]
        if people:
            # "Elizabeth Lauten, the communications director for Rep. Stephen Fincher, wrote": the name an
            # apposition follows is the speaker; else the last ("Obama's spokesman John Smith said")
            first = people[0]
            apposition = len(people) > 1 and self.text[first.span.end:first.span.end + 2].startswith(",")
            name = (first if apposition else people[-1]).canonical
            self.spoke.append((start, name))
            return name, "person"
        w = re.sub(r"\s+(?:himself|herself)$", "", words.lower().strip())  # "the president himself"
        head = w.split()[-1] if w.split() else w
        if (head in ROLE_WORDS or head in PERSON_HEADS) and not any(e.kind == "person" for e in inside):
            # "the presumptive Republican nominee": the person named with that office, not "Republican";
            # else whom the sentences before are about ("Trump swiftly responded ..."), else the last speaker
            match = [c for pos, role, c in self.roles if role == head and pos < start]
            if match:
                return match[-1], "person"
            said, subject = self._last_speaker_and_subject(start)
            if subject or said:
                return subject or said, "person"
        if inside:
            return inside[-1].canonical, inside[-1].kind
        before = [e for e in self.outside if e.span.end <= start]
        if w in RELATIVE_PRONOUNS:
            # "said Bloomberg, who added that ...": the name just before the relative pronoun
            near = [e for e in before if start - e.span.end <= 40]
            people = [e for e in near if e.kind == "person"]
            if people or near:
                found = (people or near)[-1]
                return found.canonical, found.kind
            w = "he"  # no one just before: whoever "he said" would be, never "who"
        if w in PRONOUNS_PERSON:
            people = [e for e in before if e.kind == "person"]
            # "he said" after a quote is its speaker's next words far more often than those of the last
            # person named (BASIL dev: persons' speakers right 68 -> 76 of 104); a new person who speaks
            # next as "he" is the cost
            # ... unless a sentence since then opens with someone else ("Pelosi did not agree with Ryan's
            # assessment. '...,' she said"; "The president opted not to ... '...,' he said")
            said, subject = self._last_speaker_and_subject(start)
            if subject or said:
                return subject or said, "person"
            return (people[-1].canonical, "person") if people else (words, None)
        if w in PRONOUNS_ORG:
            orgs = [e for e in before if e.kind == "organisation"]
            return (orgs[-1].canonical, "organisation") if orgs else (words, None)
        if w.startswith("the ") and head:
            named = [e for e in before if head in e.canonical.lower().split()]
            if named:
                return named[-1].canonical, named[-1].kind
        return words, None


class SpacyQuotes:
    def find(self, text: str, parsed, article_id: str, entities: list[Entity]) -> list[Quote]:
        """``parsed``: (offset, spaCy Doc) for the stretches of ``text`` that were parsed (the
        sentences that can hold an attribution: see ``may_attribute``)."""
        resolver = SpeakerResolver(entities, text)
        segments = quote_segments(text)
        quotes: list[Quote] = []
        used_segments: set[tuple[int, int]] = set()
        for off, doc in parsed:
            for sent in doc.sents:
                for tok in sent:
                    q = self._from_cue(tok, sent, off, segments, used_segments, resolver, article_id, text)
                    if q is not None:
                        quotes.append(q)
        # Quoted passages no cue claimed: the speaker of the nearest attribution after them (a quote
        # that runs over several sentences ends with its "she said"), else of the one before.
        for seg in segments:
            if seg in used_segments or any(_overlap(seg, (q.content.start, q.content.end)) for q in quotes) \
                    or _SIGNED.match(text, seg[1]):
                continue  # (a signed passage is its signer's: see _signed)
            # A quotation that goes on after its attribution ('"...," X told reporters. "More words."')
            # is one statement: its content runs on to the end of the new passage, as annotators mark it.
            go_on = [q for q in quotes if q.direct and q.speaker and 0 <= seg[0] - q.span.end <= CONTINUED_WITHIN
                     and "\n" not in text[q.span.end : seg[0]]
                     and not _quoted(_between_quotes(text[q.span.end : seg[0]]))]
            if go_on:
                q = go_on[-1]
                q.content = Span(article_id, q.content.start, seg[1])
                q.span = Span(article_id, q.span.start, max(q.span.end, seg[1]))
                q.content_text = f"{q.content_text} {text[seg[0] : seg[1]]}"  # the speaker's words, not the cue's
                continue
            # A passage right after an indirect attribution is still its speaker's; otherwise the
            # attribution that follows it is.
            before = [q for q in quotes if q.speaker and 0 <= seg[0] - q.span.end <= 4 and "\n" not in text[q.span.end : seg[0]]]
            near = before[-1:] or [q for q in quotes if q.speaker and 0 <= q.span.start - seg[1] <= 300]
            if near:
                src = near[0]
                quotes.append(Quote(Span(article_id, seg[0], seg[1]), Span(article_id, seg[0], seg[1]), text[seg[0] : seg[1]],
                                    src.cue, True, src.speaker, src.speaker_span, src.speaker_kind))
        quotes.extend(self._signed(text, segments, quotes, resolver, article_id))
        quotes.extend(self._labelled(text, quotes, resolver, article_id))
        quotes.extend(self._block_after_colon(text, quotes, resolver, article_id))
        return _outermost(_one_each(quotes))

    @staticmethod
    def with_tagged(text: str, tagged, article_id: str, entities: list[Entity], quotes: list[Quote]) -> list[Quote]:
        """``quotes`` and the attributions the attribution tagger (quote_tagger.py) marks in the ``tagged``
        sentences (offset, Doc) where no rule found one: its CONTENT with the SOURCE nearest to it in the
        sentence, or else the subject of its CUE."""
        if not tagged:
            return quotes  # (no sentence left to the tagger: no speaker resolver to build)
        resolver = SpeakerResolver(entities, text)
        segments = quote_segments(text)
        out: list[Quote] = []
        for off, doc in tagged:
            marks = {label: [e for e in doc.ents if e.label_ == label] for label in ("CONTENT", "SOURCE", "CUE")}
            for e in marks["CONTENT"]:
                cs, ce = _trim(text, off + e.start_char, off + e.end_char)
                if ce - cs < 8 or any(_overlap((cs, ce), (q.content.start, q.content.end)) for q in quotes + out):
                    continue
                cues = [x for x in marks["CUE"] if x.sent == e.sent]
                near = [x for x in marks["SOURCE"] if x.sent == e.sent]
                if not cues:
                    continue  # no one said it: "met to discuss the budget"
                if near:
                    src = min(near, key=lambda x: abs(x.start - e.start))
                    sp = (off + src.start_char, off + src.end_char)
                else:  # the subject of the cue it marks ("..., she conceded")
                    subj = _subject(min(cues, key=lambda x: abs(x.start - e.start)).root)[0]
                    if subj is None:
                        continue
                    sp = _subtree_span(subj, off)
                cue = min(cues, key=lambda x: abs(off + x.start_char - sp[0]))
                if not any(t.tag_.startswith("VB") or t.tag_ == "MD" for t in e) \
                        and not any(CUE_FORMS.get(t.lower_) for t in cue):
                    continue  # words that are no clause need a cue word of ours: not "dragged his friend to the car"
                speaker, kind = resolver.resolve(text[sp[0] : sp[1]], *sp)
                direct = any(_overlap(g, (cs, ce)) >= 0.5 * (ce - cs) for g in segments)
                lo, hi = min(cs, sp[0], off + cue.start_char), max(ce, sp[1], off + cue.end_char)
                out.append(Quote(Span(article_id, lo, hi), Span(article_id, cs, ce), text[cs:ce], cue.text, direct,
                                 speaker, Span(article_id, *sp), kind))
        return sorted(quotes + out, key=lambda q: q.span.start)

    @staticmethod
    def with_encoded(text: str, windows, sentences: list[tuple[int, int]], article_id: str, entities: list[Entity],
                     quotes: list[Quote]) -> list[Quote]:
        """The accurate mode: the contents the attribution encoder (attribution_encoder.py) marks lead, with
        its bounds, save that a quotation the rules found whole ('"A," she said. "B."', where the encoder marks
        A alone) runs as far as theirs (PolNeAR dev content F1 0.745 -> 0.757). A marked content's speaker is
        that of the quote found so far it overlaps most (the rules resolve speakers better), else a SOURCE
        marked in its sentences: the one beside the CUE nearest the content there, else the one nearest the
        content (speaker accuracy 0.860 -> 0.865 on PolNeAR dev), else the nearest in its window (the
        sentence's source was right 0.63 of the time, the window's 0.50); a content with neither is no one's.
        Quotes found so far that overlap no marked content stay."""
        resolver = SpeakerResolver(entities, text)
        segments = quote_segments(text)
        out: list[Quote] = []
        for marks in windows:
            sources = [m for m in marks if m.label == "SOURCE"]
            cues = [m for m in marks if m.label == "CUE"]
            for m in marks:
                cs, ce = _one_paragraph(text, *_trim(text, m.start, m.end)) if m.label == "CONTENT" else (0, 0)
                if ce - cs < ENCODED_MIN_CHARS:
                    continue
                if any(o.content.start <= cs and ce <= o.content.end for o in out):
                    continue  # a part of a quotation already taken whole (below)
                near = lambda x: _apart(x, cs, ce)  # noqa: E731
                over = [q for q in quotes if q.speaker and _overlap((cs, ce), (q.content.start, q.content.end))]
                words = None
                if over:
                    q = max(over, key=lambda q: _overlap((cs, ce), (q.content.start, q.content.end)))
                    speaker, speaker_span, kind, cue = q.speaker, q.speaker_span, q.speaker_kind, q.cue
                    if q.direct:
                        cs, ce = min(cs, q.content.start), max(ce, q.content.end)
                    # a clause its cue interrupts ("The terminal, the mayor said, would ..."), which the rules
                    # give without the cue
                    cut = q.content_text != text[q.content.start : q.content.end]
                    interrupted = cut and not q.direct and speaker_span and cs < speaker_span.start < ce
                    if interrupted or (cs, ce) == (q.content.start, q.content.end):
                        # the rules' words: a quotation that goes on joined without its "she said", the clause
                        # without the cue
                        cs, ce, words = q.content.start, q.content.end, q.content_text
                elif sources:
                    own = [i for i, (a, z) in enumerate(sentences) if a < ce and cs < z]
                    bounds = (sentences[own[0]][0], sentences[own[-1]][1]) if own else (cs, ce)
                    pool = [x for x in sources if bounds[0] <= x.start < bounds[1]] or sources
                    anchor = min((c for c in cues if bounds[0] <= c.start < bounds[1]), key=near, default=None)
                    src = min(pool, key=(lambda x: _apart(x, anchor.start, anchor.end)) if anchor else near)
                    speaker, kind = resolver.resolve(text[src.start : src.end], src.start, src.end)
                    speaker_span = Span(article_id, src.start, src.end)
                    cue = text[(c := min(cues, key=near)).start : c.end] if cues else ""
                else:
                    continue
                direct = any(_overlap(g, (cs, ce)) >= 0.5 * (ce - cs) for g in segments)
                ends = [(cs, ce)] + ([(speaker_span.start, speaker_span.end)] if speaker_span else [])
                out.append(Quote(Span(article_id, min(a for a, _ in ends), max(z for _, z in ends)), Span(article_id, cs, ce),
                                 words or text[cs:ce], cue, direct, speaker, speaker_span, kind))
        kept = [q for q in quotes if not any(_overlap((q.content.start, q.content.end), (o.content.start, o.content.end)) for o in out)]
        return sorted(kept + out, key=lambda q: q.span.start)

    @staticmethod
    def _signed(text, segments, quotes, resolver, article_id) -> list[Quote]:
        """'"...." ― Ana Ruiz': a quotation signed with a dash and a name, as readers' and epigraph quotes are."""
        out = []
        for seg in segments:
            m = _SIGNED.match(text, seg[1])
            if m is None or any(q.content.start <= seg[0] < q.content.end for q in quotes):
                continue
            speaker, kind = resolver.resolve(m.group(2), *m.span(2))
            out.append(Quote(Span(article_id, seg[0], m.end(2)), Span(article_id, *seg), text[seg[0] : seg[1]], m.group(1),
                             True, speaker, Span(article_id, *m.span(2)), kind))
        return out

    @staticmethod
    def _labelled(text, quotes, resolver, article_id) -> list[Quote]:
        """'PENCE: Well, look, ...' (a transcript) and 'Pence: Flowers won't be at debate' (a headline): a
        paragraph that opens with a speaker's name and a colon is that speaker's words."""
        out = []
        for m in _LABELLED.finditer(text):
            label, (ls, le) = m.group(1), m.span(1)
            cs, ce = _trim(text, m.end(1) + 1, m.end())
            words = text[cs:ce]
            if len(words.split()) < 4 or _CONTACT.search(words) or NOT_SPEAKERS.intersection(label.upper().split()) \
                    or any(q.content.start == cs and q.content.end == ce for q in quotes):
                continue  # "Email: jdoe@...", "Dana Treen: (904) 359-4091": a page's furniture, not speech
            # a transcript's capitals ("WALLACE") or a headline's surname: someone the article names in full
            named = resolver.named(label.title()) if " " not in label else None
            if named is None and label.isupper():
                continue  # "BURGLARY: On Nov. 21, ...": a police blotter's heading
            speaker, kind = named or resolver.resolve(label, ls, le)
            if kind not in ("person", "organisation") or not resolver.named_elsewhere(speaker, ls, le):
                continue  # "NEW DELHI: ..." (a dateline), "Slideshow: ...": no one the article speaks of
            out.append(Quote(Span(article_id, ls, ce), Span(article_id, cs, ce), words, ":", True, speaker,
                             Span(article_id, ls, le), kind))
        return out

    @staticmethod
    def _block_after_colon(text, quotes, resolver, article_id) -> list[Quote]:
        """'Trump lashed out on Twitter, saying:' and then the tweet as its own paragraph, unquoted; 'Full
        statement via Gawker:' and then the post: the paragraph is the words of whom the line before speaks of
        (the person it names, else as "he/she" would be resolved)."""
        out = []
        for m in _BLOCK_INTRO.finditer(text):
            end = text.find("\n\n", m.end())
            cs, ce = _trim(text, m.end(), len(text) if end < 0 else end)
            block = text[cs:ce]
            if not (4 <= len(block.split()) and len(block) <= 1200) or block[:1] in "\"“'‘" or covered(quotes, cs, ce) > 0.3:
                continue  # short, long (a document, not a statement), already quoted or already attributed
            line, sentence = text.rfind("\n", 0, m.start()), text.rfind(". ", 0, m.start())
            intro_start = max(line + 1 if line >= 0 else 0, sentence + 2 if sentence >= 0 else 0)
            people = [e for e in resolver.outside if e.kind == "person" and intro_start <= e.span.start < m.start()]
            if people:
                speaker, kind, where = people[0].canonical, "person", people[0].span
            else:
                speaker, kind = resolver.resolve("he", intro_start, m.start())
                where = Span(article_id, intro_start, m.start())
            if kind != "person":
                continue
            out.append(Quote(Span(article_id, intro_start, ce), Span(article_id, cs, ce), block, ":", True, speaker,
                             Span(article_id, where.start, where.end), kind))
        return out

    def _from_cue(self, tok, sent, off, segments, used, resolver, article_id, text) -> Quote | None:
        according = tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children)
        lemma = CUE_FORMS.get(tok.lower_)
        if not according and not (lemma and tok.tag_.startswith("VB")):
            return None
        at = off + tok.idx
        if any(s0 <= at < s1 for s0, s1 in segments):
            return None  # "I hope" inside a quote belongs to the quote, not to a new speaker
        speaker_tok = None
        if according:
            to = next(c for c in tok.children if c.lower_ == "to")
            speaker_tok, borrowed = next((c for c in to.children if c.dep_ == "pobj"), None), False
        else:
            speaker_tok, borrowed = _subject(tok)
        if speaker_tok is None:
            return None
        sp_start, sp_end = _subtree_span(speaker_tok, off)
        s_start, s_end = off + sent.start_char, off + sent.end_char
        # the content: a clausal complement, else quoted text in this sentence (or right before it)
        content = None
        words = None  # the words said, where the content span also holds the cue
        direct = False
        if according:
            head = tok.head
            cs, ce = _subtree_span(head, off) if head.i != tok.i else (s_start, s_end)
            # the clause minus the "according to X" phrase
            a0, a1 = _subtree_span(tok, off)
            if a0 <= cs:
                cs = a1
            else:
                ce = min(ce, a0)
            content = _trim(text, cs, ce)
        else:
            comp = next((c for c in tok.children if c.dep_ in ("ccomp", "xcomp") and c.i != speaker_tok.i), None)
            clause = comp is not None and comp.dep_ == "ccomp"
            if comp is None and lemma in CUE_LEMMAS:
                # the small parser often hangs the clause said as an adverbial one ("said after the
                # convention he would not accept ..."): a clause with a subject and no "if"/"when" of its own
                comp = next((c for c in tok.children if c.dep_ == "advcl" and c.i > tok.i and c.i != speaker_tok.i
                             and any(g.dep_ == "nsubj" for g in c.children)
                             and not any(g.dep_ == "mark" and g.lower_ != "that" for g in c.children)), None)
                clause = comp is not None
            if clause:
                content = _trim(text, *_clause_span(comp, off))
            # a passage that ends just before this sentence is its speaker's only when the attribution opens
            # the sentence ('"...." Jones said.'), not when a cue deep in it has a subject of its own
            opens = min(sp_start, at) - s_start <= 2
            seg = _segment_near(segments, s_start, s_end, at, text if opens else None)
            other = None if content is not None else _other_content(tok, comp, lemma, off, text)
            if other is not None and borrowed and lemma not in STRONG_CUES:
                # a borrowed subject says a clause or a quotation: "Police left, saying ..." but not
                # "Police arrived, finding the bodies" or "..., offering $10,000 for information"
                other = None
            if content is None and seg is not None and other is not None and _mixed(seg, other[0]):
                content, words = other  # a quoted phrase inside what is attributed ('a "use it or lose it" approach')
                used.add(seg)
            elif seg is not None and content is not None and _mixed(seg, content):
                used.add(seg)  # a quoted phrase inside the clause said ('said that her "only experience" was ...')
            elif seg is not None and (content is None or _overlap(seg, content) > 0.3 * (content[1] - content[0])):
                content, direct = seg, True
                used.add(seg)
            elif content is None and other is not None:
                content, words = other
        if content is None or content[1] - content[0] < 8:
            return None
        if not direct:
            direct = any(_overlap(s, content) >= 0.5 * (content[1] - content[0]) for s in segments) \
                or _wrapped(text, *content)
        speaker_words = text[sp_start:sp_end]
        speaker, kind = resolver.resolve(speaker_words, sp_start, sp_end)
        cue = "according to" if according else tok.text
        lo = min(content[0], sp_start, at)
        hi = max(content[1], sp_end, at + len(tok.text))
        return Quote(Span(article_id, lo, hi), Span(article_id, *content), words or text[content[0] : content[1]], cue, direct,
                     speaker, Span(article_id, sp_start, sp_end), kind)


def _other_content(tok, comp, lemma, off: int, text: str) -> tuple[tuple[int, int], str | None] | None:
    """What a cue with no clause said attributes, and its words where the span also holds the cue."""
    if tok.dep_ == "parataxis":
        # "At the time, she said, Grayson was trying ...": the clause the cue interrupts or closes
        a0, a1 = _subtree_span(tok, off)
        cs, ce = _subtree_span(tok.head, off)
        words = " ".join(text[x:y] for x, y in (_trim(text, cs, a0), _trim(text, a1, ce)) if y > x)
        return _trim(text, cs, ce), words
    if comp is not None and lemma not in STRONG_CUES:
        return _trim(text, *_clause_span(comp, off)), None
    # "endorsed Clinton", "talked about the economy": the object is what is attributed
    obj = next((c for c in tok.children if c.dep_ in ("dobj", "attr")), None)
    if obj is None:
        prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("about", "of", "on", "for")), None)
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    if obj is None:
        return None
    # with what the verb says of it: "called the charges unsubstantiated", "accused the GOP of stoking"
    rest = [c for c in tok.children if c.i > obj.i and c.dep_ in OBJECT_COMPLEMENTS]
    o0, o1 = _subtree_span(obj, off)
    return _trim(text, o0, max([o1] + [_subtree_span(c, off)[1] for c in rest])), None


def _apart(mark, start: int, end: int) -> int:
    """How far a mark lies from the span [start, end): from its start to the span's end or from the span's
    start to its end, the nearer."""
    return min(abs(mark.start - end), abs(start - mark.end))


def _one_paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The longest paragraph's part of start..end: a content the encoder marks across a paragraph break mostly
    runs on into the next one's words ('... very difficult."' then '"Nobody should sail'). A quotation the
    rules found over paragraphs is taken whole after this."""
    if "\n" not in text[start:end]:
        return start, end
    parts, at = [], start
    for line in text[start:end].split("\n"):
        parts.append(_trim(text, at, at + len(line)))
        at += len(line) + 1
    return max(parts, key=lambda p: p[1] - p[0])


def _wrapped(text: str, start: int, end: int) -> bool:
    """Whether a clause said stands between quotation marks ('"It's heartbreaking," Ryan said'): a quotation
    too short to be a passage of its own (quote_segments wants four words) but the speaker's words."""
    return text[start - 1 : start] in OPENING_MARKS and text[end : end + 2].lstrip(",.!?")[:1] in CLOSING_MARKS


def _mixed(seg: tuple[int, int], content: tuple[int, int]) -> bool:
    """Whether a quoted passage is a phrase inside the content rather than the content. The passage may
    end a character after the clause: the full stop inside the marks ('that "... good night."'), which the
    parse hangs on the main verb."""
    return content[0] <= seg[0] and seg[1] <= content[1] + 1 and seg[1] - seg[0] < MIXED * (content[1] - content[0])


def _between_quotes(gap: str) -> str:
    """The text between two quoted passages without the marks that close the first and open the second."""
    return gap.strip().strip("\"“”«»„'`").strip()


# what a verb says of its object belongs to the content ("called the charges unsubstantiated"); a
# coordinated verb ("... and left") does not
OBJECT_COMPLEMENTS = frozenset("oprd prep dative xcomp ccomp acomp".split())


def _quoted(part: str) -> bool:
    """Whether a stretch of text holds a quotation mark."""
    return any(q in part for q in "\"“”«»„") or "''" in part


def _subject(tok) -> tuple[object | None, bool]:
    """Who a cue verb's words are, and whether the cue borrows them: its subject (the agent of a
    passive), else, for a cue with no subject of its own, the subject of the verb it hangs from ("X
    arrived and said ...", "X left, saying ...", "X began by saying ...") or the noun it qualifies ("a
    statement saying ...")."""
    cue = tok
    for _ in range(3):
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and subj.dep_ == "nsubjpass":
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            subj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            return subj, subj is not None and tok.i != cue.i
        if subj is not None:
            return subj, tok.i != cue.i
        if tok.dep_ == "acl" and tok.head.tag_[:2] in ("NN", "PR") and any(c.dep_ == "ccomp" for c in tok.children):
            # (tags, not pos_: the attribute ruler is off; a clause said, not "a bill seeking funds")
            return tok.head, True
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep":
            tok = tok.head.head
        elif tok.dep_ in ("conj", "advcl", "xcomp") and tok.head.i != tok.i:
            tok = tok.head
        else:
            return None, False
    return None, False


def _one_each(quotes: list[Quote]) -> list[Quote]:
    """One quote for each stretch of words: "when pressed, she replied, '...'" gives two cues the same
    speaker and content, and "Mulgrew said he hopes ... that '...'" two cues and speakers one quotation
    (both his); a speech verb ("replied", "said") is kept over another cue ("pressed", "hopes"), else the
    first."""

    def speech(q: Quote) -> tuple[bool, bool]:
        lemma = CUE_FORMS.get(q.cue.lower())
        return lemma in STRONG_CUES, lemma in CUE_LEMMAS

    best: dict[tuple, Quote] = {}
    for q in quotes:
        key = (q.content.start, q.content.end)
        if key not in best or speech(q) > speech(best[key]):
            best[key] = q
    return sorted(best.values(), key=lambda q: q.span.start)


def _outermost(quotes: list[Quote]) -> list[Quote]:
    """Without the quotes whose content lies inside another's: in "Clinton said she thinks America is
    strongest ..." the words are Clinton's "she thinks ...", not "America is strongest ..." on its own, and
    in "Grassley said developers had drawn the areas by adding a few low-income communities" nobody said
    "a few low-income communities" (PolNeAR dev: 161 such quotes, 29 annotated). A person's speech that
    someone else reports stays ("Stone told Credico he should ..., the indictment said")."""
    def inside(q: Quote, o: Quote) -> bool:
        return o.content.start <= q.content.start and q.content.end <= o.content.end \
            and o.content.end - o.content.start > q.content.end - q.content.start

    return [q for q in quotes if not any(
        inside(q, o) and not (q.speaker_kind == "person" and q.speaker != o.speaker) for o in quotes)]


def _clause_span(comp, off: int) -> tuple[int, int]:
    """A clause said, up to a coordinated clause that is someone's new attribution ("She said A would
    apply, and when pressed, the mother of three replied, ..."): that one is not her words."""
    start, end = _subtree_span(comp, off)
    for t in comp.subtree:
        if t.dep_ == "conj" and t.i > comp.i and CUE_FORMS.get(t.lower_) and t.tag_.startswith("VB") \
                and any(c.dep_ == "nsubj" for c in t.children):
            cut = comp.doc[t.left_edge.i - 1]  # (t's subtree starts after comp: a projective parse)
            while cut.i > comp.left_edge.i and cut.dep_ in ("cc", "punct"):
                cut = comp.doc[cut.i - 1]  # without the ", and" that joins them
            return start, min(end, off + cut.idx + len(cut.text))
    return start, end


def _subtree_span(tok, off: int = 0) -> tuple[int, int]:
    left, right = tok.left_edge, tok.right_edge
    return off + left.idx, off + right.idx + len(right.text)


def _cue_forms() -> dict[str, str]:
    """Inflected form -> cue lemma. Matching forms spares spaCy's lemmatizer and attribute ruler,
    a third of the parse time."""
    irregular = {"say": "said says saying", "tell": "told tells telling", "write": "wrote written writes writing",
                 "think": "thought thinks thinking", "know": "knew known knows", "feel": "felt feels",
                 "find": "found finds", "show": "showed shown shows", "deny": "denied denies", "reply": "replied replies",
                 "testify": "testified testifies", "concede": "conceded concedes", "argue": "argued argues arguing",
                 "believe": "believed believes believing", "hope": "hoped hopes hoping", "declare": "declared declares",
                 "vow": "vowed vows", "charge": "charged charges", "caution": "cautioned cautions"}
    forms: dict[str, str] = {}
    for lemma in CUE_LEMMAS:
        stem = lemma[:-1] if lemma.endswith("e") else lemma
        for f in (lemma, lemma + "s", stem + "ed", stem + "ing", lemma + "es", lemma + "d"):
            forms.setdefault(f, lemma)
        for f in irregular.get(lemma, "").split():
            forms[f] = lemma
    return forms


def _learned_forms() -> dict[str, str]:
    """Cue word forms learned from PolNeAR's train part (newsprism/train/cues.py); each is its own lemma."""
    from importlib import resources

    try:
        lines = (resources.files("newsprism.extract") / "cues_en.txt").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return {}
    return {w: w for w in (line.split("\t")[0].strip() for line in lines if line and not line.startswith("#")) if w}


CUE_FORMS = {**_learned_forms(), **_cue_forms()}


def may_attribute(sentence: str) -> bool:
    """Whether a sentence can hold an attribution (a cue word or a quotation mark): only those get
    the dependency parse, which is most of the extraction's cost."""
    if _quoted(sentence):
        return True
    return "according" in sentence or any(w in CUE_FORMS for w in re.findall(r"[a-z]+", sentence.lower()))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Without the punctuation, quote marks and "that" at its edges."""
    while start < end and (text[start] in " \t\n,;:\"“”'‘’" or text[start : start + 5].lower() == "that "):
        start += 5 if text[start : start + 5].lower() == "that " else 1
    while end > start and text[end - 1] in " \t\n,;:.\"“”'‘’":
        end -= 1
    return start, end


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def covered(quotes: list[Quote], start: int, end: int) -> float:
    """The share of start..end inside the quotes' contents (contents may overlap: an upper bound)."""
    inside = sum(_overlap((start, end), (q.content.start, q.content.end)) for q in quotes)
    return min(1.0, inside / max(1, end - start))


def _segment_near(segments, s0: int, s1: int, cue_at: int, text: str | None = None) -> tuple[int, int] | None:
    """The quoted passage this cue introduces or closes: in its sentence, or (given the ``text``) ending
    just before it in the same paragraph."""
    best = None
    for seg in segments:
        inside = seg[0] < s1 and seg[1] > s0
        just_before = text is not None and 0 <= s0 - seg[1] <= 3 and "\n" not in text[seg[1] : s0]
        if inside or just_before:
            if best is None or abs(seg[1] - cue_at) < abs(best[1] - cue_at):
                best = seg
    return best


# --- Chinese -------------------------------------------------------------------------------------

ZH_CUES = "表示|说|指出|称|强调|认为|透露|介绍|坦言|警告|呼吁|宣布|回应|提到|告诉"
_ZH_DIRECT = re.compile(rf"({ZH_CUES})[：:，,]?\s*“([^”]{{4,}})”")
_ZH_INDIRECT = re.compile(rf"({ZH_CUES})[：:，,]\s*([^“。！？]{{6,}}[。！？])")


_ZH_NAME_CHAR = re.compile(f"[{HAN}·]")
_ZH_TITLE_END = set("长人理统席官使员家任记裁士授师部的在和与据对向说表")  # 部长, 发言人, 总理, 总统, 主席 … end a title


class ChineseQuotes:
    def find(self, text: str, article_id: str, entities: list[Entity]) -> list[Quote]:
        out = []
        for pattern, direct in ((_ZH_DIRECT, True), (_ZH_INDIRECT, False)):
            for m in pattern.finditer(text):
                cs, ce = m.span(2)
                if any(q.content.start <= cs < q.content.end for q in out):
                    continue
                clause_start = max(text.rfind(c, 0, m.start()) for c in "。！？\n") + 1
                speakers = [e for e in entities if clause_start <= e.span.start and e.span.end <= m.start()
                            and e.kind in ("person", "organisation")]
                if not speakers:
                    continue
                sp = next((e for e in reversed(speakers) if e.kind == "person"), speakers[-1])
                name, span = sp.canonical, sp.span
                if sp.kind == "person" and len(sp.text) == 1:
                    # jiagu sometimes tags only the last character of a transliterated name ("卫生部长穆奇马说"
                    # gives 马): the name runs back to the title before it
                    start = span.start
                    while start > clause_start and span.end - start < 6 and _ZH_NAME_CHAR.match(text[start - 1]) \
                            and text[start - 1] not in _ZH_TITLE_END:
                        start -= 1
                    name, span = gloss(text[start : span.end], "person"), Span(article_id, start, span.end)
                out.append(Quote(Span(article_id, span.start, m.end()), Span(article_id, cs, ce), text[cs:ce],
                                 m.group(1), direct, name, span, sp.kind))
        out.sort(key=lambda q: q.span.start)
        return out


_EU_CUES = {
    "es": "dijo|afirmó|declaró|señaló|explicó|añadió|indicó|aseguró|advirtió|sostuvo",
    "pt": "disse|afirmou|declarou|explicou|acrescentou|garantiu",
    "fr": "a déclaré|a dit|a affirmé|a expliqué|a ajouté|a assuré|déclare|affirme|explique",
    "de": "sagte|erklärte|betonte|sagt|erklärt|so",
    "it": "ha detto|ha dichiarato|ha spiegato|ha affermato|ha aggiunto",
}
_CAP = r"[A-ZÁÉÍÓÚÑÖÄÜÀÈÌÒÙÇÂÊÎÔÛ][\w'’-]+"
_NAME = rf"{_CAP}(?:\s+(?:(?:de|del|da|van|von|di|la|le)\s+)?{_CAP}){{1,3}}"


class EuropeanQuotes:
    """Direct quotes in Spanish, Portuguese, French, German and Italian without a parser: a quoted
    passage followed by a speech verb and a name ('"…", declaró la gobernadora de Arequipa, Lucía
    Paredes'; '„…“, sagte Vorstandschefin Katrin Albers'). Indirect speech needs a parser and is left out."""

    def __init__(self, lang: str) -> None:
        self.after = re.compile(rf"\s*,?\s*({_EU_CUES[lang]})\b([^.!?\n«»“”\"„]{{0,90}})")
        self.name = re.compile(_NAME)
        self.german = lang == "de"

    def find(self, text: str, article_id: str) -> list[Quote]:
        out = []
        for cs, ce in quote_segments(text):
            m = self.after.match(text, ce + 1)
            # the last name after the verb: "dijo el portavoz de la Guardia Costera, Ramon Delgado"
            names = list(self.name.finditer(text, m.start(2), m.end(2))) if m else []
            if not names:
                continue
            start, end = names[-1].span()
            words = text[start:end].split()
            if self.german and len([w for w in words if w[:1].isupper()]) >= 3:
                start += len(words[0]) + 1  # "Vorstandschefin Katrin Albers": a German role noun, not a name
            out.append(Quote(Span(article_id, cs - 1, end), Span(article_id, cs, ce), text[cs:ce], m.group(1), True,
                             text[start:end], Span(article_id, start, end), "person"))
        return out


# Verbs of saying by lemma, for the European languages a spaCy pipeline parses (Universal Dependencies
# labels: nsubj, ccomp, case); "selon X, ..." and its kin attribute the clause they open or close.
_EU_SAY = {
    "fr": """dire déclarer affirmer annoncer expliquer indiquer ajouter souligner estimer assurer préciser confirmer
             rappeler avertir répondre raconter admettre reconnaître insister juger dénoncer promettre prévenir
             signaler démentir nier confier lancer marteler regretter communiquer exhorter tweeter écrire""",
    "es": """decir declarar afirmar anunciar explicar indicar añadir agregar señalar asegurar precisar confirmar recordar
             advertir responder reconocer insistir subrayar destacar considerar denunciar prometer negar manifestar
             sostener comentar apuntar informar revelar admitir sintetizar resaltar escribir""",
    "de": """sagen erklären betonen ankündigen mitteilen berichten hinzufügen warnen versichern bestätigen meinen
             kritisieren fordern antworten unterstreichen einräumen""",
    "it": """dire dichiarare affermare annunciare spiegare sottolineare aggiungere assicurare precisare confermare
             ricordare avvertire rispondere riconoscere""",
    "pt": """dizer declarar afirmar anunciar explicar indicar acrescentar sublinhar assegurar garantir confirmar lembrar
             advertir responder reconhecer destacar ressaltar""",
}
_EU_SAY_LEMMAS = {lang: frozenset(words.split()) for lang, words in _EU_SAY.items()}
_OF = re.compile(r"(?:\b(?:de|du|des|del|von|di|da|do)|\bd['’])\s*$", re.I)  # "de Biden": a name some other noun hangs on
_EU_URGE = frozenset("exhorter appeler demander inviter pedir exigir instar llamar auffordern".split())
_EU_ACCORDING = {"fr": ("selon", "d'après"), "es": ("según",), "de": ("laut", "zufolge"), "it": ("secondo",),
                 "pt": ("segundo", "conforme")}
_EU_PRONOUNS = frozenset("il elle ils elles él ella ellos ellas er sie lui lei ele ela eles elas".split())
_EU_RELATIVE = frozenset("qui que quien quienes que cual lequel laquelle lesquels der die das welcher welche".split())
_EU_ROLES = frozenset("""ministre président présidente porte-parole maire bourgmestre gouverneur directeur directrice
    ministro ministra presidente portavoz alcalde alcaldesa gobernador gobernadora director directora
    minister präsident präsidentin sprecher sprecherin bürgermeister bürgermeisterin""".split())


class ParsedEuropeanQuotes:
    """Speech in a European language a spaCy pipeline parses (French and Spanish by default; German,
    Italian or Portuguese where a pipeline for them is installed and configured): the direct quotes of
    ``EuropeanQuotes`` and, from the parse, indirect speech: a verb of saying with a subject and a clausal
    complement ("Le ministre a déclaré que le réseau serait rétabli"), or a clause "according to" someone
    ("Según la policía, ..."). The speaker is the person the subject names (the article's entities give
    the canonical name), a role word the person the article names with it ("le bourgmestre" -> Philippe
    Close), a pronoun the last person quoted before it; else the words used ("la policía")."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.say = _EU_SAY_LEMMAS.get(lang, frozenset())
        self.according = _EU_ACCORDING.get(lang, ())
        self.rules = EuropeanQuotes(lang) if lang in _EU_CUES else None

    def find(self, text: str, doc, article_id: str, entities: list[Entity]) -> list[Quote]:
        quotes = self.rules.find(text, article_id) if self.rules else []
        if doc is None:
            return quotes
        segments = quote_segments(text)
        people = sorted((e for e in entities if e.kind == "person"), key=lambda e: e.span.start)
        for q in quotes:
            # the rules' speaker as the parse's entities name them: the first person named after the cue, in its
            # sentence ('"...", dijo Kelsey, que es bombero, a The Journal Gazette'; "Paredes" -> "Lucía Paredes")
            end = min((m.start() for m in re.finditer(r"[.!?\n]", text[q.content.end + 2 : q.content.end + 160])), default=158)
            named = [e for e in people if q.content.end < e.span.start <= q.content.end + 2 + end]
            if named:
                q.speaker, q.speaker_span, q.speaker_kind = named[0].canonical, named[0].span, "person"
        spoke: list[tuple[int, str]] = [(q.span.start, q.speaker) for q in quotes if q.speaker]
        found: list[Quote] = []
        for tok, ((cs, ce), head, cue) in ((t, a) for t in doc for a in self._attributions(t, text, segments)):
            ss, se = _trim(text, *_subtree_span(head)) if head.i != tok.i else (tok.idx, tok.idx)
            if tok.dep_ == "case":
                ss = max(ss, tok.idx + len(tok.text) + 1)  # "según la policía": the source without "según"
            if ce - cs < 8 or any(_overlap((cs, ce), (q.content.start, q.content.end)) for q in quotes + found):
                continue
            speaker, kind = self._speaker(text, head, ss, se, people, entities, spoke)
            if speaker is None:
                continue
            found.append(_attributed(text, segments, article_id, (cs, ce), (ss, se), cue, speaker, kind))
            if kind == "person":
                spoke.append((ss, speaker))
        # '"…", dijo. "No creo que festejen tanto"': a passage right after an attribution's cue goes on with its words
        for g in segments:
            said = quotes + found
            if any(_overlap(g, (q.content.start, q.content.end)) for q in said):
                continue
            prev = [q for q in said if q.speaker and 0 <= g[0] - q.content.end <= 24 and q.cue in text[q.content.end : g[0]]
                    and "\n" not in text[q.content.end : g[0]]]
            if prev:
                q = prev[-1]
                found.append(Quote(Span(article_id, g[0], g[1]), Span(article_id, *g), text[g[0] : g[1]], q.cue, True,
                                   q.speaker, q.speaker_span, q.speaker_kind))
        return sorted(quotes + found, key=lambda q: q.span.start)

    def _attributions(self, tok, text, segments):
        """(content span, the speaker's head token, cue) of each attribution this token makes."""
        if any(s0 <= tok.idx < s1 for s0, s1 in segments):
            return []  # a verb of saying inside a quotation is the quoted speaker's, not a new attribution
        if tok.lower_ in self.according and tok.dep_ == "case":
            return [x for x in [self._according(tok, text)] if x is not None]
        return self._said(tok, text, segments)

    @staticmethod
    def _according(tok, text):
        """"Según la policía, ..." / "... selon le ministère": the clause the phrase hangs from, without it."""
        source = tok.head
        clause = source.head
        if clause.i == source.i or source.dep_ not in ("obl", "obl:mod", "nmod", "advmod", "obl:arg") \
                or source.lower_ in _EU_RELATIVE:
            return None  # ("un argument selon lequel ...": a claim's content, no one's words)
        cs, ce = _subtree_span(clause)
        a0, a1 = _subtree_span(source)
        a0 = min(a0, tok.idx)
        cs, ce = (a1, ce) if a0 <= cs else (cs, a0)
        return _trim(text, cs, ce), source, tok.text

    def _said(self, tok, text, segments):
        """A verb of saying: its clause ("a déclaré que ..."), the quotation its colon opens, what it urged,
        or, after a comma, what its sentence said before it (an incise)."""
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in self.say:
            return []
        if any(c.lower_ in ("se", "s'", "s’") for c in tok.children):
            return []  # "se dijo que ..." (said by no one in particular), "s'assurer que ..." (no speech)
        # (a paragraph break is no subject; of two, "la préfète" and "Fabienne Buccio", the name)
        subjects = [c for c in tok.children if c.dep_ == "nsubj" and not c.is_space]
        subj = max(subjects, key=lambda c: c.pos_ == "PROPN") if subjects else None
        comp = next((c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i), None)
        if subj is None and comp is not None and tok.dep_ == "conj" and tok.head.i < tok.i:
            # "Netflix les dio un regalo ... y anunció que ...": the subject of the verb it is joined to
            subj = next((c for c in tok.head.children if c.dep_ == "nsubj" and c.i < tok.head.i), None)
        out = []
        quoted = self._after_colon(tok, text, segments)
        if quoted is not None:  # "X a déclaré : « ... »", "les dirigeants ont écrit : « ... »"
            out.append((quoted, subj or tok, tok.text))
        if comp is not None and quoted is None:
            cs, ce = _subtree_span(comp)
            nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
            if nxt is not None and nxt.lower_ in ("que", "qu'", "qu’") and nxt.idx <= cs:
                cs = nxt.idx + len(nxt.text)  # the whole clause after "que", where the parse cut it short
            # (no subject at all: a subject left unsaid, "resaltó que ...": the verb stands for it)
            out.append((_trim(text, cs, ce), subj or tok, tok.text))
        elif subj is not None and subj.i < tok.i:
            # "X a exhorté le gouvernement à prendre ...": what X urged, from its object to its complement
            urged = [c for c in tok.children if c.i > tok.i and c.dep_ in ("obj", "xcomp")]
            if tok.lemma_.lower() in _EU_URGE and any(c.dep_ == "xcomp" for c in urged):
                out.append((_trim(text, _subtree_span(urged[0])[0], _subtree_span(urged[-1])[1]), subj, tok.text))
        else:  # (a subject before the verb: no incise closing what came before)
            incise = self._incise(tok, text, subj)
            if incise is not None:
                out.append(incise)
        return out

    @staticmethod
    def _after_colon(tok, text, segments) -> tuple[int, int] | None:
        """The quotation a colon opens right after the verb (or its object: "a publié la déclaration
        suivante : « ... »"): its passage, or, where its marks do not pair, the rest of the sentence."""
        colon = next((t for t in tok.doc[tok.i + 1 : min(tok.i + 8, tok.sent.end)] if t.text == ":"), None)
        if colon is None or any(t.text in "«»“”\"" for t in tok.doc[tok.i + 1 : colon.i]):
            return None
        after = colon.idx + 1 + len(text[colon.idx + 1 :]) - len(text[colon.idx + 1 :].lstrip())
        seg = next((g for g in segments if 0 <= g[0] - after <= 2), None)
        if seg is not None:
            return _trim(text, *seg)
        if after < len(text) and text[after] in "«“\"":
            end = text.find("\n", after)  # (its marks unpaired: to the end of the paragraph)
            return _trim(text, after + 1, len(text) if end < 0 else end)
        return None

    @staticmethod
    def _incise(tok, text, subj):
        """'Certains habitants ont pu retourner dans leur logement, a-t-il précisé' / 'El número se redujo a
        tres, dijo Hettema' / '..., informaron las autoridades': the verb of saying after a comma closes what
        its sentence said before it; the speaker comes after the verb (a pronoun, or nobody: the last speaker)."""
        sent = tok.sent
        i = tok.i - 1
        while i > sent.start and (tok.doc[i].dep_.startswith("aux") or tok.doc[i].dep_ == "expl:subj"
                                  or tok.doc[i].lower_ in ("-t", "-il", "-elle", "-ils", "-elles")):
            i -= 1
        if i <= sent.start or tok.doc[i].text != ",":
            return None
        start, comma = sent.start_char, tok.doc[i].idx
        if text[:comma].rstrip()[-1:] in ("»", "”", '"'):
            # '"Notre pays ... aux historiens », a déclaré Borissov': a quotation of several sentences, its marks
            # unpaired, runs back to its opening mark (within its paragraph)
            closing = len(text[:comma].rstrip()) - 1
            floor = max(text.rfind("\n\n", 0, closing), closing - 1500)
            opening = max(text.rfind(m, floor, closing) for m in "«“\"")
            if opening > floor:
                start = min(start, opening + 1)
        else:
            colon = text.rfind(":", start, comma)  # "… in Berlin: …, said X": after the colon
            if colon > start:
                start = colon + 1
        cs, ce = _trim(text, start, comma)
        if len(text[cs:ce].split()) < 3:
            return None
        after = [c for c in tok.children if c.i > tok.i]
        head = subj if subj is not None and subj.i > tok.i else None
        if head is None:  # a subject after its verb is often parsed as its object or complement ("ont expliqué des médecins")
            nouns = [c for c in after if c.pos_ in ("PROPN", "NOUN")]
            head = next((c for c in nouns if c.dep_ in ("obj", "xcomp", "appos", "nmod")), None) \
                or next((c for c in nouns if c.pos_ == "PROPN"), None)
        if head is None:  # "a-t-il précisé", "dijo.": the pronoun, or the verb itself (a subject left unsaid)
            head = next((t for t in tok.doc[i + 1 : tok.i] if t.lower_ in ("-il", "-elle")), tok)
        return (cs, ce), head, tok.text

    def _speaker(self, text, head, ss, se, people, entities, spoke) -> tuple[str | None, str | None]:
        """The speaker the head word of a subject or source names: the entity it is part of (not one its
        modifiers name: "un assistant de Biden" is not Biden), a person by a role word, a pronoun's antecedent."""
        at = head.idx
        if head.pos_ in ("VERB", "AUX"):  # a subject left unsaid ("..., dijo."): as a pronoun, with no words of its own
            ss = se = at
        else:
            # the person the subject names: itself, or a name in apposition ("le bourgmestre ..., Philippe Close")
            own = [e for e in entities if e.span.start <= at < e.span.end]
            if not own and head.pos_ in ("NOUN", "PROPN"):
                # a person the subject names beside its noun ("la préfète Fabienne Buccio", "le maire de la ville,
                # Grégory Doucet"), not one a "de" phrase names ("un assistant de Biden" is not Biden)
                own = [e for e in people if ss <= e.span.start < se and not _OF.search(text[ss : e.span.start])]
            if own:
                return own[-1].canonical, own[-1].kind
        word = head.lower_.lstrip("-")
        if head.pos_ in ("VERB", "AUX") or word in _EU_PRONOUNS:
            said = [name for pos, name in spoke if pos < ss and ss - pos <= SPEAKER_SPAN]
            if said:
                return said[-1], "person"
            before = [e for e in people if e.span.end <= ss]
            return (before[-1].canonical, "person") if before else (None, None)
        if word in _EU_RELATIVE and head.head.dep_.startswith("acl"):
            # "Rob Handfield, qui expliquera ...": the noun the relative clause hangs from
            antecedent = head.head.head
            return self._speaker(text, antecedent, *_subtree_span(antecedent), people, entities, spoke) \
                if antecedent.i != head.i else (None, None)
        if head.pos_ == "PRON":
            return None, None  # "selon lequel", "ce qui": no one
        if word in _EU_ROLES:
            # the person the article names beside this role word ("le bourgmestre Philippe Close")
            near = [e for e in people if word in text[max(0, e.span.start - 40) : e.span.end + 40].lower()]
            if near:
                return min(near, key=lambda e: abs(e.span.start - at)).canonical, "person"
        words = text[ss:se]
        if not words or len(words.split()) > 8:
            return None, None  # a whole clause as subject is a misparse, not a speaker
        return words, None  # "la policía", "un assistant de Biden": the words used


_DE_PRONOUNS = frozenset("er sie".split())


def _attributed(text, segments, article_id, content, where, cue, speaker, kind) -> Quote:
    """A quote from its content span and its speaker's span; direct where a quotation covers half of it."""
    (cs, ce), (ss, se) = content, where
    direct = any(_overlap(g, (cs, ce)) >= 0.5 * (ce - cs) for g in segments)
    return Quote(Span(article_id, min(cs, ss), max(ce, se)), Span(article_id, cs, ce), text[cs:ce], cue, direct, speaker,
                 Span(article_id, ss, se), kind)


def _going_on(text, segments, quotes, sentences, article_id) -> list[Quote]:
    """A quotation that opens the sentence right after one with a speaker's quotation, and has no
    attribution of its own, goes on with that speaker's words ('"Wir müssen ... verdauen", sagte Trepoll
    über 11,2 Prozent. "Die wahrscheinlichste Rolle ..."')."""
    out: list[Quote] = []
    starts = [w[0][0] for w in sentences if w]
    for g in segments:
        if any(_overlap(g, (q.content.start, q.content.end)) for q in quotes + out):
            continue
        opening = next((i for i, st in enumerate(starts) if 0 <= g[0] - st <= 2), None)
        if not opening:
            continue
        before = [q for q in quotes + out if q.direct and q.speaker and starts[opening - 1] <= q.content.start < starts[opening]
                  and "\n" not in text[q.span.end : g[0]]]
        if before:
            q = before[-1]
            out.append(Quote(Span(article_id, *g), Span(article_id, *g), text[g[0] : g[1]], q.cue, True, q.speaker,
                             q.speaker_span, q.speaker_kind))
    return out


class GermanSpeech:
    """Speech in German without a German spaCy pipeline, over the Hanover tagger's words and lemmas
    (entities.tag_german): the direct quotes of ``EuropeanQuotes`` and attributions by their shape,
    - an incise: "Die Regierung werde die Hilfen verlängern, sagte Scholz." / "..., so Müller.";
    - a subject, a verb of saying and a comma or colon: "Merkel betonte, es gebe keine Alternative.",
      "Scholz sagte: „...“";
    - "laut X", "nach Angaben X" and "X zufolge": "Laut Polizei wurden drei Menschen verletzt.";
    - ", wie X mitteilte": "Drei Surfer wurden tot geborgen, wie die Polizei mitteilte.";
    - "Das sagte X": the sentence before it is X's;
    - a quotation that opens the sentence after one of X's quotations goes on with X's words.
    The speaker is the person named there (the entities' canonical name), a pronoun the last person quoted
    before it, else the words used ("die Polizei")."""

    def __init__(self) -> None:
        self.rules = EuropeanQuotes("de")
        self.say = _EU_SAY_LEMMAS["de"]

    def find(self, text: str, sentences, article_id: str, entities: list[Entity]) -> list[Quote]:
        quotes = self.rules.find(text, article_id)
        segments = quote_segments(text)
        people = [e for e in entities if e.kind == "person"]
        spoke = [(q.span.start, q.speaker) for q in quotes if q.speaker]
        previous = None
        for words in sentences:
            found = list(self._attributions(text, words, segments))
            if previous and len(words) > 2 and words[0][2].lower() in ("das", "dies") and words[1][3] in self.say:
                found.append(((previous[0][0], previous[-1][1]), words[2:], words[1][2]))  # "Das sagte Kogler der Zeitung."
            previous = words
            for content, who, cue in found:
                cs, ce = _trim(text, *content)
                if ce - cs < 8 or any(_overlap((cs, ce), (q.content.start, q.content.end)) for q in quotes):
                    continue
                speaker, kind, ss, se = self._speaker(text, who, people, spoke)
                if speaker is None:
                    continue
                quotes.append(_attributed(text, segments, article_id, (cs, ce), (ss, se), cue, speaker, kind))
                if kind == "person":
                    spoke.append((ss, speaker))
        return sorted(quotes + _going_on(text, segments, quotes, sentences, article_id), key=lambda q: q.span.start)

    def _attributions(self, text, words, segments):
        """(content span, speaker words, cue) of each attribution in one sentence's tagged words."""
        if not words:
            return
        s_start, s_end = words[0][0], words[-1][1]
        for k, (ws, we, w, lemma, tag) in enumerate(words):
            if any(g0 <= ws < g1 for g0, g1 in segments):
                continue  # inside a quotation: the quoted speaker's words
            low = w.lower()
            if low == "laut" and tag == "APPR" and k + 1 < len(words):
                # "Laut Polizei wurden ...": the source up to the finite verb, the rest is what it says
                end = next((i for i in range(k + 1, len(words)) if words[i][4].endswith("(FIN)") or words[i][2] == ","), None)
                if end is not None and end > k + 1:
                    rest = end + 1 if words[end][2] == "," else end
                    # (inside its clause, "Die Personen werden laut der Polizei vernommen": the whole clause)
                    content = (words[rest][0], s_end) if k == 0 else (s_start, s_end)
                    yield content, words[k + 1 : end], w
                continue
            if low == "angaben" and k > 0 and words[k - 1][2].lower() == "nach" and k + 1 < len(words):
                # "Mindestens sieben konnten nach Angaben der Küstenwache nicht ...": the source to a verb or a comma
                end = next((i for i in range(k + 1, len(words)) if words[i][4] not in ("ART", "NN", "NE", "ADJ(A)", "APPR", "APPRART")), len(words))
                if end > k + 1:
                    yield ((words[end][0], s_end) if k == 1 and end < len(words) else (s_start, s_end)), words[k + 1 : end], "nach Angaben"
                continue
            if low == "wie" and k > 0 and words[k - 1][2] == ",":
                # "..., wie die Polizei mitteilte": the verb of saying ends the clause, what came before is said
                verb = next((i for i in range(k + 1, min(k + 10, len(words))) if words[i][3] in self.say), None)
                if verb is not None and verb > k + 1 and (verb + 1 == len(words) or words[verb + 1][2] in (".", ",", "!")):
                    yield (s_start, words[k - 1][0]), words[k + 1 : verb], words[verb][2]
                continue
            if low == "zufolge" and k > 0:
                start = max((i + 1 for i in range(k) if words[i][2] in (",", "(")), default=0)
                after = k + 1 + (k + 1 < len(words) and words[k + 1][2] == ",")
                if k + 1 < len(words):
                    yield (words[min(after, len(words) - 1)][0], s_end), words[start:k], w
                continue
            separable = lemma == "teilen" and any(x[2] == "mit" and x[4] == "PTKVZ" for x in words[k + 1 :])  # "teilte ... mit"
            if not ((lemma.lower() in self.say or separable) and tag.startswith("VV")) \
                    and not (low == "so" and k > 0 and words[k - 1][2] == ","):
                continue
            if k > 0 and words[k - 1][2] == ",":
                # an incise closes what came before it, from the sentence's start or its quotation's opening mark
                start = s_start
                closing = text[:words[k - 1][0]].rstrip()
                if closing[-1:] in ("“", "”", '"', "»", "«"):
                    opening = max(text.rfind(m, max(0, s_start - 1500), len(closing) - 1) for m in "„“\"»«")
                    start = min(start, opening + 1) if opening >= 0 else start
                who = words[k + 1 :]
                if separable:
                    who = who[: next(i for i, x in enumerate(who) if x[2] == "mit" and x[4] == "PTKVZ")]
                yield (start, words[k - 1][0]), who, w
                continue
            # "Merkel betonte, es gebe ...", "Scholz sagte: „...“": the subject before, the words after
            if k == 0 or k > 6 or any(x[2] in (",", ":", "„", "“", '"') for x in words[:k]):
                continue
            sep = next((i for i in range(k + 1, min(k + 8, len(words))) if words[i][2] in (",", ":")), None)
            if sep is None or sep + 1 >= len(words):
                continue
            start = words[sep + 1][0]
            if words[sep + 1][2].lower() == "dass" or words[sep + 1][2] in ("„", "“", '"', "»", "«"):
                start = words[sep + 2][0] if sep + 2 < len(words) else start  # the words, without "dass" or the mark
            seg = next((g for g in segments if 0 <= g[0] - start <= 2), None)
            yield (seg if seg is not None else (start, s_end)), words[:k], w

    @staticmethod
    def _speaker(text, who, people, spoke):
        """(speaker, kind, start, end) for the words that name who speaks."""
        who = [x for x in who if x[2] not in (".", ",", "!", "?", ":")]
        if not who:
            return None, None, 0, 0
        ss, se = who[0][0], who[-1][1]
        named = [e for e in people if ss <= e.span.start < se]
        if named:
            return named[0].canonical, "person", named[0].span.start, named[0].span.end
        if who[0][2].lower() in _DE_PRONOUNS and len(who) <= 3:
            said = [name for pos, name in spoke if pos < ss and ss - pos <= SPEAKER_SPAN]
            return (said[-1], "person", ss, who[0][1]) if said else (None, None, 0, 0)
        phrase = [x for x in who if x[4] in ("ART", "NN", "NE", "ADJA", "APPR", "APPRART")][:6]
        if not phrase or not any(x[4] in ("NN", "NE") for x in phrase):
            return None, None, 0, 0
        return text[phrase[0][0] : phrase[-1][1]], None, phrase[0][0], phrase[-1][1]
