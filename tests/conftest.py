import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The default profile is deterministic, so a run of the suite (and CI) is reproducible; set
# HYPOTHESIS_PROFILE=explore to search new examples.
settings.register_profile(
    "ci", deadline=None, max_examples=120, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("explore", deadline=None, max_examples=1000, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
SHARED_CORPUS = Path(os.environ.get("MEKONG_SHARED_CORPUS", ROOT.parent / "shared" / "corpus" / "seeds"))


@pytest.fixture(scope="session")
def shared_articles():
    """The real articles in ../shared/corpus/seeds, by file-name prefix ("000" ...); skipped when absent."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not here")
    files = sorted(SHARED_CORPUS.glob("*.txt"))
    if not files:
        pytest.skip("../shared/corpus has no articles")
    return {f.name[:3]: f.read_text(encoding="utf-8") for f in files}


@pytest.fixture(scope="session")
def sample():
    import mekong

    return mekong.datasets.load_sample()


def nfd(text):
    return unicodedata.normalize("NFD", text)


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text):
    """Encode as windows-1258 does: letters with their vowel marks precomposed, tone marks combining."""
    out = []
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONE_MARKS)))
        out.append("".join(c for c in d if c in _TONE_MARKS))
    return "".join(out).encode("cp1258")
