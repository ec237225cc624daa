"""Stories in storage, on both backends: anchors find candidate copies, a story's members, and which
earlier share of a story a viewer may be pointed at."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from storage import repository, stories
from storage.models import ArticleAnchor
from tests.storage.factories import claim, new_article, shared

T0 = dt.datetime(2022, 3, 1, 12, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def test_anchors_are_stored_and_find_candidates_sharing_enough_of_them(session: Session) -> None:
    first, _ = repository.store_article(session, new_article(anchors=(1, 2, 3, 4, 2)), [])
    second, _ = repository.store_article(session, new_article(anchors=(3, 4, 5), story_id=first.id), [])
    repository.store_article(session, new_article(anchors=(9, 10)), [])

    assert sorted(a.hash for a in session.query(ArticleAnchor).filter_by(article_id=first.id)) == [1, 2, 3, 4]
    found = stories.copy_candidates(session, [3, 4, 5, 6], min_shared=2)
    assert [(c.article_id, c.story) for c in found] == [(second.id, first.id), (first.id, first.id)]
    assert found[0].text == second.text
    assert stories.copy_candidates(session, [1, 9], min_shared=2) == []
    assert stories.copy_candidates(session, [], min_shared=1) == []
    assert stories.story_members(session, first.id) == [first.id, second.id]


def test_the_earlier_share_of_a_story_as_the_viewer_may_see_it(session: Session) -> None:
    wire = new_article("https://dniproherald.example/losses", title="Ukraine says 5,840 killed")
    first, public = shared(
        session, wire, [claim("5,840 killed")], channel="C1", channel_name="news", at=at(0)
    )
    public.permalink = "https://acme.slack.com/archives/C1/p1"
    copy = new_article("https://northernpost.example/toll", story_id=first.id, wire="Reuters")
    second, later = shared(session, copy, [claim("5,840 killed")], channel="C2", at=at(5))
    session.flush()

    found = stories.earlier_share(
        session, article=second, team="T1", viewer_channel="C2", before=later.created_at
    )
    assert found is not None
    assert (found.article_id, found.channel, found.channel_name, found.permalink) == (
        first.id, "C1", "news", "https://acme.slack.com/archives/C1/p1"
    )  # fmt: skip
    # nothing earlier for the first article itself, nor from another workspace, nor before the first share
    assert stories.earlier_share(session, article=first, team="T1", viewer_channel="C1", before=at(0)) is None
    again = stories.earlier_share(session, article=first, team="T1", viewer_channel="C1", before=at(9))
    assert again is not None and again.article_id == second.id  # shared again after its copy: the copy
    assert (
        stories.earlier_share(session, article=second, team="T2", viewer_channel="C2", before=at(9)) is None
    )
    assert (
        stories.earlier_share(session, article=second, team="T1", viewer_channel="C2", before=at(-1)) is None
    )


def test_a_private_channels_share_is_pointed_at_only_from_inside_it(session: Session) -> None:
    first, _ = shared(session, new_article(), [], channel="G1", private=True, at=at(0))
    second, _ = shared(session, new_article(story_id=first.id), [], channel="C1", at=at(1))
    session.flush()
    assert (
        stories.earlier_share(session, article=second, team="T1", viewer_channel="C1", before=at(2)) is None
    )
    inside = stories.earlier_share(session, article=second, team="T1", viewer_channel="G1", before=at(2))
    assert inside is not None and inside.article_id == first.id


def test_a_story_outlives_its_first_article(session: Session) -> None:
    first, _ = repository.store_article(session, new_article(), [])
    second, _ = repository.store_article(session, new_article(story_id=first.id), [])
    third, _ = repository.store_article(session, new_article(story_id=first.id), [])
    session.delete(first)
    session.flush()
    assert stories.story_key(second) == stories.story_key(third) == first.id
    assert stories.story_members(session, first.id) == [second.id, third.id]
