"""Copies of one story: containment of shingles, anchors that find candidates, the agency a copy names."""

from __future__ import annotations

from bot.reading.copies import ANCHORS, containment, fingerprint, shingle_hashes, wire_agency

STORY = (
    "KYIV, March 1 (Reuters) - Ukraine's General Staff said on Tuesday that about 5,840 Russian servicemen "
    "had been killed since the invasion began on Feb. 24, a figure far higher than any Moscow has given. "
    "The General Staff said Ukrainian forces had also destroyed 198 tanks and 29 aircraft. Reuters could not "
    "independently verify the figures. The governor of the Kharkiv region said shelling of the city's "
    "central square had killed at least 10 civilians and wounded 35 more on Tuesday morning. Talks between "
    "the two sides are due to resume later this week near the Belarus border, a negotiator said."
)
OTHER = (
    "Harwick City Council on Wednesday approved a plan to rebuild the flood defences along the River Calder, "
    "ending months of argument over how the town should pay for them. Councillors voted 31 to 14 in favour "
    "of the scheme, which will raise the embankment wall over a 4-kilometre stretch and install six new "
    "pumping stations, according to the council's published budget papers and its finance director."
)


def test_a_trimmed_retitled_copy_is_contained_and_another_story_is_not() -> None:
    trimmed = STORY.rsplit(" The governor", 1)[0]
    assert containment(shingle_hashes(STORY), shingle_hashes(trimmed)) == 1.0
    retitled = "Kyiv puts Russian death toll at 5,840\n\n" + trimmed  # the new headline's shingles are new
    assert 0.8 < containment(shingle_hashes(STORY), shingle_hashes(retitled)) < 1.0
    assert containment(shingle_hashes(STORY), shingle_hashes(OTHER)) == 0.0
    assert containment(shingle_hashes(STORY.upper()), shingle_hashes(STORY)) == 1.0  # case and punctuation


def test_texts_too_short_to_compare_are_never_copies() -> None:
    assert containment(shingle_hashes("Ukraine said 5,840 were killed."), shingle_hashes(STORY)) == 0.0


def test_a_copy_shares_most_of_its_anchors() -> None:
    whole, trimmed = fingerprint(STORY + " " + OTHER), fingerprint(STORY)
    assert len(whole.anchors) == ANCHORS and whole.anchors == tuple(sorted(whole.anchors))
    assert all(0 <= h < 2**63 for h in whole.anchors)  # fits a signed 64-bit column
    shared = set(whole.anchors) & set(trimmed.anchors)
    assert len(shared) >= 8  # the trimmed copy holds about half the shingles: about half the anchors
    assert not set(fingerprint(OTHER).anchors) & set(trimmed.anchors)


def test_the_agency_comes_from_the_byline_a_dateline_or_reuters_credit_line() -> None:
    assert wire_agency(STORY) == "Reuters"
    assert wire_agency("WASHINGTON (AP) — The Senate voted on Tuesday.") == "AP"
    assert wire_agency("Text of the story.", byline="By Jane Roe, Associated Press") == "AP"
    assert wire_agency("The Senate voted. (Reporting by Jane Roe; Editing by Peter Graff)") == "Reuters"
    assert wire_agency("The senator told The Associated Press that she would run.") is None
    assert wire_agency("Council news.", byline="By Tom Smith, Harrisburg, PA") is None
