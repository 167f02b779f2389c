"""Text repair at ingest: what exports leave in free text, fixed once before it is stored.

HTML entities ("&amp;", "&#8217;", "&raquo;") are decoded, and entities whose "&" and ";" were
stripped on the way ("quotPoppingquot", an artefact of the NASA LLIS export the sample's cases
come from) become the quotation marks they were. Ingest applies `clean_text` to case titles and
texts (ingest.formats), so the store, the indexes and the pages all see the repaired text.
"""

from __future__ import annotations

import html
import re

# "&quot;" with its "&" and ";" stripped: "quot" glued to a word it quoted. Real words holding
# "quot" (quota, quote, quotation, quotient, aliquot) are left alone.
_BARE_QUOT = re.compile(r"(?<![A-Za-z])quot(?=[A-Za-z0-9(\[])(?!a|e|i)|(?<=[\w.,;:!?)\]%])(?<!ali)quot(?![a-z])"
                        r"|(?<![\w&])quot(?![\w;])")


def clean_text(text: str) -> str:
    """`text` with HTML entities decoded and stripped-entity quotes repaired (module docstring)."""
    if not text:
        return text
    if "&" in text:
        text = html.unescape(text)
    if "quot" in text:
        text = _BARE_QUOT.sub('"', text)
    return text
