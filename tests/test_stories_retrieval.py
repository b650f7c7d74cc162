"""Same-story retrieval (mekong.stories.story_neighbours): against a slow dense reference of the same
ranking (expansion, neighbour re-ranking, the window's decay), against top_k_similar(rerank="expansion"),
padding, bad input, and the labelled check where plain cosine ranks same-topic articles of another
season first."""

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from test_stories import ref_rerank

import mekong
from mekong.stories import (
    AUTO_WINDOW_DAYS,
    EXPAND_NEIGHBOURS,
    STORY_CANDIDATE_FACTOR,
    STORY_CANDIDATES_MIN,
    WINDOW_DECAY_POWER,
    story_neighbours,
)

CHECK = Path(__file__).parent / "data" / "stories-check"


def ref_story_neighbours(X, k, days=None, window=None, m=EXPAND_NEIGHBOURS, rerank=False):
    """Dense and slow: each row's candidates by expanded cosine (the wide list with a window),
    re-ranked when asked, then in window (or undated) first, then the rest."""
    D = X.toarray().astype(np.float64)

    def unit(A):
        norms = np.linalg.norm(A, axis=1)
        norms[norms == 0] = 1
        return A / norms[:, None]

    def near(i, j):
        if days is None or window is None or np.isnan(days[i]) or np.isnan(days[j]):
            return True
        return abs(days[i] - days[j]) <= window

    def ranked(S, i):
        cand = sorted((-S[i, j], j) for j in range(len(S)) if j != i and S[i, j] > 0)
        return [(j, -s) for s, j in cand if near(i, j)] + [(j, -s) for s, j in cand if not near(i, j)]

    U = unit(D)
    S = U @ U.T
    E = U.copy()
    if m:
        for i in range(len(D)):
            for j, s in [(j, s) for j, s in ranked(S, i) if near(i, j)][:m]:
                E[i] += s * U[j]
    SE = unit(E) @ unit(E).T
    n = len(D)
    kk = min(k, n - 1)
    wide = kk if window is None else min(n - 1, max(STORY_CANDIDATE_FACTOR * kk, kk + STORY_CANDIDATES_MIN))
    index, score = np.full((n, wide), -1), np.full((n, wide), np.nan)
    for i in range(n):
        cand = sorted((-SE[i, j], j) for j in range(n) if j != i and SE[i, j] > 0)[:wide]
        for q, (s, j) in enumerate(cand):
            index[i, q], score[i, q] = j, -s
    if rerank:
        index, score = ref_rerank(index, score)
    out_i, out_s = np.full((n, kk), -1), np.full((n, kk), np.nan)
    for i in range(n):
        listed = [(int(j), s) for j, s in zip(index[i], score[i]) if j >= 0]

        # Up to twice the window, a document further than the window keeps (window / gap) **
        # WINDOW_DECAY_POWER of its score; further still, it comes after those, by its own score.
        def beyond(j, i=i):
            return not near(i, j) and abs(days[i] - days[j]) > 2 * window

        close = [
            (j, s if near(i, j) else s * (window / abs(days[i] - days[j])) ** WINDOW_DECAY_POWER)
            for j, s in listed
            if not beyond(j)
        ]
        row = sorted(close, key=lambda t: -t[1]) + [(j, s) for j, s in listed if beyond(j)]  # stable
        for q, (j, s) in enumerate(row[:kk]):
            out_i[i, q], out_s[i, q] = j, s
    return out_i, out_s


def corpus(seed, n=12, d=30):
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=0.25, random_state=rng, format="csr")
    days = rng.integers(0, 40, n).astype(float)
    days[rng.random(n) < 0.2] = np.nan  # some documents without a date
    dates = [None if np.isnan(v) else str(np.datetime64("2026-01-01") + int(v)) for v in days]
    return X, days, dates


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("expand", [None, 1, 3])
@pytest.mark.parametrize("rerank", [None, "neighbours"])
def test_story_neighbours_equal_the_dense_reference(seed, expand, rerank):
    X, days, dates = corpus(seed)
    for k in (2, 5):
        idx, sc = story_neighbours(X, k=k, dates=dates, window=7, expand=expand, rerank=rerank, masked=False)
        ref_i, ref_s = ref_story_neighbours(X, k, days, 7.0, expand or 0, rerank=rerank is not None)
        np.testing.assert_array_equal(idx, ref_i)
        np.testing.assert_allclose(sc, ref_s, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_story_neighbours_defaults_expand_and_rerank(seed):
    X, days, dates = corpus(seed)
    idx, sc = story_neighbours(X, k=4, masked=False)
    ref_i, ref_s = ref_story_neighbours(X, 4, rerank=True)
    np.testing.assert_array_equal(idx, ref_i)
    np.testing.assert_allclose(sc, ref_s, rtol=1e-9, atol=1e-12)
    dated, _ = story_neighbours(X, k=4, dates=dates, masked=False)
    # dates with window="auto": AUTO_WINDOW_DAYS
    np.testing.assert_array_equal(dated, ref_story_neighbours(X, 4, days, AUTO_WINDOW_DAYS, rerank=True)[0])


@pytest.mark.parametrize("seed", range(4))
def test_story_neighbours_three_neighbours_no_rerank_is_the_expanded_top_k(seed):
    X, _, _ = corpus(seed)
    idx, sc = story_neighbours(X, k=4, expand=EXPAND_NEIGHBOURS, rerank=None, masked=False)
    top_i, top_s = mekong.top_k_similar(X, k=4, rerank="expansion")
    np.testing.assert_array_equal(idx, top_i)
    np.testing.assert_allclose(sc, top_s, rtol=1e-9)


def test_story_neighbours_same_for_any_n_jobs_and_search():
    X, _, dates = corpus(7, n=40, d=60)
    base = story_neighbours(X, k=5, dates=dates, masked=False)
    for n_jobs in (2, -1):
        np.testing.assert_array_equal(story_neighbours(X, k=5, dates=dates, n_jobs=n_jobs, masked=False)[0], base[0])
    # Rows shorter than the pruned search's term budget: the pruned search is exact.
    np.testing.assert_array_equal(story_neighbours(X, k=5, dates=dates, search="pruned", masked=False)[0], base[0])


def test_story_neighbours_padding_is_masked():
    X = sp.csr_matrix(np.array([[1.0, 1, 0, 0], [1, 0.5, 0, 0], [0, 0, 0, 1]]))  # row 2 shares nothing
    idx, sc = story_neighbours(X, k=2)
    assert np.ma.isMaskedArray(idx) and np.ma.isMaskedArray(sc)
    assert idx.mask[2].all() and not idx.mask[0, 0]
    assert idx.compressed().tolist() == [1, 0]
    raw, raw_s = story_neighbours(X, k=2, masked=False)
    assert raw[2].tolist() == [-1, -1] and np.isnan(raw_s[2]).all()


def test_story_neighbours_one_and_zero_documents():
    X = mekong.TfidfVectorizer().fit_transform(["bão số 4 đổ bộ Quảng Trị"])
    idx, sc = story_neighbours(X, k=3, dates=["2026-09-14"])
    assert idx.shape == (1, 0) and sc.shape == (1, 0)
    idx, _ = story_neighbours(sp.csr_matrix((0, 5)), k=3)
    assert idx.shape == (0, 0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(window=7), "window needs dates"),
        (dict(dates=["2026-01-01"]), "dates has 1 values for 3 documents"),
        (dict(k=0), "k must be a positive integer"),
        (dict(expand=-1), "expand must be"),
        (dict(dates=["2026-01-01", "x", None]), "date 1 is not a date"),
        (dict(dates=[None] * 3, window="week"), "window must be"),
        (dict(rerank="expansion"), "rerank must be None or 'neighbours'"),
    ],
)
def test_story_neighbours_bad_input(kwargs, message):
    X = sp.csr_matrix(np.eye(3))
    with pytest.raises(ValueError, match=message):
        story_neighbours(X, **kwargs)


def _mean_average_precision(index, events):
    members = defaultdict(set)
    for i, e in enumerate(events):
        if e:
            members[e].add(i)
    aps = []
    for i, e in enumerate(events):
        relevant = members[e] - {i} if e else set()
        if not relevant:
            continue
        hits, ap = 0, 0.0
        for rank, j in enumerate(np.ma.filled(index[i], -1).tolist(), start=1):
            if j in relevant:
                hits += 1
                ap += hits / rank
        aps.append(ap / len(relevant))
    return float(np.mean(aps))


def test_same_topic_article_of_another_season_outranked_partner_map_below_target():
    """Plain cosine put a same-topic article of another season (a storm a month before, last
    year's prices) above another outlet's version of the event; with dates the version comes first."""
    texts, meta = mekong.read_corpus(CHECK / "articles", metadata=CHECK / "metadata.csv")
    events = [e if isinstance(e, str) and e else None for e in meta["event"]]
    X = mekong.TfidfVectorizer().fit_transform(texts)
    n = X.shape[0]
    plain = _mean_average_precision(mekong.top_k_similar(X, k=n - 1)[0], events)
    dated = _mean_average_precision(story_neighbours(X, k=n - 1, dates=list(meta["date"]))[0], events)
    assert plain < 0.99  # the check has same-topic distractors that plain cosine ranks too high
    assert dated == 1.0
