from __future__ import annotations

from newsprism.extract.quantities import AT_LEAST, find_quantities, people_counts


def counts(text):
    """newsprism's figure per role for a text, as a story's comparison takes it."""
    return people_counts(find_quantities(text, "a"))


def q(text):
    return [(x.kind, x.value, x.role or x.unit) for x in find_quantities(text, "a")]


def test_people_counts_with_their_role():
    text = ("Two people were killed and three others were wounded when gunfire erupted outside a bar, police said. "
            "A second shooting overnight left one man dead.")
    assert ("people", 2.0, "killed") in q(text) and ("people", 3.0, "injured") in q(text)
    assert people_counts(find_quantities(text, "a")) == {"killed": 2.0, "injured": 3.0}  # the lead's figures


def test_number_after_the_role_coordination_and_none():
    assert ("people", 2.0, "killed") in q("The gunman opened fire, killing two and injuring four others.")
    assert ("people", 4.0, "injured") in q("Three men and a woman were wounded in the gunfire.")
    assert ("people", 0.0, "injured") in q("No one was injured in the blast.")
    assert q("Officers knocked, but no one answered the door.") == []
    # the same in the other languages of the demo
    assert ("people", 0.0, "injured") in q("No hubo heridos.")
    assert ("people", 0.0, "injured") in q("Verletzt wurde niemand.")
    assert ("people", 0.0, "injured") in q("事故未造成人员受伤。")
    assert ("people", 0.0, "killed") in q("L'incendie n'a fait aucun mort, selon les pompiers.")
    assert q("Sin embargo, el tren llegó tarde.") == []


def test_people_counts_in_japanese_and_russian():
    assert ("people", 3.0, "killed") in q("3人が死亡し、20人がけがをした。") and ("people", 20.0, "injured") in q("3人が死亡し、20人がけがをした。")
    assert ("people", 4.0, "killed") in q("死者は少なくとも4人に上った。")
    ru = "Погибли 3 человека, 20 пострадали. Задержаны 2 подозреваемых."
    assert {x for x in q(ru)} >= {("people", 3.0, "killed"), ("people", 20.0, "injured")}
    assert ("people", 5.0, "injured") in q("Ранены 5 человек.")
    assert q("В 3 часа ночи пожар потушили.") == []
    assert q("Он пропал без вести 10 лет назад. Пострадал 12 марта.") == []  # years and a date are no count of people


def test_money_percent_and_chinese():
    assert ("money", 1.5e6, "USD") in q("The city pledged $1.5 million for repairs.")
    assert ("percent", 3.8, "%") in q("Inflation slowed to 3.8% in March.")
    assert ("people", 12.0, "killed") in q("渡轮翻覆事故已造成12人死亡。")
    assert ("people", 3.0, "injured") in q("事故中受伤3人。")


def test_an_update_states_the_new_figure():
    text = "The number of people injured in Sunday's magnitude 6.1 earthquake rose to 55, officials said."
    assert ("people", 55.0, "injured") in q(text) and ("number", 6.1, "magnitude") in q(text)


def test_an_amount_ends_at_its_comma():
    # "$200,000, the report said": the comma after the amount is the sentence's, not a thousands separator
    assert ("money", 200000.0, "USD") in q("The city paid $200,000, the report said.")
    spans = [x.text for x in find_quantities("a $250,000 grant and $1.1 million more", "a")]
    assert spans == ["$250,000", "$1.1 million"]  # no trailing space in the span


def test_one_person_told_of_counts_one_after_any_stated_number():
    from newsprism.extract.quantities import ONE_PERSON, TO_DATE, lead_order

    text = ("A 19-year-old man was shot dead outside a corner store on Friday. Marcus Tell, 24, was arrested "
            "nearby and is being held without bail. A woman who was walking past was taken to a hospital in "
            "stable condition.")
    found = {(x.role, x.value, x.unit) for x in find_quantities(text, "a") if x.kind == "people"}
    assert {("killed", 1.0, ONE_PERSON), ("arrested", 1.0, ONE_PERSON), ("injured", 1.0, ONE_PERSON)} <= found
    assert people_counts(find_quantities(text, "a")) == {"killed": 1.0, "arrested": 1.0, "injured": 1.0}
    # a number stated outright leads before one person told of, wherever each stands
    text = "The victim, a 30-year-old woman, was pronounced dead at the scene. Two people were killed in all."
    assert people_counts(find_quantities(text, "a"))["killed"] == 2.0
    # zeros come last: "no one else was hurt" does not undo the one injured
    text = "No one else was hurt. A 12-year-old boy was wounded in the leg."
    assert people_counts(find_quantities(text, "a"))["injured"] == 1.0
    # a running tally is no toll
    qs = find_quantities("It was the city's 300th homicide this year; 12 people have been killed so far this year.", "a")
    assert [x.unit for x in qs if x.kind == "people"] == [TO_DATE] and lead_order(qs) == []


def test_what_is_no_count_of_people():
    assert people_counts(find_quantities("No arrests have been made, police said on Sunday.", "a")) == {"arrested": 0.0}
    assert people_counts(find_quantities("There have been no arrests in the case.", "a")) == {"arrested": 0.0}
    # someone's past, a question, a vague word, a death years ago, a trip to hospital that ended in death
    for text, want in (("The driver had been arrested twice before on drug charges.", {}),
                       ("Police would not say whether a suspect had been taken into custody.", {}),
                       ("Several people are dead after the fire.", {}),
                       ("She inherited the house after the death of her husband in 2009.", {}),
                       ("He was taken to a hospital, where he died of his wounds.", {"killed": 1.0})):
        assert people_counts(find_quantities(text, "a")) == want, text
    # two people named together count two
    text = "Officer Dana Reyes and Deputy Luis Ortega were shot and killed during a traffic stop."
    assert people_counts(find_quantities(text, "a")) == {"killed": 2.0}


def test_counts_that_go_on_and_counts_told_as_words():
    assert counts("He is accused of killing his wife and two daughters.") == {"killed": 3.0}
    assert counts("The gunman killed a clerk and injured a customer and two others before fleeing.") == {"killed": 1.0, "injured": 3.0}
    assert counts("The standoff ended with the father killing his 4-year-old son and then taking his own life.") == {"killed": 2.0}
    assert counts("Deputies are investigating an apparent double murder-suicide on Elm Road.") == {"killed": 3.0}
    assert counts("A third victim of the bar shooting has died, the coroner said.") == {"killed": 3.0}
    assert counts("Police have arrested and charged a 4th suspect in the robbery.") == {"arrested": 4.0}
    assert counts("Teen, 16, killed in drive-by shooting") == {"killed": 1.0}  # a headline's lone person
    assert counts("Maria Lopez, who was pronounced dead at the hospital, was 19.") == {"killed": 1.0}
    assert counts("The boy's father, who was not injured, called 911.") == {}


def test_custody_surrender_and_light_injuries():
    assert counts("A 30-year-old man was taken into police custody on Sunday.") == {"arrested": 1.0}
    assert counts("The suspect surrendered to police on Friday.") == {"arrested": 1.0}
    assert counts("The boy had minor injuries to his thigh and is expected to be OK.") == {"injured": 1.0}
    assert counts("The boy had a gun in his backpack.") == {}


def test_negated_and_implied_counts():
    # "no one" is a stated zero, never "one"
    assert counts("Four men were wounded. No one was in custody Wednesday night.") == {"injured": 4.0, "arrested": 0.0}
    assert counts("The investigation is ongoing and no one has been detained for the incident yet.") == {"arrested": 0.0}
    # an attempted murder-suicide kills no one; a bare murder-suicide is two dead or more, after any number stated
    assert "killed" not in counts("Baby wounded during attempted murder-suicide in SW Houston")
    assert counts("Chesapeake murder-suicide\nSix members of the same family were found dead.") == {"killed": 6.0}
    found = find_quantities("Deputies investigate a murder-suicide on Elm Road.", "a")
    assert [(x.value, x.unit) for x in found] == [(2.0, AT_LEAST)]


def test_counts_joined_and_counted_with_kin():
    assert counts("Two men were in critical condition and two others injured after being shot.") == {"injured": 4.0}
    assert counts("Lee and her three children were shot dead by her companion.") == {"killed": 4.0}
    assert counts("Police say gangs are behind mass shooting that killed 1, wounded 7\nOne person was killed.") == \
        {"killed": 1.0, "injured": 7.0}
    assert counts("Two other gunshot victims arrived at the hospital via personal vehicles.") == {"injured": 2.0}


def test_one_person_in_more_phrasings():
    assert counts("The 9 year old boy is recovering at UT Medical Center.") == {"injured": 1.0}
    assert counts("Her 4-year-old sister's injuries were non-life threatening.") == {"injured": 1.0}
    assert counts("Officers located a suspect and took him into custody.") == {"arrested": 1.0}
    assert counts("She was taken to Orange Park Medical Center with non-life-threatening injuries.") == {"injured": 1.0}
    assert counts("A 19-year-old man was shot in the side and listed in critical condition.") == {"injured": 1.0}
    assert counts("Police: Vortex gunman in custody") == {"arrested": 1.0}
    assert counts("Man wanted in Sunday shooting surrenders after a video surfaces") == {"arrested": 1.0}
    assert counts("Woman fatally shot after hike, man arrested\nThe hike began at noon.") == {"killed": 1.0, "arrested": 1.0}
    # the one injured who then died is one dead, not one hurt
    assert counts("The 20-year-old man injured in a shooting last week died from his injuries Sunday.") == {"killed": 1.0}
    assert counts("The boy died shortly after he was transported to a local hospital.") == {"killed": 1.0}
    assert counts("Anderson was taken to CGH Medical Center in Sterling, where he later died.") == {"killed": 1.0}
    assert counts("All had suffered gunshot wounds.") == {}


def test_other_incidents_and_page_furniture_are_no_toll():
    assert counts("Four people were shot at the bar. This all comes after a person was killed outside it in November.") == {}
    assert counts("A boy, 2, shot himself. In 2015, at least four kids died in Harris County in accidental shootings.") == {}
    assert counts("Officer shot in Elm Street stop\n\n0:50 One dead after shooting involving officer\n") == {}
    assert counts("MORE FROM WAVE3.COM\n\n+ 1 dead, 1 wounded in Park Hill shooting\n") == {}


def test_round_four_phrasings():
    """Phrasings the fourth round of figure rules reads (GVA test3's errors, reworded here)."""
    # counts with the people listed between the number and the verb, or a part named from a group
    assert counts("Two victims, a 30-year-old man and a 41-year-old woman, were taken to a hospital.") == {"injured": 2.0}
    assert counts("All four victims -- a girl shot in the hand, two men and a woman -- were taken to hospitals.") == {"injured": 4.0}
    assert counts("All three of the wounded were taken to a hospital.") == {}  # ("the wounded" names nobody counted)
    assert counts("All three of the victims were taken to a hospital in stable condition.") == {"injured": 3.0}
    assert counts("One of the four people shot and killed Monday was a teacher.") == {"killed": 4.0}
    assert counts("One of the two victims died at the scene.") == {"killed": 1.0}
    assert counts("2 men, 1 woman found shot to death in a parked car") == {"killed": 3.0}
    assert counts("The gunman, who killed 12 and injured 30 at a concert, was shot by police.") == {"killed": 12.0, "injured": 30.0}
    assert counts("A fire that claimed two lives is under investigation.") == {"killed": 2.0}
    assert counts("Deputies found three bodies in the house.") == {"killed": 3.0}
    # a part of the count before it never leads; a lower bound never contradicts
    assert counts("Six people shot near a park, three in critical condition") == {}
    q = [x for x in find_quantities("Police said three of the men suffered minor injuries.", "a") if x.kind == "people"]
    assert [(x.value, x.unit) for x in q] == [(3.0, AT_LEAST)]
    # one person: an age in words, a headline's "fatally shot" or "suffers", "Arrest made", a jail
    assert counts("Six-year-old wounded in a drive-by shooting\nMore text.") == {"injured": 1.0}
    assert counts("Teen fatally shot outside a gas station\nMore text.") == {"killed": 1.0}
    assert counts("Driver suffers gunshot wound in road rage incident\nMore text.") == {"injured": 1.0}
    assert counts("Arrest made in Elm Street shooting\nMore text.") == {"arrested": 1.0}
    assert counts("No arrest has been made.") == {"arrested": 0.0}  # (a zero, not one)
    assert counts("The 30-year-old suspect, of Salem, was taken to the Marion County Jail.") == {"arrested": 1.0}
    assert counts("Officers found 19-year-old Dana Smith of Reno shot to death.") == {"killed": 1.0}
    assert counts("A deputy took Smith into custody.") == {"arrested": 1.0}
    assert counts("The girl, whose name was not released, was taken to the hospital with a minor wound.") == {"injured": 1.0}
    assert counts("The man suffered only minor injuries.") == {"injured": 1.0}
    # zeros: "so far" is this incident's; a suspect not yet caught
    assert counts("So far, no one has been arrested.") == {"arrested": 0.0}
    assert counts("The shooter ran off and has not been taken into custody.") == {"arrested": 0.0}
    # the same people counted again: the hurt who then died, "the victim" where one person was killed
    assert counts("A woman was rushed to the hospital in critical condition. She died early Monday.") == {"killed": 1.0}
    assert counts("Two people were taken to hospitals with gunshot wounds. Police said the two died overnight.") == {"killed": 2.0}
    assert counts("Man shot and killed in Elm Park\nMedics took the victim to the County Medical Center.") == {"killed": 1.0}
    assert counts("A man was killed Friday. Another man was taken to the hospital.") == {"killed": 1.0, "injured": 1.0}
    # the victims told of as hurt, as many as were shot (a lower bound), unless someone died
    assert counts("Four shot at a block party\nThe victims were taken to hospitals and are expected to recover.") == {"injured": 4.0}
    assert counts("Four people were shot, one fatally. The victims were taken to hospitals.") == {}
    # no toll: a plan, a statistic over years, another incident the report recalls
    assert counts("He helped plan the murder of his business partner.") == {}
    assert counts("At least 80 children were killed in such accidents between January 2013 and March 2014.") == {}
    assert counts("The shots began after a man was shot dead on Main Street last month.") == {}


def test_round_five_phrasings():
    """Phrasings the fifth round of figure rules reads (GVA test4's errors, reworded here)."""
    # page furniture: a list of other stories, teaser paragraphs printed twice
    assert counts("A man was shot dead Sunday.\n\nMore stories you may like\n\nFire kills 3 in Elm City. Three people died.") \
        == {"killed": 1.0}
    teaser = "Four people were wounded in a crash on Route 9 last night, state troopers said."
    other = "Two men have been arrested in a robbery at a gas station on Main Street, police said."
    assert counts(f"Boy hurt\nA boy was taken to a hospital.\n\n{teaser}\n\n{teaser}\n\n{other}\n\n{other}") == {"injured": 1.0}
    # no toll: several incidents' total, a span since a year, what a correction withdraws
    assert counts("The first of the four shootings that wounded 11 people this weekend was on Elm Street.") == {}
    assert counts("Of the shootings where four or more people died in the U.S. since Aug. 1, 1966, few were at schools.") == {}
    assert counts("A man was taken to the hospital in stable condition.\n\n*NOTE: An earlier version of this story said "
                  "the man had died. Police later corrected the information.") == {"injured": 1.0}
    # zeros and pasts
    assert counts("Police do not have a suspect in custody.") == {"arrested": 0.0}
    assert counts("He was arrested in March 2012 for a traffic offence.") == {}
    # counts: words between the number and the people, more nouns, "of his friends", "injuries to", "deaths of"
    assert counts("The three slain Elm County deputies were remembered Monday.") == {"killed": 3.0}
    assert counts("Three fallen county deputies killed in an ambush were remembered Monday.") == {"killed": 3.0}
    assert counts("Four days three people dead") == {"killed": 3.0}
    assert counts("Two bailiffs were fatally shot.") == {"killed": 2.0}
    assert counts("He shot a driver, wounding three of his passengers.") == {"injured": 3.0}
    assert counts("The shooting resulted in the death of a man and injuries to four other people.") == {"killed": 1.0, "injured": 4.0}
    assert counts("Two men were charged in the 2014 slayings of 2 teens.") == {"killed": 2.0}
    assert counts("Police have arrested three men and one 16-year-old.") == {"arrested": 4.0}
    assert counts("Elm City Star, 5 Others Hurt in Club Shooting\nMore text.") == {"injured": 6.0}
    assert counts("One man died and two others were injured.") == {"killed": 1.0, "injured": 2.0}
    assert counts("A woman and two other men were also shot; they were taken to a hospital with minor injuries.") == {"injured": 3.0}
    # one person: names like McCray, a long apposition, "for treatment", "but survived", "homicide victim", "fatal shooting of"
    assert counts("At noon Friday, Dana McCray was booked into the county jail.") == {"arrested": 1.0}
    assert counts("Dana Ruiz, called an innocent bystander by police, died at the scene.") == {"killed": 1.0}
    assert counts("Medics took him to St. Mary's for treatment.") == {"injured": 1.0}
    assert counts("Lee Park was also shot in the arm but survived.") == {"injured": 1.0}
    assert counts("Elm Street homicide victim identified\nMore text.") == {"killed": 1.0}
    assert counts("Police: Fatal shooting of teen was an accident\nMore text.") == {"killed": 1.0}
    assert counts("Man kills two children, then fatally shoots self\nMore text.") == {"killed": 3.0}
    assert counts("Teen Critical After Being Shot\nMore text.") == {"injured": 1.0}
    assert counts("They found 16-year-old Dana Diaz dead from a gunshot wound.") == {"killed": 1.0}
    # not hurt, or the same person counted twice
    assert counts("The suspect's mother was taken to the hospital for an evaluation.") == {}
    assert counts("Dana McBride suffered a gunshot wound to the head. McBride was pronounced dead at 6 p.m.") == {"killed": 1.0}
    assert counts("Medics took the victim to a hospital. The victim was later pronounced dead.") == {"killed": 1.0}


def test_round_six_phrasings():
    """Phrasings the sixth round of figure rules reads (GVA test5's errors, reworded here)."""
    assert counts("Six men are charged with the attempted murders of four teenagers.") == {}
    assert counts("A man was arrested for the killing of two women in June.") == {"killed": 2.0, "arrested": 1.0}
    assert counts("Police charged him for Sunday's shootings that killed three people and hospitalized two.") \
        == {"killed": 3.0, "injured": 2.0}
    assert counts("The four shootings that wounded 9 people this month were in one ward.") == {}
    assert counts("The third and final suspect in the killing is now in police custody.") == {"arrested": 3.0}
    assert counts("All four were shot; Dana Cole and Lee Park, 19, died.") == {"killed": 2.0}
    assert counts("One of the victims was pronounced deceased at the scene.") == {"killed": 1.0}
    assert counts("Boy, 4, kills himself with a loaded gun\nMore text.") == {"killed": 1.0}
    assert counts("Man Shot To Death In Elm Park\nMore text.") == {"killed": 1.0}
    assert counts("The teen who fired the gun was not in custody.") == {"arrested": 0.0}
    assert counts("She was taken to Elm Hospital, where she succumbed to her injuries.") == {"killed": 1.0}
    assert counts("A woman was shot. She was taken to County Hospital where she was later pronounced deceased.") == {"killed": 1.0}
    assert counts("The victim went to County General Hospital with a wound to the arm.") == {"injured": 1.0}
    assert counts("Deputies said he had warrants out for his arrest.") == {}
    assert counts("Police are investigating the fatal shooting of one man and the wounding of two other men.") \
        == {"killed": 1.0, "injured": 2.0}
    assert counts("The gunfire killed a boy and left a man in critical condition.") == {"injured": 1.0, "killed": 1.0}
    assert counts("Two of the men suffered minor injuries and another was taken to the hospital in critical condition.") \
        == {"injured": 3.0}
    assert counts("Four victims are in noncritical condition.") == {"injured": 4.0}
    # a number is no count of people through "the" ("Channel 3 News the man died")
    assert counts("He told Channel 3 News the man died in his arms.") == {"killed": 1.0}  # (one, not three)


def test_taken_for_treatment_needs_its_verb():
    # "for treatment" stands for a hospital after a verb of taking, and only after one
    assert counts("A man was flown to St. Mary's for treatment.") == {"injured": 1.0}
    assert counts("Two men were  to St. Mary's for treatment.") == {}
