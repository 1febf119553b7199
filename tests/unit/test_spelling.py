"""Typos in a question are read as the notes' words (tutor/spelling.py, OfflineEngine.resolve)."""

from collections import Counter

from tutor.spelling import Lexicon, close, correct_typos

NOTES = Lexicon.of(
    Counter({"cloudfront": 40, "lambda": 12, "function": 30, "encrypt": 9, "encrypted": 5})
)


def known(word: str) -> bool:
    return word in {"trigger", "when", "somebody", "uploads", "unencrypted"}


def fix(text: str) -> str:
    return correct_typos(text, NOTES, known, 5, 9)


def test_close_scales_the_typos_it_forgives_with_length():
    assert close("lamda", "lambda", 5, 9)  # one edit from five letters
    assert not close("lmda", "lambda", 5, 9)  # too short for one
    assert close("cloudfornt", "cloudfront", 5, 9)  # a transposition is one edit
    assert not close("klambda", "lambda", 5, 9)  # the first letter is never the typo
    assert not close("unencrypted", "encrypted", 5, 9)  # a word inside another is no typo


def test_unknown_words_become_the_notes_words_they_are_typos_of():
    assert fix("can i trigger a lamda functoin?") == "can i trigger a lambda function?"
    assert fix("Cloudfornt geo stuff") == "cloudfront geo stuff"


def test_known_short_and_distant_words_stay_as_written():
    assert fix("when somebody uploads unencrypted data") == "when somebody uploads unencrypted data"
    assert fix("lmda sqs") == "lmda sqs"  # too short to tell a typo
    assert fix("kinesis") == "kinesis"  # no notes word near it


def test_a_word_the_notes_hyphenate_is_read_as_they_write_it():
    texts = ["S3 pre-signed URLs.", "Use multi-part upload.", "a read-only replica, read only"]
    counts = Counter(w.lower() for t in texts for w in t.replace("-", " ").split())
    notes = Lexicon.of(counts, texts)
    assert correct_typos("presigned urls and multipart", notes, known, 5, 9) == (
        "pre-signed urls and multi-part"
    )
    # "readonly" is no word the notes write whole: read as "read-only"; a real word stays
    assert correct_typos("readonly presign", notes, known, 5, 9) == "read-only presign"
    assert notes.joined == {
        "presigned": "pre-signed",
        "multipart": "multi-part",
        "readonly": "read-only",
    }


def test_a_question_with_typos_is_answered_from_the_notes(tutor):
    answer = tutor.ask("what does cloudfornt geo restricton do exactly")
    assert answer.grounded
    assert "Geo" in answer.citations[0].section
