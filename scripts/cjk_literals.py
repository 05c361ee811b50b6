#!/usr/bin/env python3
"""Counts the string and char literals holding CJK characters in the non-test code of Rust
files (issue 16: the render code should hold at most 20; its words live in data/labels.toml).

Non-test code is everything before a file's first `#[cfg(test)]`. Comments (line, block and
doc) are skipped. Raw strings (r"…", r#"…"#), byte strings and char literals are lexed so a
quote inside one does not end another.

Usage: scripts/cjk_literals.py [-v] [PATH...]   (default: src/render)
  -v  list each literal with its file and line
"""
import os
import re
import sys

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def literals(src):
    """Yields (line, text) for each string or char literal in Rust source `src`."""
    i, n, line = 0, len(src), 1
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            line += src.count("\n", i, j)
            i = j
        elif re.match(r"b?r#*\"", src[i:i + 40]) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            m = re.match(r"b?r(#*)\"", src[i:])
            close = '"' + m.group(1)
            start = i + m.end()
            j = src.find(close, start)
            j = n if j < 0 else j
            yield line, src[start:j]
            line += src.count("\n", i, j)
            i = j + len(close)
        elif c == '"' or (c == "b" and src.startswith('b"', i) and (i == 0 or not src[i - 1].isalnum())):
            start = i + (2 if c == "b" else 1)
            j = start
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            yield line, src[start:j]
            line += src.count("\n", i, j)
            i = j + 1
        elif c == "'":
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", src[i:])
            if m:
                yield line, m.group(1)
                i += m.end()
            else:
                i += 1  # a lifetime or a label
        elif c.isalnum() or c == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            i = j
        else:
            i += 1


def non_test(src):
    cut = src.find("#[cfg(test)]")
    return src if cut < 0 else src[:cut]


def main(argv):
    verbose = "-v" in argv
    paths = [a for a in argv if a != "-v"] or ["src/render"]
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files += [os.path.join(root, f) for f in names if f.endswith(".rs")]
        else:
            files.append(p)
    total = 0
    for path in sorted(files):
        with open(path, encoding="utf-8") as f:
            src = non_test(f.read())
        found = [(ln, t) for ln, t in literals(src) if CJK.search(t)]
        total += len(found)
        if found:
            print(f"{len(found):5}  {path}")
        if verbose:
            for ln, t in found:
                print(f"         {path}:{ln}: {t[:70]!r}")
    print(f"{total:5}  total")


if __name__ == "__main__":
    main(sys.argv[1:])
