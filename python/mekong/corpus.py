"""Loading a collection of articles from disk: texts plus a table of what is known about each."""

from __future__ import annotations

import csv
import datetime as _dt
import glob as _glob
import os
from pathlib import Path

from . import dates as dates_mod

#: Metadata columns every corpus table has, in this order (None where unknown); others follow.
BASE_COLUMNS = ("id", "path", "title", "date", "source", "date_source")


def display_name(path) -> str:
    """A file name as printable text: bytes that are not UTF-8 (kept by Python as surrogate escapes)
    become U+FFFD, so the name can be printed and written to UTF-8 files."""
    raw = os.fsencode(str(path))
    return raw.decode("utf-8", "replace")


def _source_list(sources):
    """``sources`` as a list of paths (a generator is read once), or a TypeError naming it."""
    if isinstance(sources, (str, os.PathLike)):
        return [sources]
    try:
        sources = list(sources)
    except TypeError:
        raise TypeError(
            f"source must be a file, folder or glob pattern, or an iterable of them; got {type(sources).__name__}"
        ) from None
    for src in sources:
        if not isinstance(src, (str, os.PathLike)):
            raise TypeError(f"source must name files with str or os.PathLike; got {type(src).__name__}")
    return sources


def find_files(sources, pattern="*.txt", exclude=(), skipped=None):
    """The files named by ``sources`` (folders searched recursively for ``pattern``, glob patterns,
    or files; a list or any iterable of them), sorted within each source, each once. Paths under an
    ``exclude`` folder are skipped. Raises FileNotFoundError naming a source that matches nothing
    that exists; when ``skipped`` is a list, such a source is appended to it as ``(name, reason)``
    instead."""
    sources = _source_list(sources)
    excluded = [Path(e).resolve() for e in exclude]
    seen, files = set(), []

    def add(p):
        r = p.resolve()
        if r in seen or any(r == e or e in r.parents for e in excluded):
            return
        seen.add(r)
        files.append(p)

    for src in sources:
        p = Path(src)
        if p.is_dir():
            for q in sorted(p.rglob(pattern)):
                if q.is_file():
                    add(q)
        elif p.is_file():
            add(p)
        elif _glob.has_magic(str(src)):
            matches = sorted(Path(m) for m in _glob.glob(str(src), recursive=True))
            for q in matches:
                if q.is_file():
                    add(q)
        else:
            error = f"no such file or folder: {display_name(src)}"
            if skipped is None:
                raise FileNotFoundError(error)
            skipped.append((display_name(src), f"FileNotFoundError: {error}"))
    return files


def _readable(files, skipped):
    """The files that can be opened for reading; the others go to ``skipped`` as (name, reason)."""
    out = []
    for f in files:
        try:
            with open(f, "rb"):
                pass
        except OSError as exc:
            skipped.append((display_name(f), f"{type(exc).__name__}: {exc.strerror}"))
            continue
        out.append(f)
    return out


def first_line(path, encoding="utf-8", limit=200) -> str:
    """The first non-empty line of a file, markdown heading marks removed (the headline)."""
    with open(path, "rb") as fh:
        for raw in fh:
            line = raw.decode(encoding, "replace").strip().lstrip("#").strip()
            if line:
                return line[:limit]
    return ""


def _ids(files, roots):
    """Each file's id: its path relative to the folder it was found in, without the suffix."""
    ids = []
    for f in files:
        rel = None
        for r in roots:
            try:
                rel = f.relative_to(r)
                break
            except ValueError:
                continue
        rel = rel if rel is not None else Path(f.name)
        ids.append(display_name(rel.with_suffix("").as_posix()))
    return ids


def _read_metadata_csv(path):
    if not Path(path).is_file():
        raise FileNotFoundError(f"metadata file {display_name(path)} does not exist")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise ValueError(f"metadata file {path} has no rows")
    keys = rows[0].keys()
    if not ({"id", "file", "path"} & set(keys)):
        raise ValueError(f"metadata file {path} needs an 'id', 'file' or 'path' column; it has {sorted(keys)}")
    return rows


def _match_metadata(rows, files, ids, path, where=None):
    """One metadata row per file, matched by id (file name without suffix), file name or path.

    ``where`` names each row's place ("a.csv row 3") when the rows come from several files."""
    where = where or [f"row {n + 2}" for n in range(len(rows))]
    by_key = {}
    for n, row in enumerate(rows):
        for col in ("id", "file", "path"):
            v = (row.get(col) or "").strip()
            if v:
                if v in by_key and by_key[v] is not row and col == "id":
                    raise ValueError(f"metadata file {path}: id {v!r} appears twice ({where[n]})")
                by_key.setdefault(v, row)
    used = set()
    out = []
    for f, i in zip(files, ids):
        name = display_name(f.name)
        row = next((by_key[c] for c in (i, Path(i).name, name, display_name(f)) if c in by_key), None)
        if row is None:
            raise ValueError(f"metadata file {path} has no row for {display_name(f)} (id {i!r})")
        used.add(id(row))
        out.append(row)
    for n, row in enumerate(rows):
        if id(row) not in used:
            key = row.get("id") or row.get("file") or row.get("path")
            raise ValueError(f"metadata file {path}: {where[n]} ({key!r}) matches none of the files read")
    return out


def _date_text(path, encoding):
    """What :func:`mekong.dates.find_dates` reads of a file: for UTF-8, its first ``HEAD_CHARS`` and
    last ``TAIL_CHARS`` characters only (so a huge file costs as much as an article); the whole
    text for other encodings, whose bytes cannot be cut anywhere."""
    head_bytes, tail_bytes = 4 * dates_mod.HEAD_CHARS, 4 * dates_mod.TAIL_CHARS  # >= that many characters
    try:
        with open(path, "rb") as fh:
            if encoding.replace("-", "").replace("_", "").lower() not in ("utf8", "utf8sig"):
                return fh.read().decode(encoding, "replace")
            head = fh.read(head_bytes + tail_bytes + 1)
            if len(head) <= head_bytes + tail_bytes:
                return head.decode(encoding, "replace")
            fh.seek(-tail_bytes, os.SEEK_END)
            tail = fh.read(tail_bytes)
    except OSError:
        return ""  # unreadable: read_corpus reports it when it reads the text
    head = head[:head_bytes].decode(encoding, "replace")[: dates_mod.HEAD_CHARS]
    tail = tail.decode(encoding, "replace")[-dates_mod.TAIL_CHARS :]
    return head + tail


def _fill_dates(records, texts):
    """Dates read from the texts for the records whose metadata gives none; ``date_source`` says
    where each date came from ("metadata", "text:stamp", "text:full", "text:day-month", None)."""
    known = []
    for r in records:
        d = r.get("date")
        r["date_source"] = "metadata" if d is not None else None
        known.append(_iso_day(d))
    todo = [i for i, r in enumerate(records) if r.get("date") is None]
    if not todo:
        return
    found, how = dates_mod._text_dates([texts(i) for i in todo], known=known)
    for i, d, h in zip(todo, found, how):
        if d is not None:
            records[i]["date"] = d.isoformat()
            records[i]["date_source"] = f"text:{h}"


def _iso_day(value):
    """A metadata date as a datetime.date when it reads as one (ISO strings, dates), else None."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _scan(
    sources, pattern="*.txt", metadata=None, encoding="utf-8", exclude=(), skipped=None, text_dates=True, texts=None
):
    """Files and one metadata record (dict) per file: what read_corpus and the CLI share. With a
    ``skipped`` list, missing sources and unreadable files are listed there instead of raising.
    With ``text_dates``, a record without a metadata date gets the date its text gives
    (:mod:`mekong.dates`); ``texts(files)`` returns the texts when the caller reads them anyway."""
    srcs = _source_list(sources)
    files = find_files(srcs, pattern, exclude=exclude, skipped=skipped)
    if skipped is not None:
        files = _readable(files, skipped)
    if not files:
        where = ", ".join(display_name(s) for s in srcs)
        raise FileNotFoundError(f"no files matching {pattern!r} in {where}")
    roots = [Path(s) for s in srcs if Path(s).is_dir()]
    ids = _ids(files, roots)
    if len(set(ids)) != len(ids):  # the same relative name under two sources: fall back to full paths
        ids = [display_name(f.with_suffix("").as_posix()) for f in files]
    if metadata is None:
        extra = [{} for _ in files]
    elif callable(metadata):
        extra = []
        for f in files:
            got = metadata(f)
            if got is not None and not isinstance(got, dict):
                raise TypeError(f"metadata({display_name(f)!r}) returned {type(got).__name__}; expected a dict or None")
            extra.append(dict(got or {}))
    elif isinstance(metadata, (str, os.PathLike)) or (
        isinstance(metadata, (list, tuple)) and metadata and all(isinstance(m, (str, os.PathLike)) for m in metadata)
    ):
        # Several CSVs (one per part of a collection) read as one table: an id in two of them is an error.
        csvs = [metadata] if isinstance(metadata, (str, os.PathLike)) else list(metadata)
        parts = [(m, _read_metadata_csv(m)) for m in csvs]
        rows = [r for _, part in parts for r in part]
        where = [
            f"{display_name(m)} row {n + 2}" if len(csvs) > 1 else f"row {n + 2}"
            for m, p in parts
            for n in range(len(p))
        ]
        extra = [dict(r) for r in _match_metadata(rows, files, ids, ", ".join(display_name(m) for m in csvs), where)]
    else:
        raise TypeError(
            f"metadata must be a CSV file name, a list of them, or a callable; got {type(metadata).__name__}"
        )
    records = []
    for f, i, e in zip(files, ids, extra):
        rec = {"id": i, "path": str(f), "title": None, "date": None, "source": None}
        for key, value in e.items():
            if key in ("file",):
                continue
            if isinstance(value, str):
                value = value.strip() or None
            if key == "id" and value is None:
                continue
            rec[key] = value
        if callable(metadata) and "id" in e and e["id"] is not None:
            rec["id"] = str(e["id"])
        if rec["title"] is None:
            rec["title"] = first_line(f, encoding) or None
        records.append(rec)
    if text_dates:
        full = texts(files) if texts is not None else None
        _fill_dates(records, (lambda i: full[i]) if full is not None else (lambda i: _date_text(files[i], encoding)))
    else:
        for r in records:
            r["date_source"] = "metadata" if r.get("date") is not None else None
    return files, records


def read_corpus(
    source, pattern="*.txt", metadata=None, *, encoding="utf-8", exclude=(), on_error="raise", text_dates=True
):
    """Read a collection of articles: their texts and a table of what is known about each.

    Parameters
    ----------
    source : folder, file, glob pattern ("news/**/*.txt"), or a list or any iterable of these
        Folders are searched recursively for ``pattern``; files come sorted by path, each once.
    pattern : str, default="*.txt"
    metadata : CSV file name, list of CSV file names, callable, or None
        A CSV with an ``id`` (file name without suffix), ``file`` or ``path`` column and any
        others (``title``, ``date``, ``source``, ``event``, ...): one row per file, else ValueError
        naming the first file without a row or row without a file. Several CSVs are read as one
        table (their rows together; an id in two of them is an error). A callable gets each file's
        ``pathlib.Path`` and returns a dict of fields (or None).
    encoding : str, default="utf-8"
        Of the files; invalid bytes become U+FFFD.
    exclude : folders to skip (the CLI passes its own output folder).
    on_error : {"raise", "skip"}, default="raise"
        A source that does not exist or a file that cannot be read: raise an OSError naming it
        (nothing is returned), or leave it out and list it as ``(name, reason)`` in
        ``frame.attrs["skipped_files"]``.
    text_dates : bool, default=True
        Fill ``date`` from the text itself where the metadata gives none (or there is no
        metadata): the article's publication stamp ("Thứ Hai, 12/11/2024 14:30 (GMT+7)"), else the
        first date of its lead, with its year ("Ngày 12/11/2024") or a day and month ("sáng 8/5")
        whose year comes from the article's own dates or the collection's
        (:func:`mekong.dates.text_dates` has the rules).
        An article that names no day keeps None: the stories' time window does not constrain it.
        False leaves ``date`` to the metadata alone.

    Returns
    -------
    texts : list of str
    frame : pandas.DataFrame
        One row per text, in the same order: ``id`` (path relative to its folder, without the
        suffix; file names that are not UTF-8 shown with U+FFFD), ``path`` (as the OS names it),
        ``title`` (metadata, else the first non-empty line), ``date`` and ``source`` (None when
        unknown; ``date`` an ISO string when read from the text), ``date_source`` (where the date
        came from: "metadata", "text:stamp", "text:full", "text:day-month", or None), then any
        other metadata columns.

    >>> import mekong
    >>> texts, meta = mekong.read_corpus(mekong.datasets.sample_path())
    >>> len(texts) == len(meta) and list(meta.columns[:6])
    ['id', 'path', 'title', 'date', 'source', 'date_source']
    """
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover
        raise ImportError("read_corpus returns a pandas DataFrame: pip install pandas") from e
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip'; got {on_error!r}")
    skipped = [] if on_error == "skip" else None
    texts = []

    def read(files):
        for f in files:
            try:
                texts.append(f.read_bytes().decode(encoding, "replace"))
            except OSError as exc:  # nothing half-read is returned
                raise type(exc)(exc.errno, f"cannot read {display_name(f)}: {exc.strerror}", str(f)) from None
        return texts

    files, records = _scan(
        source, pattern, metadata, encoding, exclude, skipped=skipped, text_dates=text_dates, texts=read
    )
    if len(texts) != len(files):  # no date was read from the texts: read them now
        read(files)
    columns = list(BASE_COLUMNS) + [c for r in records for c in r if c not in BASE_COLUMNS]
    columns = list(dict.fromkeys(columns))
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame.attrs["skipped_files"] = list(skipped or [])
    return texts, frame


__all__ = ["display_name", "find_files", "read_corpus"]
