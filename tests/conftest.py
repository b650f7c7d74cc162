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


def _cpu_seconds(pid):
    """User + system CPU time of a live process (what time.process_time() counts inside it), from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def interrupt_child(setup, call, delay=0.7, timeout=120):
    """Runs ``call`` in a loop in a child Python (after ``setup``), sends it SIGINT after ``delay``
    seconds and returns ``(wall, cpu, out)``: the wall time from the signal to the KeyboardInterrupt
    in the child (CLOCK_MONOTONIC is one clock for both processes, so the child's exit and freeing
    its memory are not counted) and the CPU time the child spent in between. The CPU time says how
    long the core went on working after the signal whatever the machine's load; the wall time also
    holds the time the child waited for a core. ``out`` is the child's output (AssertionError when
    it did not end by the KeyboardInterrupt). Linux only (reads /proc)."""
    import signal
    import subprocess
    import sys
    import time

    code = (
        "import mekong, sys, time\n"
        f"{setup}\n"
        "print('ready', flush=True)\n"
        "try:\n"
        "    while True:\n"
        f"        {call}\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', time.monotonic(), time.process_time(), flush=True)\n"
        "    sys.exit(3)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(delay)  # inside the core by now
        cpu_at_signal = _cpu_seconds(proc.pid)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=timeout)
    finally:
        proc.kill()
    assert proc.returncode == 3 and out.startswith("interrupted"), out
    raised_at, cpu_at_raise = map(float, out.split()[1:3])
    return raised_at - sent, cpu_at_raise - cpu_at_signal, out
