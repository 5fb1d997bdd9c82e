"""Writing systems, defined once: the character classes every stage uses to tell Chinese, Japanese and
Korean text from the rest (regex fragments, to put inside ``[...]``-free patterns as they are)."""

from __future__ import annotations

import re
import unicodedata

# Han ideographs: the unified block, extension A, and the compatibility ideographs.
HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
KANA = r"\u3040-\u30ff"  # hiragana and katakana
HANGUL = r"\uac00-\ud7af"  # precomposed syllables

HAN_CHAR = f"[{HAN}]"
CJK_CHAR = f"[{KANA}{HAN}{HANGUL}]"  # one character of a script written without spaces between words

_CJK_RE = re.compile(CJK_CHAR)
_HAN_RE = re.compile(HAN_CHAR)


def has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None


def has_han(text: str) -> bool:
    return _HAN_RE.search(text) is not None


def fold(text: str) -> str:
    """Lower case without diacritics (café -> cafe, Lucía -> lucia): how names and words are compared and indexed."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
