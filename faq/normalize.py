"""Turn what a worker types into comparable text: the same question written two ways
(full-width, traditional script, with greetings, emoji or typos by sound) ends up alike.

`normalize` does the string-level steps; `Segmenter` splits normalised text into words
(jieba's dictionary and method for Chinese, simple stemming for English); `rarity` says
how informative a word is in general Chinese; `syllables` spells Chinese text by sound for
homophone typos.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from opencc import OpenCC

from faq.tables import LanguageTables, language_tables
from faq.words import Dictionary

if TYPE_CHECKING:
    from collections.abc import Iterable

# Greetings and politeness that carry no question. Longest first, so "我想问一下" goes
# whole instead of leaving "我想" behind.
_FILLER_PHRASES: tuple[str, ...] = tuple(
    sorted(
        {
            "你好",
            "您好",
            "你们好",
            "大家好",
            "哈喽",
            "嗨",
            "在吗",
            "在不在",
            "请问一下",
            "请问",
            "我想问一下",
            "我想问问",
            "我想问",
            "想问一下",
            "想问问",
            "问一下",
            "打扰一下",
            "打扰了",
            "麻烦问一下",
            "麻烦问下",
            "麻烦你",
            "麻烦了",
            "谢谢你",
            "谢谢您",
            "谢谢",
            "多谢",
            "感谢",
            "拜托了",
        },
        key=len,
        reverse=True,
    )
)
_FILLER_RE = re.compile("|".join(map(re.escape, _FILLER_PHRASES)))
_ENGLISH_FILLERS = re.compile(
    r"\b(?:hello|hi|hey|please|thanks|thank you|thx|excuse me|dear)\b", re.IGNORECASE
)


# Words workers and knowledge bases use for the same thing, each mapped to one spelling on
# both sides of a comparison: a knowledge base that says "辞退" answers a worker who says
# "开除". Only words that mean the same in every labour question belong here.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "工资": ("薪水", "薪资", "薪酬", "工钱", "薪金"),
    "欠工资": ("欠薪",),
    "讨工资": ("讨薪",),
    "加班工资": ("加班费",),
    "辞退": ("开除", "解雇", "炒鱿鱼"),
    "单位": ("用人单位", "公司", "老板", "企业"),
    "怎么": ("如何", "怎样", "咋"),
    "交": ("缴",),
    "休息": ("歇脚", "歇歇", "歇一会", "歇会"),
    "孩子": ("小孩", "子女"),
    "电动车": ("电瓶车", "电驴"),
    "申请": ("申领",),
    "找工作": ("求职",),
    "wage": ("wages", "salary", "salaries"),
    "employer": ("boss", "company"),
    "fired": ("dismissed", "sacked"),
}
_SYNONYM_OF = {variant: word for word, variants in _SYNONYMS.items() for variant in variants}
_SYNONYM_RE = re.compile(
    "|".join(
        rf"\b{re.escape(v)}\b" if v.isascii() else re.escape(v)
        for v in sorted(_SYNONYM_OF, key=len, reverse=True)
    )
)


def _split(text: str) -> list[str]:
    return text.split()


# Words that say how something is asked, not what it is about. They stay in the text
# for character scoring but are not "key words" of a question.
STOP_WORDS: frozenset[str] = frozenset(
    _split(
        """
    的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 嘛 啦 哈 么 呗 咯 噢 哎 唉 嗯
    我 我们 你 你们 您 他 她 它 他们 她们 咱 咱们 自己 人家 大家
    这 那 这个 那个 这些 那些 这样 那样 这种 那种 这里 那里 这边 那边
    就 都 也 还 又 再 才 很 太 挺 真 更 最 非常 特别 一直 已经 现在 刚 刚刚 马上
    和 与 跟 同 或 或者 而 但 但是 可是 如果 因为 所以 然后 而且 并且 于是
    在 是 有 被 把 给 对 向 从 到 让 为 为了 用 以 于 关于 按 比
    要 会 能 可以 可 应该 得 需要 想 想要 打算
    吗 怎么 怎么办 怎样 怎么样 如何 什么 啥 多少 几 哪 哪里 哪儿 哪些 哪个 为什么 为啥 谁
    能不能 可不可以 是不是 有没有 会不会 要不要 算不算 行不行 好不好 对不对
    不 没 没有 别 一下 一个 一些 个 些 请 问 告诉 知道 问问 一点
    """
    )
) | frozenset(
    _split(
        """
    a an the is are am was were be been being do does did doing have has had having
    i me my mine we our us you your he him his she her it its they them their
    to of for in on at by with from into about as and or but if so than then
    what how when where which who whom why can could would should will shall may might must
    this that these those there here any some there's it's i'm don't doesn't isn't
    not no yes get got just also very much many
    """
    )
)

_NEGATIONS = frozenset("不没未")
_RARE_NEGATION = 100  # jieba frequency under which "不X"/"没X" is a negated verb, not a word
# Information (nats, from jieba frequencies) from which a word is rare at all and from which
# it is surely rare; from which a word a knowledge base lacks names another topic, and from
# which it surely does.
_RARITY_SPAN = (9.0, 14.0)
_NOVELTY_SPAN = (12.0, 16.0)
# "三个", "两年", "几天": how much, not what about.
_QUANTITY = re.compile(
    r"^[零〇一二两三四五六七八九十百千万几半多每]+[个年月天日周次岁块元号件名位]?$"
)
_STRAY_NUMBER_SIGN = re.compile(r"(?<![0-9])[.%+]|[.+](?![0-9])")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[a-z]")

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@cache
def _t2s() -> OpenCC:
    # Read OpenCC's tables only when a text has traditional characters (most have none).
    return OpenCC("t2s")


def fold(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, traditional to simplified script."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if language_tables().traditional.isdisjoint(text):
        return text
    return str(_t2s().convert(text))


def strip_symbols(text: str) -> str:
    """Punctuation, emoji, other symbols and control characters become spaces."""
    spaced = text.translate(language_tables().symbols)
    # A kept "." or "%" only means something inside a number (3.5, 80%).
    return _STRAY_NUMBER_SIGN.sub(" ", spaced)


def strip_fillers(text: str) -> str:
    """Drop greetings and politeness ("你好", "请问", "谢谢", "please") that ask nothing."""
    return _ENGLISH_FILLERS.sub(" ", _FILLER_RE.sub(" ", text))


def canonical_words(text: str) -> str:
    """One spelling for words that mean the same ("开除", "解雇" -> "辞退"; "salary" -> "wage")."""
    return _SYNONYM_RE.sub(lambda found: _SYNONYM_OF[found.group()], text)


def normalize(text: str) -> str:
    """All string-level steps, with runs of white space collapsed to one space."""
    return " ".join(canonical_words(strip_fillers(strip_symbols(fold(text)))).split())


def script_language(text: str) -> str | None:
    """The language a text's script says: zh-CN for any Chinese character, en for Latin."""
    if _CJK.search(text):
        return "zh-CN"
    if _LATIN.search(text):
        return "en"
    return None


def is_cjk(char: str) -> bool:
    return _CJK.match(char) is not None


def cjk_runs(text: str) -> list[str]:
    """The unbroken runs of Chinese characters in a text."""
    return _CJK_RUN.findall(text)


def stem(word: str) -> str:
    """A light English stemmer: enough for "drivers"/"driver", "injured"/"injury"."""
    if not word.isascii() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] in "ey":
        word = word[:-1]
    return word


class Segmenter:
    """Word segmentation with the knowledge base's own terms kept whole.

    All segmenters of a process read one memory-mapped copy of jieba's word table
    (`faq.tables`); each keeps the terms it adds to itself, so one knowledge base's terms
    never change how another one is segmented.
    """

    def __init__(
        self, domain_words: Iterable[str] = (), tables: LanguageTables | None = None
    ) -> None:
        self._dictionary = Dictionary((tables or language_tables()).words)
        self._dictionary.add_words(
            word
            for word in (normalize(term).replace(" ", "") for term in domain_words)
            if len(word) >= 2 and _CJK.search(word)
        )
        self._rarities: dict[str, float] = {}
        self._novelties: dict[str, float] = {}

    def words(self, normalized: str) -> list[str]:
        """Words of normalised text, English words stemmed; spaces dropped."""
        dictionary = self._dictionary
        words: list[str] = []
        for piece in normalized.split():
            if piece.isascii():
                words.append(piece if piece in STOP_WORDS else stem(piece))
            else:
                # No HMM guessing of unseen words: the dictionary plus the knowledge base's
                # own terms cut message and entries alike, measured as good, and faster.
                for word in dictionary.cut(piece):
                    if not word.strip():
                        continue
                    if (
                        len(word) >= 2
                        and word[0] in _NEGATIONS
                        and (dictionary.frequency(word) or 0) < _RARE_NEGATION
                    ):
                        # "没发" and "不发" are the same question as "发": keep the verb.
                        words.extend((word[0], word[1:]))
                    else:
                        words.append(stem(word))
        return words

    def rarity(self, word: str) -> float:
        """How surprising a word is in general Chinese, 0 (everyday) to 1 (rare).

        From jieba's dictionary frequencies: "丧假" or "医保卡" are rare and name a topic;
        "老婆" or "那边" are everyday words that rarely decide what a question is about.
        """
        known = self._rarities.get(word)
        if known is None:
            known = self._rarities[word] = self._scaled(word, _RARITY_SPAN)
        return known

    def novelty(self, word: str) -> float:
        """How surely a word a knowledge base never uses names a topic it lacks, 0 to 1.

        Stricter than `rarity`: a terse knowledge base misses many words of moderate
        frequency ("报销", "关门", "几点") that only reword a covered question, while words
        as rare as "丧假", "医保卡" or "解封" still name something else.
        """
        known = self._novelties.get(word)
        if known is None:
            known = self._novelties[word] = self._scaled(word, _NOVELTY_SPAN)
        return known

    def _scaled(self, word: str, span: tuple[float, float]) -> float:
        """0 for words carrying less information than `span` starts at, 1 past its end."""
        if not _CJK.search(word):
            # No frequency list for English here; longer words are rarer (Zipf), which is
            # enough to tell "bereavement" from "leave".
            return min(1.0, max(0.0, (len(word) - 4) / 6))
        frequency = self._dictionary.frequency(word) or 0
        information = math.log(self._dictionary.total / (frequency + 1))
        low, high = span
        return min(1.0, max(0.0, (information - low) / (high - low)))


def content_words(words: Iterable[str]) -> list[str]:
    """Words that say what a question is about: no function or question words."""
    return [
        w
        for w in words
        if w not in STOP_WORDS and (not w.isdigit() or len(w) >= 4) and not _QUANTITY.match(w)
    ]


@lru_cache(maxsize=65536)  # the hottest call of matching: a C-level cache hit, not a lookup
def _syllable(char: str) -> str:
    return language_tables().syllable(char)


def syllables(text: str) -> list[str]:
    """Chinese characters spelt by sound, toneless ("共伤" and "工伤" both give gong shang)."""
    return [_syllable(char) for run in _CJK_RUN.findall(text) for char in run]
