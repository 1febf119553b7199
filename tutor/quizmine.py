"""Miners of the offline bank: exam-style items from the notes, each checked before it is kept.

    definition  "X is / allows / provides ..." sentences whose subject names its section: which
                of these does that? (mcq), what is X (short: only when the sentence says what X
                is, "X is a ..."; "X allows ..." asks what X is used for).
    statement   sentences that open with a service name: which of these does that? (mcq)
    number      a sentence holding one figure with a unit: complete it (mcq, fill). Distractors
                are the notes' other figures of that unit, else multiples; the key's rank varies.
    steps       "How to ..." sections with a numbered list, and headings that are questions (a
                "What is X?" heading only when a sentence of its section says what X is).

The options of a "Which of these ...?" item are names of the key's kind: the names whose meaning
is nearest the key's, measured on what the notes say about each name (its defining sentences, the
opening sentences of its own section, sentences that mention it) with the embedder the notes are
indexed with, each at least MIN_DISTRACTOR_SIMILARITY (cosine) from the key. An item with fewer
than three such names is dropped, so is every such item when no embedder is given.

Every candidate goes through tutor.itemchecks; one that breaks a rule is dropped. A stem asked
twice with different keys is dropped altogether, and each subject is asked once per kind.

Two blind reviews of the bank (docs/quiz.md) rejected whole item types, so they are not mined:
lookups in the notes' "X – Y" lists ("which entry is described as …": not exam questions, and
the list is often not exam material) and "___ does that" fills of a definition sentence (the
sentence is recall of the notes' wording; the short "What is X?" asks the same fact properly).
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from tutor.banktopics import bank_topics, service_topics
from tutor.itemchecks import BLANK, Notes, failures
from tutor.lexical import tokenize
from tutor.quizbank import (
    BankItem,
    BankKind,
    _numeric,
    _pick,
    _sentences,
    item_id,
    key_terms,
    name_key,
    same_thing,
)
from tutor.types import Chunk

MAX_CLOZE_WORDS = 30
MAX_FACT_INDENT = 2  # a sentence on a sub-bullet leans on its parent line for its meaning
_BULLET_MARK = re.compile(r"^\s*(?:[•\-\*]|\d+\.)\s+")
MAX_PER_SUBJECT = 8  # statement items about one service
# Cosine (MiniLM) between what the notes say of two names: at or above it, a name is of the key's
# kind (EBS and EFS 0.65, Aurora and DynamoDB 0.75); below it, an outsider a learner rules out by
# kind alone (Route 53 and DynamoDB 0.23). Fitted on the AWS notes' names.
MIN_DISTRACTOR_SIMILARITY = 0.4
PROFILE_SENTENCES = 5  # sentences of the notes that stand for what a name is
Embed = Callable[[Sequence[str]], np.ndarray]  # texts -> unit vectors, one row each
MIN_NAME_MENTIONS = 5  # an acronym the notes use this often names a thing options can be
_STATEMENT_VERBS = (
    r"is|are|can|cannot|supports?|allows?|provides?|uses|has|have|stores|lets|enables|will|"
    r"does|only|automatically|offers|gives|works|runs|replicates|scales"
)
_PAIR = re.compile(r"^(?P<term>[^–:]{1,50}?)\s+–\s+(?P<desc>\S.{4,200})$")
_ITEM = re.compile(r"^(?P<indent>\s*)(?:[•\-\*]|\d+\.)?\s*(?P<text>\S.*)$")
_VERBS = r"is|allows?|provides?|helps?|lets|enables|stores|encrypts"
_DEFINITION = re.compile(
    rf"^(?:The |An |A )?(?P<subj>[A-Z][\w\-/().’']*(?: [A-Z0-9][\w\-/().’']*){{0,4}})\s+"
    rf"(?P<pred>(?:{_VERBS})\b.{{15,160}})$"
)
_UNITS = (
    r"%|seconds?|minutes?|hours?|days?|months?|years?|ms|GB|TB|MB|GiB|KB|"
    r"replicas|copies|characters|requests|IOPS|buckets|instances|targets|records"
)
_FIGURE = re.compile(
    rf"(?<![\w.\-/$])(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?P<sp>\s?)(?P<unit>{_UNITS})(?!\w)"
)
_ANY_NUMBER = re.compile(r"(?<![\w.])\d")
# A limit or a default: the figures worth learning. Other figures in notes illustrate (the first
# retry "after 1 second") or are typical values ("failover in less than 30 seconds").
_LIMIT = re.compile(
    r"\b(?:max(?:imum)?|min(?:imum)?|up to|at (?:least|most)|default|limit(?:ed)?|no more than)\b",
    re.IGNORECASE,
)
_SAYS_WHAT = re.compile(r"^(?:is|are) (?:a|an|the|one)\b")  # "X is a ...": the sentence defines X
_SAYS_USE = re.compile(r"^(?:allows?|lets|enables|helps?)\b")  # "X allows ...": what X is for
_STATES_USE = re.compile(r"\b(?:used (?:to|for)|allows?|lets|enables|helps?)\b")
_WHAT_IS = re.compile(r"^What (?P<verb>is|are) (?P<name>[^?]+)\?$")
_NAMED_NUMBER = re.compile(r"\b[A-Z][a-z]+ \d+\b")


class Entry:
    chunk: Chunk
    term: str
    desc: str
    line: str
    lead: str


class Miner:
    """`embed`: the notes' embedder (`Embedder.embed_batch`); without it no "Which of these"
    item is made, as no distractor can be shown to be of the key's kind."""

    def __init__(self, chunks: Sequence[Chunk], embed: Embed | None = None) -> None:
        self.embed = embed
        self.vectors: dict[str, np.ndarray] = {}
        self.found: list[
            tuple[Chunk, str, str, str]
        ] = []  # definitions: chunk, subj, pred, sentence
        self.chunks = sorted((c for c in chunks if c.text.strip()), key=lambda c: c.start)
        self.topics = bank_topics(self.chunks)
        headings = {h for c in self.chunks for h in c.section.replace(" · ", " > ").split(" > ")}
        self.notes = Notes.of(_pieces(self.chunks), headings)
        self.notes_headings = headings
        self.df: dict[str, int] = defaultdict(int)
        for c in self.chunks:
            for stem in set(tokenize(c.text)):
                self.df[stem] += 1
        self.items: list[BankItem] = []
        self.defined: list[str] = []
        self.dropped: dict[str, int] = defaultdict(int)

    def build(self) -> list[BankItem]:
        self.definitions()
        self.statements()
        self.numbers()
        self.steps()
        return _deduped(self.items)

    def facts(self, chunk: Chunk) -> Iterable[str]:
        """Sentences that stand on their own: the first of their line, not deep in a sub-list,
        not beside a table whose cells ran together (their context is lost)."""
        recent: list[str] = []
        for raw in chunk.text.splitlines():
            if not raw.strip():
                continue
            m = _ITEM.match(raw)
            depth = len(m["indent"].expandtabs(4)) if m else 0
            line = _BULLET_MARK.sub("", raw).strip()
            near_table = any(self.notes.glued(r) for r in [*recent[-3:], line])
            recent.append(line)
            first = next(iter(_sentences(line)), "")
            if first and depth <= MAX_FACT_INDENT and not near_table:
                yield first

    # -- one candidate ---------------------------------------------------------------------------
    def add(
        self,
        chunk: Chunk,
        kind: BankKind,
        question: str,
        answer: str,
        evidence: str,
        origin: str,
        choices: list[str] | None = None,
        reference: str | None = None,
    ) -> bool:
        if answer not in chunk.text or evidence not in chunk.text:
            return False
        iid = item_id(kind, question, answer, chunk.id)
        answer_index = None
        if choices is not None:
            options = [answer, *choices[:3]]
            if len(options) < 4 or len({o.lower() for o in options}) < 4:
                self.dropped["fewer than three distractors"] += 1
                return False
            if all(_numeric(o) is not None for o in options):
                options.sort(key=lambda o: _numeric(o) or 0.0)  # numbers read best in order
            else:
                random.Random(iid).shuffle(options)  # seeded by the id: the same every build
            choices, answer_index = options, options.index(answer)
        topic = self.topics.get(chunk.id, chunk.topic)
        heading = _heading_of(chunk, evidence)
        item = BankItem(
            id=iid,
            kind=kind,
            question=question,
            answer=answer,
            choices=choices,
            answer_index=answer_index,
            evidence=evidence,
            key_terms=key_terms(reference or f"{answer} {evidence}", question, self.df),
            chunk_id=chunk.id,
            section=heading if heading == topic else f"{topic} > {heading}",
            source=chunk.source,
            origin=origin,
            topic=topic,
        )
        reasons = failures(item, self.notes)
        for reason in reasons:
            self.dropped[reason.split(":")[0].split("“")[0].strip()] += 1
        if not reasons:
            self.items.append(item)
        return not reasons

    # -- "X is ..." sentences --------------------------------------------------------------------
    def definitions(self) -> None:
        found: list[tuple[Chunk, str, str, str]] = []
        for chunk in self.chunks:
            heading = name_key(_heading_of(chunk, chunk.text))
            for sentence in _sentences(chunk.text):
                m = _DEFINITION.match(sentence)
                if not m or not _is_name(m["subj"]):
                    continue
                subj, pred = m["subj"].strip(), m["pred"].rstrip(".: ")
                key = name_key(subj)
                if key and heading and key <= heading:
                    found.append((chunk, subj, pred, sentence))
        subjects = _unique(s for _, s, _, _ in found)
        self.defined = subjects
        self.found = found
        asked: set[frozenset[str]] = set()
        headings: set[str] = set()
        for chunk, subj, pred, sentence in found:
            where = _heading_of(chunk, sentence)
            if name_key(subj) in asked or where in headings:
                continue  # one definition item set per subject, and per section
            asked.add(name_key(subj))
            headings.add(where)
            words = set(tokenize(pred))
            pool = [
                s
                for s in subjects
                if not same_thing(s, subj)
                and not _mentions(pred, s)
                and len(words & set(tokenize(_defs(found, s)))) < max(2, len(words) / 3)
            ]
            named = _mentions(pred, subj)  # "... storage of secrets": a clue to Secrets Manager
            if len(words) >= 4 and not named:
                self.add(
                    chunk,
                    "mcq",
                    f"Which of these {pred}?",
                    subj,
                    sentence,
                    "definition",
                    choices=self.nearest(pool, subj),
                )
            called = f"the {subj}" if sentence.startswith(f"The {subj}") else subj  # "the SDK"
            question = _short_question(called, pred)
            if question is None:
                self.dropped["the sentence does not say what its subject is"] += 1
                continue
            self.add(chunk, "short", question, sentence, sentence, "definition", reference=sentence)

    # -- "<service> <does something>" sentences -----------------------------------------------
    def statements(self) -> None:
        names = self.names()
        subject = re.compile(
            rf"^(?:The |Amazon |AWS )?(?P<subj>{'|'.join(map(re.escape, names))})\s+"
            rf"(?P<pred>(?:{_STATEMENT_VERBS})\b[^?]{{15,150}}?)\.?$"
        )
        sentences = [s for c in self.chunks for s in _sentences(c.text)]
        asked: dict[str, int] = defaultdict(int)
        for chunk in self.chunks:
            for sentence in self.facts(chunk):
                m = subject.match(sentence)
                if not m or asked[m["subj"]] >= MAX_PER_SUBJECT or "e.g" in sentence:
                    continue
                subj, pred = m["subj"], m["pred"]
                words = set(tokenize(pred))
                if len(words) < 4 or _mentions(pred, subj) or not _whole(pred):
                    continue
                pool = [n for n in names if not same_thing(n, subj) and not _mentions(pred, n)]
                pool = [n for n in pool if not _supported(n, words, sentences)]
                if self.add(
                    chunk,
                    "mcq",
                    f"Which of these {pred}?",
                    subj,
                    sentence,
                    "statement",
                    choices=self.nearest(pool, subj),
                ):
                    asked[subj] += 1

    # -- distractors of the key's kind ---------------------------------------------------------------
    def nearest(self, pool: list[str], key: str, n: int = 3) -> list[str]:
        """The `n` names of `pool` whose meaning is nearest the key's, each at least
        MIN_DISTRACTOR_SIMILARITY; fewer when fewer are (the item is then dropped)."""
        if self.embed is None or not pool:
            return []
        missing = [name for name in _unique([key, *pool]) if name not in self.vectors]
        if missing:
            vectors = self.embed([self.profile(name) for name in missing])
            self.vectors.update(zip(missing, np.asarray(vectors, dtype=np.float32)))
        target = self.vectors[key]
        scored = [(float(self.vectors[name] @ target), name) for name in _unique(pool)]
        scored.sort(key=lambda sn: (-sn[0], sn[1]))
        picked: list[str] = []
        for score, name in scored:
            if score < MIN_DISTRACTOR_SIMILARITY or len(picked) == n:
                break
            if not any(same_thing(name, other) for other in picked):  # "Aurora", "Aurora DB"
                picked.append(name)
        return picked

    def profile(self, name: str) -> str:
        """What the notes say about `name`: its defining sentences, then the opening sentences of
        its own section, then sentences that mention it; PROFILE_SENTENCES in all."""
        key = name_key(name)
        said = [s for _, subj, _, s in self.found if name_key(subj) == key]
        own = [c for c in self.chunks if name_key(_bare(self.topics.get(c.id, c.topic))) == key]
        said += [s for c in own for s in self.facts(c) if _says(s)][:PROFILE_SENTENCES]
        said += [
            s for c in self.chunks for s in self.facts(c) if key <= set(tokenize(s)) and _says(s)
        ][:PROFILE_SENTENCES]
        return " ".join(_unique(said)[:PROFILE_SENTENCES]) or name

    def names(self) -> list[str]:
        """Names of the notes' services: service topics and defined subjects, vendor prefix off
        ("AWS" alone names the vendor, no service)."""
        found = {_bare(t) for t in service_topics(self.chunks)} | {_bare(s) for s in self.defined}
        names = (n for n in found if name_key(n) and _service_name(n, self.notes.words))
        return sorted(names, key=lambda n: (-len(n), n))

    # -- a figure with a unit ----------------------------------------------------------------------
    def numbers(self) -> None:
        by_unit: dict[str, list[str]] = defaultdict(list)
        found: list[tuple[Chunk, str, re.Match[str]]] = []
        for chunk in self.chunks:
            for sentence in self.facts(chunk):
                if len(sentence.split()) > MAX_CLOZE_WORDS or sentence.endswith("?"):
                    continue
                figures = list(_FIGURE.finditer(sentence))
                for m in figures:
                    by_unit[_unit(m["unit"])].append(m["num"])
                numbers = _ANY_NUMBER.findall(_NAMED_NUMBER.sub(" ", sentence))
                if (
                    len(figures) == 1
                    and len(numbers) == 1
                    and len(sentence.split()) >= 5
                    and _LIMIT.search(sentence)
                ):
                    found.append((chunk, sentence, figures[0]))
        for chunk, sentence, m in found:
            num, unit = m["num"], _unit(m["unit"])
            blanked = f"{sentence[: m.start()]}{BLANK}{m['sp']}{m['unit']}{sentence[m.end() :]}"
            where = _heading_of(chunk, sentence)
            question = f"Complete the statement from the notes on “{where}”: “{blanked}”"
            choices = _figures(num, by_unit[unit])
            self.add(chunk, "mcq", question, num, sentence, "number", choices=choices)
            self.add(chunk, "fill", question, num, sentence, "number")

    # -- procedures and question headings --------------------------------------------------------
    def steps(self) -> None:
        for chunk in self.chunks:
            title = chunk.section.split(" > ")[-1].split(" · ")[0]
            lines = chunk.text.splitlines()
            if not lines or lines[0].strip() != title:
                continue  # only the chunk that opens the section
            body = [ln.strip() for ln in lines[1:] if ln.strip()]
            numbered = [re.sub(r"^\d+\.\s+", "", ln) for ln in body if re.match(r"^\d+\.\s", ln)]
            text = chunk.text[len(lines[0]) :].strip()
            if title.lower().startswith("how to") and len(numbered) >= 2:
                question = f"{title}: what are the steps, in order?"
                reference = "; ".join(numbered)
                answer = _span(text, numbered[0], numbered[-1])  # every step, as the notes say
                self.add(
                    chunk,
                    "short",
                    question,
                    answer,
                    _upto(text, answer),
                    "steps",
                    reference=reference,
                )
            elif title.endswith("?") and body and _BULLET_MARK.match(body[0]):
                self.dropped["the answer is a whole list"] += 1  # its first entry answers nothing
            elif title.endswith("?") and body:
                sentences = [s for s in _sentences("\n".join(body)) if len(s.split()) >= 5][:2]
                what = _WHAT_IS.match(title)
                if what and sentences:  # "What are AZs?" wants a sentence that says what they are
                    sentences = [s for s in sentences if _defines(s, what["name"])][:1]
                    if not sentences:
                        self.dropped["the sentence does not say what its subject is"] += 1
                if sentences:
                    reference = " ".join(sentences)
                    answer = _span(text, sentences[0], sentences[-1])
                    self.add(
                        chunk,
                        "short",
                        title,
                        answer,
                        _upto(text, answer),
                        "steps",
                        reference=reference,
                    )


def _span(text: str, first: str, last: str) -> str:
    """`text` from the line of `first` to the end of `last`: the whole answer, as the notes write
    it ("1. Start an EC2 instance …\n  2. Stop the instance …")."""
    start = text.find(first)
    end = text.find(last, max(start, 0))
    if not 0 <= start <= end:
        return first
    return text[text.rfind("\n", 0, start) + 1 : end + len(last)].strip()


def _upto(text: str, answer: str, least: int = 400) -> str:
    """The evidence: the section's opening, at least `least` characters and through the answer."""
    at = text.find(answer)
    return text[: max(least, at + len(answer))] if at >= 0 else text[:least]


def _pieces(chunks: list[Chunk]) -> Iterable[str]:
    """The notes' text once: chunks overlap, so each gives only what the one before did not."""
    ends: dict[str, int] = {}
    for c in sorted(chunks, key=lambda c: (c.source, c.start)):
        yield c.text[max(0, ends.get(c.source, 0) - c.start) :]
        ends[c.source] = max(ends.get(c.source, 0), c.end)


def _headings_in(chunk: Chunk) -> set[str]:
    return set(chunk.section.replace(" · ", " > ").split(" > "))


def _heading_of(chunk: Chunk, evidence: str) -> str:
    """The heading the evidence sits under, among those the chunk holds."""
    headings = chunk.section.split(" > ")[-1].split(" · ")
    at = chunk.text.find(evidence)
    found = headings[0]
    for heading in headings[1:]:
        pos = chunk.text.find(heading)
        if 0 <= pos <= at:
            found = heading
    return found


def _deduped(items: list[BankItem]) -> list[BankItem]:
    """Drop every item whose stem is asked elsewhere with another key."""
    keys: dict[tuple[str, str], set[str]] = defaultdict(set)
    for i in items:
        keys[(i.kind, _norm(i.question))].add(_norm(i.answer))
    kept: list[BankItem] = []
    seen: set[object] = set()
    for i in items:
        stem = (i.kind, _norm(i.question))
        fact = (i.kind, i.evidence)  # one item per fact and kind
        if len(keys[stem]) == 1 and not {stem, fact, i.id} & seen:
            seen.update({stem, fact, i.id})
            kept.append(i)
    return kept


def _norm(text: str) -> str:
    return " ".join(tokenize(re.sub(r"\([^)]*\)", " ", text)))


def _similar(pool: list[str], key: str) -> list[str]:
    """Three options nearest the key in length (no length cue), the same three every build."""
    ranked = sorted(_pick(pool, key, n=len(pool)), key=lambda o: abs(len(o) - len(key)))
    return ranked[:3]


def _figures(num: str, same_unit: list[str]) -> list[str]:
    """Three wrong figures: the notes' others of the unit, else multiples; the key's rank varies."""
    value = _numeric(num) or 0.0
    have = {value}
    pool = []
    for n in _unique(same_unit):
        v = _numeric(n)
        if v is not None and v not in have:
            have.add(v)
            pool.append((v, n))
    for factor in (2, 3, 5, 10, 0.5, 0.25, 0.1):
        v = value * factor
        if v > 0 and v == int(v) and v not in have and value == int(value):
            have.add(v)
            pool.append((v, f"{int(v):,}" if "," in num else str(int(v))))
    below = sorted((p for p in pool if p[0] < value), key=lambda p: -p[0])
    above = sorted((p for p in pool if p[0] > value), key=lambda p: p[0])
    rank = int(hashlib.sha256(num.encode() + b"rank").hexdigest(), 16) % 4  # wrong ones below
    rank = min(rank, len(below))
    picked = below[:rank] + above[: 3 - rank]
    if len(picked) < 3:
        picked += below[rank : rank + 3 - len(picked)]
    return [n for _, n in picked]


def _short_question(subj: str, pred: str) -> str | None:
    """The open question the sentence "subj pred" answers: what X is ("X is a ..."), and what it is
    used for when the sentence says that too; what X is used for ("X allows ..."); else None."""
    plural = _plural_name(subj)
    be, it = ("are", "are they") if plural else ("is", "is it")
    if _SAYS_WHAT.match(pred):
        use = f", and what {it} used for" if _STATES_USE.search(pred) else ""
        return f"What {be} {subj}{use}?"
    if _SAYS_USE.match(pred):
        return f"What {be} {subj} used for?"
    return None


def _defines(sentence: str, name: str) -> bool:
    """ "X is a/an/the ...": the sentence says what X (`name`) is."""
    m = re.match(r"^(?:The |An |A )?(?P<subj>.{1,60}?)\s+(?:is|are) (?:a|an|the|one)\b", sentence)
    return m is not None and bool(name_key(m["subj"])) and same_thing(m["subj"], _bare(name))


def _says(sentence: str) -> bool:
    """A sentence that says something (a verb, five words or more), not a heading or a label."""
    return len(sentence.split()) >= 5 and bool(re.search(rf"\b(?:{_STATEMENT_VERBS})\b", sentence))


def _whole(text: str) -> bool:
    """A clause that stands alone: brackets closed, not the lead-in to a list."""
    return text.count("(") == text.count(")") and not text.rstrip().endswith((":", ",", "-"))


def _plural_name(name: str) -> bool:
    last = name.split()[-1]
    return last.endswith("s") and not last.endswith("ss") and not last[:-1].isupper()


def _bare(name: str) -> str:
    return re.sub(r"^(?:AWS|Amazon) ", "", name)


def _service_name(name: str, words: Counter[str]) -> bool:
    """ "S3", "ElastiCache", "Route 53", "Elastic Beanstalk": a name, not a common noun.

    A capitalised word names something when the notes write it capitalised more often than not
    ("Aurora", "Beanstalk"; not "Network", "Scaling"); acronyms and numbers always do.
    """
    parts = name.split()
    if len(parts) > 3:
        return False
    if len(parts) == 2 and parts[1].isdigit():
        return True  # "Route 53"
    for word in parts:
        if word.isdigit() or sum(ch.isupper() for ch in word) >= 2:
            continue
        if not word[0].isupper() or words[word.lower()] >= words[word]:
            return False
    return True


def _supported(name: str, words: set[str], sentences: list[str]) -> bool:
    """The notes say something like `words` of `name` too: it would be a second right answer."""
    key = name_key(name)
    need = max(2, len(words) / 2)
    for sentence in sentences:
        tokens = set(tokenize(sentence))
        if key <= tokens and len(tokens & words) >= need:
            return True
    return False


def _defs(found: list[tuple[Chunk, str, str, str]], subject: str) -> str:
    return " ".join(p for _, s, p, _ in found if s == subject)


def _mentions(text: str, name: str) -> bool:
    return bool(name_key(name) & set(tokenize(text)))


def _is_name(subject: str) -> bool:
    words = subject.split()
    if not 1 <= len(words) <= 5 or words[0].lower() in {"this", "it", "these", "each", "what"}:
        return False
    return any(sum(ch.isupper() for ch in w) >= 2 for w in words) or (
        len(words) >= 2 and all(w[0].isupper() or w[0].isdigit() for w in words)
    )


def _unit(unit: str) -> str:
    unit = unit.lower()
    return unit[:-1] if unit.endswith("s") and len(unit) > 2 else unit


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
