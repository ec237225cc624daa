"""The rules that keep an "Earlier" or "Differs" line from pairing figures that are not the same count
(bot/claims/measures.py, figure_relations.py, figure_values.py, quantities.py), one test per rule with a
negative that still works. The sentences are of the kind a run over real articles showed going wrong
(bench/figure_lines.py)."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from spacy.language import Language

from bot.claims.figure_relations import relate
from bot.claims.figure_values import reach, vague
from bot.claims.lexicon import load_lexicon
from bot.claims.quantities import find_quantities
from tests.claims import figures
from tests.claims.figures import Fig, fig

MAY = {d: dt.date(2020, 5, d) for d in range(1, 32)}
measured = partial(figures.measured, year=2020)
one = partial(figures.one, year=2020)
key = partial(figures.key, year=2020)


def us_deaths(text: str, value: float, bound: str, day: int, source: str) -> Fig:
    content = f"{text} people in the United States have died from the coronavirus"
    return fig(one(content, (text, value, "people", bound)), MAY[day], source)


def killed(text: str, value: float, bound: str, day: int, source: str) -> Fig:
    figure = one(f"{text} Russian servicemen were killed", (text, value, "Russian servicemen", bound))
    return fig(figure, dt.date(2022, 3, day), source)


# --- 1. an open bound reaches only the next step of its rounding ------------------------------------------


def test_an_open_bound_reaches_the_next_step_of_its_rounding() -> None:
    assert reach(2870, 2865, None) == 2880  # "more than 2,870"
    assert reach(36e6, 35.5e6, None) == 37e6  # "more than 36 million"
    assert reach(4.59e6, 4.585e6, None) == pytest.approx(4.6e6)  # "more than 4.59 million"
    assert reach(80000, 71500, 80500) == 80500  # a closed interval keeps its end


def test_a_figure_many_times_an_open_bound_is_not_the_same_count() -> None:
    """ "at least 100 ..." said of "more than 4.6 million ...": the bound is true, the count is another."""
    small = killed("at least 100", 100, "at_least", 16, "Business Insider")
    large = killed("more than 4.6 million", 4.6e6, "at_least", 16, "CSSE")
    assert relate(large, small) is None
    assert relate(small, large) is None
    # nor does a bound grow into a figure far beyond it over a few days
    eight = us_deaths("at least eight", 8, "at_least", 1, "Apr 27 data")
    assert relate(us_deaths("more than 66,000", 66000, "at_least", 3, "JHU"), eight) is None


def test_an_open_bound_still_meets_a_figure_just_above_it() -> None:
    def claims(text: str, value: float, bound: str, source: str) -> Fig:
        content = f"the total number of jobless claims filed in the U.S. so far reached {text}"
        return fig(one(content, (text, value, "", bound)), MAY[14], source)

    more = claims("more than 36 million", 36e6, "at_least", "Department of Labor")
    exact = claims("36.5 million", 36.5e6, "exact", "Labor Department")
    assert relate(exact, more) == "same"
    # beyond the bound's reach, a running tally a week on is still "Earlier"
    later = us_deaths("nearly 80,000", 80000, "at_most", 10, "JHU")
    assert relate(later, us_deaths("more than 66,000", 66000, "at_least", 3, "JHU")) == "update"


def test_an_open_bound_never_differs_from_a_larger_figure() -> None:
    """Both true at once: "more than 2,870" and "9,000" the same day are no conflict (and no line)."""
    bound = killed("more than 2,870", 2870, "at_least", 2, "Russian Defense Ministry")
    assert relate(killed("9,000", 9000, "exact", 2, "Ukraine's General Staff"), bound) is None


def test_vague_figures_are_never_the_same_count() -> None:
    assert vague("tens of thousands") and vague("hundreds") and not vague("more than eighty thousand")
    tens = killed("tens of thousands", 20000, "at_least", 2, "Democrats")
    assert relate(killed("more than 100,000", 100000, "at_least", 2, "CDC"), tens) is None
    assert relate(killed("25,000", 25000, "exact", 2, "CDC"), tens) is None


# --- 2. a mismatch a running tally cannot explain is no update --------------------------------------------


def test_a_tally_that_shrank_days_later_gives_no_line() -> None:
    """The UK's "36,000" three days after Reuters's "42,990": no update, and too far apart to differ."""
    reuters = fig(one("the UK death toll reached 42,990", ("42,990", 42990, "", "exact")), MAY[19], "Reuters")
    dhsc = fig(one("the UK death toll stood at 36,000", ("36,000", 36000, "", "exact")), MAY[22], "DHSC")
    assert relate(dhsc, reuters) is None


def test_a_jump_beyond_a_tallys_growth_gives_no_line() -> None:
    before = us_deaths("24", 24, "exact", 15, "UN")
    assert relate(us_deaths("3,000", 3000, "exact", 18, "federal data"), before) is None
    assert relate(us_deaths("3,000", 3000, "exact", 18, "UN"), before) is None  # one source too


def test_a_tally_moving_on_later_is_still_an_update() -> None:
    earlier = killed("5,840", 5840, "exact", 1, "Ukraine's General Staff")
    assert relate(killed("6,500", 6500, "exact", 3, "Reuters"), earlier) == "update"
    assert relate(killed("6,000", 6000, "exact", 2, "Ukraine's General Staff"), earlier) == "update"


def test_two_sources_disagreeing_the_same_day_still_differ() -> None:
    ministry = killed("498", 498, "exact", 2, "Russia's Defense Ministry")
    general_staff = killed("about 5,840", 5840, "about", 2, "Ukraine's General Staff")
    assert relate(ministry, general_staff) == "differs"
    assert relate(general_staff, ministry) == "differs"


# --- 3. places ----------------------------------------------------------------------------------------------


def test_a_place_word_inside_a_geographic_name_is_not_the_place() -> None:
    content = (
        "24 people have been killed and an estimated 283,000 have been displaced following heavy rains in "
        "the country triggered by the warming Indian Ocean"
    )
    assert key(content, ("24", 24, "people", "exact")) is None
    assert key("24 people have been killed in India", ("24", 24, "people", "exact")) == (
        "count/deaths/people/india"
    )


def test_england_is_not_the_united_kingdom() -> None:
    england = key("8,000 people have died in England", ("8,000", 8000, "people", "exact"))
    uk = key("The U.K. has recorded 31,000 deaths", ("31,000", 31000, "deaths", "exact"))
    assert (england, uk) == ("count/deaths/people/uk_england", "count/deaths/people/uk")
    both = "New figures for England and Wales brought the death toll to at least 42,990"
    assert key(both, ("at least 42,990", 42990, "", "at_least")) is None  # two places: unsure
    new_england = "5,000 people have died in New England"
    assert key(new_england, ("5,000", 5000, "people", "exact")) == "count/deaths/people/us_new_england"


def test_a_lower_case_place_word_opening_a_sentence_is_a_place() -> None:
    figures = measured(
        "Worldwide, the virus has infected nearly 4.2 million people and killed over 286,000, including "
        "more than 150,000 in Europe",
        ("nearly 4.2 million", 4.2e6, "people", "at_most"),
        ("over 286,000", 286000, "", "at_least"),
        ("more than 150,000", 150000, "", "at_least"),
    )
    assert [f.measure.key if f else None for f in figures] == [
        "count/cases/-/world",
        "count/deaths/people/world",
        "count/deaths/people/europe",
    ]
    # "US" is still a place and "us" still a pronoun
    assert key("the virus has killed 90,000 of us", ("90,000", 90000, "", "exact")) is None


def test_a_parts_place_is_not_the_wholes() -> None:
    """With no place of its own, the whole does not take the place where a part of it is."""
    content = (
        "4 million people have been reported infected and more than 280,000 have died, over half of them in "
        "Europe"
    )
    assert key(content, ("more than 280,000", 280000, "", "at_least")) is None
    content = "more than 280,000 have died of the coronavirus in Europe"
    assert key(content, ("more than 280,000", 280000, "", "at_least")) == "count/deaths/people/europe"


# --- 4. what is not a level ---------------------------------------------------------------------------------


def test_a_multiplier_is_not_a_count() -> None:
    content = "U.S. COVID-19 death rates are at least eight times higher than in countries using HCQ"
    assert key(content, ("at least eight", 8, "times", "at_least")) is None
    assert key("the death rate in the U.S. stands at 3", ("3", 3, "", "exact")) is None  # a rate, not deaths
    assert key("the death toll in the U.S. stands at 90,000", ("90,000", 90000, "", "exact")) == (
        "count/deaths/people/us"
    )


def test_a_rate_per_head_is_not_a_count() -> None:
    content = "India has so far about 0.2 deaths per hundred thousand population"
    assert key(content, ("about 0.2", 0.2, "deaths", "about")) is None
    assert key("Sweden logged 64 deaths per million people", ("64", 64, "deaths", "exact")) is None
    assert key("Sweden has had 4.1 deaths in all", ("4.1", 4.1, "deaths", "exact")) is None  # no whole count
    # "per" a source is not a rate, and a rate per day keeps its period
    per_source = one(
        "the U.S. has had 88,000 deaths, per Johns Hopkins", ("88,000", 88000, "deaths", "exact")
    )
    assert per_source is not None and per_source.measure.key == "count/deaths/people/us"
    daily = one("the U.S. sees 2,000 deaths a day", ("2,000", 2000, "deaths", "exact"))
    assert daily is not None and "period=per day" in daily.measure.detail


def test_a_difference_is_not_a_count() -> None:
    content = (
        "If the United States had begun social distancing one week earlier, about 36,000 fewer people "
        "would have died"
    )
    assert key(content, ("about 36,000", 36000, "fewer people", "about")) is None
    assert key(content, ("about 36,000", 36000, "people", "about")) is None


# --- 5. qualifiers -----------------------------------------------------------------------------------------


def test_who_a_count_of_cases_counts_is_part_of_its_key() -> None:
    children = key(
        "at least 100 children worldwide have been diagnosed with the illness caused by the coronavirus",
        ("at least 100", 100, "children", "at_least"),
    )
    everyone = key(
        "more than 4.6 million people worldwide have been diagnosed with the coronavirus",
        ("more than 4.6 million", 4.6e6, "people", "at_least"),
    )
    assert (children, everyone) == ("count/cases/children/world", "count/cases/-/world")


def test_a_date_range_is_a_period_of_its_own() -> None:
    content = "22,332 people died of the coronavirus in England between March 31 and May 12"
    span = one(content, ("22,332", 22332, "people", "exact"))
    assert span is not None and "period=span:mar31-may12" in span.measure.detail
    total = one("22,000 people have died of the coronavirus in England", ("22,000", 22000, "people", "exact"))
    assert relate(fig(span, MAY[15], "NHS"), fig(total, MAY[15], "PHE")) is None


def test_deaths_in_hospitals_are_not_all_deaths() -> None:
    hospital = one(
        "31,000 people have died of the coronavirus in hospitals in the U.K.",
        ("31,000", 31000, "people", "exact"),
    )
    everywhere = one(
        "31,000 people have died of the coronavirus in the U.K.", ("31,000", 31000, "people", "exact")
    )
    assert hospital is not None and "setting=hospital" in hospital.measure.detail
    assert relate(fig(hospital, MAY[10], "NHS"), fig(everywhere, MAY[10], "JHU")) is None
    assert relate(fig(hospital, MAY[10], "NHS"), fig(hospital, MAY[10], "BBC")) == "same"


def test_forecasts_meet_only_forecasts_for_the_same_date() -> None:
    june = one(
        "By June 1, more than 100,000 Americans will likely have died from the coronavirus",
        ("more than 100,000", 100000, "Americans", "at_least"),
    )
    august = one(
        "researchers raised their US death forecast to 134,000 by early August",
        ("134,000", 134000, "", "exact"),
    )
    assert june is not None and august is not None
    assert (june.measure.key, august.measure.key) == ("projected:count/deaths/people/us",) * 2
    assert relate(fig(august, MAY[15], "IHME"), fig(june, MAY[15], "CDC")) is None
    again = one(
        "more than 100,000 Americans will have died by June 1",
        ("more than 100,000", 100000, "Americans", "at_least"),
    )
    assert relate(fig(again, MAY[16], "CDC"), fig(june, MAY[15], "Redfield")) == "same"


def test_a_forecast_of_no_date_or_a_scenario_has_no_key() -> None:
    assert (
        key(
            "81% of Americans would get the illness with 2.2 million deaths",
            ("2.2 million", 2.2e6, "deaths", "exact"),
        )
        is None
    )
    unmitigated = "an unmitigated epidemic would kill 2.2 million Americans by October"
    assert key(unmitigated, ("2.2 million", 2.2e6, "Americans", "exact")) is None


def test_the_latest_figure_is_an_increase_not_the_total() -> None:
    latest = one(
        "health officials announced the latest 74 deaths from the coronavirus in Illinois",
        ("74", 74, "deaths", "exact"),
    )
    assert latest is not None and "period=new" in latest.measure.detail


def test_a_verb_of_passing_is_a_lower_bound(nlp: Language) -> None:
    surpassed = one("the UK's Covid-19 death toll has surpassed 36,000", ("36,000", 36000, "", "exact"))
    assert surpassed is not None
    assert (surpassed.bound, surpassed.text, surpassed.high) == ("at_least", "more than 36,000", None)
    doc = nlp("American deaths from the disease surpass 85,000, and 1,000 more died in Canada.")
    bounds = {q.text: q.bound for q in find_quantities(doc, 0, len(doc), load_lexicon())}
    assert bounds == {"85,000": "at_least", "1,000": "exact"}
