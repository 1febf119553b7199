"""Hybrid retrieval over the real notes: the right section in the top three, typed Passages."""

from __future__ import annotations

import pytest
from support import NOTES, make_settings

from ingest.pipeline import ingest
from tutor.errors import InvalidInput, NotReady
from tutor.lexical import LexicalIndex, tokenize
from tutor.retrieve import rrf, score_fusion
from tutor.service import build_tutor
from tutor.types import Chunk

QUESTIONS = [
    ("how do I keep older versions of my files in a bucket?", "S3 Versioning"),
    ("what is the difference between redis and memcached", "Redis and Memcached"),
    ("which EBS volume types can attach to several instances at once", "EBS Multi-Attach"),
    ("can the server push messages to clients with api gateway websockets", "WebSocket API"),
    ("connect two VPCs privately so they behave like one network", "VPC Peering"),
    ("what is lazy loading as a caching strategy", "Lazy Loading"),
    ("how does cross zone load balancing spread traffic", "Cross Zone Balancing"),
    ("how does a blue green deployment work in beanstalk", "Blue / Green"),
]


@pytest.mark.parametrize(("question", "label"), QUESTIONS)
def test_search_finds_the_right_section(tutor, question, label):
    passages = tutor.search(question, 3)
    assert len(passages) == 3
    assert any(label in p.section for p in passages), [p.section for p in passages]


def test_passages_are_typed_ranked_and_point_into_the_notes(tutor):
    text = NOTES.read_text(encoding="utf-8")
    passages = tutor.search("S3 bucket versioning", 5)
    assert len(passages) == 5
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    assert len({p.chunk_id for p in passages}) == 5
    for p in passages:
        assert p.source == NOTES.name
        assert text[p.start : p.end] == p.text


def test_k_defaults_to_the_setting(tutor, settings):
    assert len(tutor.search("EC2 instance types")) == settings.retrieval.k


@pytest.mark.parametrize("query", ["", "   \n\t"])
def test_an_empty_query_is_invalid_input(tutor, query):
    with pytest.raises(InvalidInput, match="empty"):
        tutor.search(query)


def test_a_query_with_no_known_words_still_gets_dense_results(tutor):
    assert tutor.search("zzqxv blorp", 3)  # BM25 finds nothing; dense always answers


def test_search_before_any_ingest_is_not_ready(tmp_path, embedder):
    fresh = build_tutor(make_settings(tmp_path), embedder=embedder)
    with pytest.raises(NotReady, match="tutor ingest"):
        fresh.search("s3")


def test_readers_follow_the_switch_to_a_new_index(tmp_path, embedder):
    folder = tmp_path / "notes"
    folder.mkdir()
    notes = folder / "n.md"
    notes.write_text("# Kinesis\n\nShards hold stream records.\n", encoding="utf-8")
    settings = make_settings(tmp_path / "data")
    tutor = build_tutor(settings, embedder=embedder)
    tutor.index.refresh_s = 0.0
    ingest([folder], settings=settings, store=tutor.store, embedder=embedder)
    assert tutor.search("shards")[0].section == "Kinesis"
    notes.write_text("# SQS\n\nQueues hold messages for consumers.\n", encoding="utf-8")
    ingest([folder], settings=settings, store=tutor.store, embedder=embedder)
    assert [p.section for p in tutor.search("queues")] == ["SQS"]


def test_rrf_rewards_agreement_and_respects_weights():
    fused = rrf([(["a", "b", "c"], 1.0), (["d", "b"], 1.0)], 60)
    assert next(i for i, _ in fused) == "b"  # second in both beats first in one
    assert fused[0][1] == pytest.approx(2 / 62)
    only_bm25 = rrf([(["a", "b"], 0.0), (["b", "a"], 1.0)], 60)
    assert [i for i, _ in only_bm25] == ["b", "a"]


def test_score_fusion_keeps_a_clear_winner_and_respects_weights():
    dense = [("a", 0.80), ("b", 0.30), ("c", 0.28)]  # "a" is far ahead on meaning
    bm25 = [("b", 10.0), ("c", 9.5), ("a", 5.0)]
    fused = score_fusion([(dense, 1.0), (bm25, 1.0)])
    assert [i for i, _ in fused] == ["a", "b", "c"]  # RRF would put "b" first: 2nd and 1st
    assert fused[0][1] == pytest.approx(1.0 + 0.5)
    assert next(i for i, _ in rrf([(["a", "b", "c"], 1.0), (["b", "c", "a"], 1.0)], 60)) == "b"
    assert [i for i, _ in score_fusion([(dense, 0.0), (bm25, 1.0)])] == ["b", "c", "a"]
    assert score_fusion([([], 1.0), ([("x", 0.0)], 1.0)]) == []  # nothing scored, nothing found


def test_rrf_fusion_is_a_setting(tutor, settings):
    from tutor.config import RetrievalSettings
    from tutor.retrieve import HybridRetriever

    by_rank = HybridRetriever(
        store=tutor.store,
        index=tutor.index,
        embedder=tutor.embedder,
        settings=RetrievalSettings(fusion="rrf"),
    )
    passages = by_rank.search("How does S3 versioning keep old versions of objects?")
    assert "Versioning" in passages[0].section
    assert passages[0].score == pytest.approx(2 / 61)  # first in both rankings


def test_tokenize_keeps_technical_terms_whole_and_split():
    tokens = tokenize("Use io2 Block-Express or gp3 volumes; S3.Versioning")
    assert "io2" in tokens and "gp3" in tokens
    assert {"block-express", "block", "express"} <= set(tokens)
    dotted = tokenize("S3.Versioning")
    assert len(dotted) == 3 and tokenize("s3")[0] in dotted and tokenize("versioning")[0] in dotted
    assert "or" not in tokens  # stopwords dropped


def test_lexical_index_ranks_exact_terms_and_round_trips(tmp_path):
    chunks = [
        Chunk(id=f"c{i}", text=t, section=s, source="n.txt", start=0, end=len(t))
        for i, (s, t) in enumerate(
            [
                ("S3", "Buckets hold objects."),
                ("EBS", "Volumes attach to EC2."),
                ("SQS", "Queues decouple producers and consumers."),
            ]
        )
    ]
    index = LexicalIndex.build(chunks)
    assert index.search("how do queues work", 3)[0][0] == "c2"
    assert index.search("the of and", 3) == []
    index.save(tmp_path / "bm25")
    again = LexicalIndex.load(tmp_path / "bm25")
    assert again.ids == index.ids
    assert again.search("EC2 volumes", 1)[0][0] == "c1"
