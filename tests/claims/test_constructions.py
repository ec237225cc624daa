"""Each attribution construction on short sentences, through the real pipeline (session ``nlp`` fixture)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.claims import Claim, extract_claims


def claims_of(nlp: Language, text: str) -> list[Claim]:
    claims = extract_claims(nlp, text)
    for c in claims:  # every span must be an exact offset into the text
        assert text[slice(*c.content_span)] == c.content
        if c.cue_span is not None:
            assert text[slice(*c.cue_span)] == c.cue
        if c.source_span is not None:
            assert text[slice(*c.source_span)] == c.source_mention
    return claims


def one(claims: list[Claim], **want: object) -> Claim:
    found = [c for c in claims if all(getattr(c, k) == v for k, v in want.items())]
    assert len(found) == 1, (want, claims)
    return found[0]


def test_indirect_speech_with_that_clause(nlp: Language) -> None:
    text = "Prime Minister Mark Carney said that the tariffs would be lifted in May."
    c = one(claims_of(nlp, text), cue="said")
    assert (c.kind, c.source, c.source_kind) == ("indirect", "Mark Carney", "person")
    assert c.content == "the tariffs would be lifted in May"
    assert c.role == "Prime Minister"


def test_cue_after_the_content(nlp: Language) -> None:
    text = "The economy is growing faster than expected, Treasury Secretary Janet Yellen said on Tuesday."
    c = one(claims_of(nlp, text), cue="said")
    assert c.content == "The economy is growing faster than expected"
    assert (c.source, c.role) == ("Janet Yellen", "Treasury Secretary")


def test_direct_quote_with_inverted_cue_and_its_continuation(nlp: Language) -> None:
    text = '"We will not retreat," said Mayor John Smith. "The city will rebuild."'
    claims = claims_of(nlp, text)
    assert {c.content for c in claims} == {'"We will not retreat,"', '"The city will rebuild."'}
    assert all(c.kind == "direct" and c.source == "John Smith" and c.cue == "said" for c in claims)


def test_quote_spanning_sentences_with_curly_marks(nlp: Language) -> None:
    text = "“The bridge is unsafe. Nobody should cross it until the inspection is over,” the engineer said."
    c = one(claims_of(nlp, text), cue="said")
    assert c.content == "“The bridge is unsafe. Nobody should cross it until the inspection is over,”"
    assert c.kind == "direct"


def test_quote_after_colon(nlp: Language) -> None:
    c = one(claims_of(nlp, 'Smith told the committee: "I never saw the documents."'), cue="told")
    assert c.content == '"I never saw the documents."'
    assert c.source == "Smith"


@pytest.mark.parametrize(
    ("text", "content", "source"),
    [
        ("According to the United Nations, about 3,700 people have fled the region.",
         "about 3,700 people have fled the region", "United Nations"),
        ("More than two dozen protesters were arrested, according to local police.",
         "More than two dozen protesters were arrested", "local police"),
    ],
)
def test_according_to_in_either_position(nlp: Language, text: str, content: str, source: str) -> None:
    c = one(claims_of(nlp, text), kind="according_to")
    assert (c.content, c.source) == (content, source)
    assert c.cue.lower() == "according to"


def test_according_to_a_plan_is_not_a_source(nlp: Language) -> None:
    assert claims_of(nlp, "The bridge was finished on time, according to plan.") == []


def test_apposition_gives_role_and_pronoun_resolves(nlp: Language) -> None:
    text = ("Igor Konashenkov, the ministry's spokesman, said the troops had withdrawn. "
            "He added that 12 tanks were destroyed.")
    claims = claims_of(nlp, text)
    said, added = one(claims, cue="said"), one(claims, cue="added")
    assert said.source == added.source == "Igor Konashenkov"
    assert said.role == "ministry's spokesman"
    assert (added.source_mention, added.role) == ("He", "ministry's spokesman")


def test_pronoun_gender_picks_the_right_person(nlp: Language) -> None:
    text = "Angela Merkel met Emmanuel Macron in Paris. She said Europe must stay united."
    assert one(claims_of(nlp, text), cue="said").source == "Angela Merkel"


def test_descriptor_resolves_through_title(nlp: Language) -> None:
    text = "Senator Ted Cruz said the plan was a disaster. The senator argued that it would cost $2.5 billion"
    c = one(claims_of(nlp, text), cue="argued")
    assert (c.source, c.source_mention) == ("Ted Cruz", "The senator")
    assert c.quantities[0].value == 2.5e9


def test_organisation_pronoun_and_canonical_name(nlp: Language) -> None:
    text = "The White House said the president would sign the bill. It added that 40 senators supported it."
    claims = claims_of(nlp, text)
    assert one(claims, cue="said").source == "White House"
    added = one(claims, cue="added")
    assert (added.source, added.source_kind, added.source_mention) == ("White House", "organization", "It")


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Officials said the bridge would reopen next week.", "officials"),
        ("A source familiar with the talks said an agreement was close.", "a source familiar with the talks"),
    ],
)
def test_unnamed_sources(nlp: Language, text: str, source: str) -> None:
    c = one(claims_of(nlp, text), cue="said")
    assert (c.source, c.source_kind) == (source, "unnamed")


def test_participle_cue_speaks_for_the_main_speaker(nlp: Language) -> None:
    text = ("Smith said on Monday that the factory would close in March, "
            "adding that 300 workers would lose their jobs.")
    claims = claims_of(nlp, text)
    adding = one(claims, cue="adding")
    assert (adding.source, adding.content) == ("Smith", "300 workers would lose their jobs")
    assert one(claims, cue="said").content == "the factory would close in March"


def test_participle_read_inside_the_content_is_not_repeated(nlp: Language) -> None:
    # The parser hangs "adding" on "close": the said-claim holds those words, so they are not claimed twice.
    text = "Smith said the factory would close, adding that 300 workers would lose their jobs."
    claims = claims_of(nlp, text)
    assert [(c.cue, c.source) for c in claims] == [("said", "Smith")]
    assert claims[0].content == "the factory would close, adding that 300 workers would lose their jobs"


def test_cue_in_an_adjunct_of_another_cue_ends_that_cues_content(nlp: Language) -> None:
    text = "Senator Lee Park called the report a whitewash before explaining that the audit had been rigged."
    claims = claims_of(nlp, text)
    called, explaining = one(claims, cue="called"), one(claims, cue="explaining")
    assert called.content == "the report a whitewash"
    assert (explaining.source, explaining.content) == ("Lee Park", "the audit had been rigged")


def test_participle_after_a_preposition_borrows_the_clause_subject(nlp: Language) -> None:
    text = "The senator left the room before explaining that the vote would be delayed."
    c = one(claims_of(nlp, text), cue="explaining")
    assert (c.source_mention, c.content) == ("The senator", "the vote would be delayed")


def test_the_one_asked_is_not_the_asker(nlp: Language) -> None:
    text = "Asked whether he would fire the writer, Reince Priebus said the campaign would review the speech."
    claims = claims_of(nlp, text)
    assert [(c.cue, c.source) for c in claims] == [("said", "Reince Priebus")]
    text = "Asked by reporters if the plan was dead, Governor Ann Lee said it was not."
    asked = one(claims_of(nlp, text), cue="Asked")
    assert (asked.source_mention, asked.content) == ("reporters", "if the plan was dead")


def test_coordinated_cues_split_without_a_dangling_conjunction(nlp: Language) -> None:
    text = "Senator Lee Park has said the plan is dead and added that the vote would be delayed."
    claims = claims_of(nlp, text)
    assert one(claims, cue="said").content == "the plan is dead"
    assert one(claims, cue="added").content == "the vote would be delayed"


def test_speech_reported_inside_a_quotation_stays_the_quoting_speakers(nlp: Language) -> None:
    text = ('"We have a plan for jobs. Trump says we can just print more money to pay our debt down," '
            "Clinton said.")
    claims = claims_of(nlp, text)
    assert [(c.cue, c.source, c.kind) for c in claims] == [("said", "Clinton", "direct")]


def test_quantities_value_hedge_and_counted(nlp: Language) -> None:
    text = ("The ministry said that 1,597 Russian military personnel were wounded, "
            "while about 3,700 soldiers and two dozen officers were captured.")
    c = one(claims_of(nlp, text), cue="said")
    got = {(q.value, q.text, q.counted) for q in c.quantities}
    assert (1597.0, "1,597", "Russian military personnel") in got
    assert (3700.0, "about 3,700", "soldiers") in got
    assert (24.0, "two dozen", "officers") in got


def test_no_source_and_no_quote_means_no_claim(nlp: Language) -> None:
    assert claims_of(nlp, "It was reported that the border was closed.") == []
    assert claims_of(nlp, "The river rose by two metres overnight.") == []


def test_belief_is_attributed_but_ranks_below_speech(nlp: Language) -> None:
    """PolNeAR counts beliefs as attributions; a summary still puts what was said first."""
    belief = one(claims_of(nlp, "Smith thinks the market will recover."), cue="thinks")
    said = one(claims_of(nlp, "Smith said the market will recover."), cue="said")
    assert (belief.source, belief.content) == ("Smith", "the market will recover")
    assert belief.salience < said.salience


def test_clear_quotation_without_speaker_is_kept_unattributed(nlp: Language) -> None:
    text = 'The crowd fell silent.\n\n"We have waited forty years for this moment and will not wait more."'
    c = one(claims_of(nlp, text), kind="direct")
    assert c.source is None and c.cue is None


def test_headline_with_colon(nlp: Language) -> None:
    c = one(claims_of(nlp, "Zelensky: Russia has lost 40,000 soldiers in the east\n\nKYIV is calm."), cue=":")
    assert c.source == "Zelensky"
    assert c.quantities[0].value == 40000.0


def test_furniture_lines_never_make_claims(nlp: Language) -> None:
    text = ("Officials said the road was open.\n\nShare it...\nLive Updates COVID-19 CASES\n"
            'Tweet: "Officials said the road was closed again today."')
    claims = claims_of(nlp, text)
    assert [c.content for c in claims] == ["the road was open"]


def test_salience_ranks_figures_and_names_first(nlp: Language) -> None:
    text = ("Officials said the weather was pleasant.\n\n"
            "The Defense Ministry announced that 498 servicemen were killed in Ukraine.")
    claims = claims_of(nlp, text)
    assert [c.cue for c in claims] == ["announced", "said"]
    assert claims[0].entities == ("Defense Ministry", "Ukraine") or "Ukraine" in claims[0].entities


def test_long_text_keeps_global_offsets(nlp: Language) -> None:
    para = "Officials said the bridge would reopen next week.\n\n"
    text = "Filler sentence without any attribution at all.\n\n" * 40 + para * 3
    claims = extract_claims(nlp, text, chunk_chars=1_000)
    assert len(claims) == 3
    assert all(text[slice(*c.content_span)] == c.content for c in claims)
    assert sorted(c.content_span[0] for c in claims) == [
        i + len("Officials said ") for i in range(len(text)) if text.startswith(para, i)
    ]


@pytest.mark.parametrize(
    ("sentence", "text", "value", "bound", "counted"),
    [
        ("Officials said that more than 2,870 people died.", "more than 2,870", 2870.0, "at_least", "people"),
        ("Officials said that about 3,700 homes were damaged.", "about 3,700", 3700.0, "about", "homes"),
        ("The agency said 1.5 million voters had registered.", "1.5 million", 1.5e6, "exact", "voters"),
        ("The sheriff said three deputies were injured.", "three", 3.0, "exact", "deputies"),
        ("The coach said a dozen players had the flu.", "a dozen", 12.0, "exact", "players"),
        ("The union said two dozen drivers walked out.", "two dozen", 24.0, "exact", "drivers"),
        ("Witnesses said hundreds of protesters blocked a road.", "hundreds", 200.0, "at_least",
         "protesters"),
        ("Aid groups said tens of thousands of families fled.", "tens of thousands", 20000.0, "at_least",
         "families"),
        ("The mayor said up to 40 buses would run.", "up to 40", 40.0, "at_most", "buses"),
        ("The insurer said nearly 500 cars were lost.", "nearly 500", 500.0, "at_most", "cars"),
        ("The charity said half a million meals were served.", "half a million", 5e5, "exact", "meals"),
    ],
)
def test_quantity_values_and_bounds(
    nlp: Language, sentence: str, text: str, value: float, bound: str, counted: str
) -> None:
    c = one(claims_of(nlp, sentence), cue="said")
    got = {q.text: q for q in c.quantities}
    assert text in got, c.quantities
    q = got[text]
    assert (q.value, q.bound, q.counted) == (value, bound, counted)
    assert sentence[slice(*q.span)] == text


def test_dates_and_ordinals_are_not_quantities(nlp: Language) -> None:
    c = one(claims_of(nlp, "The minister said one soldier died on 12 March in the first attack."), cue="said")
    assert [(q.text, q.bound) for q in c.quantities] == [("one", "exact")]


@pytest.mark.parametrize(
    ("text", "cue", "source", "content"),
    [
        ("The governor noted that the state had balanced its budget for a third year.", "noted", "governor",
         "the state had balanced its budget for a third year"),
        ("Health officials warned that the outbreak could spread to nearby counties.", "warned",
         "health officials", "the outbreak could spread to nearby counties"),
        ("The coach insisted that his players had done nothing wrong.", "insisted", "coach",
         "his players had done nothing wrong"),
        ("The company denied that it had misled investors.", "denied", "company", "it had misled investors"),
        ("The White House confirmed that the president would travel to Ohio.", "confirmed", "White House",
         "the president would travel to Ohio"),
        ("The ministry announced that schools would reopen on Monday.", "announced", "ministry",
         "schools would reopen on Monday"),
        ("Economists estimated that the storm had cost the region $3 billion.", "estimated", "economists",
         "the storm had cost the region $3 billion"),
        ("Critics argued that the law would hurt small farmers.", "argued", "critics",
         "the law would hurt small farmers"),
    ],
)
def test_reporting_verbs(nlp: Language, text: str, cue: str, source: str, content: str) -> None:
    c = one(claims_of(nlp, text), cue=cue)
    assert (c.source, c.content, c.kind) == (source, content, "indirect")


def test_in_a_statement_source(nlp: Language) -> None:
    c = one(claims_of(nlp, "In a statement, the company said that it would appeal the ruling."), cue="said")
    assert (c.source, c.content) == ("company", "it would appeal the ruling")


def test_possessed_spokesman_is_the_source(nlp: Language) -> None:
    c = one(claims_of(nlp, "The mayor's spokesman said the road would reopen on Friday."), cue="said")
    assert c.source_mention == "The mayor's spokesman"
    assert c.content == "the road would reopen on Friday"


def test_passive_cue_with_agent(nlp: Language) -> None:
    c = one(claims_of(nlp, "It was announced by the ministry that taxes would rise."), cue="announced")
    assert c.source == "ministry" and c.content.endswith("taxes would rise")


def test_mixed_quote_is_one_claim(nlp: Language) -> None:
    text = 'Smith said the plan was "a total disaster for the city" and should be dropped.'
    c = one(claims_of(nlp, text), cue="said")
    assert c.content == 'the plan was "a total disaster for the city" and should be dropped'
    assert c.source == "Smith"


def test_condition_split_by_the_cue_stays_in_the_claim(nlp: Language) -> None:
    text = "If the talks fail, the minister said, fuel prices will rise sharply."
    c = one(claims_of(nlp, text), cue="said")
    assert c.content.startswith("If the talks fail") and c.content.endswith("fuel prices will rise sharply")
    assert c.source == "minister"


def test_attribution_inside_a_reported_clause(nlp: Language) -> None:
    claims = claims_of(nlp, "The newspaper reported that the senator said the bill was dead.")
    outer = one(claims, cue="reported")
    inner = one(claims, cue="said")
    assert (outer.source, outer.content) == ("newspaper", "the senator said the bill was dead")
    assert (inner.source, inner.content) == ("senator", "the bill was dead")


def test_quotation_after_reported_speech_continues_its_speaker(nlp: Language) -> None:
    said = "Analyst Paul Greene added that the Fed wants to get out of the way before the election."
    quote = '"They don\'t like to talk about it, but I think they will be moving for political reasons."'
    claims = claims_of(nlp, f"{said} {quote}")
    direct = one(claims, kind="direct")
    assert (direct.source, direct.cue, direct.content) == ("Paul Greene", "added", quote)
    # in the next paragraph it may be anyone's: it stays unattributed
    claims = claims_of(nlp, f"{said}\n\n{quote}")
    assert (one(claims, kind="direct").source, one(claims, kind="direct").cue) == (None, None)


def test_quotation_the_speaker_goes_on_from_before_the_cue_stays_whole(nlp: Language) -> None:
    text = '"We don\'t teach anything" against homosexuality in the mosque meetings, Hamza Nefzi said.'
    c = one(claims_of(nlp, text), cue="said")
    assert c.content == '"We don\'t teach anything" against homosexuality in the mosque meetings'
    assert c.source == "Hamza Nefzi"


def test_split_quotation_around_an_inverted_cue_with_a_long_apposition(nlp: Language) -> None:
    text = ('"The risk," said Edward Leamer, an economist who is the director of the UCLA Anderson Forecast, '
            '"is that we\'re going to be attracting workers and repelling jobs."')
    claims = claims_of(nlp, text)
    assert [(c.cue, c.source, c.kind) for c in claims] == [("said", "Edward Leamer", "direct")] * 2
    assert {c.content for c in claims} == {
        '"The risk,"', '"is that we\'re going to be attracting workers and repelling jobs."'
    }


def test_question_quotation_with_its_cue_in_a_long_sentence_after_it(nlp: Language) -> None:
    text = '"Where is the money going?" Senator Lee Park asked reporters outside the chamber on Tuesday.'
    c = one(claims_of(nlp, text), cue="asked")
    assert (c.source, c.kind, c.content) == ("Lee Park", "direct", '"Where is the money going?"')


def test_short_quotation_right_after_the_speakers_quotation_continues_it(nlp: Language) -> None:
    text = 'The candidate was asked about lawsuits. "They sue," he said. "Everybody sues, right?"'
    claims = claims_of(nlp, text)
    assert [(c.cue, c.kind) for c in claims if c.kind == "direct"] == [("said", "direct")] * 2
    # later in the cue's own sentence, a short quotation is a scare quote
    text = '"They sue," he said of the lawyers who call every case "a frivolous claim" in court.'
    claims = claims_of(nlp, text)
    assert [c.content for c in claims if c.kind == "direct"] == ['"They sue,"']


def test_quote_continued_over_paragraphs_takes_the_later_speaker(nlp: Language) -> None:
    text = ('"The roads are closed and the schools are shut. We ask everyone to stay home tonight.\n'
            '"Crews will work through the night to clear the highways.\n'
            '"Nobody should drive until the morning," the fire chief said.')
    claims = claims_of(nlp, text)
    assert len(claims) == 3
    assert {(c.source, c.cue, c.kind) for c in claims} == {("fire chief", "said", "direct")}


def test_title_case_headline_colon(nlp: Language) -> None:
    text = "Okafor: No Outside Pressure On The Harbour Inquiry\n\nLAGOS — The minister spoke on Monday."
    c = one(claims_of(nlp, text), cue=":")
    assert (c.source_mention, c.content) == ("Okafor", "No Outside Pressure On The Harbour Inquiry")


def test_transcript_turns_are_claims_of_the_speaker(nlp: Language) -> None:
    text = ("HOLM: Do you think the council has done enough for the harbour?\n"
            "VANCE: I think it has tried. That has been part of its message for years.")
    claims = claims_of(nlp, text)
    vance = one(claims, source_mention="VANCE")
    assert vance.content == "I think it has tried. That has been part of its message for years"
    assert one(claims, source_mention="HOLM").cue == ":"


@pytest.mark.parametrize(
    "text",
    ["Update: The bridge will reopen on Friday after repairs\n\nMore text here.",
     "The Latest: Council votes to close the harbour for a week\n\nMore text here.",
     "Read More: Council votes to close the harbour for a week\n\nMore text here."],
)
def test_section_labels_before_a_colon_are_not_sources(nlp: Language, text: str) -> None:
    assert [c for c in claims_of(nlp, text) if c.cue == ":"] == []


def test_second_cue_coordinated_in_the_complement_is_cut(nlp: Language) -> None:
    text = "Rubio said his attacks had given the campaign momentum and said that Trump did not represent it."
    claims = claims_of(nlp, text)
    assert {c.content for c in claims} == {
        "his attacks had given the campaign momentum", "Trump did not represent it"
    }


def test_a_closing_relative_clause_is_the_writers_aside(nlp: Language) -> None:
    text = "Trump said he would quarantine people for fear of the Zika virus, which is spread by mosquitoes."
    c = one(claims_of(nlp, text), cue="said")
    assert c.content == "he would quarantine people for fear of the Zika virus"


def test_a_relative_clause_the_speaker_said_stays(nlp: Language) -> None:
    """Restrictive ("a firm which"), inside the content, or quoted: the speaker's own words."""
    restrictive = "The mayor said the contract went to a firm which had donated to his campaign."
    c = one(claims_of(nlp, restrictive), cue="said")
    assert c.content == "the contract went to a firm which had donated to his campaign"
    inside = "The mayor said the bridge, which cost $40 million, would open in May."
    c = one(claims_of(nlp, inside), cue="said")
    assert c.content == "the bridge, which cost $40 million, would open in May"
    quoted = 'The senator said voters trusted the governor, who "has never lied to them."'
    c = one(claims_of(nlp, quoted), cue="said")
    assert c.content.endswith('"has never lied to them."')


def test_a_quotation_after_its_speakers_lead_in_clause(nlp: Language) -> None:
    """No reporting verb from the lexicon, but a clause and a comma or colon open the quotation."""
    text = ('During the debate, Sanders shot back, "Secretary Clinton called them out. '
            'Oh my goodness, they must have been really crushed by that."')
    c = one(claims_of(nlp, text), kind="direct")
    assert (c.source, c.cue) == ("Sanders", "shot back")
    assert c.content.startswith('"Secretary Clinton')
    text = 'As John Cornyn, the No. 2 in the party, put it: "This person will not be confirmed. Not now."'
    c = one(claims_of(nlp, text), kind="direct")
    assert (c.source, c.cue) == ("John Cornyn", "put")


def test_a_relative_clause_before_a_quotation_introduces_no_one(nlp: Language) -> None:
    text = ('Consider this headline from the Post, which hits liberals where they live: '
            '"Eight simple words that will change how you think about your taxes."')
    claims = claims_of(nlp, text)
    assert all(c.source_mention != "they" for c in claims), claims


def test_a_mixed_quotation_before_its_cue_keeps_its_clause(nlp: Language) -> None:
    text = 'He would be a better president than Clinton "no matter what," one user commented.'
    c = one(claims_of(nlp, text), cue="commented")
    assert c.content == 'He would be a better president than Clinton "no matter what,"'
    text = 'Trump\'s misinformation may be "strategic," said Jeffery Hemsley, an assistant professor.'
    c = one(claims_of(nlp, text), cue="said")
    assert (c.content, c.source) == ('Trump\'s misinformation may be "strategic,"', "Jeffery Hemsley")


def test_a_title_after_a_bare_phrase_is_not_a_mixed_quotation(nlp: Language) -> None:
    c = one(claims_of(nlp, 'On the morning show, "Good Morning America," the senator said.'), cue="said")
    assert c.content == '"Good Morning America,"'


def test_a_share_is_a_percentage_not_a_count(nlp: Language) -> None:
    text = "The poll showed that nine out of 10 Republicans and one in three voters disliked the plan."
    c = one(claims_of(nlp, text), cue="showed")
    got = {(q.value, q.text, q.counted, q.bound) for q in c.quantities}
    assert got == {(90.0, "nine out of 10", "percent", "exact"), (33.3, "one in three", "percent", "about")}
    c = one(claims_of(nlp, "Officials said 12 in Texas remained closed."), cue="said")
    assert [(q.value, q.counted) for q in c.quantities] == [(12.0, "")]
    c = one(claims_of(nlp, "Police said 12 in 24 raids had found weapons."), cue="said")
    assert (12.0, "12") in {(q.value, q.text) for q in c.quantities}
    assert all(q.counted != "percent" for q in c.quantities)


def test_a_quotations_own_subject_is_not_its_speaker(nlp: Language) -> None:
    """The parser hangs "fact" of the quotation on "said" too; the subject next to the cue speaks."""
    text = ('"He is sharp. He is articulate. The fact that he, in his first term in the Senate, really tried '
            'to do something," Huckabee said.')
    c = one(claims_of(nlp, text), cue="said")
    assert (c.source, c.source_mention) == ("Huckabee", "Huckabee")


def test_manner_of_speaking_verbs_are_cues(nlp: Language) -> None:
    text = '"We cannot keep doing this to our children," the governor pleaded.'
    c = one(claims_of(nlp, text), cue="pleaded")
    assert (c.kind, c.content) == ("direct", '"We cannot keep doing this to our children,"')
    c = one(claims_of(nlp, "The minister confessed that she had never read the report."), cue="confessed")
    assert c.content == "she had never read the report"


def test_a_bare_verb_coordinated_in_the_complement_stays_in_it(nlp: Language) -> None:
    text = (
        "Justice Secretary Humza Yousaf added that Scotland will also align with other UK nations and add "
        "Madeira and the Azores to the exempt list."
    )
    c = one(claims_of(nlp, text), cue="added")
    assert c.content.endswith("add Madeira and the Azores to the exempt list")
