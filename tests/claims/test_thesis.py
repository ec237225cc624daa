"""An argued piece's own claim under its byline (bot/claims/thesis.py), and the genres that have one."""

from __future__ import annotations

from spacy.language import Language

from bot.claims import extract_claims
from bot.claims.thesis import thesis_claims
from bot.reading.genre import byline_author, genre_of

COLUMN = (
    "With Hong Kong protests exploding to new levels, President Xi Jinping is likely to deploy the army "
    "onto the former British colony's streets. And that means a slaughter of some degree.\n\n"
    '"We will not give up," a protester named Joshua Wong told reporters on Sunday night.\n\n'
    "In short, slaughter is likely coming to Hong Kong."
)


def test_a_columns_lead_and_close_are_its_writers_claims(nlp: Language) -> None:
    claims = extract_claims(
        nlp, COLUMN, title="Why Beijing will bring slaughter", author="Tom Rogan", genre="opinion"
    )
    theses = sorted((c for c in claims if c.kind == "thesis"), key=lambda c: c.content_span)
    assert [c.content for c in theses] == [
        "With Hong Kong protests exploding to new levels, President Xi Jinping is likely to deploy the army "
        "onto the former British colony's streets.",
        "In short, slaughter is likely coming to Hong Kong.",
    ]
    assert all(c.source == "Tom Rogan" and c.shown and c.cue is None for c in theses)
    assert claims[0].kind == "thesis", "the writer's thesis leads the thread"
    for c in theses:
        assert COLUMN[slice(*c.content_span)] == c.content


def test_news_has_no_thesis(nlp: Language) -> None:
    assert all(c.kind != "thesis" for c in extract_claims(nlp, COLUMN, author="Tom Rogan", genre=None))
    assert thesis_claims(COLUMN, "opinion", None) == []  # no byline, no one to attribute it to


def test_a_quotation_is_never_the_writers_thesis() -> None:
    text = '"This is the end of the road for the whole industry," the chief executive said on Monday.\n\nOk.'
    assert thesis_claims(text, "review", "Luke Kemp") == []


def test_an_advice_columns_answers_are_the_columnists() -> None:
    text = (
        "DEAR ABBY: My husband bought tickets to India. He is in business class while I am in economy. "
        "-- FEELING LIKE SECOND RATE\n\n"
        "DEAR FEELING: You have a right to be upset at your husband. Upgrade your seat!\n\n"
        "DEAR ABBY: My sister was just diagnosed with cancer and nobody in the family has told her "
        "daughters yet. -- CONCERNED SISTER"
    )
    (answer,) = thesis_claims(text, "advice", "Abigail Van Buren")
    assert answer.content == "You have a right to be upset at your husband. Upgrade your seat!"
    assert answer.source == "Abigail Van Buren"


def test_the_page_says_its_genre() -> None:
    assert genre_of(
        "https://www.vg247.com/2019/11/20/star-wars-jedi-fallen-order-pc-review/", None, None
    ) == ("review")
    assert genre_of("https://www.oregonlive.com/advice/2019/11/dear-abby-husband", None, None) == "advice"
    assert genre_of("https://www.washingtonexaminer.com/opinion/why-beijing", None, None) == "opinion"
    assert genre_of("https://www.cnn.com/2019/11/18/politics/x/index.html", None, "Analysis by Chris X") == (
        "analysis"
    )
    assert genre_of(None, "Through the Darkest of Times review", None) == "review"
    assert (
        genre_of("https://www.nytimes.com/2020/08/16/business/blackouts.html", "Blackouts", "Ivan Penn")
        is None
    )


def test_a_byline_names_a_person_or_no_one() -> None:
    assert byline_author("Analysis by Chris Cillizza; CNN Editor-at-large") == "Chris Cillizza"
    assert byline_author("Abigail Van Buren") == "Abigail Van Buren"
    for not_a_person in ("Letters", "Reuters", "Our Foreign Staff", None, ""):
        assert byline_author(not_a_person) is None


def test_a_letter_to_the_editor_is_its_signers_claim() -> None:
    text = (
        "Submit your letter to the editor via this form.\n\n"
        "Alameda County DA\n\nis coddling criminals\n\n"
        "It should not surprise anyone that the district attorney dropped special circumstances.\n\n"
        "The voters of Alameda County are being introduced to a new form of criminal justice that will not "
        "keep them safe.\n\n"
        "Ninfa Wood\n\nWalnut Creek\n\n"
        "Agencies must make\n\nbetter use of tax dollars\n\n"
        "The real problem is not a lack of funding but how all of these agencies use the money they have.\n\n"
        "Herman Betchart\n\nFremont"
    )
    letters = thesis_claims(text, "letters", None)
    assert [(c.source, c.content[:30]) for c in letters] == [
        ("Ninfa Wood", "The voters of Alameda County a"),
        ("Herman Betchart", "The real problem is not a lack"),
    ]
    assert genre_of("https://www.mercurynews.com/2023/01/16/letters-1119", "Letters: Coddling", None) == (
        "letters"
    )


def test_a_pages_footer_is_not_the_writers_closing_claim(nlp: Language) -> None:
    footer = (
        COLUMN + "\n\nThe Herald is committed to publishing a diversity of letters. We’d like to hear what "
        "you think. And here's our email: letters@herald.example.\n\n"
        "Follow The Herald Opinion section on Facebook, Twitter (@HeraldOpinion) and Instagram.\n\n"
        "The views and opinions expressed in the article do not necessarily reflect those of The Herald."
    )
    claims = extract_claims(nlp, footer, author="Tom Rogan", genre="opinion")
    closing = [c.content for c in claims if c.kind == "thesis"][-1]
    assert closing == "In short, slaughter is likely coming to Hong Kong."
    assert not any("Facebook" in c.content or "views" in c.content for c in claims if c.shown)


def test_a_greeting_or_a_pointer_to_the_reader_is_not_the_writers_claim(nlp: Language) -> None:
    review = (
        "Welcome to the new 16-inch laptop from the company.\n\n"
        "The keyboard is the best the company has shipped in years, and the speakers are a revelation.\n\n"
        "Be sure to check out our price guide for the latest deals on the new laptop."
    )
    claims = extract_claims(nlp, review, author="Mike Weston", genre="review")
    theses = [c.content for c in claims if c.kind == "thesis"]
    assert not any(t.startswith(("Welcome", "Be sure")) for t in theses)
    assert thesis_claims(review.replace("Welcome to", "Meet"), "review", "Mike Weston")
