"""Story grouping and same-story retrieval: quality on labelled corpora, time on 100,000 articles.

    python benchmarks/stories.py            # writes benchmarks/STORIES.md
    python benchmarks/stories.py --quick    # 20,000 synthetic articles for the timing; no report

Quality, on every labelled corpus found:
  - the bundled sample (python/mekong/datasets/sample, events in its metadata);
  - tests/data/stories-check (34 articles, 11 events reported by 2-3 invented outlets, same-topic
    distractors);
  - benchmarks/events/ when present (articles + metadata-*.csv with id, event, source, date, title);
  - benchmarks/events-holdout/ (66 articles, 26 events): held out, never looked at while changing
    the stories stage, so that a change tuned to the other sets shows here; read (its misses) when
    the date window of same-story retrieval was chosen;
  - benchmarks/events-holdout2/ (24 articles, 8 events): written after that choice, a check only;
  - benchmarks/events-holdout3/ (25 articles, 9 events): written after the neighbour re-ranking of
    same-story retrieval and search was chosen, a check only;
  - benchmarks/events-holdout4/ (26 articles, 9 events, with the datelines and stamps of real sites):
    written before dates read from the texts were measured, a check only;
  - benchmarks/events-holdout5/ (42 articles, 14 events from 2-4 outlets, English editions, Lao and
    Thai names spelled differently): written while the round-7 date and window rules were being
    made, without being read, and measured once before and once after they landed;
  - benchmarks/events-holdout6/ (41 articles, 14 events, a third of the articles with no date in
    text or metadata): written while the round-8 grouping changes were being made, without being
    read, and measured once before and once after they landed;
  - benchmarks/events-holdout7/ (43 articles, 14 events of 2-5 articles, a third undated, English
    editions, a wire reprint, a site clock showing the scrape day): written while the round-9
    bridge and retrieval decay were being made, without being read, and measured once before and
    once after they landed;
  - benchmarks/events-holdout8/ (46 articles, 15 events of 2-4 articles, a third undated, English
    editions, a wire reprint, one article in NFD, two crashes on one road, two trials at one court):
    written in round 10 without reading the stories stage or running it on the set, to be
    measured once.
Each corpus three ways: with its metadata dates, with the dates mekong.dates.text_dates reads from
the articles' texts (the metadata dates removed: what `./run.sh FOLDER` on a folder without
metadata uses), and without dates; and how many articles the texts date, and how close to the
metadata date. A day and month in a collection without any year is read against a fixed reading
day (REFERENCE, 2026-12-01), so the figures do not move with the day of the run; `--reference today`
reads them as a user's call would.
For each also the MAP of SearchIndex (cosine) plain and with rerank="neighbours", each article's
text and title as queries, and the worst queries of same-story retrieval without dates.
For each: the adjusted Rand index of mekong.stories with its defaults against the events (articles
in no event are singletons), and the mean average precision of same-story retrieval (each article
with at least one same-event partner is a query; the others are ranked by top_k_similar, with and
without rerank="neighbours"). Two vectorizer settings: the package's defaults (TfidfVectorizer())
and the CLI's, recommended for scraped news (clean, Vietnamese stop words, name keys, sublinear tf).

Time: mekong.stories on a synthetic tf-idf matrix of 100,000 articles (a long-tailed vocabulary of
300,000 terms, ~120 distinct terms per article, planted stories of 2-6 articles sharing a third of
their terms), split into the top-k neighbour search and the stories stage proper.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import scipy.sparse as sp

import mekong
from mekong.dates import text_dates
from mekong.stories import (
    AUTO_THRESHOLD_FLOOR,
    EXPAND_NEIGHBOURS,
    bridge_neighbours,
    bridge_writings,
    entity_columns,
    expand_rows,
    name_conflicts,
    neighbour_lists,
    plain_writing,
    rerank_neighbours,
    story_neighbours,
)

ROOT = Path(__file__).resolve().parent.parent
#: Zipf ranks left out of the synthetic vocabulary: the function words a stop list removes.
STOP_WORDS = 150


def _events(values):
    """Event labels with every missing one (None, NaN, "") as None."""
    return [v.strip() if isinstance(v, str) and v.strip() else None for v in values]


#: The held-out sets after their one blind measurement, in the order they were written. A new set is
#: added here only once it has been measured: until then nothing in benchmarks/ reads it.
HOLDOUTS = (
    "events-holdout2",
    "events-holdout3",
    "events-holdout4",
    "events-holdout5",
    "events-holdout6",
    "events-holdout7",
    "events-holdout8",
)

#: The reading day for dates read from the texts (``text_dates``' ``reference``): a day and month
#: in a collection without any year is put on or before it. Fixed, so that the report's figures do
#: not change with the day the benchmark runs; ``--reference today`` reads as a user's call would.
REFERENCE = datetime.date(2026, 12, 1)


def corpora():
    sample = mekong.datasets.load_sample()
    yield "bundled sample", sample.texts, sample.events, sample.dates, sample.sources
    check = ROOT / "tests" / "data" / "stories-check"
    texts, meta = mekong.read_corpus(check / "articles", metadata=check / "metadata.csv")
    yield "tests/data/stories-check", texts, _events(meta["event"]), list(meta["date"]), list(meta["source"])
    events = ROOT / "benchmarks" / "events"
    metas = sorted(events.glob("metadata-*.csv")) if events.is_dir() else []
    if metas:
        rows = {}
        for m in metas:
            with open(m, newline="", encoding="utf-8") as fh:
                for r in csv.DictReader(fh):
                    rows[r["id"].strip()] = r
        files = sorted(f for f in events.rglob("*.txt") if f.stem in rows)
        texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
        meta = [rows[f.stem] for f in files]
        yield (
            "benchmarks/events",
            texts,
            _events(m.get("event") for m in meta),
            [m.get("date") for m in meta],
            [m.get("source") for m in meta],
        )
    holdout = ROOT / "benchmarks" / "events-holdout"
    if (holdout / "metadata.csv").is_file():
        texts, meta = mekong.read_corpus(holdout / "articles", metadata=holdout / "metadata.csv")
        yield "benchmarks/events-holdout", texts, _events(meta["event"]), list(meta["date"]), list(meta["source"])
    for name in HOLDOUTS:
        folder = ROOT / "benchmarks" / name
        if (folder / "metadata.csv").is_file():
            texts, meta = mekong.read_corpus(folder / "articles", metadata=folder / "metadata.csv")
            yield f"benchmarks/{name}", texts, _events(meta["event"]), list(meta["date"]), list(meta["source"])


#: The same vectorizer settings for SearchIndex (``vectorizer_options``).
SEARCH_OPTIONS = {
    "TfidfVectorizer()": {},
    "CLI options": dict(clean=True, stop_words="vietnamese", aliases=True, sublinear_tf=True),
}


def settings():
    """(setting, vectorize): vectorize(docs) -> (tf-idf matrix, get_feature_names_out()). The names
    reach mekong.stories as the CLI's do; the name rule (stories' entities) is off by default, so they
    take part only where a measurement asks for entities="auto"."""

    def vectorize(options):
        def run(docs):
            v = mekong.TfidfVectorizer(**options)
            return v.fit_transform(docs), v.get_feature_names_out()

        return run

    for setting, options in SEARCH_OPTIONS.items():
        yield setting, vectorize(options)


def mean_average_precision(X, events, rerank=None, dates=None, method="top_k", names=None):
    """MAP of same-story retrieval: every article with a same-event partner is a query, ranked
    over the k = min(n - 1, 100) it is given. ``names``: the vectorizer's get_feature_names_out(),
    handed to story_neighbours as stories() gets them (its bridge="auto" reads the name columns)."""
    n = X.shape[0]
    k = min(n - 1, 100)
    if method == "top_k":
        idx, _ = mekong.top_k_similar(X, k=k, rerank=rerank)
    else:  # same-story retrieval (dates when known), re-ranked unless rerank=None is asked
        idx, _ = story_neighbours(
            X, k=k, dates=dates, rerank="neighbours" if rerank == "default" else rerank, feature_names=names
        )
        idx = np.ma.filled(idx, -1)
    return _map(idx, events)


def _map(idx, events):
    """Mean over the articles with a same-event partner of the average precision of ``idx[i]``."""
    members = defaultdict(set)
    for i, e in enumerate(events):
        if e:
            members[e].add(i)
    aps = []
    for i, e in enumerate(events):
        rel = members.get(e, set()) - {i} if e else set()
        if not rel:
            continue
        hits, ap = 0, 0.0
        for rank, j in enumerate(idx[i], start=1):
            if j >= 0 and int(j) in rel:
                hits += 1
                ap += hits / rank
        aps.append(ap / len(rel))
    return float(np.mean(aps)), len(aps)


def search_map(texts, events, options, rerank, queries):
    """MAP of SearchIndex: each article (its whole text, or its title: the first line) is a query
    against the index of all articles; the article itself is left out of its ranking."""
    n = len(texts)
    k = min(n - 1, 100)
    index = mekong.SearchIndex(rerank=rerank, vectorizer_options=options).fit(texts)
    asked = texts if queries == "articles" else [t.strip().split("\n", 1)[0] for t in texts]
    idx, _ = index.rank(asked, k=k + 1)
    idx = np.array([[j for j in row if j != i][:k] for i, row in enumerate(idx.tolist())])
    return _map(idx, events)


#: The worst queries of same-story retrieval without dates, filled by quality().
MISSES = []


def misses(name, X, events, texts, below=0.5):
    """(corpus, event, event of the first document ranked above a partner, AP, length) per bad query."""
    n = X.shape[0]
    idx, _ = story_neighbours(X, k=min(n - 1, 100), masked=False)
    out = []
    for i, e in enumerate(events):
        partners = {j for j, f in enumerate(events) if f == e and j != i} if e else set()
        if not partners:
            continue
        hits, total = 0, 0.0
        for rank, j in enumerate(idx[i].tolist(), start=1):
            if j in partners:
                hits += 1
                total += hits / rank
        ap = total / len(partners)
        if ap < below:
            first = next(j for j in idx[i].tolist() if j not in partners)
            out.append((name, e, events[first] or "(no event)", ap, len(texts[i])))
    return out


#: Dates read from the texts, per corpus, filled by quality(): (corpus, articles, dated, by kind,
#: within 1 day of the metadata date, within 3 days, ARI and MAP per setting).
TEXT_DATES = []


#: Read from the last run's rows (benchmarks/STORIES.md): what the texts give and miss. Rewrite
#: it when the figures it quotes change.
TEXT_DATES_NOTE = [
    "What the texts give: `events-holdout4`, written with the stamps of real sites, is dated by its stamps",
    '(26 of 26 within a day: the English site\'s "Update: October, 05/2026" is read since round 7, and a',
    'site header\'s clock, "Hôm nay: Thứ Hai, 30/11/2026", the day the page was scraped, is no stamp since',
    'round 6). The older sets were written without stamps, so their leads\' days decide ("Sáng 8/5, ...",',
    '"Chiều 21.5, ..."), and almost none carries a year: a day and month then takes the year of a dated',
    "article within two days of it (another version of its event), else the year nearest the median of the",
    "collection's few full dates, else the most recent such day before today, so many are a year off",
    "(`tests/data/stories-check`: all 8) while their days relative to each other stay right except across",
    'the turn of the year that choice implies. A lead\'s deadline ("công bố trước ngày 1/7") or range',
    '("tới 7-10 ngày") is passed over. With the texts\' dates, ARI is never below the no-dates figure, and',
    "retrieval MAP is at or above it on every set. They stay below the metadata dates where the texts give",
    "no day for an article (then unconstrained) or the wrong one. On `events-holdout4` even the metadata",
    "dates give ARI 0.831 with the default vectorizer: its two English articles (a fuel price and a trade",
    "fair) form a story of their own through English function words, which the CLI's stop list",
    '(`stop_words="vietnamese"`) drops (0.860).',
]


def partly_dated(dates, every=2):
    """The dates with every ``every``-th article's (from the first) removed: a collection of scraped
    pages where many lost their header and the text names no day, as in the real-news check."""
    return [None if i % every == 0 else d for i, d in enumerate(dates)]


def _day_gaps(found, dates):
    """|found - metadata| in days for each article dated both ways."""
    out = []
    for f, d in zip(found, dates):
        if f is not None and isinstance(d, str) and d.strip():
            out.append(abs((f - datetime.date.fromisoformat(d.strip()[:10])).days))
    return out


def quality():
    rows = []
    for name, texts, events, dates, _sources in corpora():
        n_events = len({e for e in events if e})
        found, how = text_dates(texts, reference=REFERENCE)
        gaps = _day_gaps(found, dates)
        per_setting = []
        for setting, vectorize in settings():
            X, names = vectorize(texts)

            def group(X=X, names=names, **options):
                return mekong.stories(X, feature_names=names, **options)

            result = group(dates=dates)
            scores = mekong.evaluate_stories(events, result)
            plain = mean_average_precision(X, events, None)
            reranked = mean_average_precision(X, events, "neighbours")
            expanded = mean_average_precision(X, events, "expansion")
            retrieval = mean_average_precision(X, events, "default", dates=dates, method="story", names=names)
            retrieval_nd = mean_average_precision(X, events, "default", method="story", names=names)
            retrieval_nr = mean_average_precision(X, events, None, dates=dates, method="story", names=names)
            retrieval_ndnr = mean_average_precision(X, events, None, method="story", names=names)
            if setting == "TfidfVectorizer()":
                MISSES.extend(misses(name, X, events, texts))
            searches = tuple(
                search_map(texts, events, SEARCH_OPTIONS[setting], rerank, queries)
                for queries in ("articles", "titles")
                for rerank in (None, "neighbours")
            )
            norerank = mekong.evaluate_stories(events, group(rerank=None, dates=dates))
            noexpand = mekong.evaluate_stories(events, group(expand=None, dates=dates))
            nodates = mekong.evaluate_stories(events, group())
            nodates0 = mekong.evaluate_stories(events, group(expand=None))
            textd = mekong.evaluate_stories(events, group(dates=found))
            retrieval_td = mean_average_precision(X, events, "default", dates=found, method="story", names=names)
            # Mixed collections: some articles dated, the others not (scraped pages whose header is gone).
            text_half = mekong.evaluate_stories(events, group(dates=partly_dated(found)))
            meta_two3 = mekong.evaluate_stories(events, group(dates=partly_dated(dates, 3)))
            per_setting.append(
                (setting, scores, textd, nodates, retrieval, retrieval_td, retrieval_nd, text_half, meta_two3)
            )
            rows.append(
                (name, len(texts), n_events, setting, result.threshold, scores, norerank, plain, reranked)
                + (expanded, noexpand, nodates, nodates0, retrieval, retrieval_nd)
                + (retrieval_nr, retrieval_ndnr, searches)
            )
            print(
                f"{name} [{setting}]: ARI {scores['ari']:.3f} (no expansion {noexpand['ari']:.3f}, no rerank "
                f"{norerank['ari']:.3f}; no dates {nodates['ari']:.3f}, no dates no expansion {nodates0['ari']:.3f}), "
                f"MAP {plain[0]:.3f} -> {reranked[0]:.3f} / {expanded[0]:.3f}; story_neighbours {retrieval[0]:.3f} "
                f"(no dates {retrieval_nd[0]:.3f}; without rerank {retrieval_nr[0]:.3f} / {retrieval_ndnr[0]:.3f}), "
                f"SearchIndex articles {searches[0][0]:.3f} -> {searches[1][0]:.3f}, titles {searches[2][0]:.3f} -> "
                f"{searches[3][0]:.3f}, threshold {result.threshold:.3f}; text dates: ARI {textd['ari']:.3f}, "
                f"MAP {retrieval_td[0]:.3f}; every other text date removed: ARI {text_half['ari']:.3f}; every "
                f"third metadata date removed: ARI {meta_two3['ari']:.3f}",
                flush=True,
            )
        kinds = {k: how.count(k) for k in ("stamp", "full", "day-month")}
        TEXT_DATES.append(
            (name, len(texts), sum(d is not None for d in found), kinds)
            + (sum(g <= 1 for g in gaps), sum(g <= 3 for g in gaps), len(gaps), per_setting)
        )
    return rows


def pair_errors(X, events, labels):
    """Wrongly joined and wrongly split pairs of a grouping: (kind, i, j, event i, event j, cosine)."""
    from mekong.similarity import cosine_similarity

    S = np.asarray(cosine_similarity(X) if sp.issparse(X) else X @ X.T)
    out = []
    n = len(events)
    for i in range(n):
        for j in range(i + 1, n):
            same_true = events[i] is not None and events[i] == events[j]
            same_pred = labels[i] >= 0 and labels[i] == labels[j]
            if same_true != same_pred:
                kind = "joined" if same_pred else "split"
                out.append((kind, i, j, events[i] or "(none)", events[j] or "(none)", float(S[i, j])))
    return out


def errors():
    """Print every wrongly joined / split pair of mekong.stories on each corpus, four ways of dating."""
    for name, texts, events, dates, _sources in corpora():
        found, _ = text_dates(texts, reference=REFERENCE)
        for setting, vectorize in settings():
            X, names = vectorize(texts)
            ways = (
                ("metadata dates", dates),
                ("text dates", found),
                ("text dates, every other removed", partly_dated(found)),
                ("no dates", None),
            )
            for how, d in ways:
                result = mekong.stories(X, dates=d, feature_names=names)
                s = mekong.evaluate_stories(events, result)
                errs = pair_errors(X, events, result.labels)
                print(f"{name} [{setting}, {how}]: ARI {s['ari']:.3f}, {len(errs)} wrong pairs", flush=True)
                for kind, i, j, ei, ej, c in errs:
                    title_i = texts[i].strip().split("\n", 1)[0][:60]
                    title_j = texts[j].strip().split("\n", 1)[0][:60]
                    di = "" if d is None else f" {d[i]}|{d[j]}"
                    print(f"  {kind:6} cos {c:.3f}{di} {i}:{ei} / {j}:{ej}\n      {title_i!r}\n      {title_j!r}")


def synthetic(n, seed=0, vocab=300_000, terms=120):
    """A tf-idf-like matrix with planted stories; rows of a story share a third of their terms."""
    rng = np.random.default_rng(seed)
    ranks = np.arange(1, vocab + 1) + STOP_WORDS  # the most frequent terms are stop words, removed
    cdf = np.cumsum(1.0 / ranks**1.05)
    cdf /= cdf[-1]

    def draw(size):  # Zipf-distributed term ids, by inverting the cumulative distribution
        return np.minimum(np.searchsorted(cdf, rng.random(size)), vocab - 1)

    rows, cols = [], []
    i = 0
    while i < n:
        size = min(int(rng.integers(1, 7)), n - i)  # 1 = an article in no story
        shared = draw(terms // 3)
        for _ in range(size):
            own = draw(terms - terms // 3)
            c = np.unique(np.concatenate([shared, own]))
            rows.append(np.full(len(c), i))
            cols.append(c)
            i += 1
    r, c = np.concatenate(rows), np.concatenate(cols)
    X = sp.csr_matrix((rng.random(len(r)) + 0.5, (r, c)), shape=(n, vocab))
    df = np.bincount(X.indices, minlength=vocab)
    X = X @ sp.diags(np.log((1 + n) / (1 + df)) + 1)
    return sp.csr_matrix(mekong.TfidfTransformer(use_idf=False).fit_transform(X))


def timing(n):
    X = synthetic(n)
    t0 = time.perf_counter()
    idx, sc = neighbour_lists(X, 10, n_jobs=-1)
    t1 = time.perf_counter()
    gate = mekong._core.calibrate_threshold(idx, sc, AUTO_THRESHOLD_FLOOR)  # no dates: the gate is the cut
    E = expand_rows(X, idx, sc, EXPAND_NEIGHBOURS, min_score=gate)
    idx, sc = neighbour_lists(E, 10, n_jobs=-1)
    t2 = time.perf_counter()
    ri, rs = rerank_neighbours(idx, sc, n_jobs=-1)
    thr = mekong._core.calibrate_threshold(ri, rs, AUTO_THRESHOLD_FLOOR)
    labels = mekong._core.story_linkage(ri, rs, thr, None, 0.0)
    t3 = time.perf_counter()
    load0 = os.getloadavg()
    t4, c0 = time.perf_counter(), time.process_time()
    result = mekong.stories(X, n_jobs=-1)
    t5, c1 = time.perf_counter(), time.process_time()
    load1 = os.getloadavg()
    assert (result.labels == labels).all()
    # The name rule (entities="auto", off by default), every pair judged as without dates: every
    # tenth column of the synthetic vocabulary stands for a name column.
    names = np.arange(X.shape[1]) % 10 == 0
    t6, c2 = time.perf_counter(), time.process_time()
    name_conflicts(X, ri, rs, names)
    t7, c3 = time.perf_counter(), time.process_time()
    # The bridge (bridge="auto" with dates and name columns; the call above has neither): a tenth of
    # the articles moved onto the even columns, whose names are plain ASCII (another writing), the
    # odd ones accented, every tenth a name column; dates over a year; half the articles in stories
    # of about two, so that the bridged ones have stories and lone articles to join.
    rng = np.random.default_rng(1)
    other = rng.random(n) < 0.1
    r = np.repeat(np.arange(n), np.diff(X.indptr))
    cols = X.indices.copy()
    cols[other[r]] -= cols[other[r]] % 2
    Xb = sp.csr_matrix((X.data, (r, cols)), shape=X.shape)
    Xb.sum_duplicates()
    terms = [f"name:n{c}" if c % 10 == 0 else (f"w{c}" if c % 2 == 0 else f"từ{c}") for c in range(X.shape[1])]
    days = [str(np.datetime64("2026-01-01") + int(v)) for v in rng.integers(0, 365, n)]
    grouped = np.where(rng.random(n) < 0.5, rng.integers(0, n // 4, n), -1)
    t8, c8 = time.perf_counter(), time.process_time()
    mask = entity_columns(terms)
    writing = plain_writing(Xb, terms, mask)
    bridged = bridge_writings(Xb, grouped, mask, writing, dates=days, window=6.0)
    t9, c9 = time.perf_counter(), time.process_time()
    bridge_neighbours(Xb, ri, rs, mask, writing, dates=days, window=6.0)
    t10, c10 = time.perf_counter(), time.process_time()
    return {
        "bridge": t9 - t8,
        "bridge_cpu": c9 - c8,
        "bridge_lists": t10 - t9,
        "bridge_lists_cpu": c10 - c9,
        "bridged": int(((bridged >= 0) & (grouped < 0)).sum()),
        "other": int(writing.sum()),
        "n": n,
        "nnz": X.nnz,
        "top_k": t1 - t0,
        "expand": t2 - t1,
        "expanded_nnz": E.nnz,
        "stage": t3 - t2,
        "total": t5 - t4,
        "cpu": c1 - c0,
        "stories": len(result),
        "in_story": int((result.labels >= 0).sum()),
        "load": (load0[0], load1[0]),
        "names": t7 - t6,
        "names_cpu": c3 - c2,
    }


def machine():
    import scipy

    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} cores, load average {load:.2f} at the start; Python {platform.python_version()}, "
        f"NumPy {np.__version__}, SciPy {scipy.__version__}, mekong {mekong.__version__}"
    )


def main(argv=None):
    global REFERENCE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="20,000 articles for the timing; no report written")
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--quality", action="store_true", help="the labelled corpora only: no timing, no report")
    ap.add_argument("--errors", action="store_true", help="list the wrongly joined / split pairs; no report")
    ap.add_argument("--report", default=str(ROOT / "benchmarks" / "STORIES.md"))
    ap.add_argument(
        "--reference",
        default=REFERENCE.isoformat(),
        help=f"reading day of the texts' dates, YYYY-MM-DD or 'today' (default {REFERENCE.isoformat()})",
    )
    args = ap.parse_args(argv)
    REFERENCE = datetime.date.today() if args.reference == "today" else datetime.date.fromisoformat(args.reference)
    if args.errors:
        errors()
        return 0
    env = machine()
    q = quality()
    if args.quality:
        return 0
    n = 20_000 if args.quick else args.docs
    t = timing(n)
    print(
        f"{n} articles: top-k {t['top_k']:.1f} s, expansion {t['expand']:.1f} s, stories stage {t['stage']:.1f} s, "
        f"stories() {t['total']:.1f} s wall, {t['cpu']:.1f} s CPU (load {t['load'][0]:.2f} -> {t['load'][1]:.2f}); "
        f"name rule {t['names']:.1f} s wall, {t['names_cpu']:.1f} s CPU; bridge {t['bridge']:.1f} s wall, "
        f"{t['bridge_cpu']:.1f} s CPU, its lists {t['bridge_lists']:.1f} s wall, {t['bridge_lists_cpu']:.1f} s CPU",
        flush=True,
    )
    if args.quick:
        return 0
    lines = [
        "# Stories: grouping and same-story retrieval",
        "",
        "Written by `python benchmarks/stories.py` (the method is in its docstring).",
        "",
        f"Machine: {env}.",
        "",
        "## Quality with default options",
        "",
        '`mekong.stories(X, dates=dates, feature_names=vectorizer.get_feature_names_out())` (threshold="auto", k=10,',
        'expand="auto": 3 neighbours, rerank="neighbours", window="auto": 6 days, entities=None: the name',
        'rule off, as by default; bridge="auto": with dates, an article of the other writing joins by its names,',
        "which only the CLI options' name columns allow); ARI against the events with every",
        "article in no event a singleton",
        "(`mekong.evaluate_stories`). `benchmarks/events-holdout` was written as a check and not looked at",
        "while the grouping changed (query expansion, its gates); the other corpora were. The date window",
        "of `story_neighbours` was chosen after reading the misses of both `benchmarks/events` and",
        "`benchmarks/events-holdout`; the neighbour re-ranking of `story_neighbours` and `SearchIndex`",
        "on those, `events-holdout2` and `tests/data/stories-check`. `benchmarks/events-holdout3` was",
        "written after these choices and measured once: a blind check. `benchmarks/events-holdout4` was",
        "written before the dates read from the texts were measured anywhere: a blind check of them (see",
        "below).",
        "",
        "| corpus | articles | events | vectorizer | threshold used | ARI | ARI without expansion | ARI without rerank | ARI without dates (without expansion) | pairwise P / R |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, n_docs, n_events, setting, thr, s, nr, _, _, _, ne, nd, nd0, *_ in q:
        lines.append(
            f"| {name} | {n_docs} | {n_events} | {setting} | {thr:.3f} | {s['ari']:.3f} | {ne['ari']:.3f} | {nr['ari']:.3f} | "
            f"{nd['ari']:.3f} ({nd0['ari']:.3f}) | "
            f"{s['pairwise_precision']:.3f} / {s['pairwise_recall']:.3f} |"
        )
    lines += [
        "",
        "## Same-story retrieval: mean average precision",
        "",
        "Every article with a same-event partner is a query; the others are ranked (k = min(n - 1, 100)) and",
        "the average precision of the partners in that ranking is averaged over the queries.",
        "`story_neighbours(X, k, dates=dates)` is same-story retrieval with its defaults",
        "(`mekong.stories.story_neighbours`: query expansion within the 6-day window, neighbour re-ranking",
        '(`rerank="neighbours"`), then the documents further than the window decayed by (6 / gap)^4, and with',
        "the CLI options' name columns the other writing's articles bridged by their names); the same",
        'without dates, each also with `rerank=None`; and `top_k_similar` plain, with `rerank="neighbours"`',
        'and with `rerank="expansion"`.',
        "",
        "| corpus | vectorizer | queries | story_neighbours (dates) | without rerank | story_neighbours (no dates) | without rerank | top_k plain | top_k reranked | top_k expanded |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, _, _, setting, _, _, _, plain, rr, ex, _, _, _, sn, snd, snr, sndnr, _ in q:
        lines.append(
            f"| {name} | {setting} | {plain[1]} | **{sn[0]:.3f}** | {snr[0]:.3f} | **{snd[0]:.3f}** | {sndnr[0]:.3f} | "
            f"{plain[0]:.3f} | {rr[0]:.3f} | {ex[0]:.3f} |"
        )
    lines += [
        "",
        "### SearchIndex with and without re-ranking",
        "",
        "The same MAP for `SearchIndex(vectorizer_options=...)` (cosine; the vectorizer's settings as above),",
        'plain and with `rerank="neighbours"`: each article is a query twice, as its whole text and as its',
        "title (first line), against the index of all articles, and is left out of its own ranking.",
        "",
        "| corpus | vectorizer | queries | articles: plain | articles: reranked | titles: plain | titles: reranked |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, _, _, setting, *rest in q:
        se = rest[-1]
        lines.append(
            f"| {name} | {setting} | {se[0][1]} | {se[0][0]:.3f} | **{se[1][0]:.3f}** | {se[2][0]:.3f} | **{se[3][0]:.3f}** |"
        )
    lines += [
        "",
        "### What the misses without dates are",
        "",
        "The queries of `story_neighbours(X, k)` without dates whose average precision is below 0.5, with the",
        "event of the first document ranked above a partner (default vectorizer):",
        "",
        "| corpus | query's event | outranked by | AP | article length (chars) |",
        "|---|---|---|---|---|",
    ]
    for name, event, other, ap, length in MISSES:
        lines.append(f"| {name} | {event} | {other} | {ap:.2f} | {length:,} |")
    lines += [
        "",
        "Every miss is a same-topic event of another day: the next rice-price report, dengue in another",
        "province, another bus crash, another highway's works, the previous coffee-price peak. Their",
        "articles share the topic's vocabulary and differ in dates, numbers, places and the direction of",
        "a change, which are a few terms among many. With dates the window separates them (MAP 0.989-1.000);",
        "without, neither query expansion, neighbour re-ranking, document-frequency reweighting (idf",
        "squared, BM25's idf), reciprocal-neighbour gating, negative (Rocchio) feedback nor local idf within",
        "the neighbourhood lifted every labelled set at once (measured while choosing; weighting names or",
        "numbers up helped `benchmarks/events` and hurt `events-holdout`), so the defaults keep",
        "`expand=3` and add only the re-ranking, which was never worse on the sets it was chosen on",
        "(`benchmarks/events`, `events-holdout`, `events-holdout2`, `tests/data/stories-check`);",
        "`benchmarks/events-holdout3` was written after that choice and measured once (the rows above).",
    ]
    lines += [
        "",
        "## Dates read from the texts",
        "",
        "A folder of `.txt` files has no metadata, so `./run.sh FOLDER` and `read_corpus` date each article",
        "from its own text (`mekong.dates.text_dates`: the publication stamp, else the lead's first date, with its year or",
        "a day and month whose year comes from the article or the collection). Here",
        "every labelled corpus is read that way, its metadata dates removed, and grouped and searched with",
        "those dates; beside it the same with the metadata dates and without dates. Dated: articles the text",
        "gives a day for (by stamp / full date in the lead / day and month); within 1 or 3 days: of those",
        f"that the metadata also dates. Reference day for a day and month in a corpus without any year: {REFERENCE.isoformat()}.",
        "`benchmarks/events-holdout4` was written before any of this was measured, and first measured before",
        "one fix found by that first run on the other sets (with dates, a pair with an unknown date on either",
        "side is now expanded only above the no-dates cut, as without dates: undated articles among dated ones",
        "had pulled other events into their stories, bundled sample ARI 0.383 with the texts' dates); that",
        "first, blind run gave holdout4 with the texts' dates ARI 0.791 / 0.791 and MAP 0.901 / 0.947",
        "(default / CLI options), the rows below are after the fix. Its metadata-dates and no-dates columns",
        "do not depend on the fix.",
        "",
        "| corpus | articles | dated from text (stamp / full / day-month) | within 1 day | within 3 days |",
        "|---|---|---|---|---|",
    ]
    for name, n_docs, dated, kinds, w1, w3, both, _ in TEXT_DATES:
        lines.append(
            f"| {name} | {n_docs} | {dated} ({kinds['stamp']} / {kinds['full']} / {kinds['day-month']}) | "
            f"{w1} of {both} | {w3} of {both} |"
        )
    lines += [
        "",
        "| corpus | vectorizer | ARI: metadata dates | ARI: dates from the text | ARI: no dates | MAP: metadata dates | MAP: dates from the text | MAP: no dates |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, *_, per_setting in TEXT_DATES:
        for setting, meta_s, text_s, none_s, meta_m, text_m, none_m, *_ in per_setting:
            lines.append(
                f"| {name} | {setting} | {meta_s['ari']:.3f} | **{text_s['ari']:.3f}** | {none_s['ari']:.3f} | "
                f"{meta_m[0]:.3f} | **{text_m[0]:.3f}** | {none_m[0]:.3f} |"
            )
    lines += [
        "",
        "### Partly dated collections",
        "",
        "Scraped pages often lose the header that carried their date, and the real-news check is such a",
        "folder. The same grouping with every other article's text date removed (articles 0, 2, 4, ...:",
        "`partly_dated` in the script), and with every third metadata date removed (articles 0, 3, 6, ...);",
        "the articles left undated are unconstrained by the window (its documented fallback).",
        "",
        "| corpus | vectorizer | ARI: dates from the text | every other one removed | ARI: metadata dates | every third one removed |",
        "|---|---|---|---|---|---|",
    ]
    for name, *_, per_setting in TEXT_DATES:
        for setting, meta_s, text_s, _n, _a, _b, _c, text_half, meta_two3 in per_setting:
            lines.append(
                f"| {name} | {setting} | {text_s['ari']:.3f} | **{text_half['ari']:.3f}** | {meta_s['ari']:.3f} | "
                f"**{meta_two3['ari']:.3f}** |"
            )
    lines += [""] + TEXT_DATES_NOTE
    lines += [
        "",
        "## Time",
        "",
        f"`mekong.stories(X, n_jobs=-1)` on a synthetic tf-idf matrix of {t['n']:,} articles "
        f"({t['nnz']:,} non-zeros; see the docstring): **{t['total']:.1f} s of wall time** ({t['cpu']:.1f} s of CPU, "
        f"load average {t['load'][0]:.2f} before the call and {t['load'][1]:.2f} after), of which the top-10 neighbour "
        f"search (`mekong.stories.neighbour_lists`: pruned rows above 20,000 articles, then exact cosines) {t['top_k']:.1f} s, "
        f"the expansion and the second search over the expanded rows ({t['expanded_nnz']:,} non-zeros) {t['expand']:.1f} s, "
        f"and the stories stage (re-ranking, calibration, linkage) {t['stage']:.1f} s. {t['stories']:,} stories, {t['in_story']:,} articles in one. No n x n matrix is formed: "
        "the stage works on the n x 10 neighbour lists. The parts were timed in a first run of the same "
        "pipeline step by step (its labels equal the call's); on a busy machine the wall time is what the other "
        'work left, the CPU time is the method\'s. The name rule (`entities="auto"`, off by default; the '
        "synthetic matrix has no feature names, so the call above runs without it), timed on its own over "
        f"the same lists with every tenth column standing for a name column and every pair judged (no dates): "
        f'{t["names"]:.1f} s of wall time, {t["names_cpu"]:.1f} s of CPU. The bridge (`bridge="auto"`, which needs '
        "dates and name columns, so the call above runs without it), timed on its own over the same matrix with "
        f"a tenth of the articles moved onto plain-ASCII columns ({t['other']:,} read as the other writing), every "
        "tenth column a name, dates over a year and half the articles in stories of about two: "
        f"`plain_writing` and `bridge_writings` {t['bridge']:.1f} s of wall time, {t['bridge_cpu']:.1f} s of CPU "
        f"({t['bridged']:,} articles joined); `bridge_neighbours` over the top-10 lists {t['bridge_lists']:.1f} s, "
        f"{t['bridge_lists_cpu']:.1f} s of CPU.",
        "",
    ]
    # The measured part is written afresh; the hand-written notes after it (each section's heading
    # says "(hand notes)") are kept as they are.
    report = Path(args.report)
    if report.is_file():
        old = report.read_text(encoding="utf-8").splitlines()
        notes = next((i for i, line in enumerate(old) if line.startswith("## ") and "(hand notes)" in line), None)
        if notes is not None:
            lines += old[notes:] + [""]
    report.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
