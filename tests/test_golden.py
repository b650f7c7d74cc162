"""Golden results: the main job's matrices and the vectorizers' output on the bundled sample, bit for bit.

The hashes in tests/data/golden.json were computed by the code before options and learned models moved
into one table and into core objects; a refactor must leave every one of them unchanged. To record new
hashes after a change that is meant to change results, run ``python tests/test_golden.py --write`` and
say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import mekong

GOLDEN = Path(__file__).resolve().parent / "data" / "golden.json"

# Option sets that exercise every learned model (furniture lines, name evidence, alias keys,
# phrases, words, user dictionary) and the plain path.
CASES = {
    "main_job": dict(clean=True, stop_words="vietnamese", aliases=True),
    "plain_words": dict(),
    "syllables": dict(words=False),
    "names_phrases": dict(clean=True, names=True, phrases=True),
    "aliases_phrases_syllables": dict(clean=True, aliases=True, phrases=True, words=False, stop_words="vietnamese"),
    "user_dictionary": dict(words=False, user_dictionary=["hợp tác", "Kon Tum"], ngram_range=(1, 2)),
}


def _digest(*parts):
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(str(part.dtype).encode())
            h.update(np.ascontiguousarray(part).tobytes())
        else:
            h.update(json.dumps(part, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _csr_digest(X):
    X = sp.csr_matrix(X)
    return _digest(X.data, X.indices, X.indptr, list(X.shape))


def _evidence_lists(evidence):
    """Name evidence as (lower, names, clipped) lists, from a tuple of lists or a core NameEvidence."""
    if evidence is None:
        return None
    if isinstance(evidence, tuple):
        return [list(part) for part in evidence]
    return [list(evidence.lower), list(evidence.names), list(evidence.clipped)]


def case_hashes(texts):
    """Hash of the counts, the tf-idf, the vocabulary and the learned state of each case."""
    out = {}
    for name, options in CASES.items():
        cv = mekong.CountVectorizer(**options)
        counts = cv.fit_transform(texts)
        again = cv.transform(texts)  # transform of the fitted vectorizer must give the fit's matrix
        assert (again != counts).nnz == 0, name
        tfidf = mekong.TfidfTransformer(sublinear_tf=True).fit_transform(counts)
        learned = {
            "aliases": getattr(cv, "aliases_", None),
            "lines": list(cv.cleaner_.repeated_lines_) if getattr(cv, "cleaner_", None) is not None else None,
            "evidence": _evidence_lists(getattr(cv, "name_evidence_", None)),
            "phrases": [list(p) for p in cv.phrases_.pairs_] if getattr(cv, "phrases_", None) is not None else None,
            "dictionary": list(cv.phrases_.dictionary_) if getattr(cv, "phrases_", None) is not None else None,
        }
        out[name] = {
            "counts": _csr_digest(counts),
            "tfidf": _csr_digest(tfidf),
            "vocabulary": _digest(list(cv.get_feature_names_out())),
            "learned": _digest(learned),
        }
    return out


def main_job_hashes(tmp):
    """Runs the main job (``python -m mekong``, as run.sh does) and hashes what it writes."""
    subprocess.run(
        [sys.executable, "-m", "mekong", "-q", "--n-jobs", "2", "-o", str(tmp)],
        check=True,
        capture_output=True,
    )
    counts = sp.load_npz(tmp / "counts.npz")
    tfidf = sp.load_npz(tmp / "tfidf.npz")
    return {
        "counts": _csr_digest(counts),
        "tfidf": _csr_digest(tfidf),
        "vocabulary": hashlib.sha256((tmp / "vocabulary.txt").read_bytes()).hexdigest(),
        "documents": hashlib.sha256((tmp / "documents.csv").read_bytes()).hexdigest(),
    }


@pytest.fixture(scope="module")
def golden():
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_golden_main_job_matrices(golden, tmp_path):
    assert main_job_hashes(tmp_path) == golden["main_job_cli"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_vectorizer_cases(golden, sample, name):
    got = case_hashes_cached(tuple(sample.texts))
    assert got[name] == golden["cases"][name]


_CACHE = {}


def case_hashes_cached(texts):
    if texts not in _CACHE:
        _CACHE[texts] = case_hashes(list(texts))
    return _CACHE[texts]


if __name__ == "__main__":  # python tests/test_golden.py --write
    import tempfile

    if "--write" not in sys.argv:
        sys.exit("usage: python tests/test_golden.py --write")
    with tempfile.TemporaryDirectory() as d:
        record = {
            "main_job_cli": main_job_hashes(Path(d)),
            "cases": case_hashes(mekong.datasets.load_sample().texts),
        }
    GOLDEN.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
