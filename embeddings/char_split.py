"""A string-keyed table split by the keys' first characters, read back piece by piece (issue 11).

Two tokenizers a cold query loads, jieba's segmenter (embeddings/jieba_cache.py) and
USE-multilingual's SentencePiece tokenizer (embeddings/use_cache.py), consult a large dictionary
of strings (500k and 250k entries; unmarshalling either whole costs 0.25-1 s) only with
substrings of the text in hand. The table is filed by each key's first `width` characters (all of
a shorter key); a substring's file is then itself a substring of the text of at most `width`
characters, so the files of those substrings answer every such look-up exactly as the whole table
would: `PrefixSplit.fill` adds them to the tokenizer's own dict before it runs. jieba's words are
filed by one character; SentencePiece pieces by three, since most begin with the word-start mark
'▁' (by one character an English brief would need 186k of the 250k entries, by three 10k).
The files are blobs in one memory-mapped file; their index (prefix -> offset, length) is small
enough to unmarshal at once.
"""

from __future__ import annotations

import marshal
import mmap
import os
import threading
from collections.abc import Mapping
from pathlib import Path


def write_split(path: Path, table: Mapping[str, object], width: int = 1) -> dict[str, tuple[int, int]]:
    """Write `table`'s entries to `path` as one marshal blob per prefix of `width` characters; the
    index of the blobs (prefix -> (offset, length)) is returned for the caller to keep."""
    by_prefix: dict[str, dict[str, object]] = {}
    for key, value in table.items():
        by_prefix.setdefault(key[:width], {})[key] = value
    index, offset = {}, 0
    with open(path, "wb") as f:
        for prefix, entries in by_prefix.items():
            blob = marshal.dumps(entries)
            f.write(blob)
            index[prefix] = (offset, len(blob))
            offset += len(blob)
    return index


class PrefixSplit:
    """The blobs of `write_split`, memory-mapped; `fill` loads those a text can look up."""

    def __init__(self, path: Path, index: dict[str, tuple[int, int]], width: int = 1):
        self._index, self._width = index, width
        with open(path, "rb") as f:
            self._blobs = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if os.fstat(f.fileno()).st_size else b""
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def fill(self, text: str, into: dict) -> None:
        """Add to `into` every entry a look-up of a substring of `text` can find (each blob once)."""
        if self._width == 1:
            new = set(text) - self._seen
        else:
            new = {text[i:i + k] for k in range(1, self._width + 1) for i in range(len(text))} - self._seen
        if not new:
            return
        with self._lock:
            for prefix in new - self._seen:
                hit = self._index.get(prefix)
                if hit is not None:
                    into.update(marshal.loads(self._blobs[hit[0]:hit[0] + hit[1]]))
                self._seen.add(prefix)
