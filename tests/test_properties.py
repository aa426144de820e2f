"""Property tests (Hypothesis): arbitrary Unicode through the loaders never raises, offsets
always point at their text, and no sentence or line grows past its bound (which is what keeps
every later stage linear in the length of a document)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shienmap.graph.schema import VARIANT_TABLE, fold
from shienmap.loaders.normalise import MAX_LINE, normalise_text
from shienmap.loaders.pipeline import extract_text
from shienmap.loaders.read import DocumentError, decode_text
from shienmap.loaders.segment import MAX_SENTENCE, segment

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
# Japanese-heavy text: the characters the rules look at, and anything else Unicode has
JAPANESE = st.sampled_from(list("。、！？「」()・\n 　信用保証協会金庫銀行よろず支援拠点群馬県長野"
                                "市紹介取り次ぐ連携協定出向同行①髙﨑濵"))
TEXT = st.text(st.one_of(JAPANESE, st.characters()), max_size=600)


@SETTINGS
@given(TEXT)
def test_normalise_and_segment_any_text(raw):
    text = normalise_text(raw)
    assert text.endswith("\n")
    assert normalise_text(raw) == text  # pure: evidence offsets are reproducible
    assert all(len(line) <= MAX_LINE for line in text.split("\n"))
    last = 0
    for s in segment(text):
        assert text[s.start:s.end] == s.text and s.text == s.text.strip()
        assert 0 < len(s.text) <= MAX_SENTENCE and s.start >= last
        last = s.end


@SETTINGS
@given(TEXT)
def test_extract_any_text(raw):
    text = normalise_text(raw)
    ext = extract_text("prop.txt", text)
    for f in ext.facts:
        for ev in f.evidence:
            assert text[ev.start:ev.end] == ev.quote


@SETTINGS
@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-32",
                                              "cp932", "euc_jp", "iso2022_jp"]))
def test_decode_any_text_in_any_encoding(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return  # not representable in that encoding
    try:
        decoded, _ = decode_text(data)
    except DocumentError:
        return  # refused with a reason: fine; any other exception is not
    assert isinstance(decoded, str)


@SETTINGS
@given(st.text(max_size=100))
def test_fold_is_stable_and_variants_keep_offsets(name):
    assert fold(fold(name)) == fold(name)
    assert len(name.translate(VARIANT_TABLE)) == len(name)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(st.integers(min_value=1, max_value=6), st.sampled_from(["、", "あ", " ", "。", "\n"]))
def test_pieces_grow_linearly_with_the_text(blocks, filler):
    """The number of sentences grows in proportion to the text, whatever it is made of:
    doubling the text at most doubles (plus one) the pieces the later stages see."""
    one = normalise_text(filler * 5_000 + "群馬県信用保証協会")
    many = normalise_text((filler * 5_000 + "群馬県信用保証協会") * blocks)
    n1, nk = len(list(segment(one))), len(list(segment(many)))
    assert nk <= blocks * (n1 + 1) + 1
