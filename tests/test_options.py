"""The options table (mekong._options): signatures, docs and the bound core config structs all agree with it."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import mekong
from mekong import _core
from mekong._options import OPTIONS, SIGNATURES, analyzer_config, signature

OWNERS = {
    "tokenize": mekong.tokenize,
    "normalize": mekong.normalize,
    "CountVectorizer": mekong.CountVectorizer.__init__,
    "TfidfVectorizer": mekong.TfidfVectorizer.__init__,
    "HashingVectorizer": mekong.HashingVectorizer.__init__,
    "Cleaner": mekong.Cleaner.__init__,
    "clean": mekong.clean,
    "Phrases": mekong.Phrases.__init__,
    "extract_names": mekong.extract_names,
}

# Fields of the bound structs that are not options of their own: nested structs, the learned models
# fit sets, what the vectorizer derives from min_df / max_df, what fit_text_models is asked to learn,
# and the Phrases' stop_words / user_dictionary (the same options, in the struct that learns phrases).
STRUCTURAL = {
    "AnalyzerConfig": {"normalize", "segment", "clean_config", "repeated_lines", "name_evidence"},
    "CountConfig": {"min_df_is_count", "max_df_is_count"},
    "PhraseConfig": {"stop_words"},
    # fused: the switch to the staged reference passes, which the differential tests compare against;
    # keep_prepared: whether the learning pass keeps its preparations for the count (set by fit)
    "TextModelsConfig": {
        "furniture",
        "name_evidence",
        "phrases",
        "phrase_config",
        "user_dictionary",
        "fused",
        "keep_prepared",
    },
}


def _same(a, b):
    if isinstance(a, type) or isinstance(b, type):
        return np.dtype(a) == np.dtype(b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("owner", sorted(SIGNATURES))
def test_each_signature_is_the_tables_names_defaults_and_order(owner):
    assert set(OWNERS) == set(SIGNATURES)
    params = [
        p
        for p in inspect.signature(OWNERS[owner]).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "self"
    ]
    got = [(p.name, p.default) for p in params]
    want = signature(owner)
    assert [n for n, _ in got] == [n for n, _ in want]
    for (name, default), (_, table_default) in zip(got, want):
        assert _same(default, table_default), (owner, name, default, table_default)


@pytest.mark.parametrize("owner", ["CountVectorizer", "Cleaner", "Phrases", "tokenize"])
def test_docstring_parameters_are_generated_from_the_table(owner):
    doc = inspect.getdoc(OWNERS[owner] if owner == "tokenize" else getattr(mekong, owner))
    assert "{parameters}" not in doc
    for name, _ in signature(owner):
        first_line = OPTIONS[name].doc.splitlines()[0].split(", default=")[0]
        assert first_line in doc, (owner, name)


def _bound_fields(struct):
    cls = getattr(_core, struct)
    return {name for name, value in vars(cls).items() if isinstance(value, property)}


def test_every_table_field_is_a_bound_struct_field_of_the_same_name():
    seen = {}
    for option in OPTIONS.values():
        if option.field is None:
            continue
        struct, field = option.field.split(".")
        assert field == option.name, f"{option.name} lands in {option.field}: two names for one option"
        assert field in _bound_fields(struct), f"{option.field} is not bound"
        seen.setdefault(struct, set()).add(field)
    # ... and every bound field of those structs is an option (or one of the structural fields).
    for struct, fields in seen.items():
        extra = _bound_fields(struct) - fields - STRUCTURAL.get(struct, set())
        assert not extra, f"{struct} binds fields the table does not declare: {sorted(extra)}"


@pytest.mark.parametrize(
    "name",
    [
        "lowercase",
        "tone_marks",
        "numbers",
        "urls",
        "min_token_length",
        "stop_words",
        "ngram_range",
        "names",
        "aliases",
        "alias_table",
        "max_features",
        "binary",
        "markup",
        "captions",
        "headline_lists",
        "min_count",
        "threshold",
        "passes",
        "min_documents",
    ],
)
def test_the_core_structs_defaults_are_the_tables(name):
    option = OPTIONS[name]
    struct, field = option.field.split(".")
    core_default = getattr(getattr(_core, struct)(), field)
    want = option.check(name, option.default)
    if name == "max_features":
        want = -1  # None: keep every term
    assert core_default == want, (name, core_default, want)


def test_analyzer_config_lands_each_option_in_its_field():
    cfg = analyzer_config(
        lowercase=False,
        tone_marks="modern",
        numbers=False,
        urls="split",
        min_token_length=2,
        stop_words=["và"],
        ngram_range=(1, 3),
        encoding="windows-1258",
        names=True,
        aliases=True,
        alias_table={"Attapeu": "Attapư"},
        words=False,
    )
    assert cfg.normalize.lowercase is False
    assert cfg.normalize.tone_marks == _core.ToneStyle.modern
    assert cfg.segment.numbers is False and cfg.segment.urls == _core.LinkPolicy.split
    assert cfg.segment.min_token_length == 2
    assert cfg.stop_words == ["và"] and cfg.ngram_range == (1, 3) and cfg.encoding == "windows-1258"
    assert cfg.names and cfg.aliases and cfg.alias_table == [("Attapeu", "Attapư")]
    assert cfg.words is None and cfg.user_dictionary == []


def test_nested_structs_are_references_into_their_owner():
    cfg = _core.AnalyzerConfig()
    cfg.normalize.tone_marks = _core.ToneStyle.modern
    cfg.segment.min_token_length = 3
    cfg.clean_config.captions = False
    assert cfg.normalize.tone_marks == _core.ToneStyle.modern
    assert cfg.segment.min_token_length == 3 and cfg.clean_config.captions is False


@pytest.mark.parametrize(
    "target, field, value",
    [
        ("normalize", "lowercase", 1),
        ("normalize", "tone_marks", "modern"),
        ("segment", "numbers", "yes"),
        ("segment", "urls", 0),
        ("segment", "min_token_length", "3"),
        ("segment", "min_token_length", 2.5),
        ("segment", "min_token_length", True),
        ("segment", "min_token_length", -1),
        (None, "stop_words", "và"),
        (None, "stop_words", [1, 2]),
        (None, "ngram_range", (1, "2")),
        (None, "alias_table", {"a": 1}),
        (None, "encoding", b"utf-8"),
        (None, "repeated_lines", ["trang chủ"]),
        (None, "phrases", "hợp tác"),
        (None, "words", True),
        (None, "name_evidence", (["a"], ["b"])),
    ],
)
def test_a_config_field_of_the_wrong_type_is_a_type_error_naming_the_field(target, field, value):
    cfg = _core.AnalyzerConfig()
    obj = cfg if target is None else getattr(cfg, target)
    struct = type(obj).__name__
    with pytest.raises(TypeError, match=rf"{struct}\.{field} must be"):
        setattr(obj, field, value)


def test_other_structs_refuse_wrong_types_by_field_name_too():
    with pytest.raises(TypeError, match=r"PhraseConfig\.threshold must be a float; got str"):
        _core.PhraseConfig().threshold = "0.4"
    with pytest.raises(TypeError, match=r"CountConfig\.binary must be a bool; got int"):
        _core.CountConfig().binary = 1
    with pytest.raises(TypeError, match=r"TextModelsConfig\.min_documents must be a non-negative int"):
        _core.TextModelsConfig().min_documents = None
    c = _core.PhraseConfig()
    c.threshold = 1  # an int is a number
    assert c.threshold == 1.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: mekong.tokenize("x", lowercase="yes"),
        lambda: mekong.tokenize("x", numbers=None),
        lambda: mekong.CountVectorizer(names=1).fit(["a b"]),
        lambda: mekong.CountVectorizer(binary="no").fit(["a b"]),
        lambda: mekong.Cleaner(markup=0).fit(["a", "a"]),
    ],
)
def test_a_python_option_of_the_wrong_type_is_a_type_error_naming_it(call):
    with pytest.raises(TypeError, match=r"(lowercase|numbers|names|binary|markup) must be a bool"):
        call()


def test_unknown_analyzer_option_is_refused():
    with pytest.raises(TypeError, match="tones"):
        analyzer_config(tones="modern")
