"""mekong: fast term-frequency and similarity matrices for Vietnamese and Mekong-region news.

Quick start::

    import mekong
    sample = mekong.datasets.load_sample()
    tv = mekong.TfidfVectorizer()
    X = tv.fit_transform(sample.texts)        # scipy.sparse.csr_matrix, documents x terms
    S = mekong.cosine_similarity(X)           # NumPy array, documents x documents
    groups = mekong.stories(X, feature_names=tv.get_feature_names_out())
    mekong.word_tokenize("Hợp tác kinh tế")   # ['Hợp tác', 'kinh tế']
    mekong.tokenize("Tỉnh uỷ Kon Tum")        # ['tỉnh_ủy', 'kon_tum']
"""

from . import datasets, dates, frames, names, phrases, plot, stopwords
from ._progress import enabled as progress
from .cleaning import Cleaner, clean
from .corpus import read_corpus
from .dedup import MinHash, NearDuplicates, near_duplicates
from .feature_extraction import CountVectorizer
from .hashing import HashingVectorizer
from .names import extract_names
from .phrases import Phrases
from .search import SearchIndex
from .similarity import cosine_similarity, jaccard_similarity, top_k_similar
from .stories import Stories, Story, StoryClusterer, evaluate_stories, stories, story_neighbours
from .text import decode, normalize, tokenize, word_tokenize
from .weighting import BM25Transformer, TfidfTransformer, TfidfVectorizer

__version__ = "0.1.0"


__all__ = [
    "BM25Transformer",
    "Cleaner",
    "Phrases",
    "CountVectorizer",
    "HashingVectorizer",
    "MinHash",
    "NearDuplicates",
    "SearchIndex",
    "Stories",
    "Story",
    "StoryClusterer",
    "TfidfTransformer",
    "TfidfVectorizer",
    "clean",
    "cosine_similarity",
    "datasets",
    "dates",
    "frames",
    "names",
    "phrases",
    "plot",
    "progress",
    "stopwords",
    "decode",
    "evaluate_stories",
    "extract_names",
    "jaccard_similarity",
    "near_duplicates",
    "normalize",
    "read_corpus",
    "stories",
    "story_neighbours",
    "tokenize",
    "top_k_similar",
    "word_tokenize",
    "__version__",
]
