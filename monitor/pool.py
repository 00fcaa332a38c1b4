"""Where the CPU-heavy jobs of a fetch run (page extraction) and the downloads run:
inline for ``jobs = 1``, else worker processes and threads.

Worker processes (at most one a CPU, at a lower priority) are started on the
first job only, so a run without pages to extract starts none; they start from a
clean forkserver process (which preloads only what they run, not the CLI) and
inherit neither the database connection nor the lock. When the pool shuts down
it reaps everything multiprocessing started for it -- the workers, the forkserver
that forked them and the resource tracker --, so no process outlives the run and
their CPU time is counted in the run's own (``wait4``/``RUSAGE_CHILDREN``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any


def default_jobs() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class InlineExecutor(Executor):
    """``jobs = 1``: run each job at once in this process (no pool, same code path)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


#: worker processes run at a lower priority: the main process, which alone stores
#: what they parse, is the bottleneck of a run and must not wait for a CPU
WORKER_NICE = 10


def _worker_start(parent: int) -> None:
    """Worker start-up: a lower priority, and death with the fetch that started it.

    Workers are children of the forkserver, not of the fetch, and each holds the pipe
    whose closing tells the forkserver that the fetch is gone; so when a fetch is
    killed with ``kill -9`` nobody would ever exit. Each worker watches the fetch
    process itself (a pidfd where Linux has one, else polling) and exits with it;
    the forkserver then sees its pipe close and exits too.
    """
    try:
        os.nice(WORKER_NICE)
    except OSError:  # pragma: no cover - not allowed here: run as we are
        pass
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="watch-parent").start()


def _exit_with(pid: int) -> None:
    try:
        fd = os.pidfd_open(pid)  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])  # readable when the process has ended
        os._exit(1)
    while True:  # pragma: no cover - no pidfd (old kernel, not Linux)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass
        time.sleep(0.5)


def worker_count(jobs: int) -> int:
    """Worker processes for ``jobs``: more than one a CPU only competes with the main process."""
    return max(1, min(jobs, os.cpu_count() or 1))


#: what the forkserver imports once for all its workers (they fork from it ready):
#: the modules of the jobs submitted to the pool, and not the CLI of ``__main__``
PRELOAD = ["monitor.extract", "monitor.parse"]


def _stop_helpers() -> None:
    """Stop and reap the forkserver and the resource tracker: left running, they
    outlive the run (reparented to init when it exits, their CPU and that of the
    workers the forkserver reaped never counted). Both restart on the next use."""
    from multiprocessing import forkserver, resource_tracker

    for helper in (forkserver._forkserver, resource_tracker._resource_tracker):
        stop = getattr(helper, "_stop", None)  # private, in CPython 3.8 and later
        if stop is None:  # pragma: no cover - another Python: left to exit with us
            continue
        try:
            stop()
        except (OSError, ChildProcessError):  # pragma: no cover - already gone
            pass


class LazyProcessPool(Executor):
    """A process pool started on the first job: a run with nothing to parse (all
    304s) or to extract never pays for starting and importing worker processes."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.started = False  # whether a job ever started the worker processes

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if self.pool is None:
            # forkserver: workers start from a clean process, inheriting neither the
            # database connection nor the lock file of this one
            self.started = True
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_worker_start,
                initargs=(os.getpid(),),
            )
        return self.pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the workers; with ``wait``, also reap them and the helper processes
        (without it, jobs may still be running: they end with this process)."""
        if self.pool is None:
            return
        pool, self.pool = self.pool, None
        pool.shutdown(wait=wait, cancel_futures=cancel_futures)
        if wait:
            # the pool's queues hold semaphores that tell the resource tracker when
            # they are freed: free them now, or the tracker would be restarted for it
            del pool
            gc.collect()
            _stop_helpers()


def make_executor(jobs: int) -> Executor:
    """Where CPU-heavy jobs run: feed parsing, page extraction."""
    if jobs <= 1:
        return InlineExecutor()
    return LazyProcessPool(worker_count(jobs))


def make_downloader(jobs: int) -> Executor:
    """Where feed downloads run: ``jobs`` threads of this process (waiting on the
    network releases the GIL), sharing one HTTP client and its connections."""
    if jobs <= 1:
        return InlineExecutor()
    return ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="download")
