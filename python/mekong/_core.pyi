"""
mekong's C++ core (use the mekong package, not this module directly)
"""

from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing

__all__: list[str] = [
    "Analyzer",
    "AnalyzerConfig",
    "LinkPolicy",
    "PhraseModel",
    "SimilarityIndex32",
    "SimilarityIndex64",
    "SkAnalyzer",
    "ToneStyle",
    "Vocabulary",
    "WordModel",
    "alias_key",
    "bm25_idf",
    "bm25_weight",
    "calibrate_threshold",
    "count",
    "count_fixed",
    "decode",
    "dense_similarity_matrix",
    "document_frequency",
    "learn_name_evidence",
    "learn_phrases",
    "learn_repeated_lines",
    "mean_row_sum",
    "minhash",
    "murmurhash3_32",
    "near_duplicates_documents",
    "near_duplicates_signatures",
    "prune_rows",
    "rerank_neighbours",
    "rescore_cosine",
    "resolve_n_jobs",
    "similarity_matrix",
    "sk_count",
    "sk_count_fixed",
    "sk_hash",
    "story_linkage",
    "tfidf_idf",
    "tfidf_weight",
    "top_k_similar",
    "translate_regex",
]

class ToneStyle:
    """
    Members:

      keep

      traditional

      modern
    """

    __members__: typing.ClassVar[dict[str, ToneStyle]]
    keep: typing.ClassVar[ToneStyle]
    modern: typing.ClassVar[ToneStyle]
    traditional: typing.ClassVar[ToneStyle]
    @typing.overload
    def __eq__(self, other: ToneStyle) -> bool: ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool: ...
    def __getstate__(self) -> int: ...
    def __hash__(self) -> int: ...
    def __index__(self) -> int: ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    @typing.overload
    def __ne__(self, other: ToneStyle) -> bool: ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __str__(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class LinkPolicy:
    """
    Members:

      drop

      keep

      split
    """

    __members__: typing.ClassVar[dict[str, LinkPolicy]]
    drop: typing.ClassVar[LinkPolicy]
    keep: typing.ClassVar[LinkPolicy]
    split: typing.ClassVar[LinkPolicy]
    @typing.overload
    def __eq__(self, other: LinkPolicy) -> bool: ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool: ...
    def __getstate__(self) -> int: ...
    def __hash__(self) -> int: ...
    def __index__(self) -> int: ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    @typing.overload
    def __ne__(self, other: LinkPolicy) -> bool: ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __str__(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class PhraseModel:
    def __init__(self) -> None: ...
    def add_pair(
        self,
        arg0: typing.SupportsInt | typing.SupportsIndex,
        arg1: str,
        arg2: str,
        arg3: typing.SupportsFloat | typing.SupportsIndex,
    ) -> None: ...
    def add_word(self, arg0: collections.abc.Sequence[str]) -> None: ...
    def apply(self, arg0: collections.abc.Sequence[str]) -> list: ...
    def dictionary(self) -> list: ...
    def pairs(self) -> list: ...

class WordModel:
    @staticmethod
    def from_bytes(data: bytes, name: str = "<bytes>") -> WordModel: ...
    @staticmethod
    def load(path: str) -> WordModel: ...
    @staticmethod
    def train(
        sentences: collections.abc.Sequence[collections.abc.Sequence[str]],
        lexicon: collections.abc.Sequence[str],
        epochs: typing.SupportsInt | typing.SupportsIndex = 8,
        min_weight: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        lexicon_from: WordModel = None,
    ) -> WordModel: ...
    def to_bytes(self) -> bytes: ...
    @property
    def feature_count(self) -> int: ...
    @property
    def lexicon_size(self) -> int: ...

class AnalyzerConfig:
    aliases: bool
    clean: bool
    clean_captions: bool
    clean_headline_lists: bool
    clean_markup: bool
    encoding: str
    links: LinkPolicy
    lowercase: bool
    names: bool
    numbers: bool
    phrases: PhraseModel
    tones: ToneStyle
    words: WordModel
    def __init__(self) -> None: ...
    @property
    def alias_table(self) -> list[tuple[str, str]]: ...
    @alias_table.setter
    def alias_table(self, arg0: collections.abc.Sequence[tuple[str, str]]) -> None: ...
    @property
    def end_markers(self) -> list[str]: ...
    @end_markers.setter
    def end_markers(self, arg1: collections.abc.Sequence[str]) -> None: ...
    @property
    def min_length(self) -> int: ...
    @min_length.setter
    def min_length(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def name_evidence(self) -> tuple[list[str], list[str], list[str]]: ...
    @name_evidence.setter
    def name_evidence(self, arg1: collections.abc.Sequence[collections.abc.Sequence[str]]) -> None: ...
    @property
    def ngram_max(self) -> int: ...
    @ngram_max.setter
    def ngram_max(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def ngram_min(self) -> int: ...
    @ngram_min.setter
    def ngram_min(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def repeated_lines(self) -> list[str]: ...
    @repeated_lines.setter
    def repeated_lines(self, arg1: collections.abc.Sequence[str]) -> None: ...
    @property
    def stop_words(self) -> list[str]: ...
    @stop_words.setter
    def stop_words(self, arg0: collections.abc.Sequence[str]) -> None: ...
    @property
    def word_dictionary(self) -> list[list[str]]: ...
    @word_dictionary.setter
    def word_dictionary(self, arg0: collections.abc.Sequence[collections.abc.Sequence[str]]) -> None: ...

class Analyzer:
    def __init__(self, arg0: AnalyzerConfig) -> None: ...
    def cleaned(self, arg0: typing.Any) -> str: ...
    def names(self, arg0: typing.Any) -> list: ...
    def normalize_term(self, arg0: str) -> str: ...
    def normalize_text(self, arg0: str) -> str: ...
    def terms(self, arg0: typing.Any) -> tuple[list, int]: ...
    def tokens(self, arg0: typing.Any) -> list: ...
    def written_words(self, arg0: typing.Any) -> list: ...
    def written_words_corpus(self, arg0: typing.Any) -> list: ...

class SkAnalyzer:
    def __init__(
        self,
        kind: str,
        lowercase: bool,
        strip_accents: str,
        token_pattern: str,
        stop_words: collections.abc.Sequence[str] | None,
        ngram_min: typing.SupportsInt | typing.SupportsIndex,
        ngram_max: typing.SupportsInt | typing.SupportsIndex,
    ) -> None: ...
    def analyze(self, arg0: str) -> list: ...
    @property
    def fast_min_run(self) -> int: ...
    @property
    def icu_pattern(self) -> str: ...

class Vocabulary:
    def __init__(self, arg0: collections.abc.Sequence[str]) -> None: ...
    def __len__(self) -> int: ...

class SimilarityIndex32:
    def __init__(self, arg0: tuple, arg1: str) -> None: ...
    def top_k(
        self,
        queries: tuple,
        k: typing.SupportsInt | typing.SupportsIndex,
        threshold: typing.SupportsFloat | typing.SupportsIndex,
        n_jobs: typing.SupportsInt | typing.SupportsIndex,
        progress: typing.Any = None,
    ) -> typing.Any: ...
    @property
    def cols(self) -> int: ...
    @property
    def nbytes(self) -> int: ...
    @property
    def nnz(self) -> int: ...
    @property
    def rows(self) -> int: ...

class SimilarityIndex64:
    def __init__(self, arg0: tuple, arg1: str) -> None: ...
    def top_k(
        self,
        queries: tuple,
        k: typing.SupportsInt | typing.SupportsIndex,
        threshold: typing.SupportsFloat | typing.SupportsIndex,
        n_jobs: typing.SupportsInt | typing.SupportsIndex,
        progress: typing.Any = None,
    ) -> typing.Any: ...
    @property
    def cols(self) -> int: ...
    @property
    def nbytes(self) -> int: ...
    @property
    def nnz(self) -> int: ...
    @property
    def rows(self) -> int: ...

def alias_key(arg0: str) -> str: ...
def bm25_idf(
    arg0: typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
    arg1: typing.SupportsInt | typing.SupportsIndex,
    arg2: bool,
) -> typing.Any: ...
def bm25_weight(
    arg0: tuple,
    arg1: typing.Any,
    arg2: typing.SupportsFloat | typing.SupportsIndex,
    arg3: typing.SupportsFloat | typing.SupportsIndex,
    arg4: typing.SupportsFloat | typing.SupportsIndex,
    arg5: str,
    arg6: typing.SupportsInt | typing.SupportsIndex,
) -> typing.Any: ...
def calibrate_threshold(
    arg0: typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
    arg1: typing.Annotated[numpy.typing.ArrayLike, numpy.float64],
    arg2: typing.SupportsFloat | typing.SupportsIndex,
) -> float: ...
def count(
    docs: typing.Any,
    analyzer: Analyzer,
    min_df: typing.SupportsFloat | typing.SupportsIndex,
    min_df_is_count: bool,
    max_df: typing.SupportsFloat | typing.SupportsIndex,
    max_df_is_count: bool,
    max_features: typing.SupportsInt | typing.SupportsIndex,
    binary: bool,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
    strict_decode: bool = False,
    progress: typing.Any = None,
) -> tuple[tuple, list, tuple, dict]: ...
def count_fixed(
    docs: typing.Any,
    analyzer: Analyzer,
    vocabulary: Vocabulary,
    binary: bool,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
    strict_decode: bool = False,
    progress: typing.Any = None,
) -> tuple[tuple, tuple, dict]: ...
def decode(data: bytes, encoding: str = "", strict: bool = False) -> tuple[str, int]: ...
def dense_similarity_matrix(
    arg0: numpy.ndarray,
    arg1: typing.Any,
    arg2: str,
    arg3: typing.SupportsInt | typing.SupportsIndex,
    arg4: typing.SupportsInt | typing.SupportsIndex,
) -> typing.Any: ...
def document_frequency(arg0: tuple) -> numpy.typing.NDArray[numpy.int64]: ...
def learn_name_evidence(
    docs: typing.Any, analyzer: Analyzer, n_jobs: typing.SupportsInt | typing.SupportsIndex, progress: typing.Any = None
) -> tuple[list, list, list]: ...
def learn_phrases(
    docs: typing.Any,
    analyzer: Analyzer,
    min_count: typing.SupportsInt | typing.SupportsIndex,
    threshold: typing.SupportsFloat | typing.SupportsIndex,
    passes: typing.SupportsInt | typing.SupportsIndex,
    dictionary: PhraseModel,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
    progress: typing.Any = None,
) -> PhraseModel: ...
def learn_repeated_lines(
    docs: typing.Any,
    analyzer: Analyzer,
    min_documents: typing.SupportsInt | typing.SupportsIndex,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
    progress: typing.Any = None,
) -> list: ...
def mean_row_sum(arg0: tuple) -> float: ...
def minhash(
    docs: typing.Any,
    analyzer: Analyzer,
    num_perm: typing.SupportsInt | typing.SupportsIndex,
    shingle: typing.SupportsInt | typing.SupportsIndex,
    seed: typing.SupportsInt | typing.SupportsIndex,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
) -> numpy.typing.NDArray[numpy.uint64]: ...
def murmurhash3_32(key: bytes, seed: typing.SupportsInt | typing.SupportsIndex = 0) -> int: ...
def near_duplicates_documents(
    docs: typing.Any,
    analyzer: Analyzer,
    num_perm: typing.SupportsInt | typing.SupportsIndex,
    shingle: typing.SupportsInt | typing.SupportsIndex,
    seed: typing.SupportsInt | typing.SupportsIndex,
    bands: typing.SupportsInt | typing.SupportsIndex,
    rows: typing.SupportsInt | typing.SupportsIndex,
    threshold: typing.SupportsFloat | typing.SupportsIndex,
    exact: bool,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
) -> tuple[numpy.typing.NDArray[numpy.uint64], tuple]: ...
def near_duplicates_signatures(
    signatures: typing.Annotated[numpy.typing.ArrayLike, numpy.uint64],
    bands: typing.SupportsInt | typing.SupportsIndex,
    rows: typing.SupportsInt | typing.SupportsIndex,
    threshold: typing.SupportsFloat | typing.SupportsIndex,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
) -> tuple: ...
def prune_rows(
    arg0: typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
    arg1: typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
    arg2: typing.Annotated[numpy.typing.ArrayLike, numpy.float64],
    arg3: typing.SupportsInt | typing.SupportsIndex,
    arg4: typing.SupportsInt | typing.SupportsIndex,
    arg5: typing.SupportsInt | typing.SupportsIndex,
) -> tuple[
    numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.int64]
]: ...
def rerank_neighbours(
    index: typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
    score: typing.Annotated[numpy.typing.ArrayLike, numpy.float64],
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
    progress: typing.Any = None,
) -> tuple[numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.float64]]: ...
def rescore_cosine(
    index: typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
    score: typing.Annotated[numpy.typing.ArrayLike, numpy.float64],
    indptr: typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
    indices: typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
    data: typing.Annotated[numpy.typing.ArrayLike, numpy.float64],
    cols: typing.SupportsInt | typing.SupportsIndex,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
    progress: typing.Any = None,
) -> tuple[numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.float64]]: ...
def resolve_n_jobs(arg0: typing.SupportsInt | typing.SupportsIndex) -> int: ...
def similarity_matrix(
    x: tuple,
    y: typing.Any,
    metric: str,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
    memory_budget: typing.SupportsInt | typing.SupportsIndex,
    progress: typing.Any = None,
) -> typing.Any: ...
def sk_count(
    docs: list,
    analyzer: SkAnalyzer,
    min_df: typing.SupportsFloat | typing.SupportsIndex,
    min_df_is_count: bool,
    max_df: typing.SupportsFloat | typing.SupportsIndex,
    max_df_is_count: bool,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
    progress: typing.Any = None,
) -> tuple[tuple, list]: ...
def sk_count_fixed(
    docs: list,
    analyzer: SkAnalyzer,
    terms_by_column: list,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
    progress: typing.Any = None,
) -> tuple: ...
def sk_hash(
    docs: list,
    analyzer: SkAnalyzer,
    n_features: typing.SupportsInt | typing.SupportsIndex,
    alternate_sign: bool,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
    progress: typing.Any = None,
) -> tuple: ...
def story_linkage(
    arg0: typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
    arg1: typing.Annotated[numpy.typing.ArrayLike, numpy.float64],
    arg2: typing.SupportsFloat | typing.SupportsIndex,
    arg3: typing.Any,
    arg4: typing.SupportsFloat | typing.SupportsIndex,
) -> numpy.typing.NDArray[numpy.int64]: ...
def tfidf_idf(
    arg0: typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
    arg1: typing.SupportsInt | typing.SupportsIndex,
    arg2: bool,
    arg3: bool,
) -> typing.Any: ...
def tfidf_weight(
    arg0: tuple, arg1: typing.Any, arg2: bool, arg3: str, arg4: typing.SupportsInt | typing.SupportsIndex
) -> typing.Any: ...
def top_k_similar(
    x: tuple,
    y: typing.Any,
    k: typing.SupportsInt | typing.SupportsIndex,
    threshold: typing.SupportsFloat | typing.SupportsIndex,
    metric: str,
    n_jobs: typing.SupportsInt | typing.SupportsIndex,
    progress: typing.Any = None,
) -> typing.Any: ...
def translate_regex(arg0: str) -> tuple[str, int, int]: ...
