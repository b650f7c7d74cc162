"""The main job: ``python -m mekong [FOLDER ...]`` (also the ``mekong`` command).

Analyses a folder of .txt articles, or the bundled sample when given none: prints a corpus summary,
the top terms of each article, the groups of articles that tell the same story and each article's
nearest article by same-story retrieval (:func:`mekong.story_neighbours`), with the dates of
the metadata or, where it has none, the dates the articles' own texts give (:mod:`mekong.dates`), and writes the matrices and tables to an output folder, with progress bars on a
terminal (through tqdm, when installed). ``--quiet`` prints the summary only, without bars. Usage errors (bad options, missing folders, metadata that does not match the files)
exit with status 2 and a one-line message; a corpus the analysis cannot use exits with status 1.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import __version__, _progress
from .corpus import _scan, display_name
from .datasets import sample_path
from .feature_extraction import CountVectorizer
from .stories import entity_columns, stories, story_neighbours
from .weighting import TfidfTransformer


class UsageError(Exception):
    """A mistake in how the command was called: exit status 2."""


def _threshold(text):
    if text == "auto":
        return "auto"
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number in [0, 1); got {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected 'auto' or a number in [0, 1); got {text!r}")
    return value


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {text!r}")
    return value


def _n_jobs(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer (-1: all cores); got {text!r}") from None
    if value == 0:
        raise argparse.ArgumentTypeError("0 threads: use 1 for one thread, -1 for all cores")
    return value


def _window(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of days; got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of days; got {text!r}")
    return value


def build_parser():
    p = argparse.ArgumentParser(
        prog="mekong",
        description="Analyse a folder of news articles (.txt): term counts, tf-idf, story groups, neighbours.",
    )
    p.add_argument("paths", nargs="*", help="folders, files or glob patterns (default: the bundled sample articles)")
    p.add_argument(
        "-o",
        "--output",
        default="mekong-output",
        help="output folder (default: %(default)s); never read as input, even inside an input folder",
    )
    p.add_argument("--pattern", default="*.txt", help="file names to read in folders (default: %(default)s)")
    p.add_argument(
        "--metadata",
        action="append",
        metavar="CSV",
        help="CSV with one row per file: an id (file name without suffix), file or "
        "path column, and title, date, source, ... as known; repeat it or give a glob "
        "('meta/*.csv') for a collection described in several files (default: the bundled "
        "sample's own metadata when no paths are given)",
    )
    p.add_argument("--top", type=_positive_int, default=8, help="top terms shown per article (default: %(default)s)")
    p.add_argument("--encoding", default="utf-8", help="encoding of the files (default: %(default)s)")
    p.add_argument(
        "--threshold",
        type=_threshold,
        default="auto",
        help="story similarity threshold: 'auto' (read from the corpus) or a number (default: %(default)s)",
    )
    p.add_argument(
        "--window",
        type=_window,
        help="days: articles further apart never form one story (needs dates, from "
        "--metadata or the texts; with dates the default is 7)",
    )
    p.add_argument(
        "--no-text-dates",
        action="store_true",
        help="take dates from --metadata only; by default an article without one is dated from its "
        "own text (publication stamp, else the day its lead names), see mekong.dates",
    )
    p.add_argument("--n-jobs", type=_n_jobs, default=-1, help="threads (-1: all cores; default: %(default)s)")
    p.add_argument(
        "--raw",
        action="store_true",
        help="count the files as they are: no cleaning, stop words or name keys (scikit-learn-like)",
    )
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print the summary only, no progress bars (files are written as usual)",
    )
    p.add_argument("--version", action="version", version=f"mekong {__version__}")
    return p


def _metadata_files(values):
    """--metadata values as CSV paths: each a file or a glob; a glob that matches nothing is an error."""
    out = []
    for v in values:
        if glob.has_magic(v):
            found = sorted(glob.glob(v, recursive=True))
            if not found:
                raise UsageError(f"--metadata {v!r} matches no file")
            out.extend(found)
        else:
            out.append(v)
    return list(dict.fromkeys(out))


def _sample_metadata():
    """The bundled sample's metadata.json as a metadata callable (by file name)."""
    rows = {r["file"]: r for r in json.loads((sample_path().parent / "metadata.json").read_text(encoding="utf-8"))}

    def lookup(path):
        r = rows.get(Path(path).name)
        return None if r is None else {k: r.get(k) for k in ("title", "date", "source", "event")}

    return lookup


def _no_text(files, encoding):
    """How many of the files hold nothing but white space."""
    return sum(1 for f in files if not Path(f).read_bytes().decode(encoding, "replace").strip())


def _say(quiet):
    return (lambda *a, **k: None) if quiet else print


def run(args):
    paths = args.paths or [str(sample_path())]
    out = Path(args.output)
    metadata = _metadata_files(args.metadata) if args.metadata else None
    if metadata is None and not args.paths:
        metadata = _sample_metadata()  # the bundled sample carries its dates, sources and titles
    try:
        files, meta = _scan(
            paths, args.pattern, metadata, args.encoding, exclude=[out], text_dates=not args.no_text_dates
        )
    except (FileNotFoundError, ValueError, TypeError) as e:
        raise UsageError(str(e)) from None
    except UnicodeDecodeError as e:
        raise UsageError(f"metadata file is not UTF-8: {e}") from None
    except LookupError as e:
        raise UsageError(f"unknown encoding {args.encoding!r}") from e
    dates = [m.get("date") for m in meta]
    if args.window is not None and all(d is None for d in dates):
        raise UsageError(
            "--window needs dates: give --metadata with a 'date' column"
            + ("" if args.no_text_dates else " (none of the texts names its day either)")
        )
    say = _say(args.quiet)
    names_shown = [display_name(f.name) for f in files]
    ids = [m["id"] for m in meta]

    # Scraped articles: furniture out, function words out, one column per name whatever its spelling.
    # Terms are Vietnamese words ("hợp tác"); --raw counts syllables, as scikit-learn would.
    options = dict(words=False) if args.raw else dict(clean=True, stop_words="vietnamese", aliases=True)
    cv = CountVectorizer(input="filename", encoding=args.encoding, n_jobs=args.n_jobs, **options)
    try:
        counts = cv.fit_transform([str(f) for f in files])
    except LookupError as e:
        raise UsageError(f"unknown encoding {args.encoding!r}") from e
    except ValueError as e:
        if "empty vocabulary" not in str(e):
            raise
        # Say what is wrong with the input rather than the vectorizer's internal term.
        blank = _no_text(files, args.encoding)
        if blank == len(files):
            raise ValueError(f"no text in the {len(files)} file{'s' if len(files) != 1 else ''} read") from None
        raise ValueError(
            f"no terms to count: {blank} of {len(files)} files are empty and the rest hold only "
            "stop words, numbers or page furniture" + ("" if args.raw else " (try --raw)")
        ) from None
    tfidf = TfidfTransformer(sublinear_tf=True, n_jobs=args.n_jobs).fit_transform(counts)
    names = cv.readable_feature_names()
    titles = [m.get("title") or "" for m in meta]
    n_docs, n_terms = counts.shape
    tokens = np.asarray(counts.sum(axis=1)).ravel()
    replaced = cv.n_replaced_
    shown_paths = ", ".join(display_name(p) for p in paths)

    print(f"mekong {__version__}: {n_docs} articles from {shown_paths}")
    print(f"  tokens: {int(tokens.sum()):,}   distinct terms: {n_terms:,}   non-zeros: {counts.nnz:,}")
    print(f"  empty articles: {int((tokens == 0).sum())}   invalid byte sequences replaced: {int(replaced.sum())}")
    origin = [m.get("date_source") for m in meta]
    from_text = sum(1 for o in origin if o and o.startswith("text:"))
    print(
        f"  dates: {sum(1 for o in origin if o == 'metadata')} from metadata, {from_text} read from the texts, "
        f"{sum(1 for d in dates if d is None)} unknown"
    )
    print(
        "  options:",
        "syllables, nothing else (--raw)" if args.raw else ", ".join(f"{k}={v!r}" for k, v in options.items()),
    )
    recurring = []
    if not args.raw:
        say("  learned furniture lines:", len(cv.cleaner_.repeated_lines_))
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        recurring = sorted(
            (
                (int(df[cv.vocabulary_[k]]), max(forms, key=forms.get), k, forms)
                for k, forms in cv.aliases_.items()
                if df[cv.vocabulary_[k]] >= 2
            ),
            key=lambda r: (-r[0], r[1]),
        )
        say("\nNames and places in more than one article (spellings counted together):")
        for n, name, _, forms in recurring[:15]:
            other = [f for f in forms if f != name]
            say(f"  {name:28s} {n:3d} articles" + (f"   also written: {', '.join(other)}" if other else ""))

    say("\nTop terms (tf-idf) of each article:")
    top_rows = []
    for i in range(n_docs):
        row = tfidf.getrow(i)
        order = np.lexsort((row.indices, -row.data))[: args.top]
        terms = [names[row.indices[j]] for j in order]
        top_rows.append(terms)
        say(f"  {names_shown[i][:28]:28s} {', '.join(terms)}")

    # Dates, from the metadata or read from the texts, always reach stories(): its window="auto"
    # keeps a story within days (same-topic events of other days apart); --window sets another span.
    has_dates = any(d is not None for d in dates)
    window = args.window if args.window is not None else "auto"
    # The name columns (one per name whatever its spelling) let a dated article in another writing
    # (an English edition) join the story its names and days tell; `names` are the readable ones.
    name_columns = entity_columns(cv.get_feature_names_out())
    groups = stories(
        tfidf,
        threshold=args.threshold,
        feature_names=names,
        n_jobs=args.n_jobs,
        dates=dates if has_dates else None,
        window=window,
        ids=ids,
        sources=[m.get("source") for m in meta],
        bridge=name_columns,
    )
    in_story = int((groups.labels >= 0).sum())
    print(
        f"  stories: {len(groups)} (threshold {groups.threshold:.3f}{' from the corpus' if args.threshold == 'auto' else ''});"
        f" articles in a story: {in_story}, in none: {n_docs - in_story}"
    )
    say(
        f"\nStories told by more than one article (average linkage of re-ranked similarity > {groups.threshold:.3f}): {len(groups)}"
    )
    for g in groups:
        say(f"  story {g.label}: {g.size} articles; about: {', '.join(t for t, _ in g.top_terms[:6])}")
        for m in g.members:
            mark = "*" if m == g.representative else " "
            say(f"    {mark} {names_shown[m][:28]:28s} {titles[m][:70]}")

    # The nearest article is the one most likely to tell the same story (story_neighbours: query
    # expansion, neighbour re-ranking, and the date window when there are dates), not the plain
    # cosine's best, which is often a same-topic article of another week.
    index, score = story_neighbours(
        tfidf,
        k=1,
        dates=dates if has_dates else None,
        window=window if has_dates else None,
        n_jobs=args.n_jobs,
        feature_names=names,
        bridge=name_columns,
    )
    has = ~np.ma.getmaskarray(index)[:, 0] if index.shape[1] else np.zeros(n_docs, dtype=bool)
    say("\nNearest neighbour of each article (same-story retrieval, mekong.story_neighbours):")
    nearest = []
    for i in range(n_docs):
        j = int(index[i, 0]) if has[i] else None
        nearest.append((j, float(score[i, 0]) if has[i] else None))
        shown = f"{names_shown[j][:28]:28s} {score[i, 0]:.3f}" if j is not None else "(none: no shared terms)"
        say(f"  {names_shown[i][:28]:28s} -> {shown}")

    # Everything is computed before anything is written: no half-written folder on an error.
    out.mkdir(parents=True, exist_ok=True)
    sp.save_npz(out / "counts.npz", counts)
    sp.save_npz(out / "tfidf.npz", sp.csr_matrix(tfidf))
    (out / "vocabulary.txt").write_text("".join(t + "\n" for t in names), encoding="utf-8")
    with open(out / "documents.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "row",
                "id",
                "file",
                "title",
                "date",
                "source",
                "tokens",
                "replaced",
                "story",
                "nearest",
                "nearest_score",
                "top_terms",
                "date_source",
            ]
        )
        for i in range(n_docs):
            j, s = nearest[i]
            w.writerow(
                [
                    i,
                    ids[i],
                    names_shown[i],
                    titles[i],
                    meta[i].get("date") or "",
                    meta[i].get("source") or "",
                    int(tokens[i]),
                    int(replaced[i]),
                    int(groups.labels[i]),
                    ids[j] if j is not None else "",
                    f"{s:.6f}" if j is not None else "",
                    " | ".join(top_rows[i]),
                    meta[i].get("date_source") or "",  # metadata, text:stamp / text:full / text:day-month
                ]
            )
    with open(out / "stories.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["story", "size", "representative", "first_date", "last_date", "sources", "top_terms", "members"])
        for row in groups.to_frame().itertuples(index=False) if _has_pandas() else _story_rows(groups, ids, meta):
            w.writerow(
                [
                    row.story,
                    row.size,
                    row.representative,
                    row.first_date or "",
                    row.last_date or "",
                    " | ".join(row.sources),
                    " | ".join(str(t) for t in row.top_terms),
                    " | ".join(row.members),
                ]
            )
    with open(out / "names.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["column", "name", "articles", "spellings"])
        for n, name, key, forms in recurring:
            w.writerow([key, name, n, " | ".join(f"{f} ({c})" for f, c in sorted(forms.items(), key=lambda x: -x[1]))])
    print(
        f"Wrote counts.npz, tfidf.npz, vocabulary.txt, documents.csv, stories.csv and names.csv to {display_name(out)}/"
    )
    return 0


def _has_pandas():
    try:
        import pandas  # noqa: F401
    except ImportError:  # pragma: no cover
        return False
    return True


def _story_rows(groups, ids, meta):  # pragma: no cover - the same rows as Stories.to_frame, without pandas
    from types import SimpleNamespace

    for g in groups:
        dates = sorted(d for d in (meta[m].get("date") for m in g.members) if d)
        yield SimpleNamespace(
            story=g.label,
            size=g.size,
            representative=ids[g.representative],
            first_date=dates[0] if dates else None,
            last_date=dates[-1] if dates else None,
            sources=sorted({meta[m]["source"] for m in g.members if meta[m].get("source")}),
            top_terms=[t for t, _ in g.top_terms],
            members=[ids[m] for m in g.members],
        )


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)  # usage mistakes: argparse prints usage and exits with 2
    for stream in (sys.stdout, sys.stderr):  # a name the terminal cannot show must not stop the job
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    # Progress bars (tqdm, when installed) on a terminal unless --quiet; never into a pipe or a log.
    show_progress = not args.quiet and sys.stderr.isatty()
    try:
        with _progress.enabled(show_progress):
            return run(args)
    except UsageError as e:
        parser.print_usage(sys.stderr)
        print(f"mekong: error: {e}", file=sys.stderr)
        return 2
    except ValueError as e:  # the corpus cannot be analysed (e.g. an empty vocabulary)
        print(f"mekong: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("mekong: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
