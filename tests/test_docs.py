"""The documents link to what exists: every relative link in the repository's Markdown names a
tracked file, and every #anchor a heading of that file, as GitHub renders them. The README was
split into ARCHITECTURE.md, CONTRIBUTING.md and docs/; a link left pointing at a section that
moved is what this finds."""

import re
import subprocess

import pytest

from paths import ROOT

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(.+?) *#*$", re.M)
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def _documents():
    listed = subprocess.run(
        ["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    # Outside a git checkout (CI's copy of the tracked files), the Markdown files on disk, less
    # what installs bring in (.venv/, node_modules/, tools' caches).
    return sorted(listed) or sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.md")
        if not any(
            part.startswith(".") or part == "node_modules" or part.endswith(".egg-info")
            for part in path.relative_to(ROOT).parts[:-1]
        )
    )


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path) -> set[str]:
    found: set[str] = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text())):
        name = slug(heading)
        count = 1
        unique = name
        while unique in found:  # GitHub numbers repeated headings: name, name-1, name-2 …
            unique = f"{name}-{count}"
            count += 1
        found.add(unique)
    return found


def links(path):
    for target in LINK.findall(FENCE.sub("", path.read_text())):
        if not re.match(r"[a-z]+:", target):  # http:, https:, mailto: are not checked here
            yield target


DOCUMENTS = _documents()


def test_the_split_documents_are_there():
    for name in ("README.md", "ARCHITECTURE.md", "CONTRIBUTING.md", "docs/testing.md"):
        assert name in DOCUMENTS


def test_the_anchor_is_githubs():
    assert slug("Try it: two commands") == "try-it-two-commands"
    assert slug("The threat model's boundaries") == "the-threat-models-boundaries"
    assert slug("Add a `Format`") == "add-a-format"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_relative_link_and_anchor_exists(document):
    source = ROOT / document
    broken = []
    for target in links(source):
        file_part, _, anchor = target.partition("#")
        linked = (source.parent / file_part).resolve() if file_part else source
        if not linked.exists():
            broken.append(f"{target}: no file {linked.relative_to(ROOT.resolve())}")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target}: no heading with that anchor in {linked.name}")
    assert not broken, f"{document}: " + "; ".join(broken)
