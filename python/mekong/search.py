"""Query ranking: fit on a corpus once, then rank query texts against it as people type them."""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict

import numpy as np

from . import _core, _progress
from ._base import BaseEstimator, check_is_fitted
from ._options import check_int, check_n_jobs
from ._sparse import as_csr, core_args
from .feature_extraction import CountVectorizer
from .text import normalize, tokenize
from .weighting import BM25Transformer, TfidfVectorizer

#: Longest run of query syllables tried as one term (names, phrases, n-gram columns).
MAX_SPAN = 4

_SEPARATORS = str.maketrans("", "", " _-")

#: ``rerank="neighbours"``: each document's profile is its this many nearest documents, the ``k``
#: that :func:`mekong.stories` and :func:`mekong.top_k_similar` use by default.
RERANK_NEIGHBOURS = 10

# Derived state: rebuilt from matrix_ and vectorizer_ on first use, never pickled.
_DERIVED = ("_index", "_lookup", "_neighbours")


def fold(text):
    """``text`` without accents: Latin letters lose their marks (``đ`` -> ``d``); other scripts stay.

    >>> from mekong.search import fold
    >>> fold("hợp tác Lào"), fold("Đắk Lắk")
    ('hop tac Lao', 'Dak Lak')
    """
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and out and "a" <= out[-1].lower() <= "z":
            continue  # a mark on a Latin letter: an accent
        out.append({"đ": "d", "Đ": "D"}.get(ch, ch))
    return unicodedata.normalize("NFC", "".join(out))


def _squash(term):
    """A term as one string without separators: "hợp_tác", "hợp tác" and "hợp-tác" -> "hợptác"."""
    return term.translate(_SEPARATORS)


class _Lookup:
    """The vocabulary keyed the ways a query can reach a column, built once per fitted index.

    exact:  a column's term lower-cased without separators; for a name column (``name:<key>``) its
            key and each spelling the corpus used ("attapu", "ắttapư", "attapư").
    folded: the same keys without accents.
    names:  the columns that hold names: ``name:`` columns, and with ``names=True`` (no aliases)
            the multi-syllable ones (``kon_tum``; phrases look the same and are treated alike).
    """

    def __init__(self, vectorizer):
        vocab = vectorizer.vocabulary_
        aliases = getattr(vectorizer, "aliases_", None) or {}
        tone_marks = getattr(vectorizer, "tone_marks", "traditional")
        self.exact = defaultdict(set)
        self.folded = defaultdict(set)
        # Runs of two or more query syllables reach only terms that are runs themselves (names,
        # phrases, n-grams), never a single token that happens to spell their concatenation.
        self.exact_runs = defaultdict(set)
        self.folded_runs = defaultdict(set)
        self.names = set()
        names_joined = bool(getattr(vectorizer, "names", False))
        for term, col in vocab.items():
            col = int(col)
            if term.startswith("name:"):
                self.names.add(col)
                keys = {term[5:]}
                for spelling in aliases.get(term, ()):
                    keys.add(_squash(normalize(spelling, tone_marks=tone_marks)))
            else:
                keys = {_squash(term.lower())}
                if names_joined and "_" in term:
                    self.names.add(col)
            run = term.startswith("name:") or any(sep in term for sep in " _-")
            for key in keys:
                self.exact[key].add(col)
                self.folded[fold(key)].add(col)
                if run:
                    self.exact_runs[key].add(col)
                    self.folded_runs[fold(key)].add(col)


class SearchIndex(BaseEstimator):
    """Rank the documents of a corpus against query texts, by tf-idf cosine or BM25.

    The index keeps the corpus' matrix in the core as an inverted index (its columns as postings),
    built once by ``fit``: a query costs the postings of its terms, with top-k pruning (documents
    that cannot reach the k-th best score are dropped early), for one query or a batch.

    How a query reaches the columns. Queries are tokenized as the vectorizer tokenizes documents
    and always compared without case. Runs of up to four consecutive query syllables are matched as
    one term too, so a query reaches multi-syllable columns: names (``name:hunsen`` from "hun
    sen"), phrases (``hợp_tác``) and n-grams ("kon tum"). Accents follow ``accents``:

    * ``"auto"`` (default): a query written entirely without accents was typed without them: each
      syllable matches every accented form ("hop tac" reaches "hợp tác", "họp", ...). A query with
      accents means them: its syllables match as written, so "hợp tác Lào" does not reach "lao
      xe" (a crash). Names (``name:`` columns, whose keys carry no accents) and multi-syllable
      terms match without accents either way: runs of syllables rarely collide once accents go.
    * ``"ignore"``: every syllable matches every accented form, even when the query has accents.
    * ``"exact"``: syllables match as written (case still ignored); name columns are reached by a
      spelling the corpus used or by their key.

    A run of capitalised query syllables that matches a name column counts as that name only, not
    as the words it also spells: "hop tac Lao" reaches the country's ``name:lao`` rather than the
    verb "lao" (with ``aliases=True``; with ``names=True`` alone, multi-syllable names such as
    ``kon_tum`` count as names this way).

    Parameters
    ----------
    method : {"cosine", "bm25"}, default="cosine"
        "cosine": tf-idf vectors of queries and documents, cosine similarity.
        "bm25": each document's BM25 weights summed over the (distinct) query terms: Lucene's BM25
        (:class:`mekong.BM25Transformer`), the formula bm25s uses by default, whose scores are these
        divided by ``k1 + 1``. On the same tokens the two rank alike (up to ties; tested against
        bm25s in ``tests/test_search_bm25.py``). Their default rankings differ by design, not by
        scoring: the index's terms are Vietnamese words ("hợp_tác") and whole numbers ("1.200"),
        and unaccented queries match accented text (``accents``), where bm25s splits on word characters
        and matches as written. On 3,000 generated news documents and 600 typed queries the two
        top-10 lists share 28% of their documents with the defaults, 38% with ``accents="exact"``,
        93% with ``accents="exact"`` and syllable terms (``vectorizer_options={"words": False}``)
        and 99.3% on the same tokens (``benchmarks/BM25_OVERLAP.md``; in the differences read, ties
        among bm25s's float32 scores and spellings the index normalizes, "hoà" and "hòa").
    k1, b : float
        BM25 parameters (``method="bm25"``).
    accents : {"auto", "ignore", "exact"}, default="auto"
        Accent-insensitive matching, as above.
    n_jobs : int, default=1
        Threads for fitting and for batches of queries; results are identical for any value.
    vectorizer_options : dict, optional
        Passed to the vectorizer (``{"stop_words": "vietnamese", "aliases": True}``, ...).
    rerank : None or "neighbours", default=None
        ``"neighbours"`` re-orders each query's ``k`` results with the documents' own evidence,
        as :func:`mekong.top_k_similar` and :func:`mekong.story_neighbours` do with the same
        option (:func:`mekong.stories.rerank_results`, one core routine): a result keeps its score
        when its nearest documents are the query's other results too (the other versions of one
        story), and loses up to half of it when they are not (an article that shares the query's
        words but belongs to another event). Each document's ``RERANK_NEIGHBOURS`` nearest
        documents (cosine of the indexed rows) are found once, on the first re-ranked query, at
        the cost of a top-k search over the corpus. Scores become the re-ranked scores. The
        measured effect on same-story retrieval is in ``benchmarks/STORIES.md``.
    progress : bool, default=False
        Progress bars (tqdm, when installed; nothing without it) while ``fit`` vectorizes and
        ``rank`` searches.

    Attributes
    ----------
    vectorizer_ : CountVectorizer or TfidfVectorizer
    matrix_ : csr_matrix of shape (n_documents, n_terms)
        The documents' tf-idf (cosine) or BM25 (bm25) weights.

    Examples
    --------
    >>> from mekong import SearchIndex
    >>> docs = ["Kon Tum ký kết hợp tác với Attapư", "Giá lúa tăng ở An Giang", "Bão số 4 đổ bộ"]
    >>> index = SearchIndex().fit(docs)
    >>> idx, scores = index.rank(["hợp tác Attapư"], k=2)
    >>> int(idx[0, 0])
    0
    >>> int(index.rank("hop tac attapu", k=1)[0][0, 0])   # typed without accents
    0

    Reusing a fitted vectorizer and its matrix (no second pass over the corpus):

    >>> import mekong
    >>> tv = mekong.TfidfVectorizer()
    >>> X = tv.fit_transform(docs)
    >>> index = SearchIndex().fit(vectorizer=tv, matrix=X)
    >>> int(index.rank("giá lúa", k=1)[0][0, 0])
    1
    """

    def __init__(
        self,
        *,
        method="cosine",
        k1=1.5,
        b=0.75,
        accents="auto",
        n_jobs=1,
        vectorizer_options=None,
        rerank=None,
        progress=False,
    ):
        self.method = method
        self.k1 = k1
        self.b = b
        self.accents = accents
        self.n_jobs = n_jobs
        self.vectorizer_options = vectorizer_options
        self.rerank = rerank
        self.progress = progress

    def _check_params(self):
        if self.method not in ("cosine", "bm25"):
            raise ValueError(f"method must be 'cosine' or 'bm25'; got {self.method!r}")
        if self.accents not in ("auto", "ignore", "exact"):
            raise ValueError(f"accents must be 'auto', 'ignore' or 'exact'; got {self.accents!r}")
        if self.rerank not in (None, "neighbours"):
            raise ValueError(f"rerank must be None or 'neighbours'; got {self.rerank!r}")

    def fit(self, documents=None, y=None, *, vectorizer=None, matrix=None):
        """Index ``documents``, or a corpus already vectorized.

        Parameters
        ----------
        documents : iterable of str, optional
            The corpus. Not needed when ``matrix`` is given.
        vectorizer : fitted mekong CountVectorizer or TfidfVectorizer, optional
            Reused as it is (not refitted). With ``documents`` and no ``matrix``, it transforms them.
        matrix : sparse matrix, optional
            The corpus as ``vectorizer`` made it (``vectorizer.fit_transform(docs)``): tf-idf rows for
            ``method="cosine"`` (any weights work; rows are normalised), term counts for
            ``method="bm25"``. Needs ``vectorizer``.
        """
        self._check_params()
        for derived in _DERIVED:
            self.__dict__.pop(derived, None)
        with _progress.enabled(self.progress):
            return self._fit(documents, vectorizer, matrix)

    def _fit(self, documents, vectorizer, matrix):
        if matrix is not None and vectorizer is None:
            raise ValueError("matrix needs the vectorizer that made it: fit(vectorizer=..., matrix=...)")
        if vectorizer is not None:
            if not isinstance(vectorizer, CountVectorizer):
                raise TypeError(
                    f"vectorizer must be a mekong CountVectorizer or TfidfVectorizer; got {type(vectorizer).__name__}"
                )
            check_is_fitted(vectorizer, "vocabulary_")
            if matrix is None:
                if documents is None:
                    raise ValueError("fit needs documents or a matrix")
                matrix = vectorizer.transform(documents)
            matrix = as_csr(matrix, name="matrix")
            if matrix.shape[1] != len(vectorizer.vocabulary_):
                raise ValueError(
                    f"matrix has {matrix.shape[1]} columns, the vectorizer's vocabulary {len(vectorizer.vocabulary_)} terms"
                )
            self.vectorizer_ = vectorizer
            if self.method == "bm25":
                if matrix.dtype != np.float64 and matrix.dtype != np.float32:
                    matrix = matrix.astype(np.float64)
                self.bm25_ = BM25Transformer(k1=self.k1, b=self.b, n_jobs=self.n_jobs).fit(matrix)
                self.matrix_ = self.bm25_.transform(matrix)
            else:
                self.matrix_ = matrix
            return self
        if documents is None:
            raise ValueError("fit needs documents, or a fitted vectorizer and its matrix")
        options = dict(self.vectorizer_options or {})
        if self.method == "cosine":
            self.vectorizer_ = TfidfVectorizer(n_jobs=self.n_jobs, **options)
            self.matrix_ = self.vectorizer_.fit_transform(documents)
        else:
            self.vectorizer_ = CountVectorizer(n_jobs=self.n_jobs, dtype=np.float64, **options)
            counts = self.vectorizer_.fit_transform(documents)
            self.bm25_ = BM25Transformer(k1=self.k1, b=self.b, n_jobs=self.n_jobs).fit(counts)
            self.matrix_ = self.bm25_.transform(counts)
        return self

    # The core index and the vocabulary lookup are derived state: built on first use, left out of
    # pickles (rebuilt from matrix_ and vectorizer_ after loading).
    def _core_index(self):
        index = self.__dict__.get("_index")
        if index is None:
            X = as_csr(self.matrix_, name="matrix_")
            cls = _core.SimilarityIndex32 if X.dtype == np.float32 else _core.SimilarityIndex64
            index = cls(core_args(X), "cosine" if self.method == "cosine" else "dot")
            self.__dict__["_index"] = index
        return index

    def _document_neighbours(self):
        nb = self.__dict__.get("_neighbours")
        if nb is None:
            from .stories import neighbour_lists

            n = self.matrix_.shape[0]
            nb = neighbour_lists(self.matrix_, max(min(RERANK_NEIGHBOURS, n - 1), 1), n_jobs=self.n_jobs)
            self.__dict__["_neighbours"] = nb
        return nb

    def _terms(self):
        lookup = self.__dict__.get("_lookup")
        if lookup is None:
            lookup = self.__dict__["_lookup"] = _Lookup(self.vectorizer_)
        return lookup

    def __getstate__(self):
        parent = getattr(super(), "__getstate__", None)
        state = dict(parent() if parent is not None else self.__dict__)
        for derived in _DERIVED:
            state.pop(derived, None)
        return state

    def query_terms(self, query):
        """The columns a query reaches and how often: ``{column: count}`` (see the class docstring)."""
        check_is_fitted(self, "matrix_")
        self._check_params()
        if not isinstance(query, str):
            raise TypeError(f"a query must be a str; got {type(query).__name__}")
        vec = self.vectorizer_
        lookup = self._terms()
        tone_marks = getattr(vec, "tone_marks", "traditional")
        # Syllables, not words: runs of query syllables are matched against word, name and phrase
        # columns below, which also finds the single-syllable columns a joined word would hide.
        options = dict(
            tone_marks=tone_marks, numbers=True, urls=getattr(vec, "urls", "drop"), min_token_length=1, words=False
        )
        raw = tokenize(query, lowercase=False, **options)
        low = tokenize(query, lowercase=True, **options)
        if len(low) != len(raw):  # casing changed the tokens (rare scripts): no capital evidence
            raw = low
        low = [_squash(t) for t in low]  # a word the tokenizer joined ("hợp_tác") keys like its column
        bare = [fold(t) for t in low]
        typed_bare = self.accents == "ignore" or (self.accents == "auto" and all(b == t for b, t in zip(bare, low)))
        capital = [t[:1].isupper() for t in raw]
        counts = defaultdict(int)
        named = [False] * len(low)
        n = len(low)
        for length in range(min(MAX_SPAN, n), 0, -1):
            for i in range(n - length + 1):
                span = range(i, i + length)
                if all(named[j] for j in span):
                    continue  # inside a name already matched
                exact_key = "".join(low[i : i + length])
                bare_key = "".join(bare[i : i + length])
                exact_map, folded_map = (
                    (lookup.exact, lookup.folded) if length == 1 else (lookup.exact_runs, lookup.folded_runs)
                )
                cols = set(exact_map.get(exact_key, ()))
                folded = folded_map.get(bare_key, ()) if self.accents != "exact" else ()
                if folded:
                    if typed_bare or length > 1:
                        cols |= folded  # unaccented typing, or a run of syllables
                    else:
                        cols |= lookup.names & folded  # names match without accents
                names = cols & lookup.names
                if names and all(capital[j] for j in span):
                    cols = names  # "Lao" capitalised: the name, not the word it spells
                    for j in span:
                        named[j] = True
                for c in cols:
                    counts[c] += 1
        return dict(counts)

    def _query_matrix(self, queries):
        vec = self.vectorizer_
        dtype = self.matrix_.dtype if self.matrix_.dtype in (np.float32, np.float64) else np.float64
        if self.method == "cosine" and hasattr(vec, "sublinear_tf"):
            idf = vec.idf_ if getattr(vec, "use_idf", True) else None
            sublinear = bool(vec.sublinear_tf)
        else:
            idf, sublinear = None, False
        indptr, indices, data = [0], [], []
        for q in queries:
            terms = sorted(self.query_terms(q).items())
            for col, count in terms:
                indices.append(col)
                if self.method == "bm25":
                    data.append(1.0)  # distinct query terms
                else:
                    tf = 1.0 + math.log(count) if sublinear else float(count)
                    data.append(tf * (float(idf[col]) if idf is not None else 1.0))
            indptr.append(len(indices))
        n_terms = self.matrix_.shape[1]
        idx_dtype = np.int32 if n_terms < 2**31 - 1 and len(indices) < 2**31 - 1 else np.int64
        # the core's CSR tuple, built directly: scipy's constructor would cost more than the query
        return (
            np.asarray(data, dtype=dtype),
            np.asarray(indices, dtype=idx_dtype),
            np.asarray(indptr, dtype=idx_dtype),
            len(queries),
            n_terms,
        )

    def rank(self, queries, k=10):
        """The ``k`` best documents for each query: ``(indices, scores)``, best first.

        ``queries`` is one str or a list of them. Rows with fewer than ``k`` matching documents
        (score > 0) are padded with index -1 and score NaN: drop them (``indices[i][indices[i] >=
        0]``) before indexing a table with them. Ties go to the lower document index. With
        ``rerank="neighbours"`` the same documents come re-ordered, with their re-ranked scores.
        """
        check_is_fitted(self, "matrix_")
        self._check_params()
        k = check_int("k", k)
        if k <= 0:
            raise ValueError(f"k must be a positive integer; got {k}")
        if isinstance(queries, str):
            queries = [queries]
        try:
            queries = list(queries)
        except TypeError:
            raise TypeError(f"queries must be a str or an iterable of str; got {type(queries).__name__}") from None
        for q in queries:
            if not isinstance(q, str):
                raise TypeError(f"queries must be str; got {type(q).__name__}")
        Q = self._query_matrix(queries)
        with _progress.enabled(self.progress):
            with _progress.bar(len(queries), "search", unit="query") as pb:
                index, score = self._core_index().top_k(Q, k, 0.0, check_n_jobs(self.n_jobs), progress=pb)
            if self.rerank == "neighbours":
                from .stories import rerank_results

                found = rerank_results(index, score, *self._document_neighbours(), n_jobs=self.n_jobs)
                index, score = found[0].astype(index.dtype), found[1].astype(score.dtype)
            return index, score


__all__ = ["SearchIndex", "fold"]
