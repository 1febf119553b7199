"""Sessions and turns through SQLAlchemy; offline follow-up resolution."""

from __future__ import annotations

from tutor.db import make_engine, make_sessionmaker
from tutor.offline.parts import readings, subject_of
from tutor.sessions import ChatSession, SessionStore, Turn
from tutor.types import Answer, Citation


def store_at(tmp_path) -> SessionStore:
    return SessionStore(make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'db' / 't.db'}")))


def test_turns_persist_in_order_and_history_is_the_latest(tmp_path):
    store = store_at(tmp_path)
    cite = Citation(n=1, chunk_id="abc", source="n.txt", section="S3", snippet="", score=0.1)
    for i in range(6):
        store.record("s1", f"q{i}", f"standalone {i}", Answer(text=f"a{i}", citations=[cite]))
    store.record("s2", "other", "other", Answer(text="x", grounded=False))

    history = store.history("s1", limit=4)
    assert [t.question for t in history] == ["q2", "q3", "q4", "q5"]
    assert history[-1].standalone == "standalone 5" and history[-1].citations == '["abc"]'
    assert store.history("unknown") == [] and store.history(None) == []

    reopened = store_at(tmp_path)  # a new engine on the same file: the data is on disk
    with reopened.maker() as db:
        assert db.query(ChatSession).count() == 2
        assert db.query(Turn).filter_by(session_id="s2").one().grounded is False


def test_offline_follow_up_carries_the_previous_subject(tmp_path):
    store = store_at(tmp_path)
    store.record(
        "s",
        "How long does RDS keep automatic backups?",
        "How long does RDS keep automatic backups?",
        Answer(text="7 days"),
    )
    history = store.history("s")
    assert subject_of("How long does RDS keep automatic backups?") == "RDS automatic backups"
    assert readings("and can I restore it?", history) == [
        "RDS automatic backups and can I restore it?"
    ]
    # A new, self-contained question is left alone.
    standalone = "Which S3 storage class is cheapest for archives?"
    assert readings(standalone, history) == [standalone]
    assert readings("and how long is it kept?", []) == ["and how long is it kept?"]


def test_a_short_question_without_a_reference_is_read_both_ways(tmp_path):
    store = store_at(tmp_path)
    asked = "How does S3 versioning work?"
    store.record("s", asked, asked, Answer(text="..."))
    history = store.history("s")
    # short, and referring to nothing: a new question or a follow-up, for the notes to settle
    assert readings("what is IAM?", history) == ["what is IAM?", "S3 versioning what is IAM?"]
    assert readings("dedicated hosts?", history) == [
        "dedicated hosts?",
        "S3 versioning dedicated hosts?",
    ]
    # referring to the subject, or naming none, makes it a follow-up
    assert readings("max size?", history) == ["S3 versioning max size?"]
    assert readings("how do I turn it off?", history) == ["S3 versioning how do I turn it off?"]
    assert readings("why?", history) == ["S3 versioning why?"]


def test_the_engine_reads_a_short_question_as_the_notes_match_better(tutor):
    first = tutor.ask("whats s3 transfer acceleration")
    switch = tutor.ask("whats a dedicated host", session_id=first.session_id)
    assert "physical server" in switch.text
    first = tutor.ask("what is aws secrets manager")
    follow = tutor.ask("are the values encrypted?", session_id=first.session_id)
    assert "Secrets Manager" in follow.text and "encrypted" in follow.text  # not RDS encryption


def test_a_question_without_a_subject_or_naming_the_earlier_one_is_a_follow_up(tmp_path):
    store = store_at(tmp_path)
    asked = "can an alb send requests to a lambda function"
    store.record("s", asked, asked, Answer(text="..."))
    history = store.history("s")
    subject = subject_of(asked)
    # "the function": a thing the previous question named
    assert readings("what does the function actually receive", history) == [
        f"{subject} what does the function actually receive"
    ]
    assert readings("whats the limit", history) == [f"{subject} whats the limit"]  # no subject
    assert readings("any downsides?", history) == [f"{subject} any downsides?"]  # "any ...?"
    # a new question of its own is left alone
    assert readings("what does the ecs agent do on each instance", history) == [
        "what does the ecs agent do on each instance"
    ]


def test_the_thing_named_by_the_previous_answer_is_pointed_back_to(tmp_path):
    store = store_at(tmp_path)
    asked = "what is s3 object lock"
    store.record(
        "s", asked, asked, Answer(text="Object Lock has two modes: governance and compliance. [1]")
    )
    history = store.history("s")
    subject = subject_of(asked)
    # "the two modes": the previous answer named them; the question alone does not
    assert readings("whats the difference between the two modes", history) == [
        f"{subject} whats the difference between the two modes"
    ]
    # "the" before something neither the question nor the answer named: read both ways
    assert readings("whats the ssh port", history) == [
        "whats the ssh port",
        f"{subject} whats the ssh port",
    ]


def test_an_ordinal_picks_a_side_of_the_comparison_before(tmp_path):
    store = store_at(tmp_path)
    asked = "whats the difference between parameter store and secrets manager"
    store.record("s", asked, asked, Answer(text="..."))
    history = store.history("s")
    assert readings("does the first one always encrypt", history) == [
        "parameter store does the first one always encrypt"
    ]
    assert readings("does the second one cost anything", history) == [
        "secrets manager does the second one cost anything"
    ]
    # "the other one": the side the last turn did not name
    store.record("s", "is secrets manager encrypted", "secrets manager encrypted", Answer(text="."))
    assert readings("and the other one?", store.history("s")) == [
        "parameter store and the other one?"
    ]
    # "X or Y?" compares too
    store.record(
        "t",
        "site to site vpn or direct connect?",
        "site to site vpn or direct connect?",
        Answer(text="..."),
    )
    assert readings("how long does the second one take to set up", store.history("t")) == [
        "direct connect how long does the second one take to set up"
    ]


def test_an_ordinal_without_a_comparison_before_is_an_ordinary_follow_up(tmp_path):
    store = store_at(tmp_path)
    asked = "what does the ecs daemon service type do"
    store.record("s", asked, asked, Answer(text="..."))
    assert readings("whats the other one", store.history("s")) == [
        f"{subject_of(asked)} whats the other one"
    ]
