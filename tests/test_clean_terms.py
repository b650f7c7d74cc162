"""Cleaning, names, alias keys, phrases and stop words (issue: real articles)."""

import pickle
import re

import numpy as np
import pytest

import mekong
from mekong.names import alias_key
from mekong.phrases import segmentation_scores
from mekong.stopwords import VIETNAMESE_STOP_WORDS

RECOMMENDED = dict(clean=True, stop_words="vietnamese", aliases=True)  # the README's options for scraped pages


def test_clean_single_page():
    page = (
        "Kon Tum ký kết hợp tác\n![ảnh](https://x.example.vn/a.jpg)\n| Lễ ký kết. Ảnh: TTXVN |\n"
        "Hai tỉnh ký biên bản [ghi nhớ](https://x.example.vn/b) về hợp tác &amp; đầu tư.\nĐọc nhiều\nTin khác"
    )
    assert mekong.clean(page) == "Kon Tum ký kết hợp tác\nHai tỉnh ký biên bản ghi nhớ về hợp tác & đầu tư."
    assert "Tin khác" in mekong.clean(page, end_markers=[])
    assert mekong.clean("Bài\nNội dung.\nHẾT BÀI\nQuảng cáo", extra_end_markers=["Hết bài"]) == "Bài\nNội dung."


def test_cleaner_learns_repeated_furniture_and_keeps_rows(sample):
    cleaner = mekong.Cleaner().fit(sample.texts)
    assert cleaner.repeated_lines_  # the sample's sites share navigation tails
    cleaned = cleaner.transform(sample.texts)
    assert len(cleaned) == len(sample.texts)
    for raw, text, furniture in zip(sample.texts, cleaned, sample.furniture):
        assert "![" not in text and "](http" not in text
        first_line = raw.splitlines()[0]
        assert text.startswith(first_line)  # the headline survives
        if not furniture:
            assert len(text) > 0.8 * len(raw.strip())
    X = mekong.CountVectorizer(clean=True).fit_transform(sample.texts + ["![](a.jpg)\n| Ảnh: X |"])
    assert X.shape[0] == len(sample.texts) + 1 and X[-1].nnz == 0  # all furniture: an empty row


def test_cleaning_separates_articles_that_share_a_site_tail(sample):
    # Sample articles with the same site's navigation tail are closer raw than cleaned.
    tails = {}
    for i, t in enumerate(sample.texts):
        for marker in ("Tin bài liên quan", "Các tin bài khác", "Xem thêm", "Đọc nhiều"):
            if marker in t:
                tails.setdefault(t[t.index(marker) :], []).append(i)
    shared = [ids for ids in tails.values() if len(ids) >= 2]
    assert shared
    raw = mekong.cosine_similarity(mekong.TfidfVectorizer().fit_transform(sample.texts))
    clean = mekong.cosine_similarity(mekong.TfidfVectorizer(clean=True).fit_transform(sample.texts))
    for ids in shared:
        a, b = ids[0], ids[1]
        assert clean[a, b] < raw[a, b] - 0.05


def test_extract_names():
    text = "Đoàn công tác tỉnh Kon Tum thăm tỉnh Ắt-ta-pư (Lào). Theo ông Lê Ngọc Tuấn, hai bên thống nhất."
    assert mekong.extract_names(text) == ["Kon Tum", "Ắt-ta-pư", "Lào", "Lê Ngọc Tuấn"]
    assert mekong.extract_names("Hôm nay trời đẹp.") == []


def test_alias_keys_merge_spellings():
    assert alias_key("Attapư") == alias_key("Attapu") == alias_key("Ắt-ta-pư") == "attapu"
    docs = ["Tỉnh Attapư ký kết", "tỉnh Attapu (Lào)", "tỉnh Ắt-ta-pư", "Attapeu province", "mà má mã"]
    cv = mekong.CountVectorizer(aliases=True, alias_table={"Attapeu": "Attapư"}).fit(docs)
    assert "name:attapu" in cv.vocabulary_ and "attapư" not in cv.vocabulary_
    assert set(cv.aliases_["name:attapu"]) == {"Attapư", "Attapu", "Ắt-ta-pư", "Attapeu"}
    assert {"mà", "má", "mã"} <= set(cv.vocabulary_)  # ordinary words keep their tone marks
    X = cv.transform(docs)
    assert X[:, cv.vocabulary_["name:attapu"]].toarray().ravel().tolist() == [1, 1, 1, 1, 0]
    readable = cv.readable_feature_names()[cv.vocabulary_["name:attapu"]]
    assert readable == "Attapeu"  # each spelling seen once: the tie goes to the first in sorted order
    with pytest.raises(ValueError, match="alias_table entry 0"):
        mekong.CountVectorizer(aliases=True, alias_table=[("Attapeu",)]).fit(docs)


def test_names_as_terms():
    cv = mekong.CountVectorizer(names=True).fit(["Đoàn tỉnh Kon Tum thăm Sê-kông.", "kon tum"])
    assert "kon_tum" in cv.vocabulary_ and "sê-kông" in cv.vocabulary_


def test_phrases_learn_multi_syllable_words():
    docs = ["hợp tác kinh tế với Lào", "tăng cường hợp tác kinh tế", "hợp tác giáo dục và kinh tế"] * 3
    ph = mekong.Phrases(min_count=3, threshold=0.3, words=False).fit(docs)  # unsupervised, over syllables
    assert "hợp_tác" in ph.phrases() and "kinh_tế" in ph.phrases()
    assert not any(p.startswith("và_") or p.endswith("_và") for p in ph.phrases())  # stop words never join
    again = pickle.loads(pickle.dumps(ph))
    assert again.transform_text("hợp tác kinh tế") == ph.transform_text("hợp tác kinh tế") == ["hợp_tác", "kinh_tế"]
    cv = mekong.CountVectorizer(phrases=ph, words=False).fit(docs)
    assert "hợp_tác" in cv.vocabulary_ and "hợp" not in cv.vocabulary_


def test_user_dictionary(tmp_path):
    cv = mekong.CountVectorizer(user_dictionary=["Kon Tum", "hợp_tác", "Ủy ban nhân dân"]).fit(
        ["Ủy ban nhân dân tỉnh Kon Tum hợp tác"]
    )
    assert sorted(cv.vocabulary_) == ["hợp_tác", "kon_tum", "tỉnh", "ủy_ban_nhân_dân"]
    path = tmp_path / "words.txt"
    path.write_text("# my words\nhợp tác\n\nbiên giới\nsai!\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 5: 'sai!'"):
        mekong.CountVectorizer(user_dictionary=str(path)).fit(["x"])
    with pytest.raises(ValueError, match="entry 2"):
        mekong.CountVectorizer(user_dictionary=["hợp tác", "một"]).fit(["x"])
    with pytest.raises(ValueError, match="no such file"):
        mekong.CountVectorizer(user_dictionary="missing-words.txt").fit(["x"])


def test_vietnamese_stop_words():
    assert {"và", "của", "là", "các", "những", "được"} <= VIETNAMESE_STOP_WORDS
    assert not {"không", "năm", "người", "tỉnh"} & VIETNAMESE_STOP_WORDS
    assert mekong.tokenize("Kon Tum và Attapư là hai tỉnh", stop_words="vietnamese") == [
        "kon_tum",
        "attapư",
        "hai",
        "tỉnh",
    ]
    assert mekong.tokenize("Kon Tum và Attapư là hai tỉnh", stop_words="vietnamese", words=False) == [
        "kon",
        "tum",
        "attapư",
        "hai",
        "tỉnh",
    ]
    assert mekong.tokenize("và của", stop_words=["và"]) == ["của"]


def test_encoded_files_with_cleaning(tmp_path):
    from conftest import to_cp1258

    page = "Hợp tác Việt – Lào\nHai tỉnh ký kết văn bản hợp tác toàn diện.\nTin bài liên quan\nBài khác"
    (tmp_path / "a.txt").write_bytes(to_cp1258(page) + b"\xff")  # 0xFF is a letter in cp1258; fine
    (tmp_path / "b.txt").write_bytes(page.encode("utf-16"))
    cv = mekong.CountVectorizer(input="filename", encoding="windows-1258", clean=True)
    X = cv.fit_transform([str(tmp_path / "a.txt")])
    assert "khác" not in cv.vocabulary_ and "việt" in cv.vocabulary_
    cv16 = mekong.CountVectorizer(input="filename", encoding="utf-16", clean=True).fit([str(tmp_path / "b.txt")])
    assert "khác" not in cv16.vocabulary_ and "hợp_tác" in cv16.vocabulary_
    assert X.shape[0] == 1


def test_invalid_bytes_in_named_encoding_are_counted():
    cv = mekong.CountVectorizer(encoding="utf-16le")
    cv.fit_transform(["Hợp".encode("utf-16-le") + b"\x00\xd8" + "tác".encode("utf-16-le")])
    assert cv.n_replaced_.tolist() == [1]


# -- the gold set of segmented sentences ------------------------------------------------------------

GOLD = mekong.datasets.SEGMENTATION_GOLD


def test_phrase_learner_reaches_the_reported_precision_and_recall(sample):
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 250
    ph = mekong.Phrases(words=False).fit(sample.texts + [l.replace("_", " ") for l in lines])
    predicted = [" ".join(ph.transform_text(l.replace("_", " "))) for l in lines]
    scores = segmentation_scores(lines, predicted)
    assert scores["skipped"] == 0
    precision, recall = scores["precision"], scores["recall"]
    from conftest import ROOT

    m = re.search(r"precision (0\.\d+), recall (0\.\d+)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert m, "the README reports the phrase learner's precision and recall"
    reported = (float(m.group(1)), float(m.group(2)))
    assert precision >= reported[0] - 0.005 and recall >= reported[1] - 0.005, (precision, recall)


# -- the real articles in ../shared/corpus ----------------------------------------------------------


def test_real_articles_cleaned(shared_articles):
    cleaner = mekong.Cleaner().fit(list(shared_articles.values()))
    for name, raw in shared_articles.items():
        text = cleaner.transform([raw])[0]
        assert not re.search(r"^!\[", text, flags=re.M), name
        assert "Tin bài liên quan" not in text and "Các tin bài khác" not in text, name
        first_paragraph = next(l for l in raw.splitlines()[1:] if len(l.split()) > 15)
        assert first_paragraph.strip() in text, name


def test_real_articles_alias_columns(shared_articles):
    texts = [shared_articles[k] for k in ("000", "001", "002")]
    cv = mekong.CountVectorizer(aliases=True).fit(texts)
    assert {"Attapư", "Attapu", "Ắt-ta-pư"} <= set(cv.aliases_["name:attapu"])
    X = cv.transform(texts)
    assert (X[:, cv.vocabulary_["name:attapu"]].toarray().ravel() > 0).all()  # one column, all three articles


def test_real_articles_nearest_neighbours(shared_articles):
    keys = sorted(shared_articles)
    texts = [shared_articles[k] for k in keys]
    ours = mekong.cosine_similarity(mekong.TfidfVectorizer(**RECOMMENDED).fit_transform(texts))
    np.fill_diagonal(ours, -1)
    nn = {keys[i]: keys[int(ours[i].argmax())] for i in range(len(keys))}
    assert nn["000"] == "001"
    assert not (nn["002"] == "003" and nn["003"] == "002")
    # scikit-learn on the same raw files gets both wrong
    from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

    theirs = mekong.cosine_similarity(SkTfidf().fit_transform(texts))
    np.fill_diagonal(theirs, -1)
    sk_nn = {keys[i]: keys[int(theirs[i].argmax())] for i in range(len(keys))}
    assert sk_nn["000"] == "003" and sk_nn["002"] == "003" and sk_nn["003"] == "002"
