"""tokenize / normalize / decode: Vietnamese specifics, checked against Unicode itself."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mekong
from conftest import nfd, to_cp1258


def test_tokenize_keeps_one_letter_syllables_and_numbers():
    assert mekong.tokenize("Cửa khẩu Bờ Y: 747 tỷ đồng, ngày 13/9", words=False) == [
        "cửa",
        "khẩu",
        "bờ",
        "y",
        "747",
        "tỷ",
        "đồng",
        "ngày",
        "13",
        "9",
    ]
    assert mekong.tokenize("Cửa khẩu Bờ Y: 747 tỷ đồng, ngày 13/9") == [
        "cửa_khẩu",
        "bờ_y",
        "747",
        "tỷ",
        "đồng",
        "ngày",
        "13/9",
    ]
    assert mekong.tokenize("747 tỷ đồng năm 2025", numbers=False, words=False) == ["tỷ", "đồng", "năm"]
    assert mekong.tokenize("ở Bờ Y có y tế", min_token_length=2, words=False) == ["bờ", "có", "tế"]


def test_nfd_input_gives_identical_tokens():
    text = "Việt Nam hợp tác với Lào; Tỉnh ủy Kon Tum."
    assert mekong.tokenize(nfd(text)) == mekong.tokenize(text)
    assert "vie" not in mekong.tokenize(nfd(text))


@pytest.mark.parametrize(
    "old,new",
    [("hòa", "hoà"), ("thủy", "thuỷ"), ("khỏe", "khoẻ"), ("Tỉnh ủy", "Tỉnh uỷ"), ("họa", "hoạ"), ("tùy", "tuỳ")],
)
def test_both_tone_placements_become_one_term(old, new):
    assert mekong.tokenize(old) == mekong.tokenize(new)
    assert mekong.normalize(new) == unicodedata.normalize("NFC", old.lower())
    assert mekong.normalize(old, tone_marks="modern") == unicodedata.normalize("NFC", new.lower())


def test_tone_marks_none_keeps_spelling():
    assert mekong.tokenize("hoà hòa", tone_marks=None, words=False) == ["hoà", "hòa"]
    assert mekong.tokenize("hoà bình", tone_marks=None) == ["hoà_bình"]


def test_normalize_keeps_punctuation_and_spacing():
    assert mekong.normalize("ĐÀ NẴNG,  Hoà Bình!") == "đà nẵng,  hòa bình!"
    assert mekong.normalize("ĐÀ NẴNG", lowercase=False) == "ĐÀ NẴNG"


def test_misplaced_marks_are_repaired():
    assert mekong.normalize("qúy gìa") == "quý già"


def test_urls_and_emails():
    text = "Xem https://baocaonguyen.example.vn/tin/a-b.html hoặc gửi thư tới toasoan@example.vn"
    assert mekong.tokenize(text) == ["xem", "hoặc", "gửi", "thư", "tới"]
    kept = mekong.tokenize(text, urls="keep")
    assert "https://baocaonguyen.example.vn/tin/a-b.html" in kept and "toasoan@example.vn" in kept
    assert "baocaonguyen" in mekong.tokenize(text, urls="split")


def test_spaceless_scripts_are_segmented_by_dictionary():
    thai = mekong.tokenize("ภาษาไทยง่ายนิดเดียว")
    assert len(thai) >= 3 and "".join(thai) == "ภาษาไทยง่ายนิดเดียว"
    lao = mekong.tokenize("ແຂວງອັດຕະປືຮ່ວມມືກັບຫວຽດນາມ")
    assert len(lao) >= 3 and "".join(lao) == "ແຂວງອັດຕະປືຮ່ວມມືກັບຫວຽດນາມ"


def test_decode_counts_replacements():
    assert mekong.decode(b"H\xc3\xa0 N\xe1\xbb\x99i") == ("Hà Nội", 0)
    text, n = mekong.decode(b"ab\xffcd\xc3")
    assert text == "ab\ufffdcd\ufffd" and n == 2


def test_decode_other_encodings():
    assert mekong.decode("Hợp tác".encode("utf-16"), "utf-16") == ("Hợp tác", 0)
    # windows-1258 writes tone marks as combining characters; tokenize recomposes them.
    raw = to_cp1258("Việt Nam hợp tác")
    text, n = mekong.decode(raw, "windows-1258")
    assert n == 0 and unicodedata.normalize("NFC", text) == "Việt Nam hợp tác"
    assert mekong.tokenize(raw, encoding="windows-1258") == ["việt_nam", "hợp_tác"]
    assert mekong.tokenize(raw, encoding="windows-1258", words=False) == ["việt", "nam", "hợp", "tác"]
    with pytest.raises(ValueError, match="unknown encoding"):
        mekong.decode(b"x", "no-such-encoding")


def test_bad_arguments():
    with pytest.raises(TypeError):
        mekong.tokenize(42)
    with pytest.raises(ValueError, match="tone_marks"):
        mekong.tokenize("a", tone_marks="new")
    with pytest.raises(ValueError, match="urls"):
        mekong.tokenize("a", urls="strip")
    with pytest.raises(ValueError, match="ngram_range"):
        mekong.tokenize("a", ngram_range=(2, 1))
    with pytest.raises(ValueError, match="min_token_length"):
        mekong.tokenize("a", min_token_length=0)


def test_lone_surrogates_and_nul_bytes_are_defined():
    assert mekong.tokenize("a\ud800b") == ["a", "b"]  # the surrogate becomes U+FFFD, a separator
    assert mekong.tokenize("a\x00b") == ["a", "b"]


@given(st.text())
def test_tokenize_never_crashes_on_any_str(text):
    for t in mekong.tokenize(text):
        assert t and not any(c.isspace() for c in t)


vietnamese = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐEÊOÔƠUƯ àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ,.")
    ),
    max_size=80,
)


@given(vietnamese)
def test_nfc_and_nfd_give_the_same_tokens(text):
    tokens = mekong.tokenize(unicodedata.normalize("NFC", text))
    assert mekong.tokenize(nfd(text)) == tokens
    assert all(unicodedata.is_normalized("NFC", t) and t == t.lower() for t in tokens)
    assert mekong.normalize(nfd(text)) == mekong.normalize(text)


@given(vietnamese)
def test_placement_styles_agree_up_to_the_placement(text):
    trad = mekong.tokenize(text, tone_marks="traditional")
    modern = mekong.tokenize(text, tone_marks="modern")
    assert len(trad) == len(modern)

    def strip(s):  # same letters and marks, maybe reordered
        return unicodedata.normalize("NFD", s)

    for a, b in zip(trad, modern):
        assert sorted(strip(a)) == sorted(strip(b))
    # normalizing twice changes nothing
    assert mekong.tokenize(" ".join(trad)) == trad
