"""Splitting passages into answer units: sentences, bullets with their parent, table rows."""

from __future__ import annotations

from tutor.offline.sentences import known_terms, split_units, unglue

TABLE = """ElastiCache – Difference between Redis and Memcached

Read replicasHas read replicas the scale reads and make it highly availableNot highly available.
Data durabilityHas data durability use append-only file (AOF) persistenceNon-persistence
OtherMulti-threaded architecture"""

BULLETS = """EC2 Instances Purchasing Options

  • Spot Instances – short workloads, cheap, can lose instances (less reliable).
    • Useful for workloads that are resilient to failure. e.g. batch jobs
  • Dedicated Hosts – book an entire physical server."""


def test_table_rows_get_their_cell_boundaries_back():
    units = split_units(TABLE, "ElastiCache – Difference between Redis and Memcached")
    assert [u.text for u in units] == [
        (
            "Read replicas; Has read replicas the scale reads and make it highly available; "
            "Not highly available."
        ),
        (
            "Data durability; Has data durability use append-only file (AOF) persistence; "
            "Non-persistence"
        ),
        "Other; Multi-threaded architecture",
    ]


def test_terms_the_notes_use_in_prose_stay_whole():
    known = known_terms(["Use CloudFront in front of DynamoDB.", "  • distinctInstance"])
    assert unglue("CloudFront cachingCan be set", known) == "CloudFront caching; Can be set"
    assert unglue("distinctInstance spreads", known) == "distinctInstance spreads"


def test_bullets_keep_their_parent_and_prose_splits_into_sentences():
    units = split_units(BULLETS, "EC2 Instances Purchasing Options")
    assert [u.text[:15] for u in units] == ["Spot Instances ", "Useful for work", "Dedicated Hosts"]
    nested = units[1]
    assert nested.parent == "Spot Instances"
    assert nested.render(with_parent=True).startswith("Spot Instances: Useful for workloads")
    prose = split_units("Heading\n\nFirst one is here. Second one follows! Third?", "Heading")
    assert [u.text for u in prose] == ["First one is here.", "Second one follows!", "Third?"]


def test_a_short_capitalised_sentence_is_a_fact_and_heads_the_lines_after_it():
    text = (
        "Site to Site VPN\n\nSite to Site and Direct Connect cannot access VPC Endpoints.\n\n"
        "Use a NAT Gateway instead\n\nIt lives in a public subnet."
    )
    units = split_units(text, "VPC")
    assert [u.text for u in units] == [
        "Site to Site and Direct Connect cannot access VPC Endpoints.",
        "It lives in a public subnet.",
    ]
    assert units[0].heading == "Site to Site and Direct Connect cannot access VPC Endpoints"
    assert units[1].heading == "Use a NAT Gateway instead"  # a title without a period is not a unit


def test_a_title_that_states_a_figure_is_a_unit_too():
    text = (
        "HDD\n\nsc1 (Cold HDD) is for data that is rarely read.\n\nIOPS (cold hdd) – 250 max\n\n"
        "S3 Storage Classes\n\n1. SSE-S3\n\nEncrypts objects with AWS keys.\n\n"
        "21 – FTP (uploading files)"
    )
    units = split_units(text, "HDD")
    assert [u.text for u in units] == [
        "sc1 (Cold HDD) is for data that is rarely read.",
        "IOPS (cold hdd) – 250 max",  # the notes' only line with the figure
        "Encrypts objects with AWS keys.",  # "S3" and "1. SSE-S3" name things, state no figure
        "21 – FTP (uploading files)",  # an item of a list of ports, not a heading
    ]
    assert units[2].heading == "1. SSE-S3"


def test_list_items_keep_their_marker_and_depth():
    units = split_units(BULLETS, "EC2 Instances Purchasing Options")
    assert [(u.marker, u.depth) for u in units] == [("-", 0), ("-", 1), ("-", 0)]
    steps = split_units(
        "MFA\n\n  1. Virtual MFA device\n  2. U2F Security Key\n\nDone here.", "MFA"
    )
    assert [(u.text, u.marker) for u in steps] == [
        ("1. Virtual MFA device", ""),
        ("2. U2F Security Key", ""),
        ("Done here.", None),
    ]
