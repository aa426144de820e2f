"""The graph contract of DESIGN.md: labels, relationship types, stable node ids."""

from __future__ import annotations

import unicodedata

# Node labels (contract).
INSTITUTION = "機関"
KIND = "機関種別"
PROGRAMME = "事業"
REGION = "地域"
TOPIC = "課題"
LABELS = (INSTITUTION, KIND, PROGRAMME, REGION, TOPIC)

# Relationship types between institutions (contract) and the generic one.
REFERRAL = "紹介"
SECONDMENT = "出向"
AGREEMENT = "協定"
ACCOMPANIED_VISIT = "同行訪問"
COLLABORATION = "連携"
INSTITUTION_RELATIONS = (REFERRAL, SECONDMENT, AGREEMENT, ACCOMPANIED_VISIT)
DIRECTED_RELATIONS = frozenset({REFERRAL, SECONDMENT})
UNDIRECTED_RELATIONS = frozenset({AGREEMENT, ACCOMPANIED_VISIT, COLLABORATION})

# Structural relationship types (the team's choice, documented in README).
LOCATED_IN = "所在"  # 機関 -> 地域
PART_OF = "包含"  # 地域 -> 地域 that contains it (市 -> 県 -> 地方 -> 全国)
IS_KIND = "種別"  # 機関 -> 機関種別
BROADER = "上位種別"  # 機関種別 -> broader 機関種別 (信用金庫 -> 地域金融機関)
HANDLES = "対応"  # 機関種別 or 機関 -> 課題
TAKES_PART = "参加"  # 機関 or 機関種別 -> 事業 (runs, hosts, joins or uses it)
STRUCTURAL_RELATIONS = (LOCATED_IN, PART_OF, IS_KIND, BROADER, HANDLES, TAKES_PART)

CATEGORIES = ("金融機関", "公的支援機関", "商工団体", "士業・専門家", "行政機関", "その他")
REGION_LEVELS = ("全国", "地方", "都道府県", "市区町村")

# Variant forms that NFKC leaves alone but that name the same thing (旧字体 and friends).
_VARIANTS = str.maketrans({"縣": "県", "嶋": "島", "ヶ": "ケ", "ヵ": "カ", "＆": "&"})


def fold(text: str) -> str:
    """Return the matching key of a name: NFKC, variant kanji folded, no spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_VARIANTS)
    return "".join(text.split())


def node_id(label: str, name: str) -> str:
    """Stable node id derived from the label and the canonical name (never from run order)."""
    if label not in LABELS:
        raise ValueError(f"unknown node label: {label!r}")
    return f"{label}:{unicodedata.normalize('NFKC', name)}"
