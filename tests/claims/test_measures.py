"""What a figure measures and how two figures relate (bot/claims/measures.py, figure_relations.py), on claims
as they are stored: quantities (value, text, counted, bound), content, entities. The sentences are news
sentences of the kind the issue names; the last test runs the real extractor on the sample articles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from spacy.language import Language

from bot.claims import extract_claims
from bot.claims.figure_relations import relate
from bot.claims.figure_values import figure_value, interval, rounding_step, unit_of
from bot.claims.measures import MeasuredFigure, measure_figures
from bot.reading.article import extract_article
from tests.claims.figures import Fig, Q, fig, key, measured, one

REPO = Path(__file__).resolve().parents[2]

# --- keys -----------------------------------------------------------------------------------------------


def test_servicemen_soldiers_troops_killed_died_are_one_measure() -> None:
    keys = {
        key(
            "498 Russian servicemen were killed in the special military operation",
            ("498", 498, "Russian servicemen", "exact"),
        ),
        key(
            "about 9,000 Russian soldiers have died since the invasion began",
            ("about 9,000", 9000, "Russian soldiers", "about"),
        ),
        key("Ukrainian forces killed 1,300 Russian troops", ("1,300", 1300, "Russian troops", "exact")),
        key(
            "1,597 Russian military personnel were killed",
            ("1,597", 1597, "Russian military personnel", "exact"),
        ),
    }
    assert keys == {"count/deaths/military/russia"}


def test_wounded_is_another_measure_than_killed() -> None:
    assert key("1,597 Russian servicemen were wounded", ("1,597", 1597, "Russian servicemen", "exact")) == (
        "count/injured/military/russia"
    )


def test_the_side_of_a_military_count_makes_it_another_measure() -> None:
    russian = key(
        "about 5,840 Russian servicemen had been killed", ("about 5,840", 5840, "Russian servicemen", "about")
    )
    ukrainian = key("2,870 Ukrainian soldiers were killed", ("2,870", 2870, "Ukrainian soldiers", "exact"))
    assert russian == "count/deaths/military/russia"
    assert ukrainian == "count/deaths/military/ukraine"


def test_a_military_count_without_a_side_has_no_key() -> None:
    """The seed article: "498 servicemen were killed ... in Ukraine" does not say whose servicemen."""
    content = "498 servicemen were killed in the line of duty in the special military operation in Ukraine"
    assert key(content, ("498", 498, "servicemen", "exact"), ("Ukraine",)) is None


def test_a_bare_figure_where_armed_forces_are_spoken_of_has_no_key() -> None:
    content = (
        "As for the losses in the ranks of the nationalist battalions and members of the Ukrainian armed "
        "forces, more than 2,870 were dead and about 3,700 wounded"
    )
    assert measured(
        content, ("more than 2,870", 2870, "", "at_least"), ("about 3,700", 3700, "", "about")
    ) == [
        None,
        None,
    ]


def test_civilians_and_people_are_other_populations() -> None:
    civilians = key(
        "shelling had killed at least 10 civilians in Ukraine", ("at least 10", 10, "civilians", "at_least")
    )
    assert civilians == "count/deaths/civilians/ukraine"
    people = key(
        "more than 95,000 people in the U.S. have died from the coronavirus",
        ("more than 95,000", 95000, "people", "at_least"),
    )
    assert people == "count/deaths/people/us"


def test_deaths_by_noun_verb_and_linked_noun_fold_together() -> None:
    assert {
        key(
            "The U.S. has seen 1.3 million infections and nearly 80,000 deaths",
            ("nearly 80,000", 80000, "deaths", "at_most"),
        ),
        key(
            "the disease has killed more than 86,000 Americans",
            ("more than 86,000", 86000, "Americans", "at_least"),
        ),
        key(
            "The current death toll in the United States stands at nearly 91,000",
            ("nearly 91,000", 91000, "", "at_most"),
        ),
        key(
            "the coronavirus has infected 1.5 million people in the United States and killed nearly 90,000",
            ("nearly 90,000", 90000, "", "at_most"),
        ),
    } == {"count/deaths/people/us"}


def test_cases_infections_and_tested_positive_are_one_measure() -> None:
    keys = {
        key(
            "The U.S. has seen 1.3 million coronavirus infections",
            ("1.3 million", 1.3e6, "coronavirus infections", "exact"),
        ),
        key(
            "more than 1.3 million people in the United States have tested positive for the virus",
            ("more than 1.3 million", 1.3e6, "people", "at_least"),
        ),
        key(
            "a total of 326,448 cases of Covid-19 have been found in Russia",
            ("326,448", 326448, "cases", "exact"),
        ),
    }
    assert keys == {"count/cases/-/us", "count/cases/-/russia"}


def test_cases_need_a_disease_named() -> None:
    """ "cases" alone may be court cases."""
    assert key("the court in Russia heard 3,000 cases", ("3,000", 3000, "cases", "exact")) is None


def test_jobless_claims_and_applications_for_benefits_are_one_measure() -> None:
    weekly = measured(
        "Another 3.2 million U.S. workers applied for jobless benefits last week, bringing the total over "
        "the last seven weeks to 33.5 million",
        ("3.2 million", 3.2e6, "U.S. workers", "exact"),
        ("33.5 million", 33.5e6, "", "exact"),
    )
    assert [(f.measure.key, f.measure.detail) for f in weekly] == [
        ("count/jobless_claims/-/us", "period=week"),
        ("count/jobless_claims/-/us", "period=total"),
    ]
    filed = one(
        "2.98 million Americans filed for unemployment insurance last week",
        ("2.98 million", 2.98e6, "Americans", "exact"),
    )
    assert filed is not None
    assert (filed.measure.key, filed.measure.detail) == ("count/jobless_claims/-/us", "period=week")


def test_the_unemployment_rate_is_a_percent_of_a_place() -> None:
    rate = one(
        "The U.S. unemployment rate jumped to 14.7 percent in April", ("14.7", 14.7, "percent", "exact")
    )
    assert rate is not None
    assert (rate.measure.key, rate.measure.detail, rate.text, rate.label) == (
        "percent/unemployment_rate/-/us",
        "period=month:apr",
        "14.7%",
        "unemployment rate 14.7%",
    )
    # no place said: California's "April's jobless rate" and the national rate must not meet
    assert key("April's jobless rate skyrocketed to 15.5%", ("15.5", 15.5, "%", "exact")) is None


def test_delegates_are_the_candidates_and_pledged_is_another_count() -> None:
    figures = measured(
        "Clinton now has 1,163 delegates to Sanders' 844, based on primaries and caucuses",
        ("1,163", 1163, "delegates", "exact"),
        ("844", 844, "", "exact"),
        entities=("Clinton", "Sanders"),
    )
    assert [(f.measure.key, f.measure.detail) for f in figures] == [
        ("count/delegates/-/clinton", "period=total;variant=pledged"),
        ("count/delegates/-/sanders", "period=total;variant=pledged"),
    ]
    with_super = one(
        "Including superdelegates, Clinton now has a total of at least 723 delegates",
        ("at least 723", 723, "delegates", "at_least"),
        ("Clinton",),
    )
    assert with_super is not None and with_super.measure.detail == "period=total;variant=with_super"


def test_a_states_delegates_are_another_count() -> None:
    ohio = key("Clinton won 44 delegates in Ohio", ("44", 44, "delegates", "exact"), ("Clinton", "Ohio"))
    assert ohio == "count/delegates/-/clinton@us_ohio"
    governor = key(
        "Ohio Governor John Kasich has 145 delegates",
        ("145", 145, "delegates", "exact"),
        ("Ohio", "John Kasich"),
    )
    assert governor == "count/delegates/-/kasich"


def test_a_pronoun_or_two_candidates_is_no_holder() -> None:
    assert (
        key("The count gives her 1,280 pledged delegates", ("1,280", 1280, "pledged delegates", "exact"))
        is None
    )
    assert (
        key("Clinton leads Sanders, 1,428 to 1,153", ("1,428", 1428, "", "exact"), ("Clinton", "Sanders"))
        is None
    )


def test_delegates_still_needed_go_down_and_are_another_measure() -> None:
    short = key(
        "Clinton needs 67 delegates to reach the 2,383 needed to win",
        ("67", 67, "delegates", "exact"),
        ("Clinton",),
    )
    assert short == "count/delegates_short/-/clinton"


def test_votes_of_the_speaker_and_a_margin() -> None:
    mine = one(
        "I have earned 9 million votes in this election",
        ("9 million", 9e6, "votes", "exact"),
        source="Hillary Clinton",
    )
    assert mine is not None and mine.measure.key == "count/votes/-/clinton"
    margin = one(
        "Clinton has 2.5 million more votes than Sanders",
        ("2.5 million", 2.5e6, "more votes", "exact"),
        ("Clinton", "Sanders"),
    )
    assert margin is not None and margin.measure.key == "count/votes/-/clinton"
    assert margin.measure.detail == "period=total;variant=margin"
    combined = "Mr. Sanders and Mr. Trump won a combined 25 million votes"
    assert key(combined, ("25 million", 25e6, "votes", "exact"), ("Sanders", "Trump")) is None


def test_an_unknown_counted_thing_has_no_key() -> None:
    assert key("Ukrainian forces had also destroyed 198 tanks", ("198", 198, "tanks", "exact")) is None
    assert (
        key(
            "The survey asked about 880 nonprofits around the world",
            ("about 880", 880, "nonprofits", "about"),
        )
        is None
    )


# --- places -----------------------------------------------------------------------------------------------


def test_a_place_right_after_the_figure_wins_over_the_claims_others() -> None:
    figures = measured(
        "about 330,000 deaths have been recorded worldwide, including about 94,000 in the U.S.",
        ("about 330,000", 330000, "deaths", "about"),
        ("about 94,000", 94000, "", "about"),
    )
    assert [f.measure.key for f in figures] == ["count/deaths/people/world", "count/deaths/people/us"]


def test_two_places_for_one_figure_is_no_key() -> None:
    content = (
        "Russia has the most cases after the United States, with more than 262,000 confirmed virus cases"
    )
    assert key(content, ("more than 262,000", 262000, "confirmed virus cases", "at_least")) is None


def test_an_office_named_after_a_place_is_not_the_place() -> None:
    content = "Ukraine's General Staff said about 5,840 Russian servicemen had been killed"
    assert (
        key(content, ("about 5,840", 5840, "Russian servicemen", "about")) == "count/deaths/military/russia"
    )
    content = "the U.S. Bureau of Labor Statistics said unemployment in Canada rose to 13 percent"
    assert key(content, ("13", 13, "percent", "exact")) == "percent/unemployment_rate/-/canada"


def test_a_place_the_gazetteer_does_not_know_is_kept_by_its_name() -> None:
    content = "a bombing at an election rally in southwestern Baluchistan that killed 132 people"
    figure = one(content, ("132", 132, "people", "exact"), ("Baluchistan",))
    assert figure is not None and figure.measure.key == "count/deaths/people/loc:baluchistan"
    assert figure.measure.detail == "cause=attack;period=total"


def test_no_place_is_no_key() -> None:
    assert (
        key(
            "More than 36 million people have filed jobless claims since the crisis started",
            ("More than 36 million", 36e6, "people", "at_least"),
        )
        is None
    )


# --- what is not a level ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "quantity"),
    [
        ("unemployment in the U.S. rose from 3.5 percent to 14.7 percent", ("3.5", 3.5, "percent", "exact")),
        ("the U.S. unemployment rate fell 2 percent", ("2", 2, "percent", "exact")),
        (
            "around 100,000 Americans have died, rather than the 83,000 counted",
            ("83,000", 83000, "", "exact"),
        ),
        ("the unemployment rate in the U.S. broke a record of 10.8%", ("10.8", 10.8, "%", "exact")),
        ("the true toll in the U.S. is 120,000 deaths", ("120,000", 120000, "deaths", "exact")),
        ("excess deaths in the United States reached 120,000", ("120,000", 120000, "", "exact")),
        ("the average US unemployment rate is 6 percent", ("6", 6, "percent", "exact")),
    ],
)
def test_changes_comparisons_and_other_readings_have_no_key(content: str, quantity: Q) -> None:
    assert key(content, quantity) is None


def test_forecasts_have_keys_of_their_own() -> None:
    forecast = key(
        "more than 100,000 Americans will likely have died from the coronavirus by June 1",
        ("more than 100,000", 100000, "Americans", "at_least"),
    )
    count = key(
        "more than 95,000 Americans have died from the coronavirus",
        ("more than 95,000", 95000, "Americans", "at_least"),
    )
    assert forecast == "projected:count/deaths/people/us"
    assert count == "count/deaths/people/us"
    could = key(
        "the death toll in the U.S. could reach 100,000 by the end of May", ("100,000", 100000, "", "exact")
    )
    assert could == "projected:count/deaths/people/us"


def test_another_year_is_a_qualifier() -> None:
    content = (
        "compared with frequent attacks in Pakistan during the 2013 election, which saw 170 people killed"
    )
    figure = one(content, ("170", 170, "people", "exact"), ("Pakistan",), year=2018)
    assert figure is not None and "year=2013" in figure.measure.detail


def test_new_cases_and_the_total_are_kept_apart() -> None:
    figures = measured(
        "Russia reported 8,764 new cases of COVID-19 over the past 24 hours, bringing the total to 308,705",
        ("8,764", 8764, "new cases", "exact"),
        ("308,705", 308705, "", "exact"),
        entities=("Russia", "COVID-19"),
    )
    assert [(f.measure.key, f.measure.detail) for f in figures] == [
        ("count/cases/-/russia", "period=day"),
        ("count/cases/-/russia", "period=total"),
    ]


# --- intervals --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "bound", "low", "high"),
    [
        ("36 million", 36e6, "exact", 35.5e6, 36.5e6),
        ("36.5 million", 36.5e6, "exact", 36.45e6, 36.55e6),
        ("498", 498, "exact", 497.5, 498.5),
        ("37,000", 37000, "exact", 36500, 37500),
        ("about 5,840", 5840, "about", 5256, 6424),
        ("more than 2,870", 2870, "at_least", 2865, None),
        ("nearly 80,000", 80000, "at_most", 71500, 80500),
        ("up to 40", 40, "at_most", 0, 40.5),
        ("14.7", 14.7, "exact", 14.65, 14.75),
    ],
)
def test_intervals(text: str, value: float, bound: str, low: float, high: float | None) -> None:
    got_low, got_high = interval(value, text, bound)
    assert got_low == pytest.approx(low)
    assert got_high == (None if high is None else pytest.approx(high))


def test_rounding_keeps_two_significant_digits() -> None:
    assert rounding_step("100,000", 100000) == 10000
    assert rounding_step("5,840", 5840) == 10
    assert rounding_step("two million", 2e6) == 1e6


def test_units_and_values_as_the_chart_reads_them() -> None:
    assert unit_of({"text": "14.7", "counted": "percent"}) == "percent"
    assert unit_of({"text": "$20 million", "counted": ""}) == "$"
    assert unit_of({"text": "498", "counted": "servicemen"}) == "count"
    assert figure_value({"value": "12"}) == 12.0
    assert figure_value({"value": True}) is None
    assert figure_value({"value": float("nan")}) is None


# --- relations --------------------------------------------------------------------------------------------


MAR = {d: dt.date(2022, 3, d) for d in range(1, 32)}  # MAR[2] is 2 March
UKRAINE_GS = "Ukraine's General Staff"
RUSSIAN_MOD = "Russian Defense Ministry"


def killed(text: str, value: float, bound: str = "exact") -> MeasuredFigure | None:
    return one(f"{text} Russian servicemen were killed", (text, value, "Russian servicemen", bound))


def test_the_issues_example_differs() -> None:
    """ "Earlier: Russian Defense Ministry — 498 servicemen killed (2 Mar)" under Ukraine's "about 9,000"
    (1 Mar): two sources, a day apart, beyond rounding and "about"."""
    ministry = fig(killed("498", 498), MAR[2], RUSSIAN_MOD)
    general_staff = fig(killed("about 9,000", 9000, "about"), MAR[1], UKRAINE_GS)
    assert relate(ministry, general_staff) == "differs"
    assert relate(general_staff, ministry) == "differs"
    assert relate(fig(killed("about 5,840", 5840, "about"), MAR[1], UKRAINE_GS), ministry) == "differs"


def test_rounding_and_bounds_are_the_same_figure() -> None:
    assert (
        relate(
            fig(killed("about 5,840", 5840, "about"), MAR[1], UKRAINE_GS),
            fig(killed("6,000", 6000), MAR[1], "Reuters"),
        )
        == "same"
    )
    more = fig(killed("more than 2,870", 2870, "at_least"), MAR[2], RUSSIAN_MOD)
    assert relate(more, fig(killed("2,875", 2875), MAR[2], UKRAINE_GS)) == "same"
    # "more than 2,870" is below 2,880: 3,100 the same day is the tally a few hours on, still "Earlier"
    assert relate(more, fig(killed("3,100", 3100), MAR[2], UKRAINE_GS)) == "update"
    nearly = fig(killed("nearly 80,000", 80000, "at_most"), MAR[2], RUSSIAN_MOD)
    assert relate(nearly, fig(killed("76,000", 76000), MAR[2], UKRAINE_GS)) == "same"
    # beyond "nearly" and more than a day's growth of a running tally apart: they differ
    assert relate(nearly, fig(killed("50,000", 50000), MAR[2], UKRAINE_GS)) == "differs"


def test_a_running_tally_moving_on_is_an_update_not_a_conflict() -> None:
    earlier = fig(killed("5,840", 5840), MAR[1], UKRAINE_GS)
    assert relate(fig(killed("6,000", 6000), MAR[2], "Reuters"), earlier) == "update"
    assert relate(fig(killed("6,500", 6500), MAR[3], "Reuters"), earlier) == "update"
    # the same day, at different hours: either order
    assert relate(fig(killed("5,500", 5500), MAR[1], "Reuters"), earlier) == "update"
    # a tally that went down within two days is a conflict
    assert relate(fig(killed("4,000", 4000), MAR[2], "Reuters"), earlier) == "differs"


def test_one_source_never_differs_from_itself_and_old_figures_only_update() -> None:
    earlier = fig(killed("498", 498), MAR[2], RUSSIAN_MOD)
    assert relate(fig(killed("600", 600), MAR[3], RUSSIAN_MOD), earlier) == "update"
    assert relate(fig(killed("1,351", 1351), MAR[9], UKRAINE_GS), earlier) == "update"
    # beyond a running tally's growth: no update of one tally, and no conflict of one source or a week apart
    assert relate(fig(killed("1,351", 1351), MAR[3], RUSSIAN_MOD), earlier) is None
    assert relate(fig(killed("9,000", 9000), MAR[9], UKRAINE_GS), earlier) is None


def test_vague_figures_and_unknown_sources_never_differ() -> None:
    earlier = fig(killed("498", 498), MAR[2], RUSSIAN_MOD)
    thousands = fig(killed("thousands", 2000, "at_least"), MAR[2], UKRAINE_GS)
    assert relate(thousands, earlier) is None
    unknown = fig(killed("9,000", 9000), MAR[2], None)
    assert relate(unknown, earlier) is None


def test_the_unemployment_rate_differs_within_two_days() -> None:
    official = fig(
        one("The U.S. unemployment rate rose to 14.7 percent", ("14.7", 14.7, "percent", "exact")),
        dt.date(2020, 5, 21),
        "RT",
    )
    claimed = fig(
        one("The U.S. unemployment rate is about 25 percent", ("about 25", 25, "percent", "about")),
        dt.date(2020, 5, 22),
        "Sputnik",
    )
    assert relate(claimed, official) == "differs"


def test_forecasts_never_match_counts() -> None:
    count = fig(
        one("more than 95,000 Americans have died", ("more than 95,000", 95000, "Americans", "at_least")),
        dt.date(2020, 5, 22),
        "JHU",
    )
    forecast = fig(
        one(
            "more than 100,000 Americans will have died by June 1",
            ("more than 100,000", 100000, "Americans", "at_least"),
        ),
        dt.date(2020, 5, 22),
        "CDC",
    )
    assert relate(forecast, count) is None


def test_qualifiers_keep_apart_what_only_looks_alike() -> None:
    day = dt.date(2018, 7, 15)
    then = "compared with attacks in Pakistan during the 2013 election, which saw 170 people killed"
    old_election = fig(one(then, ("170", 170, "people", "exact"), ("Pakistan",), year=2018), day, "PIPS")
    now = "more than 170 people in Pakistan have died in attacks on rallies so far"
    this_one = fig(
        one(now, ("more than 170", 170, "people", "at_least"), ("Pakistan",), year=2018), day, "AP"
    )
    assert relate(this_one, old_election) is None
    weekly = fig(
        one("3 million Americans filed for unemployment last week", ("3 million", 3e6, "Americans", "exact")),
        dt.date(2020, 5, 14),
        "DoL",
    )
    total = fig(
        one(
            "36 million Americans have filed for unemployment so far",
            ("36 million", 36e6, "Americans", "exact"),
        ),
        dt.date(2020, 5, 14),
        "AP",
    )
    assert relate(weekly, total) is None


def test_a_missing_qualifier_allows_only_same() -> None:
    total = fig(
        one(
            "36.5 million Americans have filed for unemployment so far",
            ("36.5 million", 36.5e6, "Americans", "exact"),
        ),
        dt.date(2020, 5, 14),
        "DoL",
    )
    unsaid = fig(
        one("36 million Americans have filed for unemployment", ("36 million", 36e6, "Americans", "exact")),
        dt.date(2020, 5, 15),
        "AP",
    )
    assert unsaid.detail == "" and relate(unsaid, total) == "same"
    other = fig(
        one("3 million Americans have filed for unemployment", ("3 million", 3e6, "Americans", "exact")),
        dt.date(2020, 5, 15),
        "AP",
    )
    assert relate(other, total) is None


# --- the real extractor -----------------------------------------------------------------------------------


def test_the_kyiv_sample_gives_a_figure_of_russian_servicemen_killed(nlp: Language) -> None:
    html = (REPO / "bot" / "samples" / "kyiv-general-staff-losses.html").read_text(encoding="utf-8")
    article = extract_article(html, "https://example.test/kyiv")
    claims = extract_claims(nlp, article.text, title=article.title)
    figures = []
    for c in claims:
        quantities = [
            {"value": q.value, "text": q.text, "counted": q.counted, "bound": q.bound} for q in c.quantities
        ]
        for f in measure_figures(quantities, c.content, entities=c.entities, source=c.source, year=2022):
            if f is not None:
                figures.append((c.source, f.measure.key, f.text, f.label))
    assert (
        UKRAINE_GS,
        "count/deaths/military/russia",
        "about 5,840",
        "about 5,840 Russian servicemen killed",
    ) in figures


# --- ranges, parts and parallels --------------------------------------------------------------------------


def test_a_range_is_one_figure() -> None:
    figures = measured(
        "somewhere around 100,000 to 110,000 Americans have already died as a result of the pandemic",
        ("around 100,000", 100000, "", "about"),
        ("110,000", 110000, "Americans", "exact"),
    )
    assert figures[1] is None
    assert figures[0] is not None
    assert (figures[0].measure.key, figures[0].text, figures[0].bound) == (
        "count/deaths/people/us",
        "around 100,000 to 110,000",
        "range",
    )
    assert (figures[0].low, figures[0].high) == (
        pytest.approx(85_000),
        pytest.approx(126_000),
    )  # ±10 %, ±5,000
    assert interval(2e6, "2 to 3 million", "range", 3e6) == (pytest.approx(1.5e6), pytest.approx(3.5e6))


def test_a_score_is_not_a_range() -> None:
    figures = measured(
        "Clinton leads Sanders 1,428 to 1,153 in pledged delegates",
        ("1,428", 1428, "", "exact"),
        ("1,153", 1153, "", "exact"),
        entities=("Clinton", "Sanders"),
    )
    assert figures == [None, None]


def test_in_the_n_percent_range_is_about_n() -> None:
    figure = one(
        "Unemployment in the United States is likely in the 25 percent range", ("25", 25, "percent", "exact")
    )
    assert figure is not None
    assert (figure.measure.key, figure.bound, figure.text) == (
        "percent/unemployment_rate/-/us",
        "about",
        "in the 25 percent range",
    )


def test_a_figure_compared_with_counts_what_the_first_counts_in_its_own_place() -> None:
    figures = measured(
        "the virus has caused 4,477 deaths in Mexico, compared to 87,965 in the U.S. and 5,553 in Canada",
        ("4,477", 4477, "deaths", "exact"),
        ("87,965", 87965, "", "exact"),
        ("5,553", 5553, "", "exact"),
        entities=("Mexico", "U.S.", "Canada"),
    )
    assert [f.measure.key if f else None for f in figures] == [
        "count/deaths/people/mexico",
        "count/deaths/people/us",
        None,  # "and 5,553 in Canada": no word joins it to the others
    ]


def test_a_weekday_is_not_what_a_figure_counts() -> None:
    content = "South Korea has had 263 COVID-19 deaths, while the U.S. surpassed 92,000 Tuesday"
    figures = measured(
        content,
        ("263", 263, "COVID-19 deaths", "exact"),
        ("92,000", 92000, "Tuesday", "exact"),
        entities=("South Korea", "U.S."),
    )
    assert figures[1] is not None and figures[1].measure.key == "count/deaths/people/us"


def test_figures_of_a_period_said_on_two_days_are_two_periods() -> None:
    def weekly(text: str, value: float, on: dt.date, source: str) -> Fig:
        return fig(
            one(f"{text} Americans filed for unemployment last week", (text, value, "Americans", "exact")),
            on,
            source,
        )

    first = weekly("3.2 million", 3.2e6, dt.date(2020, 5, 10), "AP")
    assert relate(weekly("2,981,000", 2_981_000, dt.date(2020, 5, 14), "DoL"), first) is None
    assert relate(weekly("3.2 million", 3.2e6, dt.date(2020, 5, 12), "DoL"), first) == "same"
    assert relate(weekly("2.5 million", 2.5e6, dt.date(2020, 5, 10), "DoL"), first) == "differs"
