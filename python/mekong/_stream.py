"""Documents from anywhere, counted in batches: the vectorizers' input side.

The vectorizers accept a list of texts, any iterable (generators included), paths, folders, glob
patterns or open files. Documents are read lazily and handed to the core in batches of about
``BATCH_BYTES`` of text, and the rows of each batch are appended to arrays that grow in place, so
counting needs the final matrix plus one batch, never the whole corpus at once. The result is the
one counting everything in one call gives, bit for bit: the same vocabulary in the same order, the
same counts, for any ``n_jobs``.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import itertools
import os
import re
from pathlib import Path

import numpy as np

from . import _core

#: Text handed to the core per call, in bytes (str: characters). The memory counting needs beyond
#: the final matrix and vocabulary is a small multiple of this (the batch's UTF-8 form and the
#: core's work on it: its rows, its vocabulary and the threads' tables; about 8x, measured), for a
#: list already in memory as for files; see the README's "Corpora larger than memory".
BATCH_BYTES = 16 << 20
_END = object()


def _limit(stream):
    return BATCH_BYTES


_INPUTS = ("content", "filename", "file")
_DECODE_ERRORS = ("strict", "ignore", "replace")
_ON_ERROR = ("raise", "skip")
#: What a folder given with input="filename" contributes (as read_corpus and the CLI read them).
FOLDER_PATTERN = "*.txt"


def check_input_options(input, decode_error, on_error):
    if input not in _INPUTS:
        raise ValueError(f"input must be 'content', 'filename' or 'file'; got {input!r}")
    if decode_error not in _DECODE_ERRORS:
        raise ValueError(f"decode_error must be 'strict', 'ignore' or 'replace'; got {decode_error!r}")
    if on_error not in _ON_ERROR:
        raise ValueError(f"on_error must be 'raise' or 'skip'; got {on_error!r}")


def _is_path(x):
    return isinstance(x, (str, os.PathLike)) and not isinstance(x, bytes)


def _expand(source):
    """The files one path, folder or glob names, in the order corpus.find_files gives them; a folder
    is walked lazily (see _walk), so a folder of a million files is never a list of a million paths."""
    from .corpus import find_files

    if os.path.isdir(source) and not _has_symlinks(source):
        files = _walk(source)
        first = next(files, None)
        if first is not None:
            return itertools.chain((first,), files)
    files = find_files([source], pattern=FOLDER_PATTERN)
    if not files and not Path(source).is_file():
        from .corpus import display_name

        raise FileNotFoundError(f"no files match {display_name(source)!r}")
    return files


def _has_symlinks(folder):
    """Whether the tree under ``folder`` holds a symbolic link (one readdir a folder, no stat)."""
    stack = [folder]
    while stack:
        with os.scandir(stack.pop()) as it:
            for e in it:
                if e.is_symlink():
                    return True
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
    return False


def _walk(folder, pattern=FOLDER_PATTERN):
    """The files of ``sorted(Path(folder).rglob(pattern))`` that are regular files, one at a time,
    for a tree without symbolic links (where find_files has nothing to deduplicate).

    Paths sort by their parts, so visiting each folder's entries in name order, and a subfolder's
    files where its name falls, gives that order. Held at a time: the names of the folders on the
    current path (a folder's files are listed, filtered and sorted as names only)."""
    import fnmatch
    import heapq

    match = re.compile(fnmatch.translate(pattern)).fullmatch  # case-sensitive, as rglob on POSIX

    def visit(path):
        files, folders = [], []
        with os.scandir(path) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    folders.append(e.name)
                elif match(e.name) and e.is_file(follow_symlinks=False):
                    files.append(e.name)
        files.sort()
        folders.sort()
        subfolders = set(folders)
        for name in heapq.merge(files, folders):
            full = os.path.join(path, name)
            if name in subfolders:  # a file never has a subfolder's name
                yield from visit(full)
            else:
                yield Path(full)

    return visit(os.fspath(folder))


class DocumentStream:
    """The documents of ``raw_documents`` one at a time, as str or bytes, for the core.

    ``skipped`` collects ``(position, name, reason)`` for each source skipped with
    ``on_error="skip"``; ``position`` is the source's index in the input.
    """

    def __init__(self, raw_documents, input="content", encoding="utf-8", decode_error="replace", on_error="raise"):
        check_input_options(input, decode_error, on_error)
        if input == "content":
            if isinstance(raw_documents, (str, bytes)):
                raise ValueError("Iterable over raw text documents expected, string object received.")
            if isinstance(raw_documents, os.PathLike):
                raise ValueError(
                    f"got a path ({os.fspath(raw_documents)!r}) with input='content'; "
                    "pass input='filename' to read files, folders or glob patterns"
                )
        elif input == "filename" and _is_path(raw_documents):
            raw_documents = [raw_documents]  # one file, folder or glob pattern
        elif isinstance(raw_documents, (str, bytes)):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        try:
            iter(raw_documents)
        except TypeError:
            raise TypeError(f"documents must be an iterable; got {type(raw_documents).__name__}") from None
        self.raw = raw_documents
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.on_error = on_error
        self.skipped = []
        self.one_shot = iter(raw_documents) is raw_documents  # a generator or iterator: one pass only
        # Worth reading twice (once for the vocabulary, once for the rows) rather than holding rows
        # that pruning will drop: documents that come from files or from a re-iterable object that
        # is not a list already in memory.
        self.rereadable = not self.one_shot and (input != "content" or not isinstance(raw_documents, (list, tuple)))
        if decode_error != "replace":
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise ValueError(
                    f"decode_error={decode_error!r} needs an encoding Python knows; {encoding!r} is not one "
                    "(decode_error='replace' reads any ICU converter name)"
                ) from None

    def size_hint(self):
        """The number of documents when known before reading them (a sized input of contents: one
        document an item), else 0 (files, folders, generators); what a progress bar shows as total."""
        return len(self.raw) if self.input == "content" and hasattr(self.raw, "__len__") else 0

    def _fail(self, position, name, exc):
        if self.on_error == "skip":
            self.skipped.append((position, name, f"{type(exc).__name__}: {exc}"))
            return
        if isinstance(exc, OSError) and exc.errno is not None:
            raise type(exc)(exc.errno, f"cannot read document {position} ({name}): {exc.strerror}", name) from None
        raise exc  # its message names the file already

    def _decode(self, data, position, name):
        """bytes go to the core as they are (it decodes and counts U+FFFD) unless decode_error asks
        for Python's strict or ignoring decoder."""
        if self.decode_error == "replace" or not isinstance(data, (bytes, bytearray, memoryview)):
            return bytes(data) if not isinstance(data, (str, bytes)) else data
        try:
            text = codecs.decode(data, self.encoding, self.decode_error)
        except UnicodeDecodeError as exc:
            where = f"document {position}, byte offset {exc.start}"
            if name != f"document {position}":  # a file: its name first (else the document said twice)
                where = f"{name}: {where}"
            raise UnicodeDecodeError(
                exc.encoding, exc.object, exc.start, exc.end, f"{where}: invalid byte sequence ({exc.reason})"
            ) from None
        return data if self.decode_error == "strict" else text  # strict and valid: the core reads the bytes

    def _read_file(self, path, position):
        from .corpus import display_name

        name = display_name(path)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            self._fail(position, name, exc)
            return None
        return self._decode(data, position, name)

    def __iter__(self):
        if self.one_shot and getattr(self, "_started", False):
            raise ValueError(
                "the documents were given as a one-shot iterator (a generator) and have been read already; "
                "pass a list, a re-iterable object, or paths (input='filename')"
            )
        self._started = True
        self.skipped = []
        for position, item in enumerate(self.raw):
            if self.input == "content":
                if isinstance(item, (bytes, bytearray, memoryview)):
                    yield self._decode(item, position, f"document {position}")
                elif isinstance(item, str):
                    yield item
                else:
                    raise TypeError(f"document {position} is {type(item).__name__}, expected str or bytes")
            elif self.input == "filename":
                if not (_is_path(item) or isinstance(item, bytes)):
                    raise TypeError(f"document {position} is {type(item).__name__}, expected a path")
                if isinstance(item, bytes):
                    item = os.fsdecode(item)
                try:
                    files = _expand(item)
                except FileNotFoundError as exc:
                    from .corpus import display_name

                    self._fail(position, display_name(item), exc)
                    continue
                for f in files:
                    doc = self._read_file(f, position)
                    if doc is not None:
                        yield doc
            else:  # "file": anything with .read()
                name = str(getattr(item, "name", f"document {position}"))
                if not hasattr(item, "read"):
                    raise TypeError(f"document {position} is {type(item).__name__}, expected a file object")
                try:
                    data = item.read()
                except OSError as exc:
                    self._fail(position, name, exc)
                    continue
                if not isinstance(data, (str, bytes)):
                    raise TypeError(f"document {position}: file.read() returned {type(data).__name__}")
                yield self._decode(data, position, name)


class Materialized:
    """A sequence over a stream that reads it into a list on first use: what the learning passes
    (furniture lines, names, phrases) get, since they need every document at once. ``docs`` is None
    until something asked for the documents."""

    def __init__(self, stream):
        self._stream = stream
        self.docs = None

    def _get(self):
        if self.docs is None:
            self.docs = list(self._stream)
        return self.docs

    def __len__(self):
        return len(self._get())

    def __getitem__(self, i):
        return self._get()[i]

    def __iter__(self):
        return iter(self._get())


def batches(documents, limit=None):
    """Lists of documents of about ``limit`` bytes (str: characters) each, at least one document."""
    limit = BATCH_BYTES if limit is None else limit
    batch, size = [], 0
    for doc in documents:
        batch.append(doc)
        size += len(doc)
        if size >= limit:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


class RowAppender:
    """CSR rows appended batch by batch into arrays that grow in place (realloc), so the matrix is
    never held twice; int32 column indices, int64 counts, int64 row pointers until the end."""

    def __init__(self):
        self.data = np.empty(0, dtype=np.int64)
        self.indices = np.empty(0, dtype=np.int32)
        self.indptr = [np.zeros(1, dtype=np.int64)]
        self.nnz = 0
        self.rows = 0

    def _reserve(self, n):
        if n <= self.data.size:
            return
        # Little headroom: NumPy zero-fills what it adds, so spare capacity is resident memory,
        # and a large realloc moves pages (mremap) rather than copying them.
        cap = max(n, self.data.size + self.data.size // 16, 1 << 16)
        self.data.resize(cap, refcheck=False)  # in place: NumPy reallocs its own buffer
        self.indices.resize(cap, refcheck=False)

    def append(self, data, indices, indptr, column_map=None):
        k = int(indptr[-1])
        self._reserve(self.nnz + k)
        self.data[self.nnz : self.nnz + k] = data[:k]
        self.indices[self.nnz : self.nnz + k] = indices[:k] if column_map is None else column_map[indices[:k]]
        self.indptr.append(np.asarray(indptr[1:], dtype=np.int64) + self.nnz)
        self.nnz += k
        self.rows += len(indptr) - 1

    def finish(self):
        """(data, indices, indptr) trimmed to size; int32 row pointers while nnz fits, else int64
        (indices too, as the core returns them)."""
        self.data.resize(self.nnz, refcheck=False)
        self.indices.resize(self.nnz, refcheck=False)
        indptr = np.concatenate(self.indptr)
        self.indptr = None
        if self.nnz <= np.iinfo(np.int32).max:
            return self.data, self.indices, indptr.astype(np.int32)
        return self.data, self.indices.astype(np.int64), indptr


def _merge_aliases(total, part):
    for key, forms in part.items():
        acc = total.setdefault(key, {})
        for form, n in dict(forms).items():
            acc[form] = acc.get(form, 0) + n


class CountExtras:
    """What a vectorizer asks of the core beside the counts, for every batch of one call: strict
    decoding, a progress bar, and each document's first invalid byte offset (collected here).

    ``prepared`` (a ``_core.PreparedCorpus`` from the fit's learning pass, or None): the documents
    already decoded, cleaned and split into words, by position in the whole corpus; each batch reads
    its documents' preparations from its own offset, so no kept document is analysed twice."""

    def __init__(self, strict=False, bar=None, prepared=None):
        self.strict, self.bar, self.first, self.done = strict, bar, [], 0
        self.prepared = prepared

    def restart(self):
        """A second pass over the same documents: offsets and document numbers start again."""
        self.first, self.done = [], 0

    def first_invalid(self):
        return np.concatenate(self.first) if self.first else np.zeros(0, np.int64)


_extras = contextvars.ContextVar("mekong_count_extras", default=None)


@contextlib.contextmanager
def extras(value):
    """Hands ``value`` (a CountExtras) to every core call of the counting functions below."""
    token = _extras.set(value)
    try:
        yield value
    finally:
        _extras.reset(token)


def _call(fn, batch, *args):
    """``fn(batch, *args)`` (``_core.count`` or ``_core.count_fixed``) with the call's extras: a
    strict-decoding error names the document's position in the whole corpus, not in its batch."""
    e = _extras.get()
    if e is None:
        return fn(batch, *args)
    more = {} if e.prepared is None else {"prepared": e.prepared, "offset": e.done}
    try:
        out = fn(batch, *args, strict_decode=e.strict, progress=e.bar, **more)
    except ValueError as exc:
        m = re.match(r"document (\d+), (.*)", str(exc), re.S)
        if m is None or not e.done:
            raise
        raise ValueError(f"document {int(m.group(1)) + e.done}, {m.group(2)}") from None
    e.first.append(out[2][1] if fn is _core.count else out[1][1])
    e.done += len(batch)
    return out


def _empty_batch_stats(batch, analyzer, binary, n_jobs):
    """The per-document stats of a batch without any term (its rows are empty)."""
    _, (rep, _), aliases = _call(_core.count_fixed, batch, analyzer, _core.Vocabulary(["a"]), binary, n_jobs)
    return rep, aliases


def count_learn(stream, analyzer, config, n_jobs, limit=None):
    """What ``_core.count(docs, analyzer, config, n_jobs)`` returns for all documents of ``stream``
    (matrix parts, vocabulary, replaced counts, aliases), counted batch by batch; ``config`` is the
    core's CountConfig (min_df / max_df / max_features / binary).

    A corpus of one batch is counted by the core in one call, as before. Otherwise each batch is
    counted with every term kept, its columns mapped to ids in order of first sight and its rows
    appended; at the end the ids are put in sorted order, min_df / max_df / max_features applied
    over the whole corpus exactly as the core does (count.cpp), dropped columns removed in place,
    and each row's columns sorted.
    """
    min_df, min_is_count = config.min_df, config.min_df_is_count
    max_df, max_is_count = config.max_df, config.max_df_is_count
    max_features, binary = config.max_features, config.binary
    docs = iter(stream)
    limit = _limit(stream) if limit is None else limit
    first = next(batches(docs, limit), None)
    if first is None:
        raise ValueError("empty corpus: fit needs at least one document")
    peek = next(docs, _END)  # one document, not a whole batch, tells whether more follow
    if peek is _END:
        matrix, vocabulary, (rep, _), al = _call(_core.count, first, analyzer, config, n_jobs)
        return matrix, vocabulary, rep, al
    it = batches(itertools.chain((peek,), docs), limit)
    del peek
    prunes = (min_df, min_is_count, max_df, max_is_count, max_features) != (1, True, 1.0, False, -1)
    if prunes and getattr(stream, "rereadable", False):
        return _count_learn_twice(
            stream,
            [first],
            it,
            analyzer,
            min_df,
            min_is_count,
            max_df,
            max_is_count,
            max_features,
            binary,
            n_jobs,
            limit,
        )
    appender, ids, replaced, aliases = RowAppender(), {}, [], {}

    def add(batch):
        matrix, vocabulary, rep, al = _count_batch(batch, analyzer, binary, n_jobs)
        _append_batch(appender, ids, matrix, vocabulary, len(rep))
        replaced.append(rep)
        _merge_aliases(aliases, al)

    add(first)
    del first
    for batch in it:
        add(batch)
    n_docs = appender.rows
    replaced = np.concatenate(replaced)
    data, indices, indptr = appender.finish()
    matrix, vocabulary = _prune_and_sort(
        data, indices, indptr, ids, n_docs, min_df, min_is_count, max_df, max_is_count, max_features
    )
    return matrix, vocabulary, replaced, aliases


def _count_batch(batch, analyzer, binary, n_jobs):
    """(matrix parts or None, vocabulary, replaced, aliases) of one batch, every term kept."""
    try:
        keep_all = _core.CountConfig()  # the defaults keep every term
        keep_all.binary = binary
        matrix, vocabulary, (rep, _), al = _call(_core.count, batch, analyzer, keep_all, n_jobs)
    except ValueError as exc:
        if not str(exc).startswith("empty vocabulary"):
            raise
        rep, al = _empty_batch_stats(batch, analyzer, binary, n_jobs)
        matrix, vocabulary = None, []
    return matrix, vocabulary, rep, al


def _count_learn_twice(
    stream, head, rest, analyzer, min_df, min_is_count, max_df, max_is_count, max_features, binary, n_jobs, limit
):
    """Two passes over documents that can be read again: the first keeps only each term's document
    frequency and total count (memory: the vocabulary), the second counts against the vocabulary
    the thresholds leave, so the rows pruning drops are never held."""
    ids, df, tf, n_docs, aliases = {}, np.zeros(0, np.int64), np.zeros(0, np.float64), 0, {}

    def add(batch):
        nonlocal df, tf, n_docs
        matrix, vocabulary, rep, al = _count_batch(batch, analyzer, binary, n_jobs)
        n_docs += len(rep)
        _merge_aliases(aliases, al)
        if matrix is None:
            return
        data, indices, indptr, _ = matrix
        column_map = np.fromiter((ids.setdefault(t, len(ids)) for t in vocabulary), np.int64, len(vocabulary))
        if len(ids) > len(df):
            df = np.concatenate((df, np.zeros(len(ids) - len(df), np.int64)))
            tf = np.concatenate((tf, np.zeros(len(ids) - len(tf), np.float64)))
        df[column_map] += np.bincount(indices, minlength=len(vocabulary))
        tf[column_map] += np.bincount(indices, weights=data, minlength=len(vocabulary))

    for batch in head:
        add(batch)
    del head
    for batch in rest:
        add(batch)
    terms = list(ids)
    ids.clear()
    vocabulary, _ = _select(terms, df, tf, n_docs, min_df, min_is_count, max_df, max_is_count, max_features)
    del terms, df, tf
    core_vocabulary = _core.Vocabulary(vocabulary)
    if _extras.get() is not None:
        _extras.get().restart()
    matrix, replaced, _ = count_fixed(stream, analyzer, core_vocabulary, binary, n_jobs, limit)
    if matrix[3][0] != n_docs:
        raise RuntimeError("the documents changed between the two passes over them (a file was added or removed)")
    return matrix, vocabulary, replaced, aliases


def _select(terms, df, tf, n_docs, min_df, min_is_count, max_df, max_is_count, max_features):
    """The kept terms in sorted order, and each id's column (-1: dropped), by the rules of the
    core's count_and_learn (count.cpp): df within [min, max], then the max_features highest total
    counts, ties to the term that sorts first."""
    if max_features == 0 or max_features < -1:
        raise ValueError("max_features must be a positive integer or None")
    max_count = max_df if max_is_count else max_df * float(n_docs)
    min_count = min_df if min_is_count else min_df * float(n_docs)
    if max_count < min_count:
        raise ValueError("max_df corresponds to < documents than min_df")
    n_terms = len(terms)
    if n_terms == 0:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    # Sorted by code point (Python's str order), which is the core's UTF-8 byte order.
    order = np.asarray(sorted(range(n_terms), key=terms.__getitem__), dtype=np.int64)
    d = df[order].astype(np.float64)
    keep = (d <= max_count) & (d >= min_count)
    if max_features > 0 and int(keep.sum()) > max_features:
        t = tf[order]
        cand = np.flatnonzero(keep)
        best = cand[np.argsort(-t[cand], kind="stable")[:max_features]]
        keep[:] = False
        keep[best] = True
    kept = int(keep.sum())
    if kept == 0:
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    column = np.full(n_terms, -1, dtype=np.int64)
    column[np.flatnonzero(keep)] = np.arange(kept)
    col_of_id = np.empty(n_terms, dtype=np.int64)
    col_of_id[order] = column
    return [terms[i] for i in order[keep]], col_of_id


def _append_batch(appender, ids, matrix, vocabulary, n_rows):
    if matrix is None:  # a batch without terms: empty rows
        appender.indptr.append(np.full(n_rows, appender.nnz, dtype=np.int64))
        appender.rows += n_rows
        return
    data, indices, indptr, _ = matrix
    column_map = np.fromiter((ids.setdefault(t, len(ids)) for t in vocabulary), dtype=np.int32, count=len(vocabulary))
    appender.append(data, indices, indptr, column_map)


_CHUNK = 1 << 20  # entries per step of the in-place passes: temporaries of a few MB


def _column_sums(indices, data, n_terms):
    """Each column's stored entries (document frequency) and total count, a chunk at a time: a
    bincount over the whole would first copy the indices to intp and the counts to float64."""
    df = np.zeros(n_terms, dtype=np.int64)
    tf = np.zeros(n_terms, dtype=np.float64)
    for a in range(0, len(indices), _CHUNK):
        idx = indices[a : a + _CHUNK]
        df += np.bincount(idx, minlength=n_terms)
        tf += np.bincount(idx, weights=data[a : a + _CHUNK], minlength=n_terms)
    return df, tf


def _prune_and_sort(data, indices, indptr, ids, n_docs, min_df, min_is_count, max_df, max_is_count, max_features):
    import scipy.sparse as sp

    terms = list(ids)
    ids.clear()
    df, tf = _column_sums(indices, data, len(terms))
    vocabulary, col_of_id = _select(terms, df, tf, n_docs, min_df, min_is_count, max_df, max_is_count, max_features)
    kept = len(vocabulary)
    del terms, df, tf
    # Rows remapped (and dropped columns removed) in place, chunk by chunk: the write position never
    # passes the read position.
    w = 0
    n = len(indptr) - 1
    new_ptr = np.empty(len(indptr), dtype=np.int64)
    new_ptr[0] = 0
    row = 0
    while row < n:
        end = int(np.searchsorted(indptr, int(indptr[row]) + _CHUNK, side="right")) - 1
        end = min(max(end, row + 1), n)
        a, b = int(indptr[row]), int(indptr[end])
        cols = col_of_id[indices[a:b]]
        mask = cols >= 0
        k = int(mask.sum())
        kept_before = np.concatenate(([0], np.cumsum(mask)))  # kept entries before each position
        vals = data[a:b][mask]
        indices[w : w + k] = cols[mask]
        data[w : w + k] = vals
        new_ptr[row + 1 : end + 1] = w + kept_before[indptr[row + 1 : end + 1] - a]
        w += k
        row = end
    data.resize(w, refcheck=False)
    indices.resize(w, refcheck=False)
    if w <= np.iinfo(np.int32).max and indices.dtype == np.int32:
        new_ptr = new_ptr.astype(np.int32)  # one index dtype, or SciPy would copy the indices
    X = sp.csr_matrix((data, indices, new_ptr), shape=(n_docs, kept), copy=False)
    X.has_sorted_indices = False
    X.sort_indices()  # in place, row by row
    return (X.data, X.indices, X.indptr, (n_docs, kept)), vocabulary


def count_fixed(stream, analyzer, vocabulary, binary, n_jobs, limit=None):
    """What ``_core.count_fixed`` returns for all documents of ``stream``, batch by batch."""
    parts, appender, replaced, aliases = None, None, [], {}
    for batch in batches(stream, _limit(stream) if limit is None else limit):
        matrix, (rep, _), al = _call(_core.count_fixed, batch, analyzer, vocabulary, binary, n_jobs)
        if parts is None and appender is None:
            parts = (matrix, rep, al)
            continue
        if appender is None:
            appender = RowAppender()
            appender.append(*parts[0][:3])
            replaced.append(parts[1])
            _merge_aliases(aliases, parts[2])
            parts = None
        appender.append(*matrix[:3])
        replaced.append(rep)
        _merge_aliases(aliases, al)
    if appender is None:
        if parts is None:  # no documents: an empty matrix, as the core gives for an empty list
            return _call(_core.count_fixed, [], analyzer, vocabulary, binary, n_jobs)[0], np.zeros(0, np.int64), {}
        return parts
    rows = appender.rows
    data, indices, indptr = appender.finish()
    return (data, indices, indptr, (rows, len(vocabulary))), np.concatenate(replaced), aliases
