"""Acronyms the notes spell out match their long forms in both directions."""

from pathlib import Path

from tutor.acronyms import expand, find_acronyms
from tutor.lexical import tokenize

NOTES = Path(__file__).resolve().parents[2] / "corpus"


def test_only_acronyms_whose_initials_spell_them_are_found():
    found = find_acronyms(
        [
            "Spread across Availability Zones (AZ) in a region.",
            "AMI – Amazon Machine Image: a template.",
            "NACL (Network Access Control List): a firewall for the subnet.",
            "Pick the right storage (S3) for it.",  # "storage" does not spell S3
            "Run it with Fargate (the serverless option).",
        ]
    )
    assert found == {
        "az": frozenset(tokenize("availability zones")),
        "ami": frozenset(tokenize("amazon machine image")),
        "nacl": frozenset(tokenize("network access control list")),
    }


def test_expand_adds_the_long_form_and_the_acronym():
    acronyms = {"az": frozenset(tokenize("availability zone"))}
    assert expand(tokenize("multi az"), acronyms) >= set(tokenize("availability zone"))
    assert "az" in expand(tokenize("across three availability zones"), acronyms)
    assert expand(tokenize("s3 bucket"), acronyms) == frozenset(tokenize("s3 bucket"))


def test_the_notes_define_the_acronyms_students_use():
    texts = [p.read_text(encoding="utf-8") for p in NOTES.glob("*.txt")]
    found = find_acronyms(texts)
    for acronym in ["az", "elb", "alb", "crr", "ia", "sni", "ami"]:
        assert acronym in found, acronym
