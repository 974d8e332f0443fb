#!/usr/bin/env python3
"""Checks that every code excerpt quoted in docs/*.md still exists in the source it names.

An excerpt is a fenced code block right after a line `<!-- excerpt: PATH -->` (blank lines
between them are allowed). Its lines must appear in PATH (relative to the repository root) in
order and contiguously, comparing lines with trailing whitespace stripped. A line holding only
`// ...` (or `# ...`) elides code: it splits the excerpt into chunks, each of which must match
contiguously, later chunks after earlier ones.

Usage: check_excerpts.py [ROOT]   (default: the repository holding this script)
Exit status 0 when every excerpt matches, 1 otherwise (one message per bad excerpt, naming the
doc and the line of its marker), 2 on bad usage. Standard library only.
"""
import glob
import os
import re
import sys

MARKER = re.compile(r"^\s*<!--\s*excerpt:\s*(\S+)\s*-->\s*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
ELISIONS = {"// ...", "# ...", "-- ..."}


def excerpts(doc_path):
    """Yields (marker_line_number, source_path, [lines]) for each excerpt in a Markdown file,
    or (marker_line_number, source_path, None) for a marker not followed by a code block."""
    with open(doc_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = MARKER.match(lines[i])
        if not m:
            i += 1
            continue
        marker_line, source = i + 1, m.group(1)
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        fence = FENCE.match(lines[j]) if j < len(lines) else None
        if not fence:
            yield marker_line, source, None
            i = j
            continue
        closing = fence.group(1)[0] * len(fence.group(1))
        body = []
        k = j + 1
        while k < len(lines) and not lines[k].strip().startswith(closing):
            body.append(lines[k])
            k += 1
        if k == len(lines):
            yield marker_line, source, None  # unterminated block
        else:
            yield marker_line, source, body
        i = k + 1


def chunks(body):
    """Splits an excerpt at its elision lines into runs of lines (trailing whitespace off)."""
    out, current = [], []
    for line in body:
        if line.strip() in ELISIONS:
            if current:
                out.append(current)
            current = []
        else:
            current.append(line.rstrip())
    if current:
        out.append(current)
    return out


def find_run(haystack, run, start):
    """Index of the first place at or after `start` where `run` occurs contiguously, or -1."""
    n = len(run)
    for i in range(start, len(haystack) - n + 1):
        if haystack[i:i + n] == run:
            return i
    return -1


def check_excerpt(root, source, body):
    """None if the excerpt matches `source`, else a reason."""
    path = os.path.normpath(os.path.join(root, source))
    if not path.startswith(os.path.normpath(root) + os.sep):
        return "path %s is outside the repository" % source
    if not os.path.isfile(path):
        return "%s does not exist" % source
    with open(path, encoding="utf-8") as f:
        source_lines = [line.rstrip() for line in f.read().split("\n")]
    runs = chunks(body)
    if not runs:
        return "the excerpt is empty"
    position = 0
    for run in runs:
        found = find_run(source_lines, run, position)
        if found < 0:
            # Say which line breaks the match: the longest prefix of the run that is found.
            for cut in range(len(run), 0, -1):
                if find_run(source_lines, run[:cut], position) >= 0:
                    break
            else:
                cut = 0
            bad = run[cut] if cut < len(run) else run[-1]
            return "not found in %s; first line that does not match: %r" % (source, bad.strip())
        position = found + len(run)
    return None


def main(argv):
    if len(argv) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = os.path.abspath(argv[1] if len(argv) == 2 else
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    docs = sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    failures, checked = 0, 0
    for doc in docs:
        rel_doc = os.path.relpath(doc, root)
        for line_no, source, body in excerpts(doc):
            checked += 1
            if body is None:
                reason = "the marker is not followed by a fenced code block"
            else:
                reason = check_excerpt(root, source, body)
            if reason:
                failures += 1
                print("%s:%d: excerpt of %s: %s" % (rel_doc, line_no, source, reason),
                      file=sys.stderr)
    print("%d excerpts checked in %d docs, %d failed" % (checked, len(docs), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
