"""Word error rate, the measure the speech tests and benchmark agree on.

Case and punctuation are not words: "Mr." and "mr" match, and so do "country." and "country".
Numerals are spelled out before comparing ("1, 2, 3" matches "one two three", "20th" "twentieth"),
as Whisper's own English normalizer makes them compare equal.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w\s']|_")
_NUMERAL = re.compile(r"^(\d+)(st|nd|rd|th)?$")
_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}


def _cardinal(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            return _cardinal(n // size) + [name] + (_cardinal(n % size) if n % size else [])
    raise AssertionError(n)


def _spell(word: str) -> list[str]:
    match = _NUMERAL.match(word)
    if not match or len(match.group(1)) > 12:
        return [word]
    words = _cardinal(int(match.group(1)))
    if match.group(2):
        last = words[-1]
        words[-1] = _ORDINAL.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th")
    return words


def normalize_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    words = [w.strip("'") for w in _NOT_WORD.sub(" ", text).split()]
    return [part for w in words if w for part in _spell(w)]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, reference word count)."""
    ref, hyp = normalize_words(reference), normalize_words(hypothesis)
    return edit_distance(ref, hyp), len(ref)


def wer(reference: str, hypothesis: str) -> float:
    errors, words = word_errors(reference, hypothesis)
    return errors / max(words, 1)
