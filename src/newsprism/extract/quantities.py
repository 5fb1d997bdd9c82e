"""Figures and what they count: people killed, injured, arrested, missing; money; percentages.

Rules over the text: English and Chinese in full; counts of people also in Spanish, German, Japanese and Russian. A count of people needs a role word next to it ("two
people were killed", "killing three", "4 injured", "死亡2人", "3人受伤"); a number alone is kept as a
plain ``number`` only when it carries a unit worth comparing (money, percent).

In English a single person told of with a role counts one ("a 17-year-old was shot dead", "Jesse Smith, 20,
was arrested", "the suspect is in custody"): such a count has the unit ``ONE_PERSON``, and a number stated
outright leads before it (``lead_order``). A count in a sentence about the year's tally ("the city's 300th
homicide", "killed so far this year") or about another incident ("in 2015, four children died") has the unit
``TO_DATE`` and never leads: it is not the incident's toll; nor does a count that is part of a larger one before it
("Four people shot, two in serious condition": unit ``PART``). A count a word implies ("a murder-suicide": two dead
or more; "three of the men", "four or more") has the unit ``AT_LEAST`` and leads, like one person told of, only
after numbers stated outright; neither contradicts another report's toll. Page furniture (a video list, related
links, a list of other stories and its teasers) counts nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace

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
_WHO = r"(?:(?:(?:other|more|additional|young|innocent|shooting|stabbing|gunshot)\s+){0,2}(?:people|persons|person|men|man|women|woman|boys?|girls?|teens?|teenagers?|children|child|kids?|victims?|others|adults?|students?|officers?|bystanders?|individuals?|residents?|civilians?|soldiers?|police officers?|family members|members(?:\s+of\s+(?:the\s+same\s+|a\s+|one\s+|his\s+|her\s+|their\s+)?(?:family|household))?|relatives|suspects?|juveniles?|infants?|babies|baby|toddlers?|brothers?|sisters?|sons?|daughters?|fathers?|mothers?|employees?|workers?|passengers?|pedestrians?|patrons?|customers?|partygoers?|guests?|attendees?|motorists?|shoppers?|worshippers?|males?|females?|deputies|troopers?|bailiffs?|firefighters?|agents?|guards?|teachers?|inmates?|prisoners?|gunmen|friends?|neighbors?|cousins?|siblings?|companions?|more))"
_YEARS_OLD = r"(?:\d{1,3}|[a-z]{3,9})[- ]year[- ]old"  # "17-year-old", "9 year old", "Four-year-old" (a word: cheaper than naming them)
_AGE = rf"(?:{_YEARS_OLD}\s+)?"
# "shot and", "shot; they were": what may stand between people shot and their role ("two men were also shot; they were
# taken to a local hospital")
_SHOT_THEN = (r"(?:(?:shot|stabbed|struck)(?:\s+by\s+(?:a\s+)?(?:bullets?|gunfire))?(?:\s*[;,]\s*(?:and\s+)?(?:they|all|both)(?:\s+of\s+them)?"
              r"\s+(?:were|are)\s+(?:(?:all|also|later|each)\s+)*|(?:\s+and)?\s+(?:(?:were|was)\s+)?))?")
# up to two words describing people between a count and its noun ("five fallen Dallas-area officers"): not a verb,
# a number, an ordinal or a span of time ("four days three people dead" is no count of four)
_DESCRIBED = (r"(?:(?!(?:were|was|are|is|have|has|had|and|or|of|in|at|on|the|a|an|this|that|these|those|his|her|their|its|more|times|days?|hours?|weeks?|months?|years?"
              r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+\w*|" + "|".join(NUM_WORDS) + r")\b)"
              r"[a-z][a-z'-]*\s+){0,2}?")
# people listed in apposition between a count and its verb, set off by commas or dashes: ", a 25-year-old man, a
# 26-year-old man, and a 33-year-old man," or " -- a 16-year-old boy shot in the leg, ... --"
_LIST = r"(?:,|\s+--|\s*[–—])\s+(?:an?|one|two|three|four|five|including|ages?|aged|all|both|\d{1,3})\b[^.;]{0,160}?(?:,|--|[–—])\s*"
# (one group: where it is spliced after a verb, the verb must govern both ways of saying it)
_TO_HOSPITAL = (r"(?:\s+(?:by\s+(?:ambulance|helicopter|medics|paramedics|private\s+vehicle|car)\s+)?to\s+(?:[\w.'’-]+\s+){0,3}?"
                r"(?:hospitals?|medical\s+cent(?:er|re)|trauma\s+cent(?:er|re))|\s+to\s+(?:[\w.'’-]+\s+){1,3}?for\s+treatment\b)")
_HOSPITAL = rf"(?:taken|rushed|transported|transferred|airlifted|flown|driven){_TO_HOSPITAL}"
_CONDITION = r"in\s+[\"“']?(?:critical|serious|stable|fair|good|grave|extremely\s+critical|non-?critical)(?:\s+but\s+stable)?[\"”']?\s+condition"
_WITH_INJURIES = r"with\s+(?:(?:serious|minor|critical|severe|non-life[\s-]threatening|life[\s-]threatening|non-critical)\s+)+(?:gunshot\s+)?(?:injuries|wounds?)"
_ROLE_AFTER = (r"(killed|dead|died|slain|injured|wounded|hurt|arrested|detained|missing|hospitali[sz]ed"
               r"|fatally\s+(?:shot|wounded|injured|stabbed)|shot\s+to\s+death|(?:found|pronounced|declared)\s+(?:dead|deceased)"
               rf"|{_CONDITION}|{_HOSPITAL}|suffered\s+(?:from\s+)?(?:[\w-]+\s+){{0,3}}?(?:wounds?|injuries)"
               rf"|{_WITH_INJURIES}|survived|grazed|treated\s+(?:and\s+released|for\s+(?:[\w-]+\s+){{0,3}}?(?:injuries|wounds?))|(?:arrived|showed\s+up)\s+at\s+(?:[\w.'’-]+\s+){{0,3}}?hospitals?"
               r"|taken\s+into\s+(?:police\s+)?custody|in\s+(?:police\s+)?custody|in\s+jail"
               r"|expected\s+to\s+(?:recover|survive|be\s+(?:ok|okay|fine|all\s+right)))")
# one more of the same role after a count: "... and another was taken to the hospital in critical condition"
_ANOTHER = AnyCase(rf"\s*,?\s+(?:and|while)\s+(?:an)?other(?:\s+(?:man|woman|person|victim|teen|boy|girl))?\s+(?:was|is)\s+(?:also\s+)?{_ROLE_AFTER}")
_F = re.IGNORECASE
ONE_PERSON = "one person"  # the unit of a count read from a single person told of ("a man was killed")
AT_LEAST = "at least"  # the unit of a count a word implies, not states: "a murder-suicide" is two dead or more
LOWER_BOUNDS = (ONE_PERSON, AT_LEAST)  # counts that lead only after stated numbers and contradict nothing
TO_DATE = "to date"  # the unit of a count in a sentence about a running tally, not the incident's toll
PART = "part"  # the unit of a count that is part of a larger one before it: "Four people shot, two in serious condition"


def role_of(phrase: str) -> str:
    """The role a role phrase names: "shot to death" killed, "in critical condition" injured, "in custody" arrested."""
    p = phrase.lower()
    if re.search(r"kill|dead|death|die[ds]|slain|murder|fatal|deceased", p):
        return "killed"
    if re.search(r"custody|surrender|jail|detention|juvenile\s+hall", p) or p.startswith(
            ("arrest", "detain", "booked", "under arrest", "apprehended", "placed under arrest", "turned", "in jail",
             "being held", "held", "incarcerated", "jailed", "behind bars", "locked up")):
        return "arrested"
    if p.startswith("missing"):
        return "missing"
    if p.startswith("evacuated"):
        return "evacuated"
    return "injured"


# A single person told of with a role: "a 17-year-old boy was shot dead", "the suspect is in custody",
# "he was pronounced dead", "a 2-year-old is in critical condition".
_PERSON_SG = (r"(?:man|woman|boy|girl|teen|teenager|child|toddler|baby|infant|victim|suspect|shooter|gunman|person|driver"
              r"|officer|deputy|trooper|resident|student|father|mother|son|daughter|brother|sister|husband|wife|girlfriend"
              r"|boyfriend|friend|cousin|nephew|niece|uncle|aunt|grandfather|grandmother|grandson|granddaughter|hunter"
              r"|juvenile|male|female|youth|bystander|clerk|employee|customer|passenger|pedestrian|homeowner|neighbor|relative"
              r"|senior|junior|freshman|sophomore|veteran|worker|teacher|guard|carrier|partygoer)")
_SG_ROLE = (r"(?P<role>shot\s+(?:and\s+)?killed|shot\s+dead|shot\s+to\s+death|killed|slain|murdered|fatally\s+(?:shot|wounded|injured|stabbed)"
            r"|(?:pronounced|found|declared)\s+(?:dead|deceased)|dead"
            r"|(?:shot\s+and\s+)?(?:critically\s+|seriously\s+|badly\s+|severely\s+)?(?:injured|wounded|hurt)|hospitali[sz]ed"
            rf"|(?:listed\s+)?{_CONDITION}|(?:shot\s+and\s+)?{_HOSPITAL}"
            rf"|recovering|{_WITH_INJURIES}|in\s+(?:the\s+)?hospital|treated\s+at\s+the\s+scene|locked\s+up"
            r"|(?:shot\s+and\s+(?:is|was)\s+)?expected\s+to\s+(?:recover|survive|be\s+(?:ok|okay|fine|all\s+right))"
            r"|shot(?:\s+(?:in|on)\s+the\s+[\w-]+)?\s+but\s+survived"
            r"|treated\s+at\s+(?:[\w.'’-]+\s+){1,4}?(?:hospital|medical\s+center|trauma\s+center)|surrendered"
            r"|treated\s+(?:and\s+released|for\s+(?:[\w-]+\s+){0,3}?(?:injuries|wounds?))"
            r"|(?:arrested|detained)(?!\s+(?:twice|\w+\s+times|before|previously|in\s+(?:\w+\s+)?(?:19|20)\d\d|last\s+\w+))"
            r"|(?:taken|placed)\s+(?:into|in)\s+(?:police\s+)?custody|in\s+(?:police\s+)?custody|booked|under\s+arrest|apprehended|placed\s+under\s+arrest"
            r"|being\s+held|held\s+(?:without\s+bail|by\s+(?:[\w.'’-]+\s+){0,3}?police|in\s+(?:[\w.'’-]+\s+){0,5}?(?:jail|detention|prison|custody))"
            r"|incarcerated|jailed|behind\s+bars|released\s+from\s+(?:police\s+)?custody"
            r"|(?:taken|transported)\s+to\s+(?:the\s+)?(?:[\w.'’-]+\s+){0,3}?(?:jail|detention\s+cent(?:er|re)|juvenile\s+(?:hall|detention)))\b")
_SUFFERED = r"(?P<suffered>(?:suffered|sustained|received|had)\s+(?:a\s+|an\s+|from\s+)?(?:[\w-]+\s+){0,3}?(?:wounds?|injuries|injury))"
_SG_VERB = (r"(?P<aux>was|is|has\s+been|had\s+been|got|remained|remains|(?:'|’)s)\s+(?:(?:later|also|then|reportedly|initially"
            r"|allegedly|subsequently|immediately|eventually|still|now|being|currently)\s+)*")
_SG_SUBJECT = (rf"\b(?:(?:the|a|an|another|one)\s+(?:[a-z'’-]+\s+){{0,2}}?(?:{_YEARS_OLD}\s+)?(?:[a-z'’-]+\s+){{0,3}}?{_PERSON_SG}"
               rf"|(?:the|a|an)\s+{_YEARS_OLD}|(?<![\w-])(?:he|she))")
_SG_APPOSITION = r"(?:\s*,\s*(?:\d{1,3}|age\s+\d{1,3}|of\s+[^,.]{1,40}|[\w.'’-]+(?:\s+[\w.'’-]+){0,5})(?:\s*,\s*(?:of\s+[^,.]{1,40}|\d{1,3}))?\s*,)?"
_SINGLE = AnyCase(rf"{_SG_SUBJECT}(?:\s*,?\s+(?:who|whose)\b[^,.]{{0,80}}?,?|\s+(?:shot|wounded|hit|struck)\s+(?:in|on|at|near|outside|inside|during)\b[^,.]{{0,60}}?(?=\s+(?:was|is|remains|remained)\b))?{_SG_APPOSITION}(?:\s+|(?=['’]s\s))(?:{_SG_VERB}(?:shot\s+(?:in|on)\s+(?:the|his|her)\s+(?:[\w-]+\s+){{1,2}}?and\s+)?{_SG_ROLE}|{_SUFFERED}"
                  r"|(?:later\s+|has\s+|had\s+)?(?P<died>died)\b|(?P<bare>killed|slain|wounded|injured|arrested|surrendered)\b"
                  rf"|(?P<went>went|walked|drove\s+(?:himself|herself))(?:\s+\w+)?{_TO_HOSPITAL})"
                  rf"|(?:{_SG_SUBJECT}|\b(?:his|her|their)\s+(?:{_YEARS_OLD}\s+)?{_PERSON_SG})['’]s\s+(?:injuries|injury|wounds?)\s+(?:were|are|was|is|appeared?|do|did)\b(?P<own_injuries>)"
                  r"|\bturned\s+(?:himself|herself)\s+in(?P<turned>)"
                  # "killing his girlfriend", "wounding him", "the death of a 22-year-old man", "claimed the life of", "his arrest"
                  # ("the death of" only of someone new to the reader: "the death of her wife" years ago is no toll)
                  rf"|\b(?:(?:shooting|stabbing)\s+)?death\s+of\s+(?:an?\s+(?:(?:[a-z'’-]+\s+){{0,2}}?(?:\d{{1,3}}-year-old\s+)?{_PERSON_SG}|\d{{1,3}}-year-old)|\d{{1,3}}-year-old)\b(?P<death>)"
                  rf"|\bfatal\s+shooting\s+of\s+(?:an?\s+|one\s+)?(?:{_YEARS_OLD}\s+)?{_PERSON_SG}\b(?P<fatal>)|\bhomicide\s+victim\b(?!s)(?P<homicide>)"
                  rf"|\b(?P<verb>killing|killed|wounding|injuring|shooting\s+and\s+killing|killing\s+of|murder\s+of|slaying\s+of|claimed\s+the\s+life\s+of"
                  rf"|rushed|took|taken|transported|detained|arrested)\s+(?:(?:his|her|their|the|a|an)\s+(?:[a-z'’-]+\s+){{0,2}}?"
                  rf"(?:\d{{1,3}}-year-old\s+)?{_PERSON_SG}|(?:a|an)\s+\d{{1,3}}-year-old|\d{{1,3}}-year-old\s+(?:[a-z'’-]+\s+){{0,2}}?{_PERSON_SG}|him|her)\b(?P<to_hospital>{_TO_HOSPITAL})?(?P<into_custody>\s+into\s+(?:police\s+)?custody)?"
                  r"|(?<!for\s)(?<!to\s)\b(?:his|her)\s+arrest\b(?P<arrest>)"
                  r"|\b(?:have|has|had)\s+(?:(?:a|an|one|the)\s+(?:[\w'-]+\s+){0,4}?|him\s+|her\s+)in\s+custody(?P<have_custody>)"
                  r"|\b(?:fatally\s+shoots?|fatally\s+shot|shoots?\s+and\s+kills?)\s+(?:himself|herself)\b(?P<self_killed>)")
# A headline's lone person: "Boy, 17, killed in Plymouth shooting", "Teen shot, killed", "Armed suspect dies"
_HEADLINE = AnyCase(rf"(?:^|\n)[ \t]*(?:[\w'’ ]{{1,30}}:\s+)?(?:[a-z'’.-]+\s+){{0,3}}?{_AGE}(?:[a-z'’-]+\s+){{0,2}}?"
                    r"(?:man|woman|boy|girl|teen|teenager|child|toddler|baby|infant|mother|father|dad|mom|son|daughter|brother"
                    rf"|sister|suspect|gunman|officer|deputy|student|hunter|driver|victim|shooter|{_YEARS_OLD})(?:,\s*\d{{1,3}},)?\s+"
                    r"(?:(?:wanted|sought|accused|suspected)\s+(?:in|of)\s+(?:[\w'’-]+\s+){0,4}?)?"
                    r"(?:(?:is|was)\s+)?(?:shot,?\s+(?:and\s+)?|accidentally\s+)?"
                    r"(?P<role>killed|dead|dies|died|slain|fatally\s+(?:shot|wounded|stabbed)|injured|wounded|hurt|hospitali[sz]ed|arrested|detained|booked|in\s+custody|surrender(?:s|ed)"
                    r"|(?:in\s+)?critical(?:\s+condition)?"
                    r"|fatally\s+shoots?\s+(?:himself|herself)|kills\s+(?:himself|herself)|shot\s+to\s+death|suffers\s+(?:[\w-]+\s+){0,3}?(?:wounds?|injuries|injury))\b")
# ... and a headline's second clause: "Woman fatally shot after hike, man arrested"
_HEADLINE_TAIL = AnyCase(r",\s+(?:another\s+|a\s+)?(?:man|woman|teen|suspect|boy|girl)\s+"
                         r"(?P<role>arrested|killed|dead|injured|wounded|hurt|in\s+custody)\b")
# "Lee and her three children were shot dead": the children and her
_WITH_KIN = r"\s+and\s+(?:his|her|their)\s+(?P<kin>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?:[a-z-]+\s+){0,2}?(?:children|kids|sons|daughters|brothers|sisters|grandchildren|relatives)\s+(?:were|are|have\s+been)\s+(?:all\s+)?(?:shot\s+and\s+)?(?P<kin_role>killed|shot\s+dead|shot\s+to\s+death|found\s+dead|slain|murdered|wounded|injured|hurt)\b"
# Lines that are a page's furniture, not the report: a video list ("0:50 One dead after shooting"), related
# links ("+ 1 dead, 1 wounded in Park Hill shooting", "RELATED: ..."): their counts are other incidents'
_FURNITURE = re.compile(r"^[ \t]*(?:\d{1,2}:\d{2}\s|[+►•▶]|\[?(?:related|more from|read more|also read|also on|see also)\b).*$",
                        re.I | re.M)
# A heading after which a page lists other stories ("More stories you may like on 7News", "Other top stories:"):
# everything after it is furniture
_MORE_STORIES = re.compile(r"^[ \t]*(?:more\s+stories|other\s+(?:top\s+)?stories|you\s+may\s+also\s+(?:like|be\s+interested)"
                           r"|recommended\s+(?:for\s+you|stories)|trending(?:\s+now)?|most\s+(?:popular|read))\b.*$", re.I | re.M)


def _furniture(text: str) -> list[tuple[int, int]]:
    """Spans of a page's furniture: link and video lines, everything after a list of other stories begins, and
    teaser paragraphs printed twice in a row (a list of other stories' summaries, each shown as title and text)."""
    spans = [(m.start(), m.end()) for m in _FURNITURE.finditer(text)]
    if (more := _MORE_STORIES.search(text)) is not None:
        spans.append((more.start(), len(text)))
    paragraphs = [(m.start(), m.end(), m.group(0).strip()) for m in re.finditer(r"[^\n]+", text)]
    doubled = [((s0, e0), (s1, e1), a) for (s0, e0, a), (s1, e1, b) in zip(paragraphs[1:], paragraphs[2:]) if a == b and len(a) > 40]
    if len(doubled) >= 2:  # (a list: one doubled paragraph is a caption or the title again, and may hold the toll)
        # ... of other stories: a doubled paragraph that shares a word with the title is this story's (some pages
        # print every paragraph twice)
        title = _content_words(paragraphs[0][2]) if paragraphs else set()
        spans += [span for first, second, para in doubled if not _content_words(para) & title for span in (first, second)]
    return spans


_COMMON = frozenset("""shooting shootings police killed charged arrested injured wounded people after their about there
which would could should other""".split())


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{5,}", text.lower()) if w not in _COMMON}


# "a third victim has died", "arrested a 4th suspect": the ordinal is the count so far
_ORDINALS = {w: i for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), 1)}
_ORDINAL = AnyCase(r"\b(?:a|the)\s+(?P<ord>second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th)\s+(?:[\w-]+\s+){0,2}?"
                   r"(?:person|man|woman|victim|child|teen|teenager|boy|girl|student)\b[^.;]{0,120}?\b(?:has\s+died|died|dies)\b"
                   r"|\b(?:arrested|charged)(?:\s+and\s+\w+)?\s+(?:a|the)\s+(?P<ord_a>second|third|fourth|fifth|2nd|3rd|4th|5th)\s+suspect\b"
                   r"|\b(?:a|the)?\s*(?P<ord_b>second|third|fourth|fifth|2nd|3rd|4th|5th)\s+(?:and\s+final\s+)?suspect\s+(?:(?:has\s+been\s+|was\s+)?arrested"
                   r"|[^.;]{0,60}?\b(?:is|was)\s+(?:now\s+)?in\s+(?:police\s+)?custody)\b")
# "a double murder-suicide": three dead
_MULTIPLE = AnyCase(r"(?<!attempted\s)\b(?:(?P<times>double|triple|quadruple)\s+)?(?P<what>murder-suicide|murder|homicide|slaying|killing|fatal\s+shooting)s?\b")
_TIMES = {"double": 2, "triple": 3, "quadruple": 4}
# A count that goes on past its noun: "injuring a police officer and two others", "killing his wife, 4 daughters"
_MORE = AnyCase(rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?!then\b)(?:(?P<n>{_NUM})\s+(?:(?:[\w'-]+\s+){{0,2}}?{_AGE}{_WHO}|{_YEARS_OLD})\b"
                rf"|(?:his|her|their|a|an)\s+(?:[a-z'’-]+\s+){{0,2}}?(?:\d{{1,3}}-year-old\s+)?(?P<one>{_PERSON_SG})\b)")
# "... and then taking his own life": the killer is one more dead
_AND_HIMSELF = AnyCase(r"^(?:\s+(?!injur|wound|hurt|kill|shoot|shot)[\w'-]+){0,4}?,?\s+(?:and\s+)?(?:then\s+|before\s+)?(?:fatally\s+)?(?:taking|took|turning\s+the\s+gun\s+on|turned\s+the\s+gun\s+on"
                       r"|shooting|shot|shoots|killing|killed|kills)\s+(?:his\s+own\s+life|her\s+own\s+life|himself|herself|self)\b")
# The same after a name, read in the text as written: "Jesse Alan Flemister, 20, was arrested", "Lackey was
# pronounced dead", and a name after "arrested": "officers arrested Gonzales".
_NAME = (r"(?:(?:Mr|Mrs|Ms|Dr)\.\s+)?[A-Z][a-z'’-]+(?:[A-Z][a-z'’-]+)?(?:\s+(?:[A-Z]\.|[A-Z][a-z'’-]+(?:[A-Z][a-z'’-]+)?"
         r"|(?:de|la|van|von|del)\b)){0,3}")  # ("McCray"; "de" not of "dead")
_NAMED = re.compile(rf"(?<![\w.])(?P<name>{_NAME})(?P<pair>\s+and\s+{_NAME})?{_SG_APPOSITION}\s+(?i:{_SG_VERB}{_SG_ROLE}|{_SUFFERED}"
                    rf"|(?:later\s+|has\s+)?(?P<died>died)\b|(?P<were>were)\s+(?:shot\s+and\s+)?(?P<pair_role>killed|wounded|injured|arrested))"
                    rf"|(?<![\w.])(?P<rel_name>{_NAME}){_SG_APPOSITION},?\s+(?i:who\s+(?:was\s+)?(?:later\s+)?(?P<rel_died>died|pronounced\s+dead))\b"
                    rf"|(?i:\b(?P<object_verb>arrested|detained|killing|found))\s+(?:\d{{1,3}}-year-old\s+)?(?P<object>{_NAME})"
                    rf"(?P<found_dead>(?:\s+of\s+[A-Z][\w'’-]+)?\s+(?i:shot\s+to\s+death|dead))?"
                    rf"|(?i:\btook)\s+(?P<took>{_NAME})\s+(?i:into\s+(?:police\s+)?custody)")
_NAMED_WITH_KIN = re.compile(rf"(?<![\w.])(?:{_NAME}|[Hh]e|[Ss]he)(?i:{_WITH_KIN})")
_NOT_NAMES = frozenset(
    "The A An He She It They This That These Those Police Officers Authorities Deputies Investigators Detectives Officials "
    "Nobody No One Everyone Someone Who Which What There Here His Her Their Our Its Each Both Another Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday January February March April May June July August September October "
    "November December News Update UPDATE Copyright Photo Video Click Read When While After Before If Because Then "
    "Also Later Now Police Sheriff Troopers Witnesses Neighbors Family Relatives Prosecutors Nothing None All Many Some "
    "Several Most Others Victims Two Three Four Five Six".split())
# "no arrests have been made", "police have made no arrests", "there were no fatalities"
_ZEROS = [
    (AnyCase(r"\bno\s+arrests?\s+(?:(?:have|has|had)\s+(?:yet\s+)?been|were|was|are|is)\s+(?:yet\s+)?made\b"
             r"|\b(?:have|has|had)\s+(?:made\s+no\s+arrests?|not\s+(?:yet\s+)?made\s+(?:any\s+arrests|an\s+arrest)|no\s+one\s+in\s+custody)\b"
             r"|\bno\s+(?:one|suspects?)\s+(?:has|have)\s+(?:yet\s+)?been\s+(?:arrested|taken\s+into\s+custody)\b"
             r"|\bno\s+(?:one|suspects?)\s+(?:is|was|were|are|has\s+been|have\s+been|had\s+been)\s+(?:yet\s+)?(?:in\s+custody|detained|arrested)\b"
             r"|\bno\s+arrests\s+(?:yet|so\s+far)\b"
             r"|\bthere\s+(?:have|has|had)\s+been\s+no\s+arrests\b|\bthere\s+(?:were|are|was)\s+no\s+arrests\b"
             r"|\b(?:do|does|did)\s+not\s+(?:yet\s+)?have\s+(?:a|any)\s+(?:suspects?|one)\s+in\s+custody|\bhave\s+no\s+(?:suspects?|one)\s+in\s+custody"
             r"|\bthe\s+(?:suspect|shooter|gunman|teen|man|woman|boy|girl)\b[^.;]{0,60}?\b(?:is|was)\s+not\s+(?:yet\s+)?in\s+(?:police\s+)?custody"
             r"|\b(?:the|a)\s+(?:suspects?|shooters?|gunm[ae]n|killers?)\b[^.;]{0,80}?\b(?:has|have|had)\s+not\s+(?:yet\s+)?been\s+"
             r"(?:arrested|taken\s+into\s+custody|apprehended|caught)\b"), "arrested"),
    (AnyCase(r"\b(?:there\s+(?:are|were|was)\s+)?no\s+(?:reported\s+)?fatalities\b|\bno\s+one\s+(?:was|were)\s+killed\b"), "killed"),
    (AnyCase(r"\bno\s+injuries\s+(?:were|have\s+been)\s+reported\b|\bno\s+one\s+(?:was|were)\s+(?:injured|hurt)\b"), "injured"),
]
_LIVES_OR_BODIES = re.compile(r"\blives\b|\bbodies\b|\b(?:deaths|slayings|killings|killing|murders|murder)\s+of\b")
_HYPOTHETICAL = re.compile(r"\b(?:whether|if|until|unless)\s+$")  # just before a count: no count
_NO_INJURY = re.compile(r"\s+(?:for\s+(?:an?\s+|a\s+mental\s+|a\s+psychiatric\s+)?(?:evaluation|observation)|as\s+a\s+precaution)")  # taken to hospital, not hurt
_INTENDED = re.compile(r"\b(?:plan(?:s|ned|ning)?|plot(?:s|ted|ting)?|attempted|(?:tried|trying|failed|failing|threatened)\s+to)\s+(?:the\s+)?$")  # "plan the murder of his wife"
# "Arrest made in ...", "police have made an arrest": one person arrested
_ARREST_MADE = AnyCase(r"\b(?:an\s+)?arrest\s+(?:has\s+been\s+|was\s+|is\s+)?made\b|\bmade\s+an\s+arrest\b")
_VAGUE = re.compile(r"several|dozens|hundreds")  # counts no reader can compare
# A sentence about the year's tally, a statistic over a span of years ("between December 2012 and December 2013",
# "each year", "since 1966") or over several incidents ("the five shootings that wounded 15"), or another incident
# the report recalls ("This comes after a man was killed there in May"): its counts are not the incident's
# A paragraph that withdraws what an earlier version said ("*NOTE: A previous version of this story indicated the
# teen had died. ... they corrected the information"): none of its counts is the incident's
_RETRACTION = re.compile(r"\b(?:(?:previous|earlier)\s+version|incorrectly\s+(?:reported|stated|said)|corrected\s+the\s+(?:information|report|story))\b", re.I)
_TO_DATE = AnyCase(r"\b(?:this\s+year|so\s+far|to\s+date|year-to-date|since\s+january|last\s+year|of\s+the\s+year"
                   r"|in\s+(?:19|20)\d\d\s+alone|in\s+\w+\s+alone|\d+(?:st|nd|rd|th)\s+(?:homicide|murder|killing|shooting|fatal)|homicides?\s+in\s+(?:19|20)\d\d"
                   r"|in\s+(?:19|20)\d\d(?=,)|(?:comes|came|began|begins|started|starts)\s+(?:[\w-]+\s+){0,3}?after"
                   r"|between\s+(?:\w+,?\s+){0,2}(?:19|20)\d\d,?\s+and\s+(?:\w+,?\s+){0,2}(?:19|20)\d\d|each\s+year|every\s+year|per\s+year|annually"
                   r"|(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|multiple|separate)\s+(?:separate\s+)?(?:shootings|homicides|incidents)\s+that\s+(?:have\s+)?(?:wounded|injured|killed|left)"
                   r"|since\s+(?:[a-z]+\.?\s+(?:\d{1,2},?\s+)?)?(?:19|20)\d\d"
                   r")\b")
PATTERNS = [
    AnyCase(rf"\bno\s+(?:one|one\s+else|other\s+people|others)\s+(?:was|were)\s+(?:seriously\s+)?(injured|hurt|killed|wounded)\b"
               rf"|\bno\s+(?:other\s+)?(injuries|deaths)\s+(?:were|have been)\s+reported\b"),
    # "three men and a woman were wounded", "3 adults, 1 child found shot to death": the counts add up
    AnyCase(rf"\b({_NUM})\s+{_AGE}{_WHO}(?:\s+and|\s*,(?:\s+and)?)\s+({_NUM})\s+{_AGE}{_WHO}\s+(?:(?:were|was|have been|had been|are|got|found|all|also)\s+)*{_SHOT_THEN}{_ROLE_AFTER}\b"),
    # "two people were killed", "3 men were shot and wounded", "a 23-year-old man was fatally shot", "two of the
    # victims died"
    AnyCase(rf"\b{_Q}({_NUM})(?:\s+or\s+more)?\s+(?:of\s+(?:the|those|these)\s+(?:[a-z-]+\s+)?{_AGE}{_WHO}|{_AGE}{_DESCRIBED}{_WHO}|{_AGE}{_WHO}?)\s*(?:,[^,.]{{0,40}},\s*|{_LIST})?(?:(?:were|was|have been|has been|had been|have|has|are|is|got|being|later|found|all|who|that|remain|remained|remains|also)\s+)*{_SHOT_THEN}{_ROLE_AFTER}\b"),
    # "killing two", "wounding three others", "left one dead" (the number after the role)
    AnyCase(rf"\b(killing|killed|kills|wounding|wounded|wounds|injuring|injured|injures|hospitali[sz]ed|hospitali[sz]ing|arrested|arrests?|detained)\s+(?:of\s+)?{_Q}({_NUM})"
            rf"(?:[ \t]+(?:[\w'-]+[ \t]+){{0,3}}?{_AGE}{_WHO}\b|\s+of\s+(?:them|(?:his|her|their|the)\s+{_WHO})\b|(?=\s*(?:[.,;]|and\b|before\b|after\b|when\b|$)|[ \t]*\n"
            rf"|\s+(?:at|in|on|inside|outside|near|during)\s+(?:an?|the)\b))"),
    AnyCase(rf"\bleft\s+({_NUM})\s+{_AGE}{_WHO}?(?P<and>\s+and\s+(?:an?\s+)?{_AGE}{_WHO})?\s*(dead|injured|wounded|hurt|{_CONDITION})\b"
            rf"|\binjuries\s+to\s+(?P<hurt>{_NUM})\s+{_AGE}{_WHO}\b"),
    # "a shooting that claimed two lives", "claimed the lives of three", "two bodies were found", "the deaths of 2 teens"
    AnyCase(rf"\bclaimed\s+(?:the\s+)?(?:lives\s+of\s+{_Q}({_NUM})|{_Q}({_NUM})\s+lives)\b"
            rf"|\b(?:found|located|discovered|recovered)\s+{_Q}({_NUM})\s+bodies\b"
            rf"|\b{_Q}({_NUM})\s+bodies\s+(?:were\s+|have\s+been\s+|had\s+been\s+)?(?:found|located|discovered|recovered|pulled)\b"
            rf"|(?<!attempted\s)\b(?:deaths|slayings|killings|killing|murders|murder)\s+of\s+{_Q}({_NUM})\s+{_AGE}{_DESCRIBED}{_WHO}\b"),
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

    furniture = _furniture(text)

    def add(start: int, end: int, kind: str, value: float | None, unit=None, role=None) -> None:
        if value is None or any(start < e and s < end for s, e in taken):
            return
        if kind == "people" and any(s <= start < e for s, e in furniture):
            return
        taken.append((start, end))
        out.append(Quantity(Span(article_id, offset + start, offset + end), text[start:end], kind, value, unit, role))

    low = text.lower()
    # Patterns in order of precedence (an earlier match wins an overlap): none, coordinated counts,
    # count before the role, role before the count, "left N dead", lives claimed or bodies found, a toll, "the
    # number of injured rose to N";
    # then ordinals and "double murder", stated zeros, one person described, one person named, a headline's
    # lone person; then the other languages and the other kinds of figure.
    for m in _NAMED_WITH_KIN.finditer(text):  # before the count alone ("three children were shot dead") takes it
        if m.group(0).split()[0] not in _NOT_NAMES and (kin := number_value(m.group("kin"))) is not None:
            add(m.start(), m.end(), "people", kin + 1, None, role_of(m.group("kin_role")))
    for i, pattern in enumerate(PATTERNS):
        if i == 5 and not _LIVES_OR_BODIES.search(low):
            continue  # (its number-first alternatives would be tried at every word: a sixth of the rules' time)
        for m in pattern.finditer(text, low):
            unit = None
            if i in (2, 3):  # the count is group 1 before the role, group 2 after it
                num = m.group(i - 1).lower()
                if _VAGUE.fullmatch(num) or _HYPOTHETICAL.search(low, max(0, m.start() - 12), m.start()) \
                        or (num == "one" and low.endswith("no ", 0, m.start(i - 1))):
                    continue  # "several dead" is no figure; "whether a suspect was arrested" no arrest; "no one was" a zero
                if re.search(r"\b(?:not|n't|never)\s+(?:yet\s+)?(?:have|has|had)\s+$", low[max(0, m.start() - 20) : m.start()]):
                    continue  # "police do not have a suspect in custody": a zero, read below
                if num in ("a", "an", "no"):
                    if not re.search(_WHO + r"|\d-year-old", m.group(0), _F):
                        continue  # "a ... killed" needs a person noun
                    unit = ONE_PERSON if num != "no" else None
            if i == 0:
                value, role = 0.0, ROLES.get((m.group(1) or m.group(2)).lower(), "injured")
            elif i == 1:
                a, b = number_value(m.group(1)), number_value(m.group(2))
                value = a + b if a is not None and b is not None else None
                role = role_of(m.group(3))
            elif i == 2:
                value, role = number_value(m.group(1)), role_of(m.group(2))
                if role == "arrested" and re.search(r"\bhad\s+been\b", m.group(0), _F):
                    continue  # someone's past: "had been arrested"
                if re.match(rf"{_Q}\S+\s+others\b", m.group(0), _F) and re.search(  # (a person's noun or name before: not a verb)
                        rf"\b(?!(?i:dead|killed|injured|hurt|wounded|shot|arrested|died|dies)\b)(?:[A-Z][a-z][\w'’-]*|(?i:{_PERSON_SG}))\s*(?:,|\s+and)\s*$",
                        text[max(0, m.start() - 30) : m.start()]):
                    value += 1  # ("Vikings player, 8 others hurt": nine; not "two dead, 3 others hurt")
                if (more := _ANOTHER.any_case.match(text, m.end())) is not None and role_of(more.group(1)) == role:
                    value += 1  # ("... and another was taken to the hospital in critical condition")
                if re.match(rf"{_Q}\S+\s+or\s+more\b", m.group(0), _F):
                    unit = AT_LEAST  # "four or more people died"
                inner = re.match(rf"{_Q}\S+\s+of\s+(?:the|those|these)\s+(\w+)\b(.*)$", m.group(0)[: m.start(2) - m.start()], _F | re.S)
                if inner and inner.group(1).lower() not in ("a", "an", "no") and number_value(inner.group(1)) is not None \
                        and not re.search(r"\b(?:was|were|is|are|has|have|had)\b", inner.group(2), _F) \
                        and not m.group(2).lower().startswith("died"):  # (a verb of its own: "one of the two victims died")
                    value = number_value(inner.group(1))  # "one of the five people shot and killed": five killed
                elif inner and not low.endswith("all ", 0, m.start()):
                    unit = AT_LEAST  # "three of the men suffered injuries": some of them, maybe not all ("all three of the victims")
            elif i == 3:
                value, role = number_value(m.group(2)), role_of(m.group(1))
                end, total = _and_more(text, m.end(), value, role)
                if total is not None:
                    add(m.start(), end, "people", total, unit if total == value else None, role)
                continue
            elif i == 4 and m.group("hurt"):  # "injuries to five other people"
                value, role = number_value(m.group("hurt")), "injured"
            elif i == 4:
                value, role = number_value(m.group(1)), role_of(m.group(3))
                if value is not None and m.group("and"):
                    value += 1  # "left a man and woman dead"
            elif i == 5:  # lives claimed, bodies found
                num = next(g for g in m.groups() if g).lower()
                if _VAGUE.fullmatch(num):
                    continue
                value, role = number_value(num), "killed"
                if m.group(1):
                    unit = AT_LEAST  # "claimed the lives of three children": of a family of five, maybe
            elif i == 6:
                value, role = number_value(m.group(1)), "killed"
            else:  # the span is the update ("rose to 55"), so figures between it and the role keep theirs
                value, role = number_value(m.group(3)), ROLES.get(m.group(1).lower(), "other")
                add(m.start("update"), m.end(), "people", value, None, role)
                continue
            add(m.start(), m.end(), "people", value, unit, role)
    for m in _ORDINAL.finditer(text, low):
        word = (m.group("ord") or m.group("ord_a") or m.group("ord_b")).lower()
        value = _ORDINALS.get(word) or int(re.sub(r"\D", "", word))
        add(m.start(), m.end(), "people", float(value), None, "killed" if m.group("ord") else "arrested")
    for m in _MULTIPLE.finditer(text, low):
        times, what = m.group("times"), m.group("what")
        if what == "murder-suicide":
            add(m.start(), m.end(), "people", float(_TIMES.get(times, 1) + 1), None if times else AT_LEAST, "killed")
        elif times:
            add(m.start(), m.end(), "people", float(_TIMES[times]), None, "killed")
    for pattern, role in _ZEROS:
        for m in pattern.finditer(text, low):
            add(m.start(), m.end(), "people", 0.0, None, role)
    for m in _ARREST_MADE.finditer(text, low):
        if not re.search(r"\b(?:no|not|any|whether|if|until|before)\s+(?:yet\s+)?(?:made\s+)?$|n't\s+(?:yet\s+)?$", low[max(0, m.start() - 20):m.start()]):
            add(m.start(), m.end(), "people", 1.0, ONE_PERSON, "arrested")
    for m in _SINGLE.finditer(text, low):
        role = _single_role(m)
        # (a relative clause set off by commas is not what is said of the person: "whose name was not released")
        said = re.sub(r",\s*(?:who|whose)\b[^,]*,", ",", m.group(0).lower())
        if (not role or _HYPOTHETICAL.search(low, max(0, m.start() - 12), m.start()) or re.search(r" only (?!minor\b)", said)
                or _INTENDED.search(low, max(0, m.start() - 24), m.start())
                or role == "injured" and _NO_INJURY.match(low, m.end())
                or re.search(r"\bnot\b|n't\b|\bnever\b|\buninjured\b|\bunhurt\b", said)):
            continue
        if m.group("verb") and not m.group("to_hospital") and not m.group("into_custody"):  # "killing his wife, 4 daughters": the list goes on
            end, value = _and_more(text, m.end(), 1.0, role)
            add(m.start(), end, "people", value, None if value > 1 else ONE_PERSON, role)
        else:
            add(m.start(), m.end(), "people", 1.0, ONE_PERSON, role)
    for m in _NAMED.finditer(text):
        names = [n.strip().removeprefix("and").strip()
                 for n in (m.group("name"), m.group("pair"), m.group("object"), m.group("rel_name"), m.group("took")) if n]
        if any(n.split()[0] in _NOT_NAMES for n in names):
            continue
        if m.group("rel_name"):
            role = "killed"
        elif m.group("took"):
            role = "arrested"
        elif m.group("object"):
            verb = m.group("object_verb").lower()
            if verb == "found" and not m.group("found_dead"):
                continue  # "found Smith" says nothing of him
            role = "killed" if verb in ("killing", "found") else "arrested"
        elif m.group("were"):
            if not m.group("pair"):
                continue  # a plural subject that is not two names
            add(m.start(), m.end(), "people", 2.0, None, role_of(m.group("pair_role")))
            continue
        elif m.group("pair"):
            if m.group("died"):
                add(m.start(), m.end(), "people", 2.0, None, "killed")  # "Mackey and Ishmael Haywood, 20, died"
            continue  # "X and Y was": not a count
        else:
            role = _single_role(m)
        if role:
            add(m.start(), m.end(), "people", 1.0, ONE_PERSON, role)
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
    for m in _HEADLINE.finditer(text, low):
        add(m.start(), m.end(), "people", 1.0, ONE_PERSON, role_of(m.group("role")))
    title_end = text.find("\n") if "\n" in text else len(text)
    for m in _HEADLINE_TAIL.finditer(text[:title_end], low[:title_end]):
        add(m.start(), m.end(), "people", 1.0, ONE_PERSON, role_of(m.group("role")))
    _join_others(text, out, offset)
    _victims_said_hurt(text, low, out, offset, add)
    _mark_tallies_and_deaths(text, out, offset)
    out.sort(key=lambda q: q.span.start)
    return out


def _and_more(text: str, end: int, value: float | None, role: str) -> tuple[int, float | None]:
    """Where a count goes on ("... a police officer and two others", "his wife, 4 daughters") and the killer
    then died by his own hand ("... and then taking his own life"): the count's end and its value."""
    if value is None:
        return end, value
    while (more := _MORE.any_case.match(text, end)) is not None:
        n = number_value(more.group("n")) if more.group("n") else 1.0
        if n is None:
            break
        value, end = value + n, more.end()
    if role == "killed" and (tail := _AND_HIMSELF.any_case.match(text[end:end + 120])) is not None:
        value, end = value + 1, end + tail.end()
    return end, value


_OTHERS_JOIN = re.compile(r"\s*,?\s+and\s+", re.I)


# "Five shot in West Baltimore ... The victims were taken to hospitals and expected to survive": the victims
# are the people shot, all of them hurt (where no one is said to have died before)
_SHOT_TOTAL = (AnyCase(rf"\b(?:shot|shooting\s+of)\s+({_NUM})\s+{_AGE}{_WHO}\b"),
               AnyCase(rf"\b({_NUM})\s+{_AGE}{_WHO}?\s*(?:(?:were|have\s+been|had\s+been)\s+)?shot\b"))
_DEATHS = re.compile(r"\b(?:fatally|died|dead|killed|deadly|fatal|dies)\b", _F)
_VICTIMS_HURT = AnyCase(r"\b(?:the|all\s+(?:of\s+)?the|both|all\s+(?:of\s+)?(?:the\s+)?(?:\w+\s+)?)\s*(?:[a-z-]+\s+)?(?:victims|partygoers)\b[^.;]{0,60}?"
                        r"\b(?:were|are)\s+(?:all\s+)?(?:(?:later|also|each)\s+)?(?:taken|rushed|transported|treated|expected\s+to\s+(?:survive|recover|be\s+ok)"
                        r"|in\s+(?:stable|good|fair|serious)\s+condition|recovering)\b")


def _victims_said_hurt(text: str, low: str, out: list[Quantity], offset: int, add) -> None:
    """The victims told of as hurt without a number ("The victims were taken to hospitals"): as many as the
    people an earlier count says were shot, a lower bound (it is the reader's inference, not a stated figure),
    where no count of the injured or the dead comes before it."""
    for m in _VICTIMS_HURT.finditer(text, low):
        before = [q for q in out if q.kind == "people" and q.span.start - offset < m.start()]
        if any(q.role in ("injured", "killed") and q.value > 0 for q in before):
            continue
        totals = sorted((t for pattern in _SHOT_TOTAL for t in pattern.any_case.finditer(text, 0, m.start())
                         if not _tally_sentence(text, t.start()) and not _VAGUE.fullmatch(t.group(1).lower())
                         and (number_value(t.group(1)) or 0) > 1), key=lambda t: t.start())
        if totals and not _DEATHS.search(text, totals[-1].start(), m.start()):  # ("Five people were shot, two fatally")
            add(m.start(), m.end(), "people", number_value(totals[-1].group(1)), AT_LEAST, "injured")


def _tally_sentence(text: str, at: int) -> bool:
    left, right = _sentence(text, at, at)
    return _TO_DATE.any_case.search(text, left, right) is not None


def _join_others(text: str, out: list[Quantity], offset: int) -> None:
    """"Two men were in critical condition and two others injured": two counts of one role joined by "and",
    the second of "others", are one count (four injured)."""
    people = sorted((q for q in out if q.kind == "people" and q.unit is None), key=lambda q: q.span.start)
    for a, b in zip(people, people[1:]):
        if a.role == b.role and a in out and re.match(r"\S+\s+(?:others?|more)\b", b.text, _F) \
                and _OTHERS_JOIN.fullmatch(text, a.span.end - offset, b.span.start - offset):
            out.remove(b)
            out[out.index(a)] = Quantity(replace(a.span, end=b.span.end),
                                         text[a.span.start - offset : b.span.end - offset], a.kind, a.value + b.value, None, a.role)


def _single_role(m: re.Match) -> str | None:
    """The role a match of ``_SINGLE`` or ``_NAMED`` gives its one person, or None when it counts nobody
    (someone's past: "had been arrested"; taken somewhere that is not a hospital)."""
    groups = m.groupdict()
    if groups.get("turned") is not None or groups.get("arrest") is not None or groups.get("have_custody") is not None:
        return "arrested"
    if any(groups.get(g) is not None for g in ("death", "self_killed", "fatal", "homicide")):
        return "killed"
    if groups.get("verb"):
        verb = groups["verb"].lower()
        if verb.startswith(("rushed", "took", "taken", "transported")):
            return "injured" if groups.get("to_hospital") else "arrested" if groups.get("into_custody") else None
        if verb.startswith(("wounding", "injuring")):
            return "injured"
        return "arrested" if verb.startswith(("detained", "arrested")) else "killed"
    if groups.get("suffered") or groups.get("own_injuries") is not None or groups.get("went"):
        return "injured"
    if groups.get("died"):
        return "killed"
    if groups.get("bare"):
        return role_of(groups["bare"])
    if groups.get("role"):
        role = role_of(groups["role"])
        if role == "arrested" and (groups.get("aux") or "").lower().startswith("had"):
            return None
        return role
    return None


_STOP = re.compile(r"(?<!\b[A-Z])(?<!\b[A-Z][a-z])(?<!\b[A-Z][a-z]{2})(?<!\b[A-Z][a-z]{3})[.!?](?=\s)|\n")  # not "U.S.", "Aug.", "Sept."


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence around text[start:end], roughly: a full stop after a capital and up to three
    letters ("U.S.", "Aug.", "Mr.") ends none (a short name ending a sentence then joins the next one)."""
    left = max((m.end() for m in _STOP.finditer(text, max(0, start - 600), start)), default=0)
    stop = _STOP.search(text, end)
    return left, stop.start() if stop else len(text)


# a count of injured given by their condition alone ("two in serious condition", "5 critically"), and an earlier
# count in its sentence of the people shot or hurt it is a part of
_PART_OF = re.compile(rf"^\S+\s+(?:of\s+them\s+)?(?:{_CONDITION}|critically|seriously)", _F)
_SHOT_COUNT = AnyCase(rf"\b({_NUM})\s+{_AGE}{_WHO}?\s*(?:(?:were|have\s+been|are)\s+)?(?:shot|wounded|injured|hurt)\b")


def _mark_tallies_and_deaths(text: str, out: list[Quantity], offset: int) -> None:
    """Counts of people in a sentence about the year's tally or another incident get the unit TO_DATE, and a count
    of the hurt that is part of a larger one, or that the same people's deaths later replace ("three victims were
    being treated ... the three died"), the unit PART; someone taken to hospital who is then said to have died is
    one killed, not one injured, and so is "the victim" taken to hospital where one person was killed, and a person
    named as hurt whom another count names as dead."""
    people = [q for q in out if q.kind == "people"]
    for k in range(len(out) - 1, -1, -1):
        q = out[k]
        if q.kind != "people":
            continue
        start, end = q.span.start - offset, q.span.end - offset
        left, right = _sentence(text, start, end)
        para = (text.rfind("\n", 0, start) + 1, (text.find("\n", end) + 1 or len(text) + 1) - 1)
        if (_TO_DATE.any_case.search(text, left, right) and not (q.value == 0 and q.role == "arrested")) \
                or _RETRACTION.search(text, *para):
            # ("So far, no one has been arrested" is about this incident)
            out[k] = Quantity(q.span, q.text, q.kind, q.value, TO_DATE, q.role)
        elif q.role == "injured" and q.unit is None and _PART_OF.search(q.text) and any(
                (n := number_value(m.group(1))) is not None and n > q.value for m in _SHOT_COUNT.any_case.finditer(text, left, start)):
            out[k] = replace(q, unit=PART)
        elif q.role == "injured" and q.unit is None and q.value > 1 and any(
                d.role == "killed" and d.value == q.value and d.span.start > q.span.end and re.search(r"\bdied\b", d.text, _F)
                and re.search(r"\b(?:the|all)\s+$", text[max(0, d.span.start - offset - 5) : d.span.start - offset], _F) for d in people):
            out[k] = replace(q, unit=PART)
        elif q.unit == ONE_PERSON and q.role == "injured" and (name := re.match(r"(?:[A-Z][\w'’-]+\s+){0,2}?([A-Z][a-z][\w'’-]+)\b(?!\s+[A-Z])", q.text)) \
                and name.group(1) not in _NOT_NAMES and any(d.role == "killed" and re.search(rf"\b{re.escape(name.group(1))}\b", d.text) for d in people):
            out[k] = replace(q, role="killed")  # "McCullough suffered a gunshot wound" where "McCullough ... was pronounced dead"
        elif q.unit == ONE_PERSON and q.role == "injured" and re.search(r"\bthe\s+(?:shooting\s+)?victim\b", q.text, _F) and [
                d.value for d in people if d.role == "killed" and d.unit != TO_DATE][:1] == [1.0] \
                and not any(d.role == "injured" and d.span.start < q.span.start for d in people):
            out[k] = replace(q, role="killed")
        elif q.unit == ONE_PERSON and q.role == "injured" and (
                (re.search(r"hospital|condition|medical\s+cent|trauma\s+cent", q.text, _F) or not re.search(r"\b(?:was|is|has\s+been)\b", q.text, _F))
                and re.search(r"\b(?:died|dead|death|killed|deceased|succumbed)\b", text[end:right], _F)
                or re.search(r"\bdied\s+(?:shortly\s+|soon\s+)?after\s+$", text[left:start], _F)
                or re.match(r"\.?\s*(?:He|She)\b[^.]{0,120}?\b(?:died|pronounced\s+(?:dead|deceased)|succumbed)\b", text[right:right + 160])):
            # "taken to hospital, where he died", "the man injured last week died", "died shortly after he was taken
            # to hospital", "... in critical condition. He died at 4:25 a.m.", "... She was transported to X Hospital
            # where she was later pronounced deceased": one dead, not one hurt
            out[k] = replace(q, role="killed")


def lead_order(quantities: list[Quantity]) -> list[Quantity]:
    """Quantities in the order a report's figure for a slot is taken from: counts stated as numbers first,
    then single people told of ("a man was killed"), then zeros ("no one was hurt"); each in text order.
    Running tallies and parts of a larger count never lead."""
    def rank(q: Quantity) -> int:
        if q.kind != "people":
            return 0
        if q.unit in LOWER_BOUNDS:
            return 1
        return 2 if q.value == 0 else 0

    return sorted((q for q in quantities if q.unit not in (TO_DATE, PART)), key=lambda q: (rank(q), q.span.start))


def people_counts(quantities: list[Quantity]) -> dict[str, float]:
    """One figure per role for an article: the first one stated, in ``lead_order`` (the lead states the
    toll; later figures are often about other incidents or totals)."""
    counts: dict[str, float] = {}
    for q in lead_order(quantities):
        if q.kind == "people" and q.role and q.role not in counts:
            counts[q.role] = q.value
    return counts
