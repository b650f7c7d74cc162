"""The name rule of mekong.stories: pairs the date window cannot vouch for, naming no one in common."""

import numpy as np
import pytest
import scipy.sparse as sp

import mekong
from mekong.stories import (
    NAME_CONFLICT_SHARE,
    StoryClusterer,
    entity_columns,
    name_conflicts,
    neighbour_lists,
)


def reference_name_conflicts(X, index, score, entities, day=None, window=None, share=NAME_CONFLICT_SHARE):
    """Pair by pair with Python sets: the obviously-correct version of name_conflicts."""
    X = sp.csr_matrix(X)
    names = [{int(c) for c, v in zip(X[i].indices, X[i].data) if v != 0 and entities[c]} for i in range(X.shape[0])]
    # Only names two or more documents write take part.
    written = {c for c in set().union(*names) if sum(c in row for row in names) >= 2}
    names = [row & written for row in names]
    out_i, out_s = [], []
    for i in range(index.shape[0]):
        row = []
        for q in range(index.shape[1]):
            j = int(index[i, q])
            if j < 0:
                continue
            s = float(score[i, q])
            dated = day is not None and window is not None and np.isfinite(day[i]) and np.isfinite(day[j])
            if names[i] and names[j] and not dated and not (names[i] & names[j]):
                s *= share
            row.append((q, j, s))
        row.sort(key=lambda t: (-t[2], t[0]))  # best first; ties keep the list's order
        out_i.append([j for _, j, _ in row] + [-1] * (index.shape[1] - len(row)))
        out_s.append([s for _, _, s in row] + [np.nan] * (index.shape[1] - len(row)))
    return np.array(out_i, dtype=np.int64), np.array(out_s)


def random_corpus(seed, n=40, d=30):
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=0.15, random_state=rng, format="csr")
    entities = rng.random(d) < 0.3
    return X, entities, rng


@pytest.mark.parametrize("seed", range(8))
def test_name_conflicts_equal_reference_without_dates(seed):
    X, entities, _ = random_corpus(seed)
    index, score = neighbour_lists(X, 6)
    got_i, got_s = name_conflicts(X, index, score, entities)
    ref_i, ref_s = reference_name_conflicts(X, index, score, entities)
    assert np.array_equal(got_i, ref_i)
    np.testing.assert_allclose(got_s, ref_s, equal_nan=True)


@pytest.mark.parametrize("seed", range(8))
def test_name_conflicts_equal_reference_with_partial_dates(seed):
    X, entities, rng = random_corpus(seed)
    index, score = neighbour_lists(X, 6)
    days = rng.integers(0, 30, X.shape[0]).astype(float)
    days[rng.random(X.shape[0]) < 0.4] = np.nan
    dates = [None if np.isnan(v) else np.datetime64("2026-01-01") + int(v) for v in days]
    got_i, got_s = name_conflicts(X, index, score, entities, dates=dates, window=6.0)
    ref_i, ref_s = reference_name_conflicts(X, index, score, entities, day=days, window=6.0)
    assert np.array_equal(got_i, ref_i)
    np.testing.assert_allclose(got_s, ref_s, equal_nan=True)


def test_name_conflicts_leave_pairs_of_known_dates_alone():
    X, entities, _ = random_corpus(3)
    index, score = neighbour_lists(X, 6)
    dates = ["2026-01-01"] * X.shape[0]
    got_i, got_s = name_conflicts(X, index, score, entities, dates=dates, window=6.0)
    assert np.array_equal(got_i, index)
    np.testing.assert_array_equal(got_s, score)


def test_name_conflicts_bad_input():
    X, entities, _ = random_corpus(0)
    index, score = neighbour_lists(X, 4)
    with pytest.raises(ValueError, match="flags for 30 columns"):
        name_conflicts(X, index, score, entities[:5])
    with pytest.raises(ValueError, match="shape"):
        name_conflicts(X, index[:3], score[:3], entities)


def test_entity_columns_are_the_alias_keys():
    names = np.array(["name:hanoi", "hà_nội", "name:cantho", "sốt", "username:x"], dtype=object)
    assert entity_columns(names).tolist() == [True, False, True, False, False]
    v = mekong.TfidfVectorizer(aliases=True).fit(["Bão đổ bộ Quảng Trị, ông Nguyễn Văn An nói."])
    found = v.get_feature_names_out()[entity_columns(v.get_feature_names_out())]
    assert set(found) == {"name:quangtri", "name:nguyenvanan"}


# Hand-worked: four reports of dengue, two naming Hà Nội and two Cần Thơ. Terms a, b shared by all,
# c by 0 and 2, d by 1 and 3; all weights 1, so each row has norm 2 and the cosines are
# (0,1) = (2,3) = (0,2) = (1,3) = 3/4 and (0,3) = (1,2) = 2/4.
FEATURES = np.array(["a", "b", "c", "d", "name:hanoi", "name:cantho"], dtype=object)
ROWS = [[1, 1, 1, 0, 1, 0], [1, 1, 0, 1, 1, 0], [1, 1, 1, 0, 0, 1], [1, 1, 0, 1, 0, 1]]
PLAIN = dict(threshold=0.4, k=3, rerank=None, expand=None)


def test_undated_same_topic_events_in_two_places_are_split_by_their_names():
    X = sp.csr_matrix(np.array(ROWS, dtype=float))
    # Without the names: every pair above 0.4, average across {0,1} and {2,3} = (3+2+2+3)/16 = 0.625.
    assert mekong.stories(X, entities=None, **PLAIN).labels.tolist() == [0, 0, 0, 0]
    # With them the four cross pairs keep half: (0.375 + 0.25 + 0.25 + 0.375) / 4 = 0.3125 < 0.4.
    labels = mekong.stories(X, feature_names=FEATURES, entities="auto", **PLAIN).labels.tolist()
    assert labels == [0, 0, 1, 1]
    assert mekong.stories(X, entities=[4, 5], **PLAIN).labels.tolist() == labels
    assert mekong.stories(X, entities=entity_columns(FEATURES), **PLAIN).labels.tolist() == labels


def test_the_name_rule_is_off_by_default():
    """Opt-in: on a blind labelled set it lowered ARI (outlets' versions of one economic story
    naming different places), so name columns alone do not turn it on."""
    X = sp.csr_matrix(np.array(ROWS, dtype=float))
    assert mekong.stories(X, feature_names=FEATURES, **PLAIN).labels.tolist() == [0, 0, 0, 0]
    assert mekong.StoryClusterer(**PLAIN).get_params()["entities"] is None


def test_names_do_not_touch_pairs_the_window_vouches_for():
    X = sp.csr_matrix(np.array(ROWS, dtype=float))
    dates = ["2026-06-01", "2026-06-02", "2026-06-02", "2026-06-03"]
    named = dict(feature_names=FEATURES, entities="auto", **PLAIN)
    assert mekong.stories(X, dates=dates, **named).labels.tolist() == [0, 0, 0, 0]
    # Document 2 undated: its cross pairs (0,2) and (1,2) are judged and halved; (2,3) shares a
    # name and keeps 0.75. {0,1} and {2,3} then average (0.375 + 0.5 + 0.25 + 0.75) / 4 = 0.46875
    # > 0.4: document 3's dated, unchanged pairs still carry the join.
    dates[2] = None
    assert mekong.stories(X, dates=dates, **named).labels.tolist() == [0, 0, 0, 0]
    # Both of one place undated: every cross pair judged, as without dates.
    dates[3] = None
    assert mekong.stories(X, dates=dates, **named).labels.tolist() == [0, 0, 1, 1]


def test_a_name_only_one_article_writes_is_no_evidence():
    # Document 4 names only "name:quy" (a capitalised sentence start read as a name), which no other
    # document writes: it can never be shared, so document 4's pairs are not judged. Without the rule
    # every pair of document 4 with a named document was halved.
    features = np.array(["a", "b", "c", "d", "name:hanoi", "name:cantho", "name:quy"], dtype=object)
    rows = [
        [1, 1, 1, 0, 1, 0, 0],
        [1, 1, 0, 1, 1, 0, 0],
        [1, 1, 1, 0, 0, 1, 0],
        [1, 1, 0, 1, 0, 1, 0],
        [1, 1, 1, 1, 0, 0, 1],
    ]
    X = sp.csr_matrix(np.array(rows, dtype=float))
    index, score = neighbour_lists(X, 4)
    out_i, out_s = name_conflicts(X, index, score, entity_columns(features))
    before = {(i, int(j)): s for i in range(5) for j, s in zip(index[i], score[i]) if j >= 0}
    after = {(i, int(j)): s for i in range(5) for j, s in zip(out_i[i], out_s[i]) if j >= 0}
    assert len(before) == 20  # every pair listed both ways
    halved = {p for p in before if after[p] != before[p]}
    hanoi, cantho = {0, 1}, {2, 3}
    assert halved == {(i, j) for i, j in before if (i in hanoi and j in cantho) or (i in cantho and j in hanoi)}
    for p in halved:
        assert after[p] == pytest.approx(before[p] * NAME_CONFLICT_SHARE)


def test_entities_auto_without_name_columns_is_off():
    X, _, _ = random_corpus(5)
    plain = mekong.stories(X).labels
    names = np.array([f"t{i}" for i in range(X.shape[1])], dtype=object)
    assert np.array_equal(mekong.stories(X, feature_names=names, entities="auto").labels, plain)
    assert np.array_equal(mekong.stories(X, entities=None).labels, plain)


def test_entities_bad_values():
    X = sp.csr_matrix(np.array(ROWS, dtype=float))
    with pytest.raises(ValueError, match="entities must be"):
        mekong.stories(X, entities="names")
    with pytest.raises(ValueError, match="flags for 6 columns"):
        mekong.stories(X, entities=np.ones(3, dtype=bool))
    with pytest.raises(ValueError, match="outside"):
        mekong.stories(X, entities=[6])


def test_story_clusterer_takes_entities():
    from sklearn.base import clone

    X = sp.csr_matrix(np.array(ROWS, dtype=float))
    est = StoryClusterer(entities=[4, 5], **PLAIN)
    assert est.get_params()["entities"] == [4, 5]
    assert clone(est).fit_predict(X).tolist() == [0, 0, 1, 1]
    assert StoryClusterer(**PLAIN).fit_predict(X).tolist() == [0, 0, 0, 0]
