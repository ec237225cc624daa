"""What a thread may show: one short case per failure kind judged on real pages (bot/claims/showing.py).

Every attribution stays in the extractor's output (PolNeAR scores recall on all of them); these tests are
about ``shown``: a reader takes every shown line as "X said Y".
"""

from __future__ import annotations

from spacy.language import Language

from bot.claims import Claim, extract_claims


def shown(nlp: Language, text: str, title: str | None = None) -> list[Claim]:
    return [c for c in extract_claims(nlp, text, title=title) if c.shown]


def hidden(nlp: Language, text: str) -> list[Claim]:
    return [c for c in extract_claims(nlp, text) if not c.shown]


# --- furniture never speaks


def test_a_deal_line_is_not_a_claim(nlp: Language) -> None:
    text = (
        "The best deals this week.\n\n"
        "New Price Drop: Apple Watch Series 3 38mm Smart Watch for $169.99 (Originally $200)\n\n"
        "Element 4K UHD Smart HDTV with Roku for $499.99 (Originally $800)"
    )
    assert shown(nlp, text) == []


def test_a_string_of_headlines_is_not_a_claim(nlp: Language) -> None:
    text = (
        "The office announced Progressives oppose spending stopgap | Senators call for 5G security "
        "coordinator | House Dems unveil renewable energy tax plan MORE on Tuesday."
    )
    assert shown(nlp, text) == []


def test_an_inch_mark_does_not_open_a_quotation(nlp: Language) -> None:
    text = (
        'Get the 70" TV while it lasts. "Prices like these will not come back before the holidays," '
        "the retailer's spokeswoman Jane Ortiz said."
    )
    c = next(c for c in shown(nlp, text) if c.source == "Jane Ortiz")
    assert c.content.startswith('"Prices like these')


def test_a_dateline_is_not_part_of_a_claim(nlp: Language) -> None:
    text = (
        "(CNN)President Donald Trump, according to the White House, made an unscheduled trip to Walter "
        "Reed hospital on Saturday afternoon."
    )
    c = next(c for c in extract_claims(nlp, text) if c.source == "White House")
    assert not c.content.startswith("(CNN)")


# --- narration, instruments and the writer are not sources


def test_a_narrated_choice_is_not_a_claim(nlp: Language) -> None:
    text = "NASA chose to receive bids from five companies for the lunar lander program next year."
    assert shown(nlp, text) == []


def test_an_instrument_is_not_a_speaker(nlp: Language) -> None:
    text = "Breathing tests showed that the man's lungs were badly inflamed after months of exposure."
    assert shown(nlp, text) == []
    assert hidden(nlp, text), "the attribution is kept for recall"


def test_a_hypothetical_speech_act_is_not_a_claim(nlp: Language) -> None:
    text = 'As Sherlock would say, "Elementary, my dear Watson, the answer was always in the bedding."'
    assert shown(nlp, text) == []


def test_a_question_is_not_a_claim(nlp: Language) -> None:
    text = 'Gayle King asked, "What is it about Joe Biden that you feel a personal connection to?"'
    assert shown(nlp, text) == []


# --- mind-reading


def test_a_guess_at_a_mind_is_not_a_claim(nlp: Language) -> None:
    text = "Xi knows that sending the army would spark immediate international furor and pressure."
    claims = extract_claims(nlp, text)
    assert [c.act for c in claims if c.source == "Xi"] == ["belief"]
    assert shown(nlp, text) == []


# --- negation


def test_a_negated_speech_act_is_never_shown_as_asserted(nlp: Language) -> None:
    for text in (
        "The US military did not reveal the crash location in Logar province on Wednesday.",
        "The ministry declined to confirm that the talks with the rebels had failed.",
        "The minister never said that the government would raise taxes this year.",
    ):
        claims = extract_claims(nlp, text)
        assert claims and all(not c.shown for c in claims), text
        assert any(c.act == "negated" for c in claims), text


def test_nobody_claiming_is_not_a_claim(nlp: Language) -> None:
    text = "No group claimed responsibility, but the bloodshed raised fears that militants were expanding."
    assert shown(nlp, text) == []


def test_a_denial_is_the_deniers_claim(nlp: Language) -> None:
    text = "The Russian Defense Ministry denied that the talks with the rebels had failed."
    (c,) = shown(nlp, text)
    assert (c.cue, c.act) == ("denied", "communication")


# --- speakers


def test_a_salutation_is_not_a_speaker(nlp: Language) -> None:
    text = (
        "DEAR ABBY: My husband of more than 20 years just purchased plane tickets to India for the two of us."
    )
    assert all(c.source != "DEAR ABBY" and c.source != "ABBY" for c in shown(nlp, text))


def test_the_outlet_that_passes_a_claim_on_is_not_its_speaker(nlp: Language) -> None:
    text = "Reuters reported that the Inner Mongolia health commission said no new cases had been found."
    assert all(c.source != "Reuters" for c in shown(nlp, text))


def test_a_role_is_a_noun_phrase(nlp: Language) -> None:
    text = "Patrick Carlineo Jr., 55, said he supported the president and would plead guilty on Monday."
    c = next(c for c in extract_claims(nlp, text) if c.cue == "said")
    assert c.source == "Patrick Carlineo Jr."
    assert c.role is None  # an age is not a role


def test_a_descriptor_never_named_is_not_shown_as_a_speaker(nlp: Language) -> None:
    text = "The owner said a man entered one of the salons on Tuesday and touched himself inappropriately."
    (c,) = extract_claims(nlp, text)
    assert c.source == "owner" and not c.shown
    named = "Usman Hasib, the owner, said a man entered one of the salons on Tuesday and touched himself."
    assert [c.source for c in shown(nlp, named)] == ["Usman Hasib"]


def test_a_statement_is_shown_under_its_author_only(nlp: Language) -> None:
    bare = 'A statement said: "The cause of the crash is under investigation, reports show no enemy fire."'
    assert shown(nlp, bare) == []
    named = "The Pentagon's statement said the cause of the crash was under investigation on Wednesday."
    assert [c.source for c in shown(nlp, named)] == ["Pentagon"]


def test_a_vague_group_is_not_a_speaker(nlp: Language) -> None:
    text = "Others said they simply did not want taller buildings in the neighborhood at all."
    assert shown(nlp, text) == []


def test_a_place_before_a_title_is_not_part_of_the_role(nlp: Language) -> None:
    text = (
        "Redmond, Washington, Chief Executive Satya Nadella said that corporations need to create "
        "profitable solutions for people and planet."
    )
    (c,) = [c for c in extract_claims(nlp, text) if c.source == "Satya Nadella"]
    assert c.role == "Chief Executive"


def test_a_content_mixing_in_another_speaker_is_not_shown(nlp: Language) -> None:
    text = (
        "The United Nations stressed that the decision would not change the reality that the settlements "
        "were illegal, while the Arab League condemned the unilateral move announced by Pompeo."
    )
    assert all(c.source != "United Nations" for c in shown(nlp, text))


def test_a_content_cut_off_mid_clause_is_not_shown(nlp: Language) -> None:
    text = (
        "Robert Mugabe and two key figures from the G40 faction are under house arrest, a source said.\n\n"
        "The G40 figures are cabinet ministers Jonathan Moyo and Saviour Kasukuwere, who fled to the "
        "compound after their homes were attacked by troops in Tuesday night's coup, the source, who said "
        "he had spoken to people inside the compound, told Reuters."
    )
    assert all(not c.content.endswith(" are") for c in shown(nlp, text))


# --- order


def test_the_headlines_claim_leads(nlp: Language) -> None:
    text = (
        "The weather in the capital was mild, a forecaster said on Monday morning before the briefing.\n\n"
        "Two service members were killed in a helicopter crash in Afghanistan, the US military said."
    )
    first = shown(nlp, text, title="Two US service members killed in Afghanistan helicopter crash")[0]
    assert "helicopter crash" in first.content


def test_an_unexplained_descriptor_is_the_headlines_person(nlp: Language) -> None:
    text = (
        "Michael R. Bloomberg arrived in Las Vegas on Wednesday for his first debate.\n\n"
        "In a 2015 speech, the former mayor argued that most crimes in the city were committed by very "
        "young men.\n\n"
        "Michael Bloomberg has since apologized for the policy, his spokesman Jason Schechter said."
    )
    title = "As his first debate nears, Bloomberg is having to answer about his past"
    (c,) = [c for c in extract_claims(nlp, text, title=title) if c.cue == "argued"]
    assert (c.source, c.role, c.shown) == ("Michael R. Bloomberg", "former mayor", True)
    (bare,) = [c for c in extract_claims(nlp, text) if c.cue == "argued"]
    assert not bare.shown, "without a headline the descriptor stays unexplained"


def test_they_is_never_a_place(nlp: Language) -> None:
    text = (
        "California ordered rolling blackouts for the first time in nearly two decades on Friday.\n\n"
        "They said the utilities had plenty of power available and that the blackouts were not necessary."
    )
    (said,) = [c for c in extract_claims(nlp, text) if c.cue == "said"]
    assert said.source != "California" and not said.shown


# --- speech acts told by more than a verb


def test_made_clear_that_is_a_claim(nlp: Language) -> None:
    text = (
        "The legislation makes clear that fines can be imposed for falsely naming someone as a close "
        "contact of an infected person."
    )
    (c,) = shown(nlp, text)
    assert (c.source, c.cue) == ("legislation", "makes clear")
    assert c.content.startswith("fines can be imposed")


def test_made_it_clear_negated_is_not_shown(nlp: Language) -> None:
    text = "The minister did not make it clear that the plan to close the hospital would be dropped."
    assert not any(c.cue and c.cue.startswith("make") for c in shown(nlp, text))


def test_said_to_expect_is_what_was_said(nlp: Language) -> None:
    text = "Nvidia itself has stated to expect shortages of the new graphics cards throughout the year."
    (c,) = shown(nlp, text)
    assert (c.source, c.cue, c.content) == (
        "Nvidia",
        "stated",
        "to expect shortages of the new graphics cards throughout the year",
    )


def test_an_order_to_someone_is_not_what_was_said(nlp: Language) -> None:
    text = "The manager told staff to leave the building before the inspectors arrived on Monday."
    assert shown(nlp, text) == []


# --- orders and fragments


def test_an_order_given_is_not_a_claim(nlp: Language) -> None:
    text = (
        'Officers forced the door of the flat. "Hands! Let me see your hands!" an officer ordered. '
        '"Step out."\n\n"Get down on the floor!" another officer shouted.'
    )
    claims = extract_claims(nlp, text)
    assert {c.act for c in claims if c.kind == "direct"} == {"command"}
    assert shown(nlp, text) == []


def test_a_shouted_statement_is_still_a_claim(nlp: Language) -> None:
    text = '"I did not set that fire!" the defendant shouted as the verdict was read out in court.'
    (c,) = shown(nlp, text)
    assert (c.source, c.cue) == ("defendant", "shouted")


def test_words_that_need_the_sentence_around_them_are_not_shown(nlp: Language) -> None:
    for text in (
        '"That\'s perfect," coach Bruce Allaire said after the game on Saturday night.',
        'Chief Minister Dana Whitcombe turned to Twitter last month to describe her city as a "gas chamber."',
        "Prince Harold, the nearly 60-year-old younger brother of the heir to the throne, has reportedly "
        "told friends and family that the interview aired at the weekend was a “great success”.",
    ):
        assert shown(nlp, text) == [], text
    # a short quotation that names what it is about, or whose speaker dropped the subject, stands alone
    for text, words in (
        ('"Our nation is in danger," Prime Minister Habib Ortiz declared.', "Our nation is in danger"),
        ('"Came down to a few points," Reilly Opelka said after the match.', "Came down to a few points"),
        ("Senator Maria Lopez said she will run again.", "she will run again"),
        ('"There is no evidence," the inspector Ana Ruiz said.', "There is no evidence"),
    ):
        assert [words in c.content for c in shown(nlp, text)] == [True], text


def test_according_to_leaves_out_the_writers_gloss_after_it(nlp: Language) -> None:
    text = (
        "The state attorney general is investigating the lender, according to two people familiar with the "
        "matter, adding to a mounting series of problems for the company."
    )
    (c,) = shown(nlp, text)
    assert c.content == "The state attorney general is investigating the lender"
    kept = "Prices will rise next year, according to analysts at the bank, and wages will follow them."
    (k,) = shown(nlp, kept)
    assert k.content.endswith("wages will follow them")


def test_a_dateline_before_a_colon_is_not_a_speaker(nlp: Language) -> None:
    text = (
        "NEW DELHI: Their American dream shattered and their savings gone, nearly 150 Indians returned home "
        "on Wednesday after being deported from the United States."
    )
    assert shown(nlp, text) == []
    named = "Mr Ortiz: The plant will close in May and every worker will be offered a place elsewhere."
    assert [c.source for c in shown(nlp, named)] == ["Ortiz"]


def test_a_count_of_respondents_is_not_a_speaker(nlp: Language) -> None:
    text = "Among adults, the number who said they had used cannabis in the past month rose sharply in 2018."
    assert shown(nlp, text) == []
    people = "Rebecca Lane, who said the plant would close in May, resigned from the board on Friday."
    assert [c.source for c in shown(nlp, people)] == ["Rebecca Lane"]


def test_a_reported_question_is_not_a_claim(nlp: Language) -> None:
    for text in (
        "The interviewer repeatedly demanded how the prince could be so sure what he was doing that night.",
        "Senator Jane Ortiz said whether the bill passes depends on the House.",
    ):
        assert shown(nlp, text) == [], text
    (c,) = shown(nlp, "Senator Jane Ortiz demanded that the minister resign over the leaked report.")
    assert c.act == "communication"


def test_what_someone_said_is_not_the_clause_beside_it(nlp: Language) -> None:
    """ "what X said" names the claim without saying it: the writer's verdict after it is not X's."""
    text = (
        "That is smaller than what Representative Dan Kowalski said, but his number is a reasonable "
        "approximation given the uncertainty in the data."
    )
    assert not any(c.source and "Kowalski" in c.source for c in extract_claims(nlp, text))
