"""Relations from sentences (our own, in the styles of public documents): type and direction."""

from __future__ import annotations

import pytest

from shienmap.loaders.normalise import normalise_text
from shienmap.loaders.pipeline import extract_text


def edges(text):
    ext = extract_text("t.txt", normalise_text(text))
    out = {(f.relation.type, f.relation.source.name, f.relation.target.name)
           for f in ext.facts if f.relation.type != "連携"}
    for f in ext.facts:
        assert text.find(f.evidence[0].quote) >= 0 or f.evidence[0].quote in normalise_text(text)
    return out


CASES = [
    # 紹介: から -> へ, を, に, passive, earlier institution as referrer
    ("信用金庫から事業承継・引継ぎ支援センターへの案件紹介が増えた。",
     {("紹介", "信用金庫", "事業承継・引継ぎ支援センター")}),
    ("よろず支援拠点は、資金繰りが窮境にある事業者に中小企業活性化協議会を紹介する。",
     {("紹介", "よろず支援拠点", "中小企業活性化協議会")}),
    ("商工会・商工会議所は、特許の相談を知財総合支援窓口にとりつぐ。",
     {("紹介", "商工団体", "知財総合支援窓口")}),
    ("事業者は金融機関に相談し、必要に応じて税理士に取り次がれる。",
     {("紹介", "金融機関", "税理士")}),
    ("中小企業活性化協議会に来た相談で販路の支援が要る場合は、よろず支援拠点に繋ぐ。",
     {("紹介", "中小企業活性化協議会", "よろず支援拠点")}),
    ("栃木県信用保証協会、栃木県よろず支援拠点の2機関は相互に事業者を紹介している。",
     {("紹介", "栃木県信用保証協会", "栃木県よろず支援拠点"),
      ("紹介", "栃木県よろず支援拠点", "栃木県信用保証協会")}),
    # 出向
    ("中小企業活性化協議会は、信用金庫からの出向者を受け入れている。",
     {("出向", "信用金庫", "中小企業活性化協議会")}),
    ("八十二銀行は長野県中小企業活性化協議会へトレーニーを派遣した。",
     {("出向", "八十二銀行", "長野県中小企業活性化協議会")}),
    # 協定: a list of parties; a partner of the subject; 連携協定 is a 協定
    ("一宮市、一宮商工会議所及び桐生信用金庫が連携協定を締結した。",
     {("協定", "一宮市", "一宮商工会議所"), ("協定", "一宮市", "桐生信用金庫"),
      ("協定", "一宮商工会議所", "桐生信用金庫")}),
    ("静岡県事業承継・引継ぎ支援センターは、県内の信用組合との覚書を結んだ。",
     {("協定", "静岡県事業承継・引継ぎ支援センター", "信用組合")}),
    # 同行訪問
    ("群馬県よろず支援拠点の職員が、高崎信用金庫の営業店担当者と同行訪問した。",
     {("同行訪問", "群馬県よろず支援拠点", "高崎信用金庫")}),
    # one agreement of several parties binds each to each; separate ones (それぞれ) do not
    ("酒田市、酒田商工会議所と荘内銀行の3者は、創業支援の協定を結んだ。",
     {("協定", "酒田市", "酒田商工会議所"), ("協定", "酒田市", "荘内銀行"),
      ("協定", "酒田商工会議所", "荘内銀行")}),
    ("荘内銀行は米沢市、寒河江市とそれぞれ包括連携協定を締結した。",
     {("協定", "荘内銀行", "米沢市"), ("協定", "荘内銀行", "寒河江市")}),
    ("両毛信用組合は、太田市と業務提携の覚書を交わした。",
     {("協定", "両毛信用組合", "太田市")}),
    # the words people use for referrals and secondments
    ("酒田信用金庫と鶴岡信用金庫は、取引先を互いに紹介し合う。",
     {("紹介", "酒田信用金庫", "鶴岡信用金庫"), ("紹介", "鶴岡信用金庫", "酒田信用金庫")}),
    ("荘内銀行は、山形県中小企業活性化協議会へ行員を派遣した。",
     {("出向", "荘内銀行", "山形県中小企業活性化協議会")}),
    ("山形県よろず支援拠点は、北都銀行の職員をトレーニーとして受け入れている。",
     {("出向", "北都銀行", "山形県よろず支援拠点")}),
    ("山形県信用保証協会の職員が、荘内銀行の担当者と一緒に企業を訪問した。",
     {("同行訪問", "山形県信用保証協会", "荘内銀行")}),
    # not a secondment: lecturers and experts sent to firms
    ("山形県信用保証協会は、中小企業診断士などの専門家を企業に派遣している。", set()),
    ("酒田商工会議所は荘内銀行の研修に講師を派遣した。", set()),
    # nothing: a plan, an adverbial, a generic receiver
    ("商工会議所と信用金庫は協定締結予定である。", set()),
    ("荘内銀行と酒田市は人事交流について検討に入る。", set()),
    ("税理士には案件持ち込み後も面談してもらう。", set()),
    ("金融機関は他の支援機関にとりつなぐ。", set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:16] for c in CASES])
def test_sentence_yields_edges(text, expected):
    assert edges(text) == expected


def test_section_subject_resolves_anaphora():
    text = ("3.諏訪信用金庫\n"
            "当金庫とよろず支援拠点は連携している。\n"
            "営業店の担当者がよろず支援拠点に個別相談を持ち掛け、本部も同席する。\n")
    got = edges(text)
    assert ("紹介", "諏訪信用金庫", "長野県よろず支援拠点") in got
    assert ("同行訪問", "諏訪信用金庫", "長野県よろず支援拠点") in got


def test_regional_section_resolves_kinds_to_the_prefecture():
    text = ("(1)岡山県信用保証協会\n"
            "信用保証協会は、よろず支援拠点へ毎月トレーニー派遣を実施している。\n")
    assert edges(text) == {("出向", "岡山県信用保証協会", "岡山県よろず支援拠点")}


def test_count_table_becomes_edges_with_counts():
    text = ("信用保証協会から中小企業活性化協議会への持込件数(2023年度)\n"
            "北 海 道 10 東 京 5\n"
            "名 古 屋 市 3 石 川 県 0\n"
            "合 計 18\n")
    ext = extract_text("t.txt", normalise_text(text))
    [table] = ext.tables
    assert table.period == "2023年度"
    assert [(c.region, c.count) for c in table.cells] == [
        ("北海道", 10), ("東京都", 5), ("名古屋市", 3), ("石川県", 0)]
