"""Skill and credential levels as comparable numbers: a pathway's ``min_level`` and the skills inventory both
rank levels this way, so one table serves both."""

from __future__ import annotations

import re
from typing import Any

LEVEL_WORDS = {
    "awareness": 1, "beginner": 1, "basic": 1, "novice": 1, "foundation": 1, "foundational": 1, "elementary": 1,
    "fundamental": 1, "fundamentals": 1, "entry": 1,
    "intermediate": 2, "associate": 2, "practitioner": 2, "competent": 2,
    "advanced": 3, "professional": 3, "proficient": 3, "specialist": 3,
    "expert": 4, "master": 4, "mastery": 4,
}


def level_rank(value: Any) -> float | None:
    """A comparable number for a level: numbers as given, words by :data:`LEVEL_WORDS`; ``None`` if unknown."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().casefold()
    if not text:
        return None
    if text in LEVEL_WORDS:
        return float(LEVEL_WORDS[text])
    number = re.search(r"\d+(?:\.\d+)?", text)
    if number:
        return float(number.group())
    for word, rank in LEVEL_WORDS.items():
        if word in text.split():
            return float(rank)
    return None
