"""The miners on small notes: distractors of the key's kind, and short answers the key answers.

The fast tier embeds with tests/fakes.py's HashEmbedder (texts that share words point the same
way); tests/unit/test_quizbank.py checks the same rules on the real notes with MiniLM.
"""

from __future__ import annotations

from fakes import HashEmbedder

from tutor.quizmine import MIN_DISTRACTOR_SIMILARITY, Miner, _short_question
from tutor.types import Chunk

SECTIONS = {
    "EFS": "EFS is a managed network file system for storage that many instances mount at once.",
    "EBS": "EBS is a network block storage volume that one instance mounts at a time.",
    "FSx": "FSx is a managed network file system for storage on Windows instances.",
    "S3": "S3 is an object storage service for files that many instances read over the network.",
    "IAM": "IAM is a service that manages users, groups, roles and their permissions.",
    "SQS": "SQS is a message queue that decouples the parts of an application.",
}


def notes(sections: dict[str, str]) -> list[Chunk]:
    chunks, at = [], 0
    for n, (heading, body) in enumerate(sections.items()):
        text = f"{heading}\n{body}"
        chunks.append(
            Chunk(
                id=f"c{n}", text=text, section=heading, source="n.txt", start=at, end=at + len(text)
            )
        )
        at += len(text) + 1
    return chunks


def miner(sections: dict[str, str] = SECTIONS) -> Miner:
    m = Miner(notes(sections), HashEmbedder().embed_batch)
    m.definitions()  # the defining sentences: what the notes say about each name
    return m


def test_distractors_are_the_names_nearest_the_key_in_meaning():
    m = miner()
    picked = m.nearest(["IAM", "SQS", "S3", "EBS", "FSx"], "EFS")
    assert picked[0] == "FSx"  # a managed network file system, like EFS
    assert set(picked) == {"FSx", "EBS", "S3"}  # storage: EFS's kind
    assert not {"IAM", "SQS"} & set(picked)  # other kinds are never options
    key = m.vectors["EFS"]
    assert all(float(m.vectors[name] @ key) >= MIN_DISTRACTOR_SIMILARITY for name in picked)


def test_an_item_without_three_distractors_of_its_kind_is_dropped():
    m = miner()
    assert len(m.nearest(["IAM", "SQS", "EBS"], "EFS")) < 3
    built = Miner(notes(SECTIONS), HashEmbedder().embed_batch).build()
    for item in (i for i in built if i.kind == "mcq" and i.question.startswith("Which of these")):
        assert not {"IAM", "SQS"} & set(item.choices or []), item.question
    unrelated = {k: v for k, v in SECTIONS.items() if k in {"EFS", "IAM", "SQS"}} | {
        "Route 53": "Route 53 is a managed DNS that answers queries for domain names."
    }
    alone = Miner(notes(unrelated), HashEmbedder().embed_batch)
    assert not [i for i in alone.build() if i.kind == "mcq"]  # no three of EFS's kind
    assert alone.dropped["fewer than three distractors"]


def test_without_an_embedder_no_which_of_these_item_is_made():
    plain = Miner(notes(SECTIONS)).build()
    assert not [i for i in plain if i.question.startswith("Which of these")]
    assert [i for i in plain if i.kind == "short"]  # the other items still are


def test_a_short_answer_asks_what_its_key_sentence_says():
    assert _short_question("EBS", "is a network volume mounted on one instance") == "What is EBS?"
    assert (
        _short_question(
            "AWS AppSync", "is a fully managed service that allows developers to deploy"
        )
        == "What is AWS AppSync, and what is it used for?"
    )
    assert (
        _short_question("VPC Peering", "allows you to connect VPCs")
        == "What is VPC Peering used for?"
    )
    assert _short_question("Security Groups", "are a firewall around instances") == (
        "What are Security Groups?"
    )
    assert _short_question("EBS Multi-attach", "is for the io1/io2 EBS Volume Types") is None
    assert _short_question("KMS", "encrypts other information in AWS services") is None


def test_short_answers_are_mined_only_from_sentences_that_say_what_their_subject_is():
    sections = SECTIONS | {
        "EBS Multi-attach": "EBS Multi-attach is for the io1 and io2 volume types only.",
        "What are Availability Zones?": "Each Region has its own set of availability zones here.",
        "What are Edge Locations?": "Edge Locations are the sites that cache content near the users.",
        "How does a team pick a Region?": "  • Compliance – data must stay in one country\n"
        "  • Proximity – regions near the customers reduce latency",
    }
    built = Miner(notes(sections), HashEmbedder().embed_batch).build()
    shorts = {i.question: i.answer for i in built if i.kind == "short"}
    assert shorts["What is EFS?"].startswith("EFS is a managed network file system")
    assert not [q for q in shorts if "Multi-attach" in q]  # "is for ...": not what it is
    assert "What are Availability Zones?" not in shorts  # the sentence does not define them
    assert shorts["What are Edge Locations?"].startswith("Edge Locations are the sites")
    assert "How does a team pick a Region?" not in shorts  # its answer is a whole list


def test_a_procedure_is_keyed_by_all_its_steps():
    sections = SECTIONS | {
        "How to move an EBS volume to another AZ": "  1. Take a snapshot of the volume\n"
        "  2. Copy the snapshot to the other AZ\n  3. Create a volume from the snapshot"
    }
    built = Miner(notes(sections), HashEmbedder().embed_batch).build()
    steps = next(i for i in built if i.origin == "steps")
    assert (
        steps.question == "How to move an EBS volume to another AZ: what are the steps, in order?"
    )
    assert steps.answer.startswith("1. Take a snapshot") and steps.answer.endswith(
        "from the snapshot"
    )
    assert "2. Copy the snapshot" in steps.answer and steps.answer in steps.evidence
