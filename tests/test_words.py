"""The user's words to graph terms: topics from everyday phrasing, loose holders, wishes.

Phrases here are our own, written as firms and bank staff talk; none is a routing case.
"""

from __future__ import annotations

import pytest

from shienmap.graph.ontology import default_ontology
from shienmap.queries.case import CaseError, resolve_topics
from shienmap.queries.words import holder_candidates, topics_in, wished_kinds

ONTO = default_ontology()


@pytest.mark.parametrize("phrase,topic", [
    ("もう店を畳もうと思う", "再チャレンジ"),  # 畳む by dictionary form (words: たたみたい)
    ("暖簾を下ろして商売をやめたい", "再チャレンジ"),
    ("手形が落ちるか心配で資金ショートしそう", "資金繰り"),
    ("来月の家賃が払えない", "資金繰り"),
    ("求人を出しても応募がない", "人材確保"),
    ("取引先から一方的に値下げを迫られる", "下請取引"),
    ("うちの技術で特許を取りたい", "知的財産"),
    ("ネット通販を始めて売上を伸ばしたい", "販路開拓"),
    ("店を息子に継がせたい", "親族内承継"),
    ("高齢の社長の跡継ぎがいない", "事業承継"),
    ("台風で倉庫が浸水した", "災害復旧"),
    ("出資を受け入れて財務を強くしたい", "資本増強"),
    ("若手社員の研修をしたい", "人材育成"),
])
def test_everyday_phrases_find_their_topic(phrase, topic):
    assert topic in topics_in(phrase, ONTO)


@pytest.mark.parametrize("phrase,not_topic", [
    ("創業計画の作り方を知りたい", "経営改善"),  # 事業計画 needs 事業 as well as 計画
    ("商品を海外で売りたい", "第三者承継・M&A"),  # 売りたい inside 海外で売り
    ("豪雨で工場が水につかった", "設備投資"),  # 工場を (nouns only) matches as written only
    ("会社を辞めて独立したい", "再チャレンジ"),  # leaving a job is not closing a business
])
def test_words_do_not_fire_out_of_place(phrase, not_topic):
    assert not_topic not in topics_in(phrase, ONTO)


def test_unclear_is_a_fallback_topic():
    topics, _ = resolve_topics(["創業計画の書き方が分からない"], ONTO)
    assert topics == ("創業",)
    topics, _ = resolve_topics(["何から手をつければいいのか分からない"], ONTO)
    assert topics == ("経営課題が不明確",)


def test_words_naming_no_topic_are_an_error_with_suggestions():
    with pytest.raises(CaseError, match="unknown topic"):
        resolve_topics(["今日はいい天気だ"], ONTO)


@pytest.mark.parametrize("written,expected", [
    ("うちの信組", ("機関種別", "信用組合")),
    ("保証協会さん", ("機関種別", "信用保証協会")),
    ("取引銀行(第二地銀)", ("機関種別", "銀行")),
    ("町の商工会の経営指導員", ("機関種別", "商工会")),
    ("諏訪信用金庫", ("機関", "諏訪信用金庫")),
    ("村役場", ("機関種別", "市町村")),  # a local government as its office or a department
    ("区役所の産業振興係", ("機関種別", "市町村")),
    ("県の創業支援の窓口", ("機関種別", "都道府県")),  # not the 窓口 of another kind
    ("高崎市の商工振興課", ("機関", "高崎市")),
    ("町の商工会の経営指導員さん", ("機関種別", "商工会")),  # a department word is not enough
])
def test_loose_holders(written, expected):
    assert holder_candidates(written, ONTO)[0] == expected


@pytest.mark.parametrize("phrase,wished", [
    ("顧問の税理士さんにも入ってほしい", ["税理士"]),
    ("メインバンクと一緒に計画を考えたい", ["金融機関"]),
    ("銀行に断られた", []),  # naming a body is not asking for it
    ("保証協会から連絡が来た", []),
])
def test_wishes(phrase, wished):
    assert wished_kinds(phrase, ONTO) == wished


def test_documents_own_words_find_a_topic(tmp_path):
    """A phrase with no topic word finds the topic whose documented referrals use its words."""
    from shienmap.loaders.pipeline import build_graph
    from shienmap.queries.case import graph_evidence_index, make_case

    (tmp_path / "a.txt").write_text(
        "よろず支援拠点は、技術流出を心配する事業者の特許の相談を知財総合支援窓口にとりつぐ。\n"
        "商工会議所は、技術流出のおそれがある商標の相談を知財総合支援窓口に紹介している。\n",
        encoding="utf-8")
    g, _ = build_graph([tmp_path])
    assert topics_in("技術流出が心配だ", ONTO) == []  # no topic word
    assert graph_evidence_index(g)["流出"]["知的財産"] == 2
    assert make_case(g, "群馬県", ["技術流出が心配だ"]).topics == ("知的財産",)
