"""Peak memory while counting (issue 14 item 5, issue 13 item 1): the final matrix and vocabulary
plus a fixed buffer, whatever the corpus size, for a corpus read from files and for a list of str
already in memory.

A seeded ~200 MB corpus of 20,000 files is written to a temporary folder once and counted in child
processes; a child's peak resident memory above what it held before counting must stay within the
matrix, the vocabulary and the buffer documented in the README (STREAM_BUFFER_BATCHES batches of
mekong._stream.BATCH_BYTES): far below the corpus itself, and, for the list, without a UTF-8 copy of
it (that copy alone would be about 1.2x the text)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

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


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("memory") / "corpus"
    return folder, _write_corpus(folder, CORPUS_MB)


def _measure(child, folder):
    """Run ``child`` on the corpus folder in a fresh process: its measurements, how much its peak
    resident set grew while counting, and what the documented bound allows."""
    batch = BATCH_MB << 20
    out = subprocess.run(
        [sys.executable, "-c", child, str(folder), str(batch)], capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr
    r = json.loads(out.stdout.strip().splitlines()[-1])
    allowed = r["matrix"] + r["vocabulary"] + STREAM_BUFFER_BATCHES * batch
    return r, r["peak"] - r["before"], allowed


def test_peak_memory_is_the_matrix_plus_a_fixed_buffer(corpus):
    folder, total = corpus
    r, grew, allowed = _measure(CHILD, folder)
    report = (
        f"corpus {total / 1e6:.0f} MB in {r['rows']} files; matrix {r['matrix'] / 1e6:.0f} MB "
        f"({r['nnz']} entries), vocabulary ~{r['vocabulary'] / 1e6:.0f} MB; peak grew by {grew / 1e6:.0f} MB; "
        f"allowed {allowed / 1e6:.0f} MB"
    )
    print(report)
    assert r["rows"] == 20000
    assert grew <= allowed, report
    assert grew - r["matrix"] - r["vocabulary"] < total, report  # the corpus itself is never held whole


LIST_CHILD = textwrap.dedent(
    """
    import gc, json, os, sys
    import mekong
    from mekong import _stream

    def status(field):
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024

    _stream.BATCH_BYTES = int(sys.argv[2])
    docs = []
    for root, dirs, files in sorted(os.walk(sys.argv[1])):
        for name in sorted(files):
            with open(os.path.join(root, name), encoding="utf-8") as fh:
                docs.append(fh.read())
    mekong.CountVectorizer().fit_transform(docs[:20])  # everything loaded once
    gc.collect()
    with open("/proc/self/clear_refs", "w") as fh:  # the high-water mark back to the current RSS
        fh.write("5")
    before = status("VmRSS")
    cv = mekong.CountVectorizer(n_jobs=2)
    X = cv.fit_transform(docs)
    peak = status("VmHWM")
    vocabulary = sum(sys.getsizeof(t) + 100 for t in cv.vocabulary_)  # str, dict slot, int
    text = sum(len(d.encode("utf-8")) for d in docs)
    print(json.dumps(dict(before=before, peak=peak, rows=X.shape[0], nnz=int(X.nnz), text=text,
                          ascii=sum(d.isascii() for d in docs),
                          matrix=int(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes), vocabulary=vocabulary)))
    """
)


def test_peak_memory_of_a_list_in_memory_is_the_matrix_plus_a_fixed_buffer(corpus):
    # Counting a list of str held in memory: before, the whole list went to the core in 64M-character
    # batches with a UTF-8 copy of every non-ASCII str (3.4x the matrix on 40 MB).
    folder, _ = corpus
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pytest.skip("the peak resident set cannot be reset here (/proc/self/clear_refs)")
    r, grew, allowed = _measure(LIST_CHILD, folder)
    report = (
        f"list of {r['rows']} str ({r['ascii']} ASCII), {r['text'] / 1e6:.0f} MB of UTF-8; matrix "
        f"{r['matrix'] / 1e6:.0f} MB ({r['nnz']} entries), vocabulary ~{r['vocabulary'] / 1e6:.0f} MB; peak grew by "
        f"{grew / 1e6:.0f} MB; allowed {allowed / 1e6:.0f} MB"
    )
    print(report)
    assert r["rows"] == 20000
    assert r["ascii"] < r["rows"]  # the str that need a UTF-8 copy are there
    assert grew <= allowed, report
    assert grew - r["matrix"] - r["vocabulary"] < 0.75 * r["text"], report  # no whole-corpus UTF-8 copy
