"""How forgiving typed words are, the one rule for judging a trainee's answer (study) and for
suggesting a corrected search (search)."""

from __future__ import annotations


def allowed_errors(word: str) -> int:
    """Typing errors forgiven in a word: none in short words, one from 4 letters, two from 8."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2
