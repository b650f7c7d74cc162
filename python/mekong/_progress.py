"""Progress bars for long calls, drawn with tqdm when it is installed (silent without it).

The core's threads count finished units (documents, rows) in an atomic counter; the calling thread,
which already wakes every 100 ms to check for Ctrl-C, hands the new units to the bar with the GIL
held. No worker thread touches Python, and the hot loops pay one relaxed atomic add per unit.

Public entry points take ``progress=True`` and open :func:`enabled` around their work; each core call
inside opens :func:`bar` with its total and passes the bar (or None) to ``_core`` as ``progress=``.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools

from . import _core

_enabled = contextvars.ContextVar("mekong_progress", default=False)


def _tqdm_class():
    """tqdm's bar class, or None when tqdm is not installed (progress is then silent)."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


@contextlib.contextmanager
def enabled(on=True):
    """Show progress bars for the core calls made inside this block (nested blocks keep them on).

    ``on`` must be a bool: ``progress=True`` shows bars through tqdm when it is installed, and
    nothing when it is not.
    """
    if not isinstance(on, bool):
        raise TypeError(f"progress must be True or False; got {on!r}")
    token = _enabled.set(on or _enabled.get())
    try:
        yield
    finally:
        _enabled.reset(token)


@contextlib.contextmanager
def bar(total, desc, unit="doc"):
    """A tqdm bar of ``total`` units for one core call, or None when progress is off or tqdm missing."""
    cls = _tqdm_class() if _enabled.get() else None
    if cls is None:
        yield None
        return
    b = cls(total=int(total), desc=desc, unit=unit, leave=False, dynamic_ncols=True)
    try:
        yield b
    finally:
        b.close()


def reports_progress(fn):
    """Decorates a function whose keyword ``progress=True`` turns the bars on for its whole call."""

    @functools.wraps(fn)
    def wrapper(*args, progress=False, **kwargs):
        with enabled(progress):
            return fn(*args, progress=progress, **kwargs)

    return wrapper


class _Passes:
    """One core call that reads the documents in several passes, one after another, shown as one
    bar a pass: the core's units go to the first bar until it holds its total, then to the next."""

    def __init__(self, bars):
        self.bars, self.filled, self.i = bars, [0] * len(bars), 0

    def update(self, n=1):
        while n > 0 and self.bars:
            i = self.i
            room = self.bars[i].total - self.filled[i]
            if room <= 0 and i + 1 < len(self.bars):
                self.i += 1
                continue
            take = n if i + 1 == len(self.bars) else min(n, room)  # the last bar takes any excess
            self.bars[i].update(take)
            self.filled[i] += take
            n -= take


#: The learning passes of ``_core.fit_text_models``, in the order it runs them, and their bars.
_TEXT_MODEL_PASSES = (
    ("furniture", "repeated_lines", "clean: repeated lines"),
    ("name_evidence", "name_evidence", "names: evidence"),
    ("phrases", "phrases", "phrases"),
)


def fit_text_models(docs, base, learning, n_jobs):
    """``_core.fit_text_models`` with a bar for each learning pass it runs (a pass runs when the
    TextModelsConfig asks for its model and the base AnalyzerConfig does not already hold one)."""
    descs = [desc for ask, held, desc in _TEXT_MODEL_PASSES if getattr(learning, ask) and getattr(base, held) is None]
    with contextlib.ExitStack() as stack:
        bars = [stack.enter_context(bar(len(docs), desc)) for desc in descs]
        progress = _Passes(bars) if bars and all(b is not None for b in bars) else None
        return _core.fit_text_models(docs, base, learning, n_jobs, progress=progress)
