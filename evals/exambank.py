"""Turn a Markdown practice-exam bank into eval items: real exam questions, written by nobody here.

    python -m evals.exambank BANK.md OUT.jsonl [--prefix exam]

The bank is the common GitHub layout: each question a `### ` heading, its options a task list with
the right ones ticked (`- [x] ...`, `- [ ] ...`). Only single-answer questions with four options
and no image become items (kind "mcq", shape "exam"; the eval format has exactly four choices);
"choose two" questions are left out. `tutor eval --dataset OUT.jsonl` then shows how often the
tutor picks an option (1 - mcq.abstain_rate) and how often it is right when it does. Banks have
their own licences: keep converted files out of the repository unless the licence allows.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from evals.dataset import EvalItem

_QUESTION = re.compile(r"^### +(.+?)\s*$", re.MULTILINE)
_OPTION = re.compile(r"^\s*[-*] \[([ xX])\] +(.+?)\s*$")
_MANY = re.compile(r"\((choose|select)\b", re.IGNORECASE)


def parse_bank(markdown: str, prefix: str = "exam") -> Iterator[EvalItem]:
    """The single-answer, four-option, text-only questions of a bank, in its order."""
    headings = list(_QUESTION.finditer(markdown))
    n = 0
    for heading, following in zip(headings, [*headings[1:], None]):
        body = markdown[heading.end() : following.start() if following else len(markdown)]
        options = [m.groups() for line in body.splitlines() if (m := _OPTION.match(line))]
        right = [i for i, (tick, _) in enumerate(options) if tick != " "]
        question = heading.group(1)
        if len(options) != 4 or len(right) != 1 or _MANY.search(question) or "![" in body:
            continue
        n += 1
        yield EvalItem(
            id=f"{prefix}-{n:03d}",
            kind="mcq",
            shape="exam",
            question=question,
            answer=options[right[0]][1],
            key_facts=[],
            choices=[text for _, text in options],
            answer_index=right[0],
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("bank", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--prefix", default="exam")
    args = parser.parse_args(argv)
    try:
        markdown = args.bank.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.bank}: {exc}", file=sys.stderr)
        return 2
    items = list(parse_bank(markdown, args.prefix))
    if not items:
        print(f"error: {args.bank}: no single-answer four-option question found", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        "".join(json.dumps(item.model_dump(exclude_defaults=True)) + "\n" for item in items)
    )
    print(f"{len(items)} questions written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
