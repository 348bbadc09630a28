"""Character error rate, the measure for Chinese speech, where words are not separated by spaces.

Punctuation and spaces are not characters to be heard, so they are dropped before comparing; a
Traditional character where the reference has the Simplified one counts as an error, which is how a
reader of Simplified text would see it.
"""

from __future__ import annotations

import unicodedata

from backend.wer import edit_distance


def characters(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    return [c for c in text if unicodedata.category(c)[0] in "LN"]


def char_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, reference character count)."""
    ref, hyp = characters(reference), characters(hypothesis)
    return edit_distance(ref, hyp), len(ref)


def cer(reference: str, hypothesis: str) -> float:
    errors, count = char_errors(reference, hypothesis)
    return errors / max(count, 1)
