"""The main job: ``python -m mekong [FOLDER ...]`` (also the ``mekong`` command).

Analyses a folder of .txt articles, or the bundled sample when given none: prints a corpus summary,
the top terms of each article, the groups of articles that tell the same story and each article's
nearest neighbour, and writes the matrices and tables to an output folder.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import __version__
from .datasets import sample_path
from .similarity import top_k_similar
from .stories import stories
from .weighting import TfidfTransformer
from .feature_extraction import CountVectorizer


def _article_files(paths):
    files = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*.txt") if q.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise SystemExit(f"mekong: no such file or folder: {p}")
    if not files:
        raise SystemExit("mekong: no .txt articles found in " + ", ".join(str(p) for p in paths))
    return files


def _title(path):
    with open(path, "rb") as fh:
        for raw in fh:
            line = raw.decode("utf-8", "replace").strip().lstrip("#").strip()
            if line:
                return line[:90]
    return path.stem


def build_parser():
    p = argparse.ArgumentParser(
        prog="mekong",
        description="Analyse a folder of news articles (.txt): term counts, tf-idf, story groups, neighbours.",
    )
    p.add_argument("paths", nargs="*", help="folders or .txt files (default: the bundled sample articles)")
    p.add_argument("-o", "--output", default="mekong-output", help="output folder (default: %(default)s)")
    p.add_argument("--top", type=int, default=8, help="top terms shown per article (default: %(default)s)")
    p.add_argument("--encoding", default="utf-8", help="encoding of the files (default: %(default)s)")
    p.add_argument("--threshold", type=float, default=0.5, help="story-group similarity threshold (default: %(default)s)")
    p.add_argument("--n-jobs", type=int, default=-1, help="threads (-1: all cores; default: %(default)s)")
    p.add_argument("--raw", action="store_true",
                   help="count the files as they are: no cleaning, stop words or name keys (scikit-learn-like)")
    p.add_argument("--version", action="version", version=f"mekong {__version__}")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    paths = args.paths or [sample_path()]
    files = _article_files(paths)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)

    # Scraped articles: furniture out, function words out, one column per name whatever its spelling.
    # Terms are Vietnamese words ("hợp tác"); --raw counts syllables, as scikit-learn would.
    options = dict(words=False) if args.raw else dict(clean=True, stop_words="vietnamese", aliases=True)
    cv = CountVectorizer(input="filename", encoding=args.encoding, n_jobs=args.n_jobs, **options)
    counts = cv.fit_transform([str(f) for f in files])
    tfidf = TfidfTransformer(sublinear_tf=True, n_jobs=args.n_jobs).fit_transform(counts)
    names = cv.readable_feature_names()
    titles = [_title(f) for f in files]
    n_docs, n_terms = counts.shape
    tokens = np.asarray(counts.sum(axis=1)).ravel()
    replaced = cv.n_replaced_

    print(f"mekong {__version__}: {n_docs} articles from {', '.join(str(p) for p in paths)}")
    print(f"  tokens: {int(tokens.sum()):,}   distinct terms: {n_terms:,}   non-zeros: {counts.nnz:,}")
    print(f"  empty articles: {int((tokens == 0).sum())}   invalid byte sequences replaced: {int(replaced.sum())}")
    print("  options:", "syllables, nothing else (--raw)" if args.raw else ", ".join(f"{k}={v!r}" for k, v in options.items()))
    if not args.raw:
        print("  learned furniture lines:", len(cv.cleaner_.repeated_lines_))
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        recurring = sorted(((int(df[cv.vocabulary_[k]]), max(forms, key=forms.get), forms)
                            for k, forms in cv.aliases_.items() if df[cv.vocabulary_[k]] >= 2), key=lambda r: (-r[0], r[1]))
        print("\nNames and places in more than one article (spellings counted together):")
        for n, name, forms in recurring[:15]:
            other = [f for f in forms if f != name]
            print(f"  {name:28s} {n:3d} articles" + (f"   also written: {', '.join(other)}" if other else ""))

    print("\nTop terms (tf-idf) of each article:")
    top_rows = []
    for i, f in enumerate(files):
        row = tfidf.getrow(i)
        order = np.lexsort((row.indices, -row.data))[: args.top]
        terms = [names[row.indices[j]] for j in order]
        top_rows.append((f.name, titles[i], terms))
        print(f"  {f.name[:28]:28s} {', '.join(terms)}")

    groups = stories(tfidf, threshold=args.threshold, feature_names=names, n_jobs=args.n_jobs)
    print(f"\nStories told by more than one article (average-linkage cosine > {args.threshold}): {len(groups)}")
    for g in groups:
        print(f"  story {g.label}: {g.size} articles; about: {', '.join(t for t, _ in g.top_terms[:6])}")
        for m in g.members:
            mark = "*" if m == g.representative else " "
            print(f"    {mark} {files[m].name[:28]:28s} {titles[m][:70]}")

    index, score = top_k_similar(tfidf, k=1, n_jobs=args.n_jobs)
    if index.shape[1] == 0:  # one article: no neighbour to show
        index = np.full((n_docs, 1), -1)
        score = np.full((n_docs, 1), np.nan)
    print("\nNearest neighbour of each article (cosine):")
    for i, f in enumerate(files):
        j = int(index[i, 0])
        shown = f"{files[j].name[:28]:28s} {score[i, 0]:.3f}" if j >= 0 else "(none: no shared terms)"
        print(f"  {f.name[:28]:28s} -> {shown}")

    sp.save_npz(out / "counts.npz", counts)
    sp.save_npz(out / "tfidf.npz", sp.csr_matrix(tfidf))
    (out / "vocabulary.txt").write_text("".join(t + "\n" for t in names), encoding="utf-8")
    with open(out / "documents.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["row", "file", "title", "tokens", "replaced", "story", "nearest", "nearest_score", "top_terms"])
        for i, (name, title, terms) in enumerate(top_rows):
            j = int(index[i, 0])
            w.writerow([i, name, title, int(tokens[i]), int(replaced[i]), int(groups.labels[i]),
                        files[j].name if j >= 0 else "", f"{score[i, 0]:.6f}" if j >= 0 else "", " | ".join(terms)])
    print(f"\nWrote counts.npz, tfidf.npz, vocabulary.txt and documents.csv to {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
