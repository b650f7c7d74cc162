"""read_corpus against a hand loop; the CLI's options, outputs and usage errors (issue 9, defect 7)."""

import csv
import os
import subprocess
import sys

import pytest

import mekong
from conftest import ROOT

pd = pytest.importorskip("pandas")
CHECK = ROOT / "tests" / "data" / "stories-check"


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "mekong", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_read_corpus_gives_the_rows_of_a_hand_loop():
    texts, meta = mekong.read_corpus(CHECK / "articles", metadata=CHECK / "metadata.csv")
    files = sorted((CHECK / "articles").glob("*.txt"))
    with open(CHECK / "metadata.csv", newline="", encoding="utf-8") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert texts == [f.read_text(encoding="utf-8") for f in files]
    assert list(meta["id"]) == [f.stem for f in files]
    assert list(meta["path"]) == [str(f) for f in files]
    assert list(meta["source"]) == [rows[f.stem]["source"] for f in files]
    assert list(meta["date"]) == [rows[f.stem]["date"] for f in files]
    assert list(meta["title"]) == [rows[f.stem]["title"] for f in files]
    assert list(meta.columns[:5]) == ["id", "path", "title", "date", "source"] and "event" in meta.columns


def test_read_corpus_globs_patterns_and_callables(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("# Tiêu đề một\n\nNội dung", encoding="utf-8")
    (tmp_path / "a" / "y.md").write_text("Tiêu đề hai\nNội dung", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"bad \xff byte")
    texts, meta = mekong.read_corpus(tmp_path)
    assert list(meta["id"]) == ["a/x", "b"] and meta["title"][0] == "Tiêu đề một"
    assert texts[1] == "bad \ufffd byte"
    texts, meta = mekong.read_corpus(tmp_path, pattern="*.md")
    assert list(meta["id"]) == ["a/y"]
    texts, meta = mekong.read_corpus(str(tmp_path / "**" / "*.txt"))
    assert len(texts) == 2
    texts, meta = mekong.read_corpus(tmp_path, metadata=lambda p: {"source": p.parent.name, "date": "2025-01-02"})
    assert list(meta["source"]) == ["a", tmp_path.name] and set(meta["date"]) == {"2025-01-02"}


def test_read_corpus_metadata_mismatch_names_the_first(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.txt").write_text("y", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("id,source\na,S\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no row for .*b.txt"):
        mekong.read_corpus(tmp_path, metadata=meta)
    meta.write_text("id,source\na,S\nb,T\nc,U\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 4 \\('c'\\) matches none"):
        mekong.read_corpus(tmp_path, metadata=meta)
    meta.write_text("name,source\na,S\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'id', 'file' or 'path'"):
        mekong.read_corpus(tmp_path, metadata=meta)
    with pytest.raises(FileNotFoundError, match="no such file"):
        mekong.read_corpus(tmp_path / "missing")


def test_cli_writes_stories_and_names_beside_the_matrices(tmp_path):
    out = tmp_path / "out"
    res = run_cli(CHECK / "articles", "--metadata", CHECK / "metadata.csv", "-o", out)
    assert res.returncode == 0, res.stderr
    assert "stories:" in res.stdout and "Stories told by more than one article" in res.stdout
    for name in ("counts.npz", "tfidf.npz", "vocabulary.txt", "documents.csv", "stories.csv", "names.csv"):
        assert (out / name).exists(), name
    stories = read_csv(out / "stories.csv")
    assert stories and all(int(r["size"]) >= 2 and r["first_date"] <= r["last_date"] for r in stories)
    docs = read_csv(out / "documents.csv")
    assert len(docs) == 34 and {d["source"] for d in docs} == {"Tin Nhanh", "Đời Nay", "Báo Đất", "Vùng Nam"}
    names = read_csv(out / "names.csv")
    assert names and all(int(r["articles"]) >= 2 for r in names)


def test_cli_quiet_prints_the_summary_only(tmp_path):
    res = run_cli("--quiet", "-o", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    assert "articles from" in res.stdout and "stories:" in res.stdout
    assert "Top terms" not in res.stdout and "Nearest neighbour" not in res.stdout


def test_cli_never_reads_its_own_output_folder_defect_7(tmp_path):
    src = tmp_path / "articles"
    src.mkdir()
    (src / "a.txt").write_text("Kon Tum hợp tác với Attapư", encoding="utf-8")
    (src / "b.txt").write_text("Bão số 4 đổ bộ Quảng Trị", encoding="utf-8")
    out = src / "out"
    for _ in range(2):  # the second run finds vocabulary.txt inside the input folder
        res = run_cli(src, "-o", out)
        assert res.returncode == 0, res.stderr
        assert "2 articles" in res.stdout


def test_cli_non_utf8_file_name_defect_7(tmp_path):
    src = tmp_path / "articles"
    src.mkdir()
    try:
        (src / os.fsdecode(b"b\xe1o.txt")).write_text("Bão số 4 đổ bộ", encoding="utf-8")
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses a non-UTF-8 name")
    (src / "a.txt").write_text("Bão số 4 đổ bộ Quảng Trị", encoding="utf-8")
    out = tmp_path / "out"
    res = subprocess.run(
        [sys.executable, "-m", "mekong", str(src), "-o", str(out)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert res.returncode == 0, res.stderr.decode("utf-8", "replace")
    assert "b\ufffdo.txt" in res.stdout.decode("utf-8")
    rows = read_csv(out / "documents.csv")
    assert [r["file"] for r in rows] == ["a.txt", "b\ufffdo.txt"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--threshold", "high"], "expected 'auto' or a number"),
        (["--threshold", "1.5"], "expected 'auto' or a number"),
        (["--n-jobs", "0"], "0 threads"),
        (["--top", "-3"], "positive integer"),
        (["--window", "-1"], "positive number of days"),
        (["--no-such-option"], "unrecognized arguments"),
        (["MISSING-FOLDER"], "no such file or folder"),
        (["--pattern", "*.nothing"], "no files matching"),
        (["--metadata", "MISSING.csv"], "metadata file MISSING.csv does not exist"),
        # the sample has dates; a folder may not (its texts' own days are turned off here: they date it)
        ([CHECK / "articles", "--window", "3", "--no-text-dates"], "--window needs dates"),
    ],
)
def test_cli_usage_errors_exit_2_without_traceback(tmp_path, args, message):
    res = run_cli(*args, "-o", tmp_path / "out", cwd=tmp_path)
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert message in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_cli_empty_corpus_is_an_error_not_a_traceback(tmp_path):
    src = tmp_path / "articles"
    src.mkdir()
    (src / "a.txt").write_text("", encoding="utf-8")
    res = run_cli(src, "-o", tmp_path / "out")
    assert res.returncode == 1 and "mekong: error:" in res.stderr and "Traceback" not in res.stderr


def test_cli_no_text_in_empty_files_says_so(tmp_path):
    src = tmp_path / "articles"
    src.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (src / name).write_text("  \n" if name == "b.txt" else "", encoding="utf-8")
    res = run_cli(src, "-o", tmp_path / "out")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "no text in the 3 files read" in res.stderr and "empty vocabulary" not in res.stderr


def split_metadata(tmp_path):
    """The check corpus' metadata split into two CSVs by row parity."""
    rows = read_csv(CHECK / "metadata.csv")
    paths = []
    for part in (0, 1):
        p = tmp_path / f"meta-{part}.csv"
        with open(p, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows[part::2])
        paths.append(p)
    return rows, paths


@pytest.mark.parametrize("how", ["repeated", "glob"])
def test_cli_takes_several_metadata_files(tmp_path, how):
    rows, paths = split_metadata(tmp_path)
    meta_args = (
        ["--metadata", paths[0], "--metadata", paths[1]]
        if how == "repeated"
        else ["--metadata", tmp_path / "meta-*.csv"]
    )
    out = tmp_path / "out"
    res = run_cli(CHECK / "articles", *meta_args, "-o", out, "-q")
    assert res.returncode == 0, res.stderr
    docs = {r["id"]: r for r in read_csv(out / "documents.csv")}
    assert {i: (d["date"], d["source"]) for i, d in docs.items()} == {r["id"]: (r["date"], r["source"]) for r in rows}


def test_read_corpus_takes_a_list_of_metadata_files(tmp_path):
    rows, paths = split_metadata(tmp_path)
    _, meta = mekong.read_corpus(CHECK / "articles", metadata=paths)
    _, whole = mekong.read_corpus(CHECK / "articles", metadata=CHECK / "metadata.csv")
    pd.testing.assert_frame_equal(meta, whole)
    # An id described twice across the files names the file and row of the second.
    with open(paths[1], "a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow([rows[0][k] for k in rows[0]])
    with pytest.raises(ValueError, match=r"appears twice \(.*meta-1\.csv row 19\)"):
        mekong.read_corpus(CHECK / "articles", metadata=paths)


def test_cli_metadata_glob_that_matches_nothing_is_a_usage_error(tmp_path):
    res = run_cli(CHECK / "articles", "--metadata", tmp_path / "none-*.csv", "-o", tmp_path / "out")
    assert res.returncode == 2 and "matches no file" in res.stderr and "Traceback" not in res.stderr


def test_cli_on_the_bundled_sample_fills_dates_and_sources(tmp_path):
    out = tmp_path / "out"
    res = run_cli("-o", out, "-q")
    assert res.returncode == 0, res.stderr
    sample = mekong.datasets.load_sample()
    want = {f.stem: (d or "", s or "") for f, d, s in zip(sample.files, sample.dates, sample.sources)}
    docs = read_csv(out / "documents.csv")
    assert {d["id"]: (d["date"], d["source"]) for d in docs} == want
    assert all(r["first_date"] and r["sources"] for r in read_csv(out / "stories.csv"))
