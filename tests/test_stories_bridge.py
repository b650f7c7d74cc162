"""Other writings by their names (mekong.stories bridge) and the window's decay in same-story
retrieval: plain_writing by hand, bridge_writings and bridge_neighbours against pair-by-pair
references, hand-worked corpora with an English edition, and bad input."""

import numpy as np
import pytest
import scipy.sparse as sp

import mekong
from mekong.stories import (
    BRIDGE_MIN_SHARED_NAMES,
    BRIDGE_NAME_COSINE,
    PLAIN_WRITING_SHARE,
    WINDOW_DECAY_POWER,
    _window_decay,
    bridge_neighbours,
    bridge_writings,
    entity_columns,
    plain_writing,
    story_neighbours,
)

STORM = [
    "Bão Mun đổ bộ Quảng Trị, một người chết\nĐêm 18/9, bão Mun đổ bộ vào Quảng Trị với sức gió cấp 12. Tại Lệ "
    "Thủy, hàng nghìn ngôi nhà bị tốc mái, một người dân ở Đồng Hới chết do cây đổ.",
    "Quảng Trị: hàng nghìn nhà tốc mái sau bão Mun\nRạng sáng 18/9, bão Mun quét qua Lệ Thủy và Đồng Hới, làm một "
    "người chết, hơn 2.000 ngôi nhà hư hỏng, nhiều tuyến đường ở Quảng Trị bị ngập.",
    "Bão Mun gây thiệt hại nặng ở Lệ Thủy\nSáng 19/9, chính quyền Quảng Trị cho biết bão Mun làm một người chết ở "
    "Đồng Hới, tốc mái nhà dân tại Lệ Thủy, cây đổ chắn nhiều tuyến đường.",
]
RICE = [
    "Giá lúa tăng mạnh ở An Giang\nNgày 18/9, thương lái tại An Giang mua lúa tươi với giá 7.500 đồng/kg, tăng 300 "
    "đồng so với tuần trước; nông dân Châu Phú phấn khởi.",
    "An Giang: lúa tươi lên 7.500 đồng một ký\nSáng 19/9, giá lúa tại Châu Phú, An Giang tăng thêm 300 đồng, thương "
    "lái đến tận ruộng thu mua, nông dân có lãi.",
]
ENGLISH_STORM = (
    "Typhoon Mun slams into Quang Tri, one dead\nTyphoon Mun made landfall in Quang Tri on the night of September "
    "18, 2026, killing one person in Dong Hoi and damaging thousands of houses in Le Thuy, officials said."
)
DATES = ["2026-09-18", "2026-09-18", "2026-09-19", "2026-09-18", "2026-09-19"]


def cli_matrix(docs):
    """The CLI's options: the name columns are alias keys ("name:quangtri")."""
    v = mekong.TfidfVectorizer(clean=True, stop_words="vietnamese", aliases=True, sublinear_tf=True)
    X = v.fit_transform(docs)
    return X, v.get_feature_names_out()


# --- plain_writing -----------------------------------------------------------------------------


def test_plain_writing_hand_worked():
    terms = ["bão", "the", "storm", "quảng", "2026", "name:quangtri", "nhà", "houses"]
    names = np.array([t.startswith("name:") for t in terms])
    X = sp.csr_matrix(
        np.array(
            [
                [1, 0, 0, 1, 1, 1, 1, 0],  # Vietnamese: 0 of 3 alphabetic terms plain
                [0, 1, 1, 0, 1, 1, 0, 1],  # English: 3 of 3 (the name column and the number left out)
                [0, 0, 0, 0, 1, 1, 0, 0],  # only a number and a name: no alphabetic term, not plain
                [1, 1, 1, 0, 0, 0, 1, 1],  # 3 of 5 plain: 0.6 < PLAIN_WRITING_SHARE
                [1, 1, 1, 0, 0, 0, 0, 1],  # 3 of 4: 0.75 < 0.8
                [0, 1, 1, 0, 0, 0, 0, 1],  # all plain
            ],
            dtype=float,
        )
    )
    assert PLAIN_WRITING_SHARE == 0.8
    assert plain_writing(X, terms, names).tolist() == [False, True, False, False, False, True]
    # Without the mask a name column counts as a term: "name:quangtri" is plain ASCII.
    assert plain_writing(X, terms).tolist() == [False, True, True, False, False, True]


def test_plain_writing_bad_input():
    with pytest.raises(ValueError, match="feature_names has 2 names for 3 columns"):
        plain_writing(sp.csr_matrix(np.eye(3)), ["a", "b"])


# --- bridge_writings against a pair-by-pair reference --------------------------------------------


def ref_bridge_writings(X, labels, names, plain, days, window, bar, shared=1):
    """Every group of the main writing tried for every lone dated document of the other writing,
    with dense cosines: the obviously-correct version of bridge_writings."""
    D = X.toarray()[:, names]
    norms = np.linalg.norm(D, axis=1)
    U = D / np.where(norms > 0, norms, 1.0)[:, None]
    n = len(labels)
    minority = plain if plain.sum() * 2 < n else ~plain
    out = np.array(labels, dtype=np.int64)
    if minority.any() and not minority.all() and names.any():
        groups = {}
        for j in range(n):
            if not minority[j]:
                groups.setdefault(labels[j] if labels[j] >= 0 else -1 - j, []).append(j)
        joined, nxt = {}, max(int(np.max(labels)) + 1, 0)
        for i in range(n):
            if not minority[i] or labels[i] >= 0 or np.isnan(days[i]) or norms[i] == 0:
                continue
            best = None
            for key, mem in groups.items():
                known = [days[m] for m in mem if not np.isnan(days[m])]
                if not known or max(known + [days[i]]) - min(known + [days[i]]) > window:
                    continue
                avg = float(np.mean([U[i] @ U[m] for m in mem]))
                common = sum(1 for c in range(D.shape[1]) if D[i, c] != 0 and any(D[m, c] != 0 for m in mem))
                if avg >= bar and common >= shared and (best is None or (avg, -min(mem)) > best[0]):
                    best = ((avg, -min(mem)), key)
            if best is None:
                continue
            key = best[1]
            if key >= 0:
                out[i] = key
            else:
                if key not in joined:
                    joined[key], nxt = nxt, nxt + 1
                    out[-1 - key] = joined[key]
                out[i] = joined[key]
    order, renumbered = {}, np.full(n, -1, dtype=np.int64)
    for i in range(n):
        if out[i] >= 0:
            renumbered[i] = order.setdefault(int(out[i]), len(order))
    return renumbered


def random_case(seed, n=30, d=24):
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=0.3, random_state=rng, format="csr")
    names = rng.random(d) < 0.4
    plain = rng.random(n) < 0.3
    labels = rng.integers(-1, 6, n)
    days = rng.integers(0, 20, n).astype(float)
    days[rng.random(n) < 0.2] = np.nan
    dates = [None if np.isnan(v) else str(np.datetime64("2026-01-01") + int(v)) for v in days]
    return X, labels, names, plain, days, dates


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("bar", [0.1, BRIDGE_NAME_COSINE, 0.5])
@pytest.mark.parametrize("shared", [1, BRIDGE_MIN_SHARED_NAMES, 3])
def test_bridge_writings_equal_the_reference(seed, bar, shared):
    X, labels, names, plain, days, dates = random_case(seed)
    got = bridge_writings(X, labels, names, plain, dates=dates, window=6.0, min_cosine=bar, min_shared_names=shared)
    np.testing.assert_array_equal(got, ref_bridge_writings(X, labels, names, plain, days, 6.0, bar, shared))


def test_bridge_writings_reference_joins_some():
    """The random cases above exercise joins to stories and to lone documents, not only no-ops."""
    moved = lone = 0
    for seed in range(8):
        X, labels, names, plain, days, _ = random_case(seed)
        ref = ref_bridge_writings(X, labels, names, plain, days, 6.0, 0.1)
        before = ref_bridge_writings(X, labels, names, plain, days, 6.0, 2.0)  # nothing can reach 2
        moved += int(((ref >= 0) & (before < 0)).sum())
        lone += int(((ref >= 0) & (before < 0) & ~plain).sum())
    assert moved > 0 and lone > 0


def test_bridge_writings_hand_worked():
    # Columns 0-1 are names; documents 0-2 Vietnamese (a story of 0 and 1, 2 alone), 3 and 4 English.
    X = sp.csr_matrix(
        np.array(
            [
                [1.0, 0, 1, 0],
                [1.0, 1, 0, 1],
                [0.0, 1, 1, 0],
                [1.0, 0, 0, 0],  # names what 0 and 1 name: cosines 1 and 1/sqrt(2), average 0.854
                [0.0, 1, 0, 0],  # names what 2 names (and 1): story {0, 1} averages 0.354, 2 alone 1.0
            ]
        )
    )
    names = np.array([True, True, False, False])
    plain = np.array([False, False, False, True, True])
    labels = np.array([0, 0, -1, -1, -1])
    dates = ["2026-09-18", "2026-09-18", "2026-09-19", "2026-09-19", "2026-09-19"]
    got = bridge_writings(X, labels, names, plain, dates=dates, window=6.0, min_shared_names=1)
    assert got.tolist() == [0, 0, 1, 0, 1]
    # Ten days after the story: document 3 stays alone; 4 still joins 2 (one day apart).
    late = dates[:3] + ["2026-09-28", "2026-09-19"]
    assert bridge_writings(X, labels, names, plain, dates=late, window=6.0, min_shared_names=1).tolist() == [
        0,
        0,
        1,
        -1,
        1,
    ]
    # Undated, the bridged document cannot join: the dates must vouch too.
    assert bridge_writings(
        X, labels, names, plain, dates=dates[:3] + [None, None], window=6.0, min_shared_names=1
    ).tolist() == [
        0,
        0,
        -1,
        -1,
        -1,
    ]
    # A group with no known date cannot vouch either.
    assert bridge_writings(
        X, labels, names, plain, dates=[None, None, None] + dates[3:], window=6.0, min_shared_names=1
    ).tolist() == [
        0,
        0,
        -1,
        -1,
        -1,
    ]


def test_bridged_documents_never_join_each_other():
    # Two English documents naming the same thing, no Vietnamese document naming it: both stay alone.
    X = sp.csr_matrix(np.array([[1.0, 0, 1], [1.0, 0, 1], [0.0, 1, 1], [0.0, 1, 1], [0.0, 1, 0]]))
    names = np.array([True, True, False])
    plain = np.array([True, True, False, False, False])
    labels = np.array([-1, -1, 0, 0, -1])
    got = bridge_writings(X, labels, names, plain, dates=["2026-01-01"] * 5, window=6.0)
    assert got.tolist() == [-1, -1, 0, 0, -1]


def test_bridge_writings_bad_input():
    X = sp.csr_matrix(np.eye(3))
    with pytest.raises(ValueError, match="one value per document"):
        bridge_writings(X, [0, 0], np.ones(3, bool), np.zeros(3, bool), dates=[None] * 3, window=6.0)
    with pytest.raises(ValueError, match="names has 2 flags for 3 columns"):
        bridge_writings(X, [0, 0, -1], np.ones(2, bool), np.zeros(3, bool), dates=[None] * 3, window=6.0)
    with pytest.raises(ValueError, match="dates has 2 values for 3 documents"):
        bridge_writings(X, [0, 0, -1], np.ones(3, bool), np.zeros(3, bool), dates=[None] * 2, window=6.0)


# --- stories(): the English edition of an event ----------------------------------------------------


def test_english_edition_joins_its_story_by_names_and_date():
    X, names = cli_matrix(STORM + RICE + [ENGLISH_STORM])
    dates = DATES + ["2026-09-18"]
    assert plain_writing(X, names, entity_columns(names)).tolist() == [False] * 5 + [True]
    on = mekong.stories(X, dates=dates, feature_names=names)  # bridge="auto" by default
    assert on.labels.tolist() == [0, 0, 0, 1, 1, 0]
    off = mekong.stories(X, dates=dates, feature_names=names, bridge=None)
    assert off.labels.tolist() == [0, 0, 0, 1, 1, -1]  # its cosines to the Vietnamese versions are near 0
    # Without dates, or with its date outside the window, or undated, the names alone do not join it.
    assert mekong.stories(X, feature_names=names).labels.tolist()[5] == -1
    assert mekong.stories(X, dates=DATES + ["2026-10-02"], feature_names=names).labels.tolist()[5] == -1
    assert mekong.stories(X, dates=DATES + [None], feature_names=names).labels.tolist()[5] == -1


def test_bridge_with_readable_feature_names_and_a_mask():
    """The CLI hands stories() the readable names (no "name:" prefix) and the name columns as a mask."""
    docs = STORM + RICE + [ENGLISH_STORM]
    v = mekong.TfidfVectorizer(clean=True, stop_words="vietnamese", aliases=True, sublinear_tf=True)
    X = v.fit_transform(docs)
    readable = v.readable_feature_names()
    dates = DATES + ["2026-09-18"]
    # "auto" finds no "name:" column among the readable names: off, as documented.
    assert mekong.stories(X, dates=dates, feature_names=readable).labels.tolist()[5] == -1
    mask = entity_columns(v.get_feature_names_out())
    got = mekong.stories(X, dates=dates, feature_names=readable, bridge=mask)
    assert got.labels.tolist() == [0, 0, 0, 1, 1, 0]
    np.testing.assert_array_equal(
        mekong.stories(X, dates=dates, feature_names=readable, bridge=np.flatnonzero(mask)).labels, got.labels
    )


def test_default_vectorizer_has_no_name_columns_bridge_changes_nothing():
    X = mekong.TfidfVectorizer().fit_transform(STORM + RICE + [ENGLISH_STORM])
    dates = DATES + ["2026-09-18"]
    names = mekong.TfidfVectorizer().fit(STORM + RICE + [ENGLISH_STORM]).get_feature_names_out()
    np.testing.assert_array_equal(
        mekong.stories(X, dates=dates, feature_names=names).labels,
        mekong.stories(X, dates=dates, feature_names=names, bridge=None).labels,
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(bridge="names"), "bridge must be 'auto', None, a boolean mask or column indices"),
        (dict(bridge=np.ones(3, bool)), "bridge needs feature_names"),
        (dict(bridge=np.ones(2, bool), feature_names=["a", "b", "c"]), "bridge has 2 flags for 3 columns"),
        (dict(bridge=[5], feature_names=["a", "b", "c"]), "bridge holds a column index outside 0..2"),
    ],
)
def test_stories_bridge_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mekong.stories(sp.csr_matrix(np.eye(3)), **kwargs)


# --- same-story retrieval ----------------------------------------------------------------------


def test_window_decay_hand_worked():
    day = np.array([0.0, 7.0, 1.0, np.nan, 12.0, 30.0])
    index = np.array(
        [[1, 2, 3, 4, 5], [0, 2, 3, 4, 5], [0, 1, 3, 4, 5], [0, 1, 2, 4, 5], [0, 1, 2, 3, 5], [0, 1, 2, 3, 4]]
    )
    score = np.array([[0.9, 0.5, 0.4, 0.8, 0.7]] * 6)
    got_i, got_s = _window_decay(index, score, day, 6.0)
    assert WINDOW_DECAY_POWER == 4
    # Row 0: 1 is 7 days away (0.9 * (6/7)^4 = 0.486), 2 in window, 3 undated, 4 is 12 days (0.8 / 16),
    # 5 is 30 days away, beyond twice the window: last, with its own score.
    assert got_i[0].tolist() == [2, 1, 3, 4, 5]
    np.testing.assert_allclose(got_s[0], [0.5, 0.9 * (6 / 7) ** 4, 0.4, 0.8 * 0.5**4, 0.7])
    # Row 2 (day 1): 0 and 1 are within 6 days, 3 undated, 4 is 11 days away (0.8 * (6/11)^4 = 0.071),
    # 5 is 29 days away.
    assert got_i[2].tolist() == [0, 1, 3, 4, 5]
    np.testing.assert_allclose(got_s[2], [0.9, 0.5, 0.4, 0.8 * (6 / 11) ** 4, 0.7])
    # Row 3 is undated: nothing decays; the row is ranked by its scores as they are.
    assert got_i[3].tolist() == [0, 4, 5, 1, 2] and got_s[3].tolist() == [0.9, 0.8, 0.7, 0.5, 0.4]
    # Without dates nothing moves.
    np.testing.assert_array_equal(_window_decay(index, score, None, None)[0], index)


def test_follow_up_a_week_later_ranked_behind_unrelated_undated_articles():
    """Regression: with every in-window (or undated) document ranked first, a follow-up seven days
    after the event (cosine 0.4 and more to it) fell behind undated articles on other topics
    (events-holdout6's storm support money behind a market fire and a pork price)."""
    docs = [
        "Bão Mun đổ bộ Quảng Trị, hàng nghìn nhà tốc mái, một người chết ở Đồng Hới",
        "Quảng Trị hỗ trợ người dân Lệ Thủy sửa nhà tốc mái sau bão Mun, gia đình người chết ở Đồng Hới nhận tiền",
        "Cháy chợ ở Cần Thơ, hơn 40 ki-ốt bị thiêu rụi",
        "Giá lợn hơi giảm mạnh ở Đồng Nai",
        "Giá lúa tăng mạnh ở An Giang",
    ]
    X = mekong.TfidfVectorizer().fit_transform(docs)
    dates = ["2026-08-14", "2026-08-21", None, None, "2026-08-15"]
    idx, _ = story_neighbours(X, k=4, dates=dates, expand=None, rerank=None)
    assert idx[0, 0] == 1  # the follow-up first, not the undated articles


def test_bridge_neighbours_hand_worked():
    X = sp.csr_matrix(
        np.array(
            [
                [1.0, 0, 1, 0],  # Vietnamese
                [1.0, 1, 0, 1],  # Vietnamese
                [0.0, 1, 1, 0],  # Vietnamese
                [1.0, 0, 0, 0],  # English: name cosine 1 to 0, 1/sqrt(2) to 1, 0 to 2
            ]
        )
    )
    names = np.array([True, True, False, False])
    plain = np.array([False, False, False, True])
    dates = ["2026-09-18", "2026-09-18", "2026-09-19", "2026-09-19"]
    index = np.array([[1, 2, 3], [2, 0, 3], [1, 0, 3], [2, 0, 1]])  # best first, as story_neighbours gives
    score = np.array([[0.6, 0.3, 0.01], [0.8, 0.6, 0.02], [0.8, 0.3, 0.0], [0.05, 0.02, 0.01]])
    got_i, got_s = bridge_neighbours(X, index, score, names, plain, dates=dates, window=6.0, min_shared_names=1)
    r = 1 / np.sqrt(2)
    assert got_i[3].tolist() == [0, 1, 2]  # its bridged partners first, best name cosine first
    np.testing.assert_allclose(got_s[3], [1.0, r, 0.05])
    assert got_i[0].tolist() == [3, 1, 2]  # enters with score 1.0 before 0.6
    np.testing.assert_allclose(got_s[0], [1.0, 0.6, 0.3])
    assert got_i[1].tolist() == [2, 3, 0]  # 0.707 after 0.8, before 0.6
    np.testing.assert_allclose(got_s[1], [0.8, r, 0.6])
    assert got_i[2].tolist() == [1, 0, 3] and got_s[2].tolist() == [0.8, 0.3, 0.0]  # no shared name: unchanged
    # The English document ten days later is bridged with no one.
    late = dates[:3] + ["2026-09-29"]
    same_i, same_s = bridge_neighbours(X, index, score, names, plain, dates=late, window=6.0, min_shared_names=1)
    np.testing.assert_array_equal(same_i, index)


def test_story_neighbours_ranks_the_english_edition_with_its_versions():
    X, names = cli_matrix(STORM + RICE + [ENGLISH_STORM])
    dates = DATES + ["2026-09-18"]
    idx, _ = story_neighbours(X, k=5, dates=dates, feature_names=names)
    assert sorted(idx[5, :3].tolist()) == [0, 1, 2]
    for i in range(3):
        assert 5 in idx[i, :3].tolist()
    # The bridged pairs score the cosine of their name columns (dense, by hand), not the expanded
    # cosine of all their terms, which is what they score without the bridge.
    idx, sc = story_neighbours(X, k=5, dates=dates, feature_names=names, masked=False)
    N = X.toarray()[:, entity_columns(names)]
    N /= np.linalg.norm(N, axis=1)[:, None]
    for q in range(3):
        j = idx[5, q]
        assert sc[5, q] == pytest.approx(N[5] @ N[j]) and sc[5, q] >= BRIDGE_NAME_COSINE
    off_i, off_s = story_neighbours(X, k=5, dates=dates, feature_names=names, bridge=None, masked=False)
    assert not np.allclose(np.sort(off_s[5, :3]), np.sort(sc[5, :3]))


def test_cli_joins_the_english_edition_by_names_and_the_texts_dates(tmp_path):
    """The CLI hands stories() its readable names and the name columns as the bridge's mask; the
    dates come from the texts (each lead names its day with a year)."""
    import csv
    import subprocess
    import sys

    folder = tmp_path / "articles"
    folder.mkdir()
    docs = STORM + RICE + [ENGLISH_STORM]
    for i, text in enumerate(docs):
        # The texts' own dates: a full date in each lead (the English one has its own).
        lead = "" if i == 5 else f"Ngày {DATES[i][8:10]}/{DATES[i][5:7]}/2026. "
        head, body = text.split("\n", 1)
        (folder / f"a{i}.txt").write_text(f"{head}\n{lead}{body}\n", encoding="utf-8")
    out = tmp_path / "out"
    res = subprocess.run(
        [sys.executable, "-m", "mekong", str(folder), "-o", str(out), "-q"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    with open(out / "stories.csv", encoding="utf-8") as fh:
        groups = sorted(sorted(m.strip() for m in row["members"].split("|")) for row in csv.DictReader(fh))
    assert groups == [["a0", "a1", "a2", "a5"], ["a3", "a4"]]


def test_regression_one_common_name_alone_does_not_bridge():
    """Name rows are unit vectors: an English article whose only name is "Vietnam" scored 1.0 with
    any article of the same days whose only name is "Việt Nam", and joined it."""
    X = sp.csr_matrix(
        np.array(
            [
                [1.0, 0, 0, 1, 0],  # Vietnamese, names only column 0 ("Việt Nam")
                [1.0, 1, 1, 0, 1],  # Vietnamese, columns 0-2
                [1.0, 0, 0, 0, 0],  # English, names only column 0
                [1.0, 1, 0, 0, 0],  # English, columns 0 and 1: shares two with document 1
            ]
        )
    )
    names = np.array([True, True, True, False, False])
    plain = np.array([False, False, True, True])
    dates = ["2026-09-18"] * 4
    labels = np.array([-1, -1, -1, -1])
    assert bridge_writings(X, labels, names, plain, dates=dates, window=6.0, min_shared_names=1).tolist() == [
        0,
        1,
        0,
        1,
    ]
    assert bridge_writings(X, labels, names, plain, dates=dates, window=6.0).tolist() == [-1, 0, -1, 0]
    index = np.array([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]])
    score = np.full((4, 3), 0.01)
    got_i, _ = bridge_neighbours(X, index, score, names, plain, dates=dates, window=6.0)
    assert got_i[2].tolist() == [0, 1, 3]  # no partner shares two names: its list as it was
    assert got_i[3][0] == 1  # document 1 shares two names with it


def test_regression_candidates_from_other_weeks_do_not_crowd_out_the_partner():
    """The candidate search took each English article's 50 nearest Vietnamese articles by names over
    the whole collection and read the window afterwards: in a collection of many months, 60 articles
    of other weeks naming exactly what it names filled the places, and its same-day version (naming
    one more place) was never scored."""
    from mekong.stories import BRIDGE_CANDIDATES

    n_other = BRIDGE_CANDIDATES + 10
    rows = [[1.0, 1, 0, 1, 0]] * n_other  # other weeks: names 0 and 1, as the English article does
    rows.append([1.0, 1, 1, 1, 0])  # its version, same day: names 0, 1 and 2 (cosine 0.816)
    rows.append([1.0, 1, 0, 0, 1])  # the English article
    X = sp.csr_matrix(np.array(rows))
    names = np.array([True, True, True, False, False])
    plain = np.zeros(len(rows), dtype=bool)
    plain[-1] = True
    start = np.datetime64("2026-01-01")
    dates = [str(start + 14 * (i + 1)) for i in range(n_other)] + [str(start), str(start)]
    labels = np.full(len(rows), -1)
    got = bridge_writings(X, labels, names, plain, dates=dates, window=6.0)
    assert got[-1] >= 0 and got[-1] == got[-2]
    index = np.tile(np.arange(3), (len(rows), 1))
    got_i, got_s = bridge_neighbours(X, index, np.full(index.shape, 0.01), names, plain, dates=dates, window=6.0)
    assert got_i[-1][0] == len(rows) - 2 and got_s[-1][0] == pytest.approx(2 / np.sqrt(6))
