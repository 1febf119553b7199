"""Read notes from .txt, .md, .html and .pdf files (single files or folders) into Documents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ingest.questions import is_question_file
from tutor.errors import IngestError

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
_BLOCKS = ["p", "div", "section", "article", "blockquote", "pre", "table", "tr", "dl", "dt", "dd"]


@dataclass(frozen=True)
class Document:
    source: str  # path relative to the folder it was found in, or the file name
    text: str
    markdown: bool  # headings are "#" lines (Markdown, and HTML converted to it)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # -sig: a BOM is not part of the notes
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and ingest again"
        ) from exc
    except OSError as exc:
        raise IngestError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _html_to_markdown(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for junk in soup(["head", "script", "style", "nav", "header", "footer", "noscript"]):
        junk.decompose()
    # Block elements end a paragraph even when minified HTML has no whitespace between them.
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(_BLOCKS):
        block.insert_before("\n\n")
        block.insert_after("\n\n")
    for level in range(1, 7):
        for tag in soup.find_all(f"h{level}"):
            tag.replace_with(f"\n\n{'#' * level} {tag.get_text(' ', strip=True)}\n\n")
    for item in soup.find_all("li"):
        item.replace_with(f"\n  • {item.get_text(' ', strip=True)}\n")
    text = re.sub(r"[ \t]+\n", "\n", soup.get_text())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, OSError, ValueError) as exc:
        raise IngestError(f"{path}: not a readable PDF ({exc})") from exc


def load_file(path: Path, source: str) -> Document:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return Document(source, _read_pdf(path), markdown=False)
    text = _read_text(path)
    if suffix in (".html", ".htm"):
        return Document(source, _html_to_markdown(text), markdown=True)
    return Document(source, text, markdown=suffix in (".md", ".markdown"))


def load_paths(paths: list[Path]) -> list[Document]:
    """Every supported file under the given files and folders, in a stable order."""
    documents: list[Document] = []
    seen: set[Path] = set()  # a file named twice (itself and its folder) is read once

    def add(path: Path, source: str) -> None:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            documents.append(load_file(path, source))

    for root in paths:
        if not root.exists():
            raise IngestError(f"{root}: no such file or folder")
        if root.is_file():
            if is_question_file(root):
                continue  # imported by ingest.questions
            if root.suffix.lower() not in SUPPORTED:
                raise IngestError(f"{root}: unsupported file type (use {', '.join(SUPPORTED)})")
            add(root, root.name)
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = path.relative_to(root)
            hidden = any(part.startswith(".") for part in relative.parts)  # .git, .venv, .data
            # Question files (*.questions.jsonl|csv) go to the quiz bank, never into the notes.
            if path.suffix.lower() in SUPPORTED and not hidden and not is_question_file(path):
                add(path, str(relative))
    return documents
