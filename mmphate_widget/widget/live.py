"""Refit MM-PHATE in the background while a network trains (the live widget's engine room).

:class:`LiveRefitter` listens to a :class:`~mmphate_widget.recording.recorder.HiddenStateRecorder`.
Whenever ``refit_every`` epochs have been recorded since the last fit and no fit is running, it
fits :class:`~mmphate_widget.MMPHATE` on a copy of everything recorded so far in a background
thread: never more than one fit at a time and never a queue (epochs recorded during a fit are
picked up by the next one). Each new fit is aligned to the previous one (orthogonal Procrustes on
the nodes they share; cluster ids kept where units stay together) before it is handed on, so a
view that switches to it does not jump. The training loop never waits: listening copies nothing
and starting a fit only starts a thread.

Each background fit would log the engine's warnings again (the same advice, e.g. "the 2 unit
clusters are unstable", with new numbers), and in a notebook they land in whichever cell is
running. A refitter shows each kind of warning once; its later background fits drop the repeats.
The final fit of :meth:`LiveRefitter.stop` runs in the caller's thread and logs as any fit does.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from ..engine import cluster, embedding, estimator, kernel, mds
from ..engine.alignment import align_embedding, match_cluster_ids
from ..engine.estimator import MMPHATE

__all__ = ["LiveRefitter", "LiveStatus"]

_log = logging.getLogger(__name__)


class _FitThread(threading.Thread):
    """A refitter's background fit; carries the warnings that its refitter has shown already."""

    def __init__(self, target: Callable[[], None], shown: set[tuple[str, str]]) -> None:
        super().__init__(target=target, name="mmphate-live-fit", daemon=True)
        self.shown_warnings = shown


class _ShowOnce(logging.Filter):
    """Drops an engine warning, logged in a background fit, that the same refitter showed before.

    Warnings are the same kind when they come from the same logger with the same format string,
    whatever their arguments. Records of other threads and below WARNING pass unchanged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        thread = threading.current_thread()
        if not isinstance(thread, _FitThread) or record.levelno < logging.WARNING:
            return True
        kind = (record.name, str(record.msg))
        if kind in thread.shown_warnings:
            return False
        thread.shown_warnings.add(kind)
        return True


# A logger's filters see only what is logged through it, so each engine logger gets one.
_SHOW_ONCE = _ShowOnce()
for _module in (cluster, embedding, estimator, kernel, mds):
    _module.logger.addFilter(_SHOW_ONCE)
del _module


@dataclass(frozen=True)
class LiveStatus:
    """Where a live refit stands.

    Attributes
    ----------
    epochs_recorded : int
        Epochs in the recording now.
    epochs_fitted : int
        Epochs in the newest finished fit (0 before the first).
    fitting : bool
        A background fit is running.
    n_fits : int
        Fits finished so far.
    error : str or None
        The last fit's error (``"ValueError: ..."``), None after a fit that succeeded.
    stopped : bool
        :meth:`LiveRefitter.stop` was called.
    """

    epochs_recorded: int = 0
    epochs_fitted: int = 0
    fitting: bool = False
    n_fits: int = 0
    error: str | None = None
    stopped: bool = False
    fit_seconds: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The status as JSON-ready values (for a synced trait)."""
        return {
            "epochs_recorded": self.epochs_recorded,
            "epochs_fitted": self.epochs_fitted,
            "fitting": self.fitting,
            "n_fits": self.n_fits,
            "error": self.error,
            "stopped": self.stopped,
            "last_fit_s": round(self.fit_seconds[-1], 2) if self.fit_seconds else None,
        }


class LiveRefitter:
    """Background refits of a growing recording, one at a time, each aligned to the last.

    Parameters
    ----------
    recorder : HiddenStateRecorder
    refit_every : int, default 5
        Start a fit when this many epochs were recorded since the last fit began (the first fit
        when this many exist).
    on_fit : callable(model), optional
        Called (in the fitting thread) with each new, aligned, fitted :class:`MMPHATE`.
    on_status : callable(LiveStatus), optional
        Called whenever the status changes.
    fit_kwargs : dict, optional
        Extra ``MMPHATE.fit`` arguments (``labels``, ``class_names``); ``epochs`` and
        ``metrics`` come from the recorder.
    fit_in : {"thread", "process"}, default "thread"
        Where the fits run. ``"thread"``: a background thread of this process, which competes
        with the training loop for Python's interpreter lock (on 2 cores the loop ran about 60%
        slower per epoch while a fit ran; ``bench/live_bench.py``). ``"process"``: one worker
        process (started once, on the first fit, with the ``spawn`` method), so the loop keeps
        its speed where a core is free; the fitted models come back without ``kernel_``.
    **params
        ``MMPHATE`` parameters.
    """

    def __init__(
        self,
        recorder: Any,
        *,
        refit_every: int = 5,
        on_fit: Callable[[MMPHATE], None] | None = None,
        on_status: Callable[[LiveStatus], None] | None = None,
        fit_kwargs: dict[str, Any] | None = None,
        fit_in: str = "thread",
        **params: Any,
    ) -> None:
        if fit_in not in ("thread", "process"):
            raise ValueError(f'fit_in must be "thread" or "process"; got {fit_in!r}.')
        if isinstance(refit_every, bool) or not isinstance(refit_every, int) or refit_every < 1:
            raise ValueError(
                f"refit_every must be a positive integer (epochs between fits); got {refit_every!r}."
            )
        MMPHATE(**params)  # unknown parameter names fail here, not in a background thread
        self.recorder = recorder
        self.refit_every = refit_every
        self.params = params
        self.fit_kwargs = dict(fit_kwargs or {})
        self.fit_in = fit_in
        self._pool: ProcessPoolExecutor | None = None
        self._on_fit = on_fit
        self._on_status = on_status
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._shown_warnings: set[tuple[str, str]] = set()
        self._started_at = 0  # epochs in the recording when the last fit started
        self.model: MMPHATE | None = None
        self.status = LiveStatus(epochs_recorded=len(recorder))
        self._unsubscribe = recorder.subscribe(self._heard)

    # -- triggering ----------------------------------------------------------------------------

    def _heard(self, epoch: int, recorded: bool) -> None:
        self._set_status(epochs_recorded=len(self.recorder))
        self.poke()

    def poke(self) -> bool:
        """Start a background fit if one is due and none is running; returns whether one started."""
        with self._lock:
            n = len(self.recorder)
            due = n - self._started_at >= self.refit_every and n > self.status.epochs_fitted
            if self.status.stopped or not due or (self._thread is not None and self._thread.is_alive()):
                return False
            self._started_at = n
            self._thread = _FitThread(self._fit_now, self._shown_warnings)
            self.status = replace(self.status, fitting=True)
            status = self.status
        self._emit(status)
        self._thread.start()
        return True

    # -- fitting -------------------------------------------------------------------------------

    def _fit_now(self) -> None:
        hidden, epochs, metrics = self.recorder.snapshot()
        started = time.perf_counter()
        try:
            if self.fit_in == "process":
                if self._pool is None:
                    self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
                job = self._pool.submit(
                    _fit_without_kernel, self.params, hidden, epochs, metrics, self.fit_kwargs
                )
                model = job.result()
            else:
                model = _fit(self.params, hidden, epochs, metrics, self.fit_kwargs)
            previous = self.model
            if previous is not None:
                model.embedding_ = align_embedding(
                    previous.embedding_,
                    model.embedding_,
                    shared=min(len(previous.embedding_), len(model.embedding_)),
                )
                model.unit_clusters_ = match_cluster_ids(previous.unit_clusters_, model.unit_clusters_)
                model.n_clusters_ = int(model.unit_clusters_.max()) + 1
        except Exception as err:
            _log.exception("a live MM-PHATE fit on %d epochs failed", len(epochs))
            self._set_status(fitting=False, error=f"{type(err).__name__}: {err}")
        else:
            self.model = model
            if self._on_fit is not None:
                try:
                    self._on_fit(model)
                except Exception:
                    _log.exception("showing a live MM-PHATE fit failed")
            self._set_status(
                fitting=False,
                error=None,
                epochs_fitted=len(epochs),
                n_fits=self.status.n_fits + 1,
                fit_seconds=[*self.status.fit_seconds, time.perf_counter() - started],
            )
        self.poke()  # epochs recorded meanwhile may already call for the next fit

    def _set_status(self, **changes: Any) -> None:
        with self._lock:
            self.status = replace(self.status, **changes)
            status = self.status
        self._emit(status)

    def _emit(self, status: LiveStatus) -> None:
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:
                _log.exception("reporting the live fit status failed")

    # -- ending --------------------------------------------------------------------------------

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the running fit, if any, to finish."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def stop(self, final_fit: bool = True) -> MMPHATE | None:
        """Stop listening; wait for the running fit; then fit once more on every epoch recorded.

        The final fit runs in the caller's thread (the training is over). Returns the newest model.
        """
        self._unsubscribe()
        with self._lock:
            self.status = replace(self.status, stopped=True)
        self.wait()
        if final_fit and len(self.recorder) > self.status.epochs_fitted:
            with self._lock:
                self._started_at = len(self.recorder)
                self.status = replace(self.status, fitting=True)
            self._emit(self.status)
            self._fit_now()
        else:
            self._emit(self.status)
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        return self.model


def _fit(params: dict[str, Any], hidden: Any, epochs: Any, metrics: dict, fit_kwargs: dict) -> MMPHATE:
    """One live fit on a snapshot of the recording."""
    return MMPHATE(**params).fit(hidden, epochs=epochs, metrics=metrics or None, **fit_kwargs)


def _fit_without_kernel(
    params: dict[str, Any], hidden: Any, epochs: Any, metrics: dict, fit_kwargs: dict
) -> MMPHATE:
    """:func:`_fit` in a worker process; the kernel stays behind (the view does not need it)."""
    model = _fit(params, hidden, epochs, metrics, fit_kwargs)
    model.kernel_ = None
    return model
