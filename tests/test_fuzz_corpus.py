"""The C++ decoder against Python's own UTF-8 decoder, on the fuzzers' seed corpus and on arbitrary bytes.

Python's bytes.decode("utf-8", "replace") writes one U+FFFD per maximal invalid subpart, as the core
does. The one documented difference: the core reads a UTF-8-encoded surrogate (ED A0..BF xx, what
"surrogatepass" writes) as one invalid sequence, where Python sees three.
"""

import codecs
import pathlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mekong

SEEDS = pathlib.Path(__file__).resolve().parents[1] / "cpp" / "fuzz" / "corpus"
ENCODED_SURROGATE = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")


def _count_and_replace(err):
    _count_and_replace.calls += 1
    return "\ufffd", err.end


codecs.register_error("mekong-test-count", _count_and_replace)


def python_decode(data):
    """(text, replaced) as Python decodes `data`, encoded surrogates counted once each."""
    _count_and_replace.calls = 0
    parts = []
    surrogates = 0
    at = 0
    # ED is never a continuation byte, so cutting at each encoded surrogate cuts no other sequence.
    for m in ENCODED_SURROGATE.finditer(data):
        parts.append(data[at : m.start()].decode("utf-8", "mekong-test-count"))
        parts.append("\ufffd")
        surrogates += 1
        at = m.end()
    parts.append(data[at:].decode("utf-8", "mekong-test-count"))
    return "".join(parts), _count_and_replace.calls + surrogates


def test_python_reference_counts_as_documented():
    assert python_decode(b"ab\xffcd\xc3") == ("ab\ufffdcd\ufffd", 2)
    assert python_decode(b"\xed\xa0\x80x") == ("\ufffdx", 1)
    assert python_decode(b"\xe1\xed\xa0\x80") == ("\ufffd\ufffd", 2)


@pytest.mark.skipif(not (SEEDS / "decode").is_dir(), reason="no seed corpus")
def test_decode_matches_python_on_the_fuzz_seeds():
    files = sorted((SEEDS / "decode").iterdir())
    assert files
    for path in files:
        data = path.read_bytes()
        assert mekong.decode(data) == python_decode(data), path.name


@given(st.binary(max_size=200))
def test_decode_matches_python_on_any_bytes(data):
    assert mekong.decode(data) == python_decode(data)


@given(
    st.lists(
        st.sampled_from(
            [
                b"a",
                b"\xc3\xa0",
                b"\xe1\xbb\x99",
                b"\xf0\x9f\x98\x80",
                b"\xed\xa0\x80",
                b"\xed",
                b"\xa0",
                b"\x80",
                b"\xc3",
                b"\xe1\xbb",
                b"\xf0\x9f",
                b"\xff",
                b"\xc0\xaf",
                b"\x00",
            ]
        ),
        max_size=30,
    )
)
def test_decode_matches_python_on_pieces_of_sequences(pieces):
    data = b"".join(pieces)
    assert mekong.decode(data) == python_decode(data)
