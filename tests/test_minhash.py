"""MinHash signatures and near-duplicates against a slow pure-Python reference and exact Jaccard."""

from __future__ import annotations

import math
import random
import unicodedata

import numpy as np
import pytest

import mekong
from mekong.dedup import lsh_params

MASK = 2**64 - 1


# ---- the slow, obviously correct reference (the contract in cpp/include/mekong/dedup/minhash.hpp) ----


def ref_permutations(num_perm, seed):
    state, out = seed, []

    def splitmix():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    for _ in range(num_perm):
        a = splitmix()
        b = splitmix()
        out.append((a, b))
    return out


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return h


def ref_shingles(terms, k):
    if not terms:
        return []
    if len(terms) < k:
        return [" ".join(terms)]
    return [" ".join(terms[i : i + k]) for i in range(len(terms) - k + 1)]


def ref_signature(doc, num_perm=128, shingle=3, seed=1, words=True):
    hs = {fnv1a64(s.encode("utf-8")) for s in ref_shingles(mekong.tokenize(doc, words=words), shingle)}
    xs = {(h ^ (h >> 32)) & 0xFFFFFFFF for h in hs}
    if not xs:
        return np.full(num_perm, MASK, dtype=np.uint64)
    slots = [min((((a * x + b) & MASK) >> 32) for x in xs) for a, b in ref_permutations(num_perm, seed)]
    return np.array(slots, dtype=np.uint64)


def ref_jaccard(doc_a, doc_b, shingle=3, words=False):
    a = set(ref_shingles(mekong.tokenize(doc_a, words=words), shingle))
    b = set(ref_shingles(mekong.tokenize(doc_b, words=words), shingle))
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


# ---- generated documents: random syllable-like tokens, reprints by small insertions / deletions ----


def random_word(rng):
    return "".join(rng.choice("abcdeghiklmnopqrstuvxy") for _ in range(rng.randint(3, 8)))


def random_doc(rng, n_words):
    return [random_word(rng) for _ in range(n_words)]


def reprint(rng, words, edits):
    out = list(words)
    for _ in range(edits):
        pos = rng.randrange(len(out))
        if rng.random() < 0.5:
            del out[pos : pos + rng.randint(1, 2)]
        else:
            out[pos:pos] = random_doc(rng, rng.randint(1, 2))
    return out


def reprint_corpus(seed, n_base=60, copies=3):
    rng = random.Random(seed)
    docs, origin = [], []
    for b in range(n_base):
        base = random_doc(rng, rng.randint(120, 400))
        docs.append(" ".join(base))
        origin.append(b)
        for _ in range(copies):
            docs.append(" ".join(reprint(rng, base, rng.randint(1, 4))))
            origin.append(b)
    return docs, origin


VI_DOCS = [
    "Tỉnh uỷ Kon Tum họp bàn về dự án thủy điện trên sông Đắk Bla, 747 tỷ đồng.",
    "TỈNH ỦY KON TUM họp bàn về dự án thuỷ điện trên sông Đắk Bla, 747 tỷ đồng!",
    unicodedata.normalize("NFD", "Hợp tác kinh tế giữa Việt Nam và Lào tăng mạnh trong năm 2025."),
    "Bão số 4 đổ bộ",
    "",
    "...",
    "ສະບາຍດີ ປະເທດລາວ",
]


@pytest.mark.parametrize(
    "num_perm,shingle,seed,words", [(128, 3, 1, True), (16, 1, 0, False), (33, 5, 2**63 + 5, True)]
)
def test_signatures_equal_slow_reference(num_perm, shingle, seed, words):
    mh = mekong.MinHash(num_perm=num_perm, shingle=shingle, seed=seed, words=words)
    S = mh.fit_transform(VI_DOCS)
    assert S.dtype == np.uint64 and S.shape == (len(VI_DOCS), num_perm)
    for i, doc in enumerate(VI_DOCS):
        np.testing.assert_array_equal(S[i], ref_signature(doc, num_perm, shingle, seed, words), err_msg=f"doc {i}")


def test_spelling_variants_share_a_signature():
    # NFC/NFD and the two tone placements are one text after the core's analysis.
    modern = VI_DOCS[0].replace("thủy", "thuỷ").replace("uỷ", "ủy")
    S = mekong.MinHash(num_perm=64).fit_transform([VI_DOCS[0], modern, unicodedata.normalize("NFD", VI_DOCS[0])])
    np.testing.assert_array_equal(S[0], S[1])
    np.testing.assert_array_equal(S[0], S[2])
    # Case too, over syllables (word segmentation reads capitals as evidence of names, so with
    # words=True an all-caps headline may group its syllables differently).
    S = mekong.MinHash(num_perm=64, words=False).fit_transform(
        [VI_DOCS[0], VI_DOCS[1], unicodedata.normalize("NFD", VI_DOCS[0].upper())]
    )
    np.testing.assert_array_equal(S[0], S[1])
    np.testing.assert_array_equal(S[0], S[2])


def test_empty_documents_are_never_duplicates():
    docs = ["", "  ", "...", "bão lũ miền Trung gây thiệt hại lớn", "bão lũ miền Trung gây thiệt hại lớn"]
    S = mekong.MinHash(num_perm=32).fit_transform(docs)
    assert (S[:3] == np.uint64(MASK)).all()
    assert mekong.MinHash.jaccard(S[0], S[1]) == 0.0
    assert mekong.MinHash.jaccard(S[0], S[0]) == 0.0
    assert mekong.MinHash.jaccard(S[3], S[4]) == 1.0
    nd = mekong.near_duplicates(docs, threshold=0.5, num_perm=32)
    assert nd.labels.tolist() == [-1, -1, -1, 0, 0]
    assert nd.pairs.tolist() == [[3, 4]]


def test_estimates_within_binomial_bound_of_exact_jaccard():
    rng = random.Random(5)
    num_perm = 256
    mh = mekong.MinHash(num_perm=num_perm, words=False)
    pairs = []
    for _ in range(40):
        base = random_doc(rng, rng.randint(30, 200))
        other = reprint(rng, base, rng.randint(0, 30)) if rng.random() < 0.8 else random_doc(rng, 50)
        pairs.append((" ".join(base), " ".join(other)))
    S = mh.fit_transform([d for p in pairs for d in p])
    est = mekong.MinHash.jaccard(S[0::2], S[1::2])
    exact = np.array([ref_jaccard(a, b) for a, b in pairs])
    assert exact.min() < 0.2 and exact.max() > 0.9  # the pairs span the range
    # Each estimate is a binomial proportion: within 4.5 standard errors (a 1e-5 chance per pair).
    bound = 4.5 * np.sqrt(exact * (1 - exact) / num_perm) + 1.0 / num_perm
    assert (np.abs(est - exact) <= bound).all(), np.max(np.abs(est - exact) - bound)
    # and unbiased on average: the mean error is far below one standard error of one pair.
    assert abs(np.mean(est - exact)) < 0.02


def test_recall_on_generated_reprints_and_few_false_positives():
    docs, origin = reprint_corpus(seed=7)
    nd = mekong.near_duplicates(docs, threshold=0.8, words=False)
    found = {tuple(p) for p in nd.pairs.tolist()}
    truth = []
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            if origin[i] == origin[j] and ref_jaccard(docs[i], docs[j]) >= 0.8:
                truth.append((i, j))
    assert len(truth) > 100
    recall = sum(p in found for p in truth) / len(truth)
    assert recall >= 0.95, recall
    # Documents of different origins share no shingle: none may be reported; and no reported pair
    # is far below the threshold (the estimate cut admits some within ~2 standard errors of it).
    assert sum(origin[i] != origin[j] for i, j in found) == 0
    assert min(ref_jaccard(docs[i], docs[j]) for i, j in found) >= 0.65
    # with exact=True every reported pair is at or above the threshold, by the reference.
    nx = mekong.near_duplicates(docs, threshold=0.8, words=False, exact=True)
    for (i, j), e in zip(nx.pairs.tolist(), nx.exact):
        assert e == pytest.approx(ref_jaccard(docs[i], docs[j]), abs=1e-12)
        assert e >= 0.8
    recall_exact = sum(p in {tuple(q) for q in nx.pairs.tolist()} for p in truth) / len(truth)
    assert recall_exact >= 0.95, recall_exact


def test_groups_are_connected_components_of_the_pairs():
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    docs, _ = reprint_corpus(seed=3, n_base=20)
    docs += ["", "một bài khác hẳn về giá lúa ở An Giang"]
    nd = mekong.near_duplicates(docs, threshold=0.7, words=False)
    n = len(docs)
    assert nd.labels.shape == (n,)
    g = coo_matrix((np.ones(len(nd.pairs)), (nd.pairs[:, 0], nd.pairs[:, 1])), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    sizes = np.bincount(comp)
    for i in range(n):
        for j in range(n):
            same = comp[i] == comp[j] and sizes[comp[i]] > 1
            assert (nd.labels[i] >= 0 and nd.labels[i] == nd.labels[j]) == same
    assert (nd.labels[sizes[comp] == 1] == -1).all()
    # groups listed by their smallest member, each sorted
    firsts = [int(g[0]) for g in nd.groups]
    assert firsts == sorted(firsts)
    for k, members in enumerate(nd.groups):
        assert (nd.labels[members] == k).all() and list(members) == sorted(members)
    assert len(nd) == len(nd.groups) == nd.labels.max() + 1


def test_n_jobs_gives_identical_results():
    docs, _ = reprint_corpus(seed=11, n_base=30)
    a = mekong.MinHash(n_jobs=1).fit_transform(docs)
    b = mekong.MinHash(n_jobs=2).fit_transform(docs)
    c = mekong.MinHash(n_jobs=-1).fit_transform(docs)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    x = mekong.near_duplicates(docs, n_jobs=1, exact=True)
    y = mekong.near_duplicates(docs, n_jobs=2, exact=True)
    np.testing.assert_array_equal(x.pairs, y.pairs)
    np.testing.assert_array_equal(x.exact, y.exact)
    np.testing.assert_array_equal(x.labels, y.labels)


def test_signatures_input_equals_documents_input():
    docs, _ = reprint_corpus(seed=13, n_base=15)
    S = mekong.MinHash(num_perm=64, words=False).fit_transform(docs)
    a = mekong.near_duplicates(S, threshold=0.75)
    b = mekong.near_duplicates(docs, threshold=0.75, num_perm=64, words=False)
    np.testing.assert_array_equal(a.pairs, b.pairs)
    np.testing.assert_array_equal(a.estimated, b.estimated)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert a.exact is None and (a.bands, a.rows) == (b.bands, b.rows)
    np.testing.assert_array_equal(b.signatures, S)


def ref_lsh_params(threshold, num_perm, w_fp=0.5, w_fn=0.5):
    # datasketch's _optimal_param, with scipy's adaptive quadrature.
    from scipy.integrate import quad

    best, best_err = (0, 0), math.inf
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = quad(lambda s, r=r, b=b: 1 - (1 - s**r) ** b, 0.0, threshold)[0]
            fn = quad(lambda s, r=r, b=b: 1 - (1 - (1 - s**r) ** b), threshold, 1.0)[0]
            err = fp * w_fp + fn * w_fn
            if err < best_err:
                best, best_err = (b, r), err
    return best


@pytest.mark.parametrize("threshold,num_perm", [(0.8, 128), (0.5, 64), (0.9, 100), (0.3, 32)])
def test_lsh_params_with_weights_as_datasketch_chooses_them(threshold, num_perm):
    assert lsh_params(threshold, num_perm, weights=(0.5, 0.5)) == ref_lsh_params(threshold, num_perm)
    assert lsh_params(threshold, num_perm, weights=(0.2, 0.8)) == ref_lsh_params(threshold, num_perm, 0.2, 0.8)


def ref_recall_first(threshold, num_perm, need=0.99):
    from scipy.integrate import quad

    ok = []
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            if 1 - (1 - threshold**r) ** b >= need:
                ok.append((quad(lambda s, r=r, b=b: 1 - (1 - s**r) ** b, 0.0, threshold)[0], b, r))
    fp, b, r = min(ok)
    return b, r


@pytest.mark.parametrize("threshold,num_perm", [(0.8, 128), (0.5, 64), (0.9, 100), (0.6, 32)])
def test_lsh_params_default_reaches_candidate_recall_with_fewest_false_candidates(threshold, num_perm):
    b, r = lsh_params(threshold, num_perm)
    assert 1 - (1 - threshold**r) ** b >= 0.99
    assert (b, r) == ref_recall_first(threshold, num_perm)


def test_estimate_cut_keeps_pairs_at_the_threshold_95_percent_of_the_time():
    from scipy.stats import binom

    for t, m in [(0.8, 128), (0.5, 64), (0.9, 256)]:
        cut = mekong.dedup.estimate_cut(t, m)
        assert cut < t
        # P(estimate >= cut | J = t): the binomial itself, close to the normal approximation's 0.95
        assert binom.sf(math.ceil(cut * m) - 1, m, t) >= 0.93


def test_explicit_bands():
    docs = ["a b c d e f", "a b c d e f g"]
    nd = mekong.near_duplicates(docs, threshold=0.5, bands=32, num_perm=128, words=False)
    assert (nd.bands, nd.rows) == (32, 4)
    nd = mekong.near_duplicates(docs, threshold=0.5, bands=3, num_perm=128, words=False)
    assert (nd.bands, nd.rows) == (3, 42)


def test_empty_corpus_has_a_defined_result():
    S = mekong.MinHash(num_perm=8).fit_transform([])
    assert S.shape == (0, 8) and S.dtype == np.uint64
    nd = mekong.near_duplicates([], num_perm=8)
    assert nd.pairs.shape == (0, 2) and nd.labels.shape == (0,) and nd.groups == []


@pytest.mark.parametrize(
    "kwargs,exc",
    [
        ({"num_perm": 0}, ValueError),
        ({"num_perm": -3}, ValueError),
        ({"num_perm": 2.5}, TypeError),
        ({"shingle": 0}, ValueError),
        ({"seed": -1}, ValueError),
        ({"seed": "x"}, TypeError),
        ({"n_jobs": 0}, ValueError),
    ],
)
def test_minhash_bad_parameters(kwargs, exc):
    with pytest.raises(exc):
        mekong.MinHash(**kwargs).fit_transform(["a b c"])


@pytest.mark.parametrize(
    "kwargs,exc",
    [
        ({"threshold": 0}, ValueError),
        ({"threshold": -0.1}, ValueError),
        ({"threshold": 1.5}, ValueError),
        ({"threshold": float("nan")}, ValueError),
        ({"threshold": "high"}, ValueError),
        ({"num_perm": 0}, ValueError),
        ({"bands": 0}, ValueError),
        ({"bands": 500}, ValueError),
        ({"bands": 2.0}, TypeError),
        ({"exact": "yes"}, TypeError),
        ({"weights": (1,)}, ValueError),
    ],
)
def test_near_duplicates_bad_parameters(kwargs, exc):
    with pytest.raises(exc):
        mekong.near_duplicates(["a b c", "a b c"], **kwargs)


def test_bad_documents_and_signatures():
    with pytest.raises(ValueError, match="string object received"):
        mekong.MinHash().fit_transform("one text")
    with pytest.raises(TypeError, match="document 1"):
        mekong.MinHash().fit_transform(["a", 5])
    with pytest.raises(TypeError):
        mekong.near_duplicates(42)
    with pytest.raises(TypeError, match="uint64"):
        mekong.near_duplicates(np.zeros((3, 8)))
    with pytest.raises(ValueError, match="2-D"):
        mekong.near_duplicates(np.zeros(8, dtype=np.uint64))
    S = mekong.MinHash(num_perm=8).fit_transform(["a b c", "a b c"])
    with pytest.raises(ValueError, match="num_perm"):
        mekong.near_duplicates(S, num_perm=16)
    with pytest.raises(ValueError, match="exact"):
        mekong.near_duplicates(S, exact=True)
    with pytest.raises(ValueError, match="shape"):
        mekong.MinHash.jaccard(S[0], S[:, :4])
    with pytest.raises(TypeError):
        mekong.MinHash.jaccard(list(S[0]), S[1])


def test_minhash_is_an_estimator():
    mh = mekong.MinHash(num_perm=16, shingle=2)
    assert mh.get_params()["shingle"] == 2
    mh.set_params(num_perm=8)
    assert mh.fit(["x y z"]).num_perm_ == 8
    import pickle

    again = pickle.loads(pickle.dumps(mh))
    np.testing.assert_array_equal(again.transform(["x y z"]), mh.transform(["x y z"]))


# ---- stories(reprints=...): reprint groups count once, every member gets the story label ----

STORY_DOCS = [
    # a wire story and its reprints (one extra sentence or a changed word each)
    (
        "Bão số 4 đổ bộ vào Quảng Trị chiều nay, gió giật cấp 12, hàng nghìn ngôi nhà bị tốc mái, "
        "chính quyền sơ tán hơn 20 nghìn dân khỏi vùng trũng ven biển và cấm tàu thuyền ra khơi."
    ),
    (
        "Bão số 4 đổ bộ vào Quảng Trị chiều nay, gió giật cấp 12, hàng nghìn ngôi nhà bị tốc mái, "
        "chính quyền sơ tán hơn 20 nghìn dân khỏi vùng trũng ven biển và cấm tàu thuyền ra khơi. Theo TTXVN."
    ),
    (
        "Bão số 4 đổ bộ vào Quảng Trị chiều nay, gió giật cấp 12, hàng nghìn ngôi nhà bị tốc mái, "
        "chính quyền đã sơ tán hơn 20 nghìn dân khỏi vùng trũng ven biển và cấm tàu thuyền ra khơi."
    ),
    # another outlet's own report of the same storm
    "Quảng Trị: bão số 4 làm tốc mái hàng nghìn ngôi nhà, hơn 20 nghìn dân được sơ tán khỏi vùng trũng.",
    # an unrelated story and its reprint, nothing else on it
    (
        "Giá lúa ở An Giang tăng mạnh trong tuần qua do nhu cầu xuất khẩu gạo sang Philippines tăng cao, "
        "nông dân phấn khởi vì lãi gần gấp đôi vụ trước."
    ),
    (
        "Giá lúa ở An Giang tăng mạnh trong tuần qua do nhu cầu xuất khẩu gạo sang Philippines tăng cao, "
        "nông dân phấn khởi vì lãi gần gấp đôi vụ trước. (Nguồn: báo Cần Thơ)"
    ),
    "Hội thảo về chuyển đổi số trong giáo dục đại học diễn ra tại Hà Nội với sự tham gia của 200 đại biểu.",
]


def test_stories_collapse_reprints_first():
    X = mekong.TfidfVectorizer().fit_transform(STORY_DOCS)
    nd = mekong.near_duplicates(STORY_DOCS, threshold=0.7)
    assert nd.labels.tolist() == [0, 0, 0, -1, 1, 1, -1]
    st = mekong.stories(X, threshold=0.2, reprints=nd)
    labels = st.labels.tolist()
    # every member of a reprint group has one story label
    assert labels[0] == labels[1] == labels[2] >= 0 and labels[4] == labels[5] >= 0
    # reference: stories over the stand-ins (first member of each group, every other row), spread by hand
    keep = [0, 3, 4, 6]
    sub = mekong.stories(X[keep], threshold=0.2).labels.tolist()
    stand_in = {0: 0, 1: 0, 2: 0, 3: 1, 4: 2, 5: 2, 6: 3}
    expect = [sub[stand_in[i]] for i in range(len(STORY_DOCS))]
    # a reprint group in no story is a story of its own; labels in order of first document
    if expect[4] < 0:
        expect[4] = expect[5] = max(expect) + 1
    relabel = {}
    expect = [-1 if v < 0 else relabel.setdefault(v, len(relabel)) for v in expect]
    assert labels == expect
    assert labels[6] == -1
    # the labels alone do the same as the result object
    assert mekong.stories(X, threshold=0.2, reprints=nd.labels).labels.tolist() == labels
    # every document keeps its row
    assert len(st.labels) == len(STORY_DOCS)
    assert sorted(int(i) for g in st.groups for i in g.members) == [i for i, v in enumerate(labels) if v >= 0]


def test_stories_reprints_bad_input():
    X = mekong.TfidfVectorizer().fit_transform(STORY_DOCS)
    with pytest.raises(ValueError, match="labels for"):
        mekong.stories(X, reprints=[0, 0])
    with pytest.raises(TypeError):
        mekong.stories(X, reprints=[0.5] * len(STORY_DOCS))
    with pytest.raises(ValueError, match=">= -1"):
        mekong.stories(X, reprints=[-2] * len(STORY_DOCS))
    with pytest.raises(ValueError, match="dates"):
        mekong.stories(X, reprints=[-1] * len(STORY_DOCS), dates=["2025-01-01"])


def test_docstring_examples():
    import doctest

    import mekong.dedup

    failures, _ = doctest.testmod(mekong.dedup, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
