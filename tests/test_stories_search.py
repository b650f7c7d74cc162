"""Story groups and query ranking, on the bundled sample whose metadata names shared events."""

from collections import defaultdict

import numpy as np
import pytest

import mekong


@pytest.fixture(scope="module")
def tfidf(sample):
    tv = mekong.TfidfVectorizer()
    return tv, tv.fit_transform(sample.texts)


def event_members(sample):
    events = defaultdict(set)
    for i, e in enumerate(sample.events):
        if e:
            events[e].add(i)
    return events


def test_sample_has_events(sample):
    events = event_members(sample)
    assert len(sample) >= 40 and len(events) >= 5
    assert all(len(m) >= 2 for m in events.values())


def test_event_articles_are_each_others_nearest_neighbours(sample, tfidf):
    _, X = tfidf
    idx, _ = mekong.top_k_similar(X, k=1)
    for event, members in event_members(sample).items():
        for i in members:
            assert int(idx[i, 0]) in members, (event, sample.ids[i], sample.ids[int(idx[i, 0])])


@pytest.mark.parametrize("n_jobs", [1, -1])
def test_story_groups_are_exactly_the_events(sample, tfidf, n_jobs):
    tv, X = tfidf
    result = mekong.stories(X, feature_names=tv.get_feature_names_out(), n_jobs=n_jobs)
    for event, members in event_members(sample).items():
        labels = {int(result.labels[i]) for i in members}
        assert len(labels) == 1 and -1 not in labels, event
        group = set(np.flatnonzero(result.labels == labels.pop()).tolist())
        assert group == members, (event, sorted(sample.ids[i] for i in group))
    for g in result:
        assert g.size == len(g.members) >= 2
        assert g.representative in g.members
        assert g.top_terms and all(isinstance(t, str) for t, _ in g.top_terms)


def test_stories_linkage_against_brute_force_average_linkage(tfidf):
    _, X = tfidf
    k, threshold = 10, 0.3
    idx, sc = mekong.top_k_similar(X, k=k)
    n = X.shape[0]
    sim = np.zeros((n, n))
    for i in range(n):
        for j, s in zip(idx[i], sc[i]):
            if j >= 0:  # every listed pair counts, as in UPGMA over the kNN graph
                sim[i, j] = sim[j, i] = max(sim[i, j], s)
    groups = [[i] for i in range(n)]
    while True:
        best, pair = threshold, None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                avg = sim[np.ix_(groups[a], groups[b])].mean()
                if avg > best:
                    best, pair = avg, (a, b)
        if pair is None:
            break
        a, b = pair
        groups[a] += groups.pop(b)
    labels = mekong.stories(X, threshold=threshold, k=k, rerank=None).labels
    for grp in groups:
        if len(grp) == 1:
            assert labels[grp[0]] == -1
        else:
            assert len({int(labels[i]) for i in grp}) == 1 and labels[grp[0]] >= 0
    assert len({int(l) for l in labels if l >= 0}) == sum(len(g) > 1 for g in groups)


def test_stories_bad_input(tfidf):
    _, X = tfidf
    with pytest.raises(ValueError, match="threshold"):
        mekong.stories(X, threshold=1.5)
    empty = mekong.stories(X[:0])
    assert len(empty) == 0 and empty.labels.shape == (0,)


@pytest.mark.parametrize("method", ["cosine", "bm25"])
def test_search_index_finds_the_event_partner(sample, method):
    index = mekong.SearchIndex(method=method).fit(sample.texts)
    for event, members in event_members(sample).items():
        i = min(members)
        idx, scores = index.rank([sample.texts[i]], k=len(members))
        assert set(idx[0].tolist()) == members, (method, event)
        assert np.all(np.diff(scores[0]) <= 0)


def test_search_index_rank_short_query():
    docs = ["Kon Tum ký kết hợp tác với Attapư", "Giá lúa tăng ở An Giang", "Bão số 4 đổ bộ"]
    for method in ("cosine", "bm25"):
        idx, scores = mekong.SearchIndex(method=method).fit(docs).rank("giá lúa", k=3)
        assert int(idx[0, 0]) == 1 and (idx[0, 1:] == -1).all()
