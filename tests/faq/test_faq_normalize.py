"""Each normalisation step makes two spellings of the same question alike."""

from __future__ import annotations

import pytest

from faq.normalize import (
    Segmenter,
    canonical_words,
    content_words,
    fold,
    normalize,
    script_language,
    stem,
    strip_fillers,
    strip_symbols,
    syllables,
)


def test_fold_turns_full_width_into_half_width() -> None:
    assert fold("ＡＢＣ１２３４５") == "abc12345"


def test_fold_lowers_case() -> None:
    assert fold("Union HOTLINE") == "union hotline"


def test_fold_turns_traditional_into_simplified() -> None:
    assert fold("老闆拖欠工資怎麼辦") == "老板拖欠工资怎么办"
    assert fold("司機之家在哪裡") == "司机之家在哪里"


def test_strip_symbols_removes_punctuation_and_emoji() -> None:
    assert strip_symbols("工伤？！😭👍").split() == ["工伤"]
    assert strip_symbols("老板，不认账。").split() == ["老板", "不认账"]


def test_strip_symbols_keeps_numbers_whole() -> None:
    assert strip_symbols("报销 3.5 万，比例 80%").split() == ["报销", "3.5", "万", "比例", "80%"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("你好请问加班费怎么算谢谢", "加班费怎么算"),
        ("我想问一下年假有几天", "年假有几天"),
        ("麻烦问一下社保", "社保"),
        ("hello please how do I join", "how do i join"),
    ],
)
def test_fillers_are_removed(text: str, expected: str) -> None:
    assert " ".join(strip_fillers(fold(text)).split()) == expected


def test_normalize_does_every_step() -> None:
    assert normalize("  你好，請問：ＡＰＰ上怎麼申請互助金？？🙏 謝謝  ") == "app上怎么申请互助金"


def test_segmenter_keeps_domain_words_whole() -> None:
    segmenter = Segmenter(["司机之家", "职工议事会"])
    assert "司机之家" in segmenter.words(normalize("司机之家在哪里"))
    assert "职工议事会" in segmenter.words(normalize("职工议事会是什么"))


def test_one_knowledge_base_does_not_change_how_another_is_segmented() -> None:
    with_term = Segmenter(["司机之家"])
    without = Segmenter()
    assert "司机之家" in with_term.words("司机之家在哪")
    assert "司机之家" not in without.words("司机之家在哪")


def test_content_words_drop_particles_and_question_words() -> None:
    words = Segmenter().words(normalize("我在工地摔伤了腰，这算不算工伤啊"))
    assert "啊" in words
    kept = content_words(words)
    assert "工伤" in kept
    assert "摔伤" in kept
    for particle in ("啊", "了", "我", "在", "算不算"):
        assert particle not in kept


def test_english_words_are_stemmed() -> None:
    assert stem("drivers") == stem("driver")
    assert stem("injured") == stem("injury")
    assert Segmenter().words(normalize("Truck Drivers")) == ["truck", "driver"]


def test_rare_words_are_rarer_than_everyday_ones() -> None:
    segmenter = Segmenter()
    assert segmenter.rarity("丧假") > 0.9
    assert segmenter.rarity("医保卡") > 0.9
    assert segmenter.rarity("老婆") < 0.3
    assert segmenter.rarity("那边") < 0.3
    assert segmenter.rarity("bereavement") > segmenter.rarity("leave")


def test_only_rare_words_are_novel_topics() -> None:
    # A terse knowledge base lacks everyday words that merely reword a covered question.
    segmenter = Segmenter()
    for topic in ("丧假", "医保卡", "解封"):
        assert segmenter.novelty(topic) > 0.9
    for everyday in ("报销", "关门", "几点", "电话"):
        assert segmenter.novelty(everyday) < 0.2
        assert segmenter.novelty(everyday) <= segmenter.rarity(everyday)


def test_syllables_make_homophones_equal() -> None:
    assert syllables("共伤") == syllables("工伤") == ["gong", "shang"]
    assert syllables("a工b") == ["gong"]


@pytest.mark.parametrize(
    ("text", "language"),
    [("工伤怎么认定", "zh-CN"), ("work injury", "en"), ("app上申请", "zh-CN"), ("12351", None)],
)
def test_script_language(text: str, language: str | None) -> None:
    assert script_language(normalize(text)) == language


def test_rare_negated_verbs_keep_the_verb() -> None:
    segmenter = Segmenter()
    assert "发" in segmenter.words(normalize("工资没发"))
    assert "认账" in segmenter.words(normalize("老板不认账"))
    assert "没有" in segmenter.words(normalize("没有合同"))  # an everyday word stays whole


def test_quantities_are_not_key_words() -> None:
    kept = content_words(Segmenter().words(normalize("工资拖了三个月")))
    assert "工资" in kept
    assert "三个" not in kept


def test_synonyms_get_one_spelling_on_both_sides() -> None:
    assert normalize("老板把我开除了，薪水咋办") == normalize("公司把我辞退了，工资怎么办")
    assert canonical_words("my boss cut my salary") == "my employer cut my wage"
    # Only whole English words: "companyx" is not "company".
    assert canonical_words("companyx") == "companyx"
