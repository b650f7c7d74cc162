"""mekong: fast term-frequency and similarity matrices for Vietnamese and Mekong-region news.

Quick start::

    import mekong
    sample = mekong.datasets.load_sample()
    cv = mekong.CountVectorizer()
    X = cv.fit_transform(sample.texts)      # scipy.sparse.csr_matrix, documents x terms
    mekong.tokenize("Tỉnh uỷ Kon Tum")      # ['tỉnh', 'ủy', 'kon', 'tum']
"""

from . import datasets
from .feature_extraction import CountVectorizer
from .text import decode, normalize, tokenize

__version__ = "0.1.0"

__all__ = ["CountVectorizer", "datasets", "decode", "normalize", "tokenize", "__version__"]
