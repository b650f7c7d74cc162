"""The optional pandas tables and matplotlib charts."""

import numpy as np
import pytest
import scipy.sparse as sp

import mekong

pd = pytest.importorskip("pandas")
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


def test_frames_label_rows_and_columns():
    S = np.array([[1.0, 0.25], [0.25, 1.0]])
    f = mekong.frames.similarity_frame(S, ["a", "b"])
    assert f.loc["a", "b"] == 0.25 and list(f.columns) == ["a", "b"]
    X = sp.csr_matrix(np.array([[0.1, 0.5, 0.5], [0.0, 0.0, 0.2]]))
    top = mekong.frames.top_terms_frame(X, ["x", "y", "z"], ["d0", "d1"], n=2)
    assert top.values.tolist() == [["d0", 1, "y", 0.5], ["d0", 2, "z", 0.5], ["d1", 1, "z", 0.2]]  # ties: column order
    idx = np.array([[1, -1], [0, -1]])
    sc = np.array([[0.25, np.nan], [0.25, np.nan]])
    nb = mekong.frames.neighbours_frame(idx, sc, ["a", "b"])
    assert nb.values.tolist() == [["a", 1, "b", 0.25], ["b", 1, "a", 0.25]]


def test_plots_draw():
    import matplotlib.pyplot as plt

    ax = mekong.plot.similarity_heatmap(np.eye(3), labels=["a", "b", "c"])
    assert len(ax.images) == 1 and [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    X = sp.csr_matrix(np.array([[0.1, 0.5, 0.3]]))
    ax2 = mekong.plot.top_terms_bar(X, ["x", "y", "z"], row=0, n=2)
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["z", "y"]  # heaviest on top
    plt.close("all")
