"""Spotting a person in danger right now: self-harm, violence, an injury happening now.

Deliberately narrow phrases: "我在工地摔伤了腰，老板不认账" is a work-injury question for the
knowledge base, "我流了很多血" is an emergency. A miss here still reaches a person through
the ordinary flows; a false alarm only adds a safety message, so lean towards asking.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

CrisisKind = Literal["self_harm", "violence", "injury"]

# "|"-separated phrases, matched after NFKC and lower-casing.
_PHRASES: dict[CrisisKind, str] = {
    "self_harm": (
        "自杀|自殺|轻生|不想活|活不下去|活着没意思|想死|去死|跳楼|跳樓|跳河|割腕|"
        "上吊|喝农药|吃安眠药|结束生命|结束自己|了结自己|伤害自己|自残|"
        "kill myself|killing myself|suicide|suicidal|end my life|want to die|"
        "hurt myself|harm myself|self-harm|self harm|no reason to live"
    ),
    "violence": (
        "打我|被打|殴打|挨打|要杀|杀了我|殺了我|砍人|砍我|拿刀|持刀|家暴|威胁我|"
        "围殴|勒索我|hitting me|"
        "beating me|beat me|attacked me|attacking me|threatening me|"
        "has a knife|with a knife|going to kill|kill me|assaulted"
    ),
    "injury": (
        "流血不止|大出血|流了很多血|在流血|正在流血|昏迷|晕倒了|昏过去|不省人事|没有呼吸|"
        "没呼吸|触电了|被困住|压住了|压在下面|着火了|快不行了|救命|"
        "bleeding|unconscious|not breathing|fainted|electrocuted|trapped|on fire|"
        "help me now"
    ),
}

_PATTERNS: dict[CrisisKind, re.Pattern[str]] = {
    kind: re.compile("|".join(re.escape(p) for p in phrases.split("|")))
    for kind, phrases in _PHRASES.items()
}

# The category an urgent ticket goes to, so it reaches officers who can act on it.
URGENT_CATEGORY: dict[CrisisKind, tuple[str, str]] = {
    "self_harm": ("help", "counselling"),
    "violence": ("help", "other-help"),
    "injury": ("grievance", "workplace-safety"),
}


@dataclass(frozen=True, slots=True)
class Crisis:
    kind: CrisisKind
    phrase: str


def detect(text: str) -> Crisis | None:
    """The first sign of danger in `text`, self-harm first (it matters most to catch)."""
    normal = unicodedata.normalize("NFKC", text).lower()
    normal = re.sub(r"\s+", " ", normal)
    for kind, pattern in _PATTERNS.items():
        found = pattern.search(normal)
        if found is not None:
            return Crisis(kind=kind, phrase=found.group(0))
    return None
