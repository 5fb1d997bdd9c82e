from __future__ import annotations

from newsprism.extract.quantities import find_quantities, people_counts


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
