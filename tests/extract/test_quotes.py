"""Quotes on a short article written for this test: direct, indirect, pronoun and role speakers."""

from __future__ import annotations

import pytest

from newsprism.extract import Extractor
from newsprism.model import RawRecord
from newsprism.ingest.normalize import normalize

TEXT = (
    "Harbour workers in Rotterdam began a 48-hour strike on Thursday.\n\n"
    "Mieke de Vries, a spokeswoman for the FNV union, said the new cranes would cost 800 jobs.\n\n"
    "\"We will not accept a single forced redundancy at this port,\" she said.\n\n"
    "The port authority said it expected ships to queue for days.\n\n"
    "According to the harbour master, forty ships were waiting at anchor on Friday morning.\n\n"
    "\"Talks can resume on Monday if the union drops its demands,\" the spokeswoman for the operator added, "
    "and De Vries told reporters that the union would not drop anything.\n"
)


@pytest.fixture(scope="module")
def extraction():
    art = normalize(RawRecord(text=TEXT, origin="test", lang="en", published="2026-03-05"))
    return art, next(Extractor().run([art]))


def by_content(ex, words):
    return next(q for q in ex.quotes if words in q.content_text)


def extract(text):
    """The extraction of one English article with this text."""
    return next(Extractor().run([normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))]))


def test_indirect_speech_with_named_speaker(extraction):
    art, ex = extraction
    q = by_content(ex, "cranes would cost 800 jobs")
    assert (q.speaker, q.direct, q.cue) == ("Mieke de Vries", False, "said")
    assert art.text[q.content.start : q.content.end] == q.content_text  # the span is the text


def test_direct_quote_with_pronoun_resolved_to_the_last_person(extraction):
    _, ex = extraction
    q = by_content(ex, "We will not accept a single forced redundancy")
    assert q.direct and q.speaker == "Mieke de Vries"


def test_according_to_and_organisation_speakers(extraction):
    _, ex = extraction
    assert by_content(ex, "forty ships were waiting").cue == "according to"
    assert by_content(ex, "expected ships to queue").speaker.lower().endswith("port authority")


def test_surname_resolves_to_the_full_name(extraction):
    _, ex = extraction
    assert by_content(ex, "would not drop anything").speaker == "Mieke de Vries"


def test_a_pronoun_skips_people_named_inside_the_quote():
    text = ("Senator Ana Ruiz spoke in Madrid on Monday about the trade talks.\n\n"
            "\"Pedro Alvarez was the chief architect of a policy that failed everyone,\" she said in an interview.\n")
    art = normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))
    q = by_content(next(Extractor().run([art])), "chief architect")
    assert q.speaker == "Ana Ruiz"


@pytest.mark.parametrize("lang, text, speaker", [
    ("es", 'El puerto seguirá cerrado. "No habrá barcos hasta el lunes por la mañana", dijo el director del puerto, '
           'Javier Ortega Ruiz.', "Javier Ortega Ruiz"),
    ("de", "„Wir prüfen jede einzelne Weiche auf der Strecke“, sagte Bahnsprecherin Anna von Berg am Abend.", "Anna von Berg"),
    ("fr", "« Le trafic reprendra dès que possible sur toute la ligne », a déclaré le préfet Marc Dubois.", "Marc Dubois"),
])
def test_direct_quotes_in_other_european_languages(lang, text, speaker):
    from newsprism.extract.quotes import EuropeanQuotes

    (q,) = EuropeanQuotes(lang).find(text, "a")
    assert q.speaker == speaker and q.direct and text[q.content.start : q.content.end] == q.content_text
    assert text[q.speaker_span.start : q.speaker_span.end] == speaker


def test_a_chinese_speaker_cut_to_one_character_runs_back_to_the_title():
    # jiagu tags only 马 in "卫生部长穆奇马说": the speaker is 穆奇马, after the title 部长
    from newsprism.extract.quotes import ChineseQuotes
    from newsprism.model import Entity, Span

    text = "赞比亚宣布疫情结束。卫生部长穆奇马说：“这场胜利属于社区。”"
    at = text.index("马")
    (q,) = ChineseQuotes().find(text, "a", [Entity(Span("a", at, at + 1), "马", "person", "马")])
    assert text[q.speaker_span.start:q.speaker_span.end] == "穆奇马"


def test_a_quotation_that_goes_on_after_its_attribution_is_one_statement():
    text = ("Rescuers searched the bay overnight.\n\n"
            "\"We are still looking for four people,\" coast guard spokesman Ramon Delgado told reporters on Friday. "
            "\"The weather made the rescue very difficult.\"\n\n"
            "\"Nobody should sail tomorrow.\"\n")
    art = normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))
    ex = next(Extractor().run([art]))
    delgado = [q for q in ex.quotes if q.speaker == "Ramon Delgado"]
    assert len(delgado) == 1
    q = delgado[0]
    # the content runs from the first passage to the last; its words leave out the attribution
    assert text[q.content.start : q.content.end].endswith("very difficult.")
    assert q.content_text == "We are still looking for four people, The weather made the rescue very difficult."
    # a passage in a paragraph of its own is not taken as the same statement
    assert not any("Nobody should sail" in x.content_text for x in delgado)


def test_doubled_apostrophes_mark_a_quotation():
    text = "''The plant will stay open for at least two more years,'' said Maria Lopez, the plant manager.\n"
    art = normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))
    q = by_content(next(Extractor().run([art])), "stay open")
    assert q.direct and q.speaker == "Maria Lopez"
    assert q.content_text == "The plant will stay open for at least two more years,"  # as inside the marks


def test_a_cue_that_interrupts_its_clause_attributes_the_clause():
    text = ("The mayor met the union on Monday.\n\n"
            "The new terminal, Mayor Ahmed Aboutaleb said, would not open before the end of next year.\n")
    art = normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))
    q = by_content(next(Extractor().run([art])), "would not open")
    assert q.speaker == "Ahmed Aboutaleb" and not q.direct
    assert q.content_text == "The new terminal would not open before the end of next year"  # the cue left out


def test_a_passage_before_a_sentence_goes_only_to_an_attribution_that_opens_it():
    text = ("\"That is a problem for the whole port,\" said Jan Smit, a harbour pilot. "
            "\"I would love to see the union settle this week.\" "
            "Councillor Eva Bakker said the mayor called on both sides to meet.\n\n"
            "\"We will not stop until the cranes are gone and the jobs are safe.\"\n\n"
            "Pieter Jansen reported from Rotterdam.\n")
    art = normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))
    ex = next(Extractor().run([art]))
    love = by_content(ex, "love to see the union")
    assert love.speaker == "Jan Smit"  # not the mayor, whose cue ("called") is deep in the next sentence
    assert not any("cranes are gone" in q.content_text and q.speaker == "Pieter Jansen" for q in ex.quotes)


def _quotes(text):
    art = normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))
    return next(Extractor().run([art])).quotes


def test_a_cue_without_a_subject_of_its_own_borrows_the_one_it_hangs_from():
    quotes = _quotes("Transport minister Lena Kraus left the meeting early, saying the talks had failed.\n\n"
                     "Union leader Tom Berg arrived late and said the ferries would stay in port all week.\n")
    saying = next(q for q in quotes if "talks had failed" in q.content_text)
    assert (saying.speaker, saying.cue, saying.content_text) == ("Lena Kraus", "saying", "the talks had failed")
    said = next(q for q in quotes if "ferries would stay" in q.content_text)
    assert said.speaker == "Tom Berg"
    # only through a speech verb: finding bodies is not saying anything
    assert not _quotes("Police arrived at the harbour before dawn, finding the bodies of three fishermen on the quay.\n")


@pytest.mark.parametrize("text, speaker, content", [
    # inside the clause said
    ("Port director Anna Meyer said that the port's \"only real asset\" was its deep channel to the open sea.\n",
     "Anna Meyer", "the port's \"only real asset\" was its deep channel to the open sea"),
    # inside an attributed object
    ("Opposition leader Mark Rutte criticized a \"use it or lose it\" approach to port subsidies.\n",
     "Mark Rutte", "a \"use it or lose it\" approach to port subsidies"),
])
def test_a_quoted_phrase_inside_what_is_attributed_is_not_the_content(text, speaker, content):
    assert next(q for q in _quotes(text) if q.speaker == speaker).content_text == content


def test_a_clause_said_stops_where_someone_else_s_attribution_is_joined_to_it():
    quotes = _quotes("Anna Meyer said the rules would not apply to dock workers, and when pressed, the director "
                     "replied, \"The rules are meant for the office staff and nobody else.\"\n")
    meyer = next(q for q in quotes if q.cue == "said")
    assert meyer.content_text == "the rules would not apply to dock workers"
    # "pressed" and "replied" share the director and the words: one quote, under the speech verb
    office = [q for q in quotes if "office staff" in q.content_text]
    assert [q.cue for q in office] == ["replied"]


def test_what_a_verb_says_of_its_object_is_part_of_the_content():
    q = next(q for q in _quotes("The dockers' union called the offer an insult to every worker in the port.\n")
             if q.cue == "called")
    assert q.content_text == "the offer an insult to every worker in the port"


def test_a_quotation_signed_with_a_dash_is_its_signer_s():
    q = next(q for q in _quotes("Readers wrote to us about the strike.\n\n"
                                "\"The harbour is our life and we will defend it.\" ― Karin Visser\n\n"
                                "Mayor Ahmed Aboutaleb said talks would resume on Monday.\n")
             if "harbour" in q.content_text)
    assert (q.speaker, q.cue, q.direct) == ("Karin Visser", "―", True)
    assert q.content_text == "The harbour is our life and we will defend it."
    # a title followed by a dash and a name that goes on is not a signature
    book = _quotes("He reread \"The Grapes of Wrath and Other Stories\" — Steinbeck's collection — every summer.\n")
    assert not any(q.cue == "—" for q in book)


def test_a_paragraph_opened_by_a_speaker_label_is_that_speaker_s():
    quotes = _quotes("Harbour pilot Peter Miller spoke to Radio Rijnmond on Friday. Partial transcript:\n\n"
                     "MILLER: We will sail again when the strike ends, not a day before.\n\n"
                     "NOTE: The interview was shortened for length.\n")
    q = next(q for q in quotes if "sail again" in q.content_text)
    assert (q.speaker, q.cue) == ("Peter Miller", ":")  # the capitals are the man named above
    assert q.content_text == "We will sail again when the strike ends, not a day before"
    assert not any("shortened" in q.content_text for q in quotes)
    furniture = _quotes("NEW DELHI: The government on Monday announced a new port in Gujarat, the third this year.\n\n"
                        "BURGLARY: On Nov. 21, Deputy David Pinkston was sent to a home on Ed Bennett Road.\n\n"
                        "Story Highlights: Four cranes were damaged in the storm, police said\n\n"
                        "David Pinkston: (904) 359-4091 or dpinkston@example.com, on Twitter @dpink\n")
    assert not any(q.cue == ":" for q in furniture)  # a dateline, a blotter's heading, page furniture, a contact


def test_a_passage_with_a_cue_of_its_own_is_not_merged_into_the_quotation_before_it():
    quotes = _quotes("\"We cannot afford this port any more,\" Mayor Ahmed Aboutaleb said, adding later, \"The cranes "
                     "are costing us a fortune and the ships go to Antwerp anyway.\"\n")
    said = next(q for q in quotes if q.cue == "said")
    assert said.content_text == "We cannot afford this port any more,"
    assert any(q.cue == "adding" and "costing us a fortune" in q.content_text for q in quotes)


@pytest.mark.parametrize("text, words, speaker", [
    # an apposition after the speaker's name names someone else: the speaker is the name it follows
    ("Laura Penn, the press secretary for Senator Tom Fisher, wrote that the two reports \"did not add up at all\" "
     "on Monday.", "did not add up", "Laura Penn"),
    # a relative pronoun: the name just before it
    ("\"The city cannot afford another year like this one,\" said Mayor Ellen Brooks, who added that \"the budget "
     "will be cut in every single department\" next spring.", "budget will be cut", "Ellen Brooks"),
])
def test_appositions_and_relative_pronouns_name_the_right_speaker(text, words, speaker):
    art = normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))
    q = by_content(next(Extractor().run([art])), words)
    assert q.speaker == speaker


def test_a_pronoun_after_a_quote_is_the_last_speaker_not_the_last_name():
    text = ("\"The plan is sound and it is paid for,\" said Senator Ana Ruiz on Monday.\n\n"
            "Critics compared it to the failed proposal of Governor Luis Moreno last year.\n\n"
            "\"We will not repeat the mistakes of that plan,\" she said.\n")
    art = normalize(RawRecord(text=text, origin="test", lang="en", published="2026-03-05"))
    assert by_content(next(Extractor().run([art])), "repeat the mistakes").speaker == "Ana Ruiz"


@pytest.mark.parametrize("text, words, speaker", [
    # a sentence since the last quote opens with someone else: "she" is her
    ("\"The party lost the factory towns because it stopped listening,\" Congressman Dale Hurst said last week.\n\n"
     "Speaker Maria Ellison did not agree with Hurst's reading in an interview on Monday.\n\n"
     "\"He did not even carry his own county,\" she said.\n", "carry his own county", "Maria Ellison"),
    # ... or with an office the article gave a name: "The governor" is Governor Paul Okafor
    ("Governor Paul Okafor signed the budget on Friday. \"It is a fair deal,\" his adviser Nina Patel said.\n\n"
     "The governor declined to say which projects would wait.\n\n"
     "\"It did not sound too important to me,\" he said.\n", "too important", "Paul Okafor"),
    # an abbreviation's period starts no sentence: "Rep. Tom Fisher" is not whom the next words are about
    ("\"Act like it,\" added Laura Penn, who works for Rep. Tom Fisher, R-Ohio. The aide also wrote about the "
     "budget: \"It is a mess and everyone knows it.\"\n", "a mess and everyone", "Laura Penn"),
])
def test_whom_he_or_she_or_a_description_stands_for(text, words, speaker):
    assert by_content(extract(text), words).speaker == speaker


def test_a_paragraph_a_colon_hands_over_is_the_words_of_whom_the_line_names():
    text = ("The judge had criticised him in an interview on Monday.\n\n"
            "And Governor Paul Okafor lashed out on Twitter, saying:\n\n"
            "Judge Ellis of the state court has embarrassed all by making very dumb political statements. Resign!\n\n"
            "The list of the county's polling places:\n\n"
            "Central Library, Oak Street school, the old fire station and the sports hall.\n")
    ex = extract(text)
    assert by_content(ex, "very dumb political").speaker == "Paul Okafor"
    assert not any("fire station" in q.content_text for q in ex.quotes)  # a list, not someone's words


def test_words_inside_a_clause_said_are_not_a_quote_of_their_own():
    ex = extract("The governor said she thinks the river defences are strongest when towns pay for them together. "
                 "Marta Llorens said the council had drawn the districts by adding a few poorer streets to richer ones.\n")
    contents = sorted(q.content_text for q in ex.quotes)
    assert contents == ["she thinks the river defences are strongest when towns pay for them together",
                        "the council had drawn the districts by adding a few poorer streets to richer ones"]


def test_a_named_person_s_words_reported_inside_another_s_stay():
    ex = extract("Rafael Ortiz told Ines Baro she should \"keep the minutes quiet\" before the hearing, the indictment said.\n")
    assert any(q.speaker == "Rafael Ortiz" for q in ex.quotes)


def test_one_quotation_claimed_by_two_cues_is_one_quote():
    ex = extract("Tomas Reyes said he hopes the strike sends a message that \"the docks will not be run from a spreadsheet.\"\n")
    assert len(ex.quotes) == 1
    assert (ex.quotes[0].speaker, ex.quotes[0].cue) == ("Tomas Reyes", "said")
    assert ex.quotes[0].content_text.startswith("he hopes the strike sends a message")


def test_a_short_quotation_that_goes_on_after_its_speaker_is_one_statement():
    ex = extract("The vote was close.\n\n\"It's heartbreaking,\" Reyes said. \"The port has to learn to listen to the people "
                 "who work in it.\"\n\nOthers disagreed.\n")
    q = by_content(ex, "heartbreaking")
    assert q.direct and q.content_text.endswith("who work in it.")


def test_a_quotation_over_two_paragraphs_in_straight_marks_is_one():
    ex = extract("The dockers met on Friday.\n\n\"We will keep the cranes running through the winter. Nobody will be sent home.\n\n"
                 "\"The port belongs to the people who work in it,\" Tomas Reyes said.\n")
    q = by_content(ex, "cranes running")
    assert q.speaker == "Tomas Reyes" and q.content_text.rstrip(",").endswith("who work in it")
