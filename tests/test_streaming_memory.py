"""Peak memory while counting a corpus from files (issue 14 item 5, issue 13 item 1): the final
matrix and vocabulary plus a fixed buffer, whatever the corpus size.

A seeded ~200 MB corpus of 20,000 files is written to a temporary folder and counted in a child
process; the child's peak resident memory (ru_maxrss) above what it held before counting must stay
within the matrix, the vocabulary and the buffer documented in the README (STREAM_BUFFER_BATCHES
batches of mekong._stream.BATCH_BYTES), and far below the corpus itself."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np

CORPUS_MB = 200
BATCH_MB = 16
#: The README's buffer: this many batches of text, beyond the matrix and vocabulary.
STREAM_BUFFER_BATCHES = 8

CHILD = textwrap.dedent(
    """
    import json, resource, sys
    import mekong
    from mekong import _stream

    _stream.BATCH_BYTES = int(sys.argv[2])
    mekong.CountVectorizer().fit_transform(["Hợp tác với Lào", "Kon Tum"])  # everything loaded once
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    cv = mekong.CountVectorizer(input="filename", n_jobs=2)
    X = cv.fit_transform(sys.argv[1])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    vocabulary = sum(sys.getsizeof(t) + 100 for t in cv.vocabulary_)  # str, dict slot, int
    print(json.dumps(dict(before=before, peak=peak, rows=X.shape[0], nnz=int(X.nnz),
                          matrix=int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes), vocabulary=vocabulary)))
    """
)


def _write_corpus(folder, mb, seed=2026):
    """Articles of about 10 KB from a long-tailed (Zipf) vocabulary of generated Vietnamese-like
    syllables; 5,000 distinct ones, each written four times under another name."""
    rng = np.random.default_rng(seed)
    onsets = [
        "",
        "b",
        "c",
        "ch",
        "d",
        "đ",
        "g",
        "h",
        "kh",
        "l",
        "m",
        "n",
        "ng",
        "nh",
        "ph",
        "qu",
        "s",
        "t",
        "th",
        "tr",
        "v",
        "x",
    ]
    rhymes = [
        "a",
        "à",
        "á",
        "ạ",
        "ai",
        "an",
        "ăn",
        "âm",
        "ê",
        "ênh",
        "i",
        "inh",
        "o",
        "ơ",
        "ơn",
        "ô",
        "ông",
        "u",
        "ư",
        "ương",
        "uyên",
        "yêu",
    ]
    syllables = np.array([o + r for o in onsets for r in rhymes] + [f"x{k}" for k in range(40000)])
    weights = 1.0 / np.arange(1, len(syllables) + 1) ** 1.05
    weights /= weights.sum()
    folder.mkdir()
    distinct = 5000
    per_doc = int(mb * 1e6 / (4 * distinct) / 4.5)  # about 4.5 bytes a token
    docs = []
    for _ in range(distinct):
        words = syllables[rng.choice(len(syllables), size=per_doc, p=weights)]
        docs.append(" ".join(words.tolist()).encode("utf-8"))
    total = 0
    for copy in range(4):
        sub = folder / f"part{copy}"
        sub.mkdir()
        for i, d in enumerate(docs):
            (sub / f"{i:05d}.txt").write_bytes(d)
            total += len(d)
    return total


def test_peak_memory_is_the_matrix_plus_a_fixed_buffer(tmp_path):
    folder = tmp_path / "corpus"
    total = _write_corpus(folder, CORPUS_MB)
    batch = BATCH_MB << 20
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), str(batch)], capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout.strip().splitlines()[-1])
    grew = r["peak"] - r["before"]
    allowed = r["matrix"] + r["vocabulary"] + STREAM_BUFFER_BATCHES * batch
    report = (
        f"corpus {total / 1e6:.0f} MB in {r['rows']} files; matrix {r['matrix'] / 1e6:.0f} MB "
        f"({r['nnz']} entries), vocabulary ~{r['vocabulary'] / 1e6:.0f} MB; peak grew by {grew / 1e6:.0f} MB; "
        f"allowed {allowed / 1e6:.0f} MB"
    )
    print(report)
    assert r["rows"] == 20000
    assert grew <= allowed, report
    assert grew - r["matrix"] - r["vocabulary"] < total, report  # the corpus itself is never held whole
