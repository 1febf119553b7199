"""Loaders: .txt, .md, .html and .pdf, single files or folders; unreadable input named in the error."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunker import chunk_document
from ingest.loaders import load_file, load_paths
from ingest.structure import sections_of
from tutor.config import ChunkSettings
from tutor.errors import IngestError

HTML = """<!doctype html>
<html><head><title>Page title</title><style>p { color: red }</style>
<script>var secret = "not notes";</script></head>
<body><nav>Home | About</nav>
<h1>Storage notes</h1><p>Object and block storage.</p><p>Second paragraph.</p>
<h2>s3 versioning, as written.</h2><p>Versioning keeps <b>every</b> version.</p>
<ul><li>MFA delete</li><li>Suspend, never disable</li></ul>
<h3>Lifecycle</h3><p>Moves old versions to Glacier.</p>
<h2>EBS</h2><p>Block volumes.</p>
</body></html>
"""


def make_pdf(path: Path, pages: list[list[str]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(path) as pdf:
        for lines in pages:
            fig = plt.figure(figsize=(8.5, 11))
            for n, line in enumerate(lines):
                fig.text(0.1, 0.9 - 0.05 * n, line)
            pdf.savefig(fig)
            plt.close(fig)


def test_txt_is_read_unchanged(tmp_path):
    text = "S3 Versioning\n\nVersioning keeps old copies – “quoted” too.\n"
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    doc = load_file(path, "notes.txt")
    assert (doc.source, doc.text, doc.markdown) == ("notes.txt", text, False)


def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffS3 Versioning\n\nKeeps copies.\n".encode())
    assert load_file(path, "bom.txt").text.startswith("S3 Versioning")


def test_markdown_headings_are_kept_as_written(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Kinesis\n\n## shards, lower case.\n\nHold records.\n", encoding="utf-8")
    doc = load_file(path, "notes.md")
    assert doc.markdown
    assert [s.path for s in sections_of(doc.text, markdown=True)] == [
        ("Kinesis",),
        ("Kinesis", "shards, lower case."),
    ]


def test_html_becomes_markdown_with_its_headings(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    doc = load_file(path, "page.html")
    assert doc.markdown
    for junk in ("secret", "color", "Home | About", "Page title"):
        assert junk not in doc.text
    assert "Versioning keeps every version." in doc.text
    assert "Object and block storage.\n\nSecond paragraph." in doc.text  # paragraphs stay apart
    assert "  • MFA delete" in doc.text
    paths = [s.path for s in sections_of(doc.text, markdown=True)]
    assert paths == [
        ("Storage notes",),
        ("Storage notes", "s3 versioning, as written."),
        ("Storage notes", "s3 versioning, as written.", "Lifecycle"),
        ("Storage notes", "EBS"),
    ]
    chunks = chunk_document(doc, ChunkSettings())
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)


def test_pdf_text_is_extracted_from_every_page(tmp_path):
    path = tmp_path / "guide.pdf"
    make_pdf(
        path,
        [
            ["Kinesis Data Streams", "Shards hold records for 24 hours by default."],
            ["SQS Queues", "Messages stay up to 14 days."],
        ],
    )
    doc = load_file(path, "guide.pdf")
    assert not doc.markdown
    assert "Shards hold records for 24 hours by default." in doc.text
    assert doc.text.index("Kinesis") < doc.text.index("Messages stay up to 14 days.")


def test_a_broken_pdf_is_named_in_the_error(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    with pytest.raises(IngestError, match="broken.pdf"):
        load_file(path, "broken.pdf")


def test_non_utf8_text_is_named_in_the_error(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\u00e9 notes\n".encode("latin-1"))
    with pytest.raises(IngestError, match=r"latin1\.txt.*not UTF-8"):
        load_paths([tmp_path])


def test_folders_are_read_recursively_in_a_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.md").write_text("# Two\n\nSecond.\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("One\n\nFirst.\n", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG not notes")
    (tmp_path / ".hidden.txt").write_text("secret\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text("git internals\n", encoding="utf-8")
    docs = load_paths([tmp_path])
    assert [d.source for d in docs] == ["a.txt", str(Path("b") / "two.md")]
    # A file named on its own and through its folder is read once.
    assert len(load_paths([tmp_path, tmp_path / "a.txt"])) == 2


def test_missing_paths_and_unsupported_files_are_errors(tmp_path):
    with pytest.raises(IngestError, match="nowhere"):
        load_paths([tmp_path / "nowhere"])
    odd = tmp_path / "slides.pptx"
    odd.write_bytes(b"PK")
    with pytest.raises(IngestError, match=r"slides\.pptx.*unsupported"):
        load_paths([odd])
