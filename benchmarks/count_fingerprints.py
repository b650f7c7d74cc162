"""Fingerprints of CountVectorizer's output for each counting option set, to show that a change to
the counting path leaves results bit for bit the same: run it with the old build and the new one
and diff the two outputs.

    python benchmarks/count_fingerprints.py GENERATED.txt ARTICLES.txt > new.txt

GENERATED.txt: one document a line (benchmarks/generate_corpus.py); ARTICLES.txt: documents
separated by U+001E (several lines each), furniture learned from lines in at least
``--min-documents`` of them. Each line: corpus, option set, words, shape, non-zeros, and the
SHA-256 of indptr, indices, data, the feature names and (with aliases) aliases_.
"""

import argparse
import hashlib

import mekong

OPTION_SETS = {
    "plain": {},
    "clean": dict(clean=True),
    "aliases": dict(aliases=True),
    "clean+aliases+stop": dict(clean=True, aliases=True, stop_words="vietnamese"),
    "clean+aliases+stop+phrases": dict(clean=True, aliases=True, stop_words="vietnamese", phrases=True),
}


def fingerprint(docs, options):
    v = mekong.CountVectorizer(**options)
    X = v.fit_transform(docs)
    h = hashlib.sha256()
    for a in (X.indptr, X.indices, X.data):
        h.update(a.tobytes())
    h.update("\n".join(v.get_feature_names_out()).encode())
    if options.get("aliases"):
        h.update(repr(sorted((k, sorted(d.items())) for k, d in v.aliases_.items())).encode())
    return X.shape, X.nnz, h.hexdigest()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("generated")
    p.add_argument("articles")
    p.add_argument("--min-documents", type=int, default=2, help="furniture threshold on the articles")
    args = p.parse_args(argv)
    with open(args.generated, encoding="utf-8") as fh:
        generated = [line.rstrip("\n") for line in fh if line.strip()]
    with open(args.articles, encoding="utf-8") as fh:
        articles = fh.read().split("\x1e")
    for corpus, docs, min_docs in (("generated", generated, 2), ("articles", articles, args.min_documents)):
        for name, opts in OPTION_SETS.items():
            for words in (False, True):
                o = dict(opts, words=words)
                if o.get("clean"):
                    o["clean"] = mekong.Cleaner(min_documents=min_docs)
                shape, nnz, digest = fingerprint(docs, o)
                print(corpus, name, f"words={words}", f"{shape[0]}x{shape[1]}", nnz, digest, flush=True)


if __name__ == "__main__":
    main()
