"""Whole sentences: the one sentence splitter.

`sentences(text)` cuts text into sentences for passages (dense vectors), "lessons to read first"
and the evaluation's "first sentences" queries, so a lesson is never cut at "e.g." or "No. 2".
A full stop ends a sentence only when it is not part of:
- a known abbreviation ("e.g.", "i.e.", "etc.", "Dr.", "No.", "Fig.", "vs.", "approx.", …),
- an initialism or a single initial ("U.S.", "J. Smith", "A.B.C."),
- a number ("3.5", "Rev. B"), or a list marker ("1. ", "a) ", "(iii) ", "- ", "• ") at a line start.
List items on their own lines are sentences of their own, and so are lines. Chinese ends a
sentence at 。！？；. What is left after splitting is whitespace-normalised.
"""

from __future__ import annotations

import re

# Abbreviations (lower-case, without the final dot) after which a full stop never ends a sentence,
# and those after which it does not when a number follows ("No. 2", "Fig. 3", "Rev. B" is an initial).
NEVER_ENDS = frozenset("e.g i.e cf vs viz mr mrs ms dr prof st mt gen col capt lt sgt approx ca esp resp".split())
BEFORE_NUMBER = frozenset("""no nos fig figs eq eqs ref refs vol vols pp p ch sec sect art para op ver v rev tel
jan feb mar apr jun jul aug sep sept oct nov dec""".split())
# Any other abbreviation ("etc.", "Inc.", "Dept.") ends a sentence when a capital follows, as a word does.

_END = re.compile(r"([.!?]+[\"')\]”’]*)(\s+)|([。！？；]+[”’」』）]*)")
_LIST_START = re.compile(r"^\s*(?:[-•*▪◦–]\s+|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]\s+)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")


def _ends_sentence(before: str, mark: str, after: str) -> bool:
    """Whether `mark` (e.g. ".", "?!", '."') after the text `before` ends a sentence, given the
    text `after` it (past the whitespace)."""
    if not after:
        return True
    if mark[0] != ".":
        return True  # ! and ? always end one
    m = _WORD_BEFORE.search(before)
    word = m.group(1) if m else ""
    low = word.lower().rstrip(".")
    if low in NEVER_ENDS or (low in BEFORE_NUMBER and (after[0].isdigit() or after[0] in "(#")):
        return False
    if _INITIALISM.match(word) or (len(word) == 1 and word.isalpha() and word.isupper()):
        return False  # "U.S. Army", "J. Smith", "Rev. B."
    if word.isdigit() and len(word) <= 3 and not before[: -len(word)].strip():
        return False  # a list number at the start: "1. Check the seals"
    first = after[0]
    return first.isupper() or first.isdigit() or first in "\"'“‘([" or not first.isascii()


def sentences(text: str) -> list[str]:
    """The sentences of `text`, in order, each whitespace-normalised (see the module docstring)."""
    out: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        start = 0
        for m in _END.finditer(line):
            if m.group(3):  # Chinese end marks end a sentence whatever follows
                cut = m.end(3)
                nxt = cut
            else:
                cut, nxt = m.end(1), m.end(2)
                if not _ends_sentence(line[start:m.start(1)], m.group(1), line[nxt:nxt + 1]):
                    continue
            piece = " ".join(line[start:cut].split())
            if piece:
                out.append(piece)
            start = nxt
        rest = " ".join(line[start:].split())
        if rest:
            out.append(rest)
    return _merge_markers(out)


def _merge_markers(parts: list[str]) -> list[str]:
    """A bare list marker ("1.", "a)") split off by the end marks joins the sentence after it."""
    out: list[str] = []
    carry = ""
    for p in parts:
        if re.fullmatch(r"\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]", p):
            carry = f"{carry} {p}".strip()
            continue
        out.append(f"{carry} {p}".strip() if carry else p)
        carry = ""
    if carry:
        out.append(carry)
    return out


def is_list_item(sentence: str) -> bool:
    """Whether a sentence starts with a list marker ("1. ", "a) ", "- ", "• ")."""
    return bool(_LIST_START.match(sentence))


def strip_list_marker(sentence: str) -> str:
    return _LIST_START.sub("", sentence, count=1).strip()
