"""The graph contract of DESIGN.md: labels, relationship types, stable node ids."""

from __future__ import annotations

import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

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
# the undirected ones, in the order routing reads an institution's partnerships
PARTNER_RELATIONS = (AGREEMENT, COLLABORATION, ACCOMPANIED_VISIT)
UNDIRECTED_RELATIONS = frozenset(PARTNER_RELATIONS)

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

VARIANTS_FILE = Path(__file__).with_name("data") / "variants.toml"


def load_variants(path: Path = VARIANTS_FILE) -> dict[str, str]:
    """The reviewed 異体字 table (``data/variants.toml``): written character -> folded one.

    Raises ``ValueError`` naming the file for an entry that is not one character to one
    character (the table must never move a text offset)."""
    with path.open("rb") as f:
        entries = tomllib.load(f).get("variant", [])
    table: dict[str, str] = {}
    for e in entries:
        written, folded = e.get("written", ""), e.get("folded", "")
        if len(written) != 1 or len(folded) != 1 or not e.get("source"):
            raise ValueError(f"{path}: variant {e!r} needs one written character, one folded "
                             "character and a source")
        table[written] = folded
    return table


# Variant forms that NFKC leaves alone but that name the same thing (旧字体, 異体字).
VARIANTS = load_variants()
VARIANT_TABLE = str.maketrans(VARIANTS)  # text.translate(VARIANT_TABLE) keeps every offset


def fold(text: str) -> str:
    """Return the matching key of a name: NFKC, 異体字 folded by ``data/variants.toml``
    (髙 -> 高, 﨑 -> 崎, 濱/濵 -> 浜), no spaces.

    >>> fold("髙崎 信用金庫") == fold("高崎信用金庫")
    True
    """
    # a name is folded again and again (ontology look-ups, gazetteer hits): short texts are
    # remembered, long ones (quotes, lines) are not kept
    return _fold_name(text) if len(text) <= _NAME_LENGTH else _fold(text)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(VARIANT_TABLE)
    # NFKC again: dropping a space may bring a combining mark next to a letter (R ̧ -> Ŗ)
    return unicodedata.normalize("NFKC", "".join(text.split()))


_NAME_LENGTH = 40
_fold_name = lru_cache(maxsize=1 << 15)(_fold)


def node_id(label: str, name: str) -> str:
    """Stable node id derived from the label and the canonical name (never from run order)."""
    if label not in LABELS:
        raise ValueError(f"unknown node label: {label!r}")
    return f"{label}:{unicodedata.normalize('NFKC', name)}"
