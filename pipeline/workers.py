"""Stage 3 runner: the extractor over fetched projects, in bounded worker processes.

Each project is extracted in a process of its own, forked from a forkserver that has
imported the extractor once (so a fork is cheap and inherits no threads of the parent).
The process sets its own memory limit (RLIMIT_AS) and writes its outcome to the cache
atomically; the parent kills it when it passes the time limit. A project over time,
over memory, or whose extraction crashed becomes a failed outcome with the reason, and
the run goes on. At most `jobs` processes run at once.

The outcome file (`results/.../exnet-<version>.json`, schema `exnet.result/1`) holds
the project's status ("extracted" | "failed"), reason, model records and failure
records (the fetch stage's included), so a later run needs neither the checkout nor the
extractor for it.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import time
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from exnet.cache import read_json, write_json_atomic
from exnet.extract.version import extractor_version
from exnet.facts import facts_json, facts_version
from exnet.records import Failure
from exnet.validate import result_problem

RESULT_SCHEMA = "exnet.result/1"

#: For tests only: seconds each worker sleeps before extracting, so that a test can
#: kill a run in the middle (tests/test_mine.py).
TEST_DELAY_ENV = "EXNET_TEST_EXTRACT_DELAY"


def result_payload(full_name: str, sha: str | None, status: str, reason: str | None,
                   models: list[dict[str, Any]], failures: list[dict[str, Any]],
                   stage: str | None = None,
                   facts: dict[str, Any] | None = None) -> dict[str, Any]:
    """An outcome; a failed project (`stage` "fetch" or "extract") also gets a failure
    record for the whole project (file ".") so failures.jsonl lists every problem."""
    if status == "failed" and reason:
        failures = failures + [Failure(file=".", reason=reason, project=full_name).to_json()]
    return {"schema": RESULT_SCHEMA, "exnet": extractor_version(), "full_name": full_name,
            "sha": sha, "status": status, "stage": stage, "reason": reason,
            "mined": time.strftime("%Y-%m-%d", time.gmtime()),
            "models": models, "failures": failures,
            # The facts stage's findings (exnet.facts), made by the same process.
            "facts_version": facts_version(), "facts": facts}


def read_result(path: Path, full_name: str) -> dict[str, Any] | None:
    """A cached outcome for `full_name`, or None when there is none, it is not ours, or
    it is not of the outcome's shape (then the project is extracted again)."""
    data = read_json(path)
    if (isinstance(data, dict) and data.get("schema") == RESULT_SCHEMA
            and data.get("exnet") == extractor_version() and data.get("full_name") == full_name
            and data.get("facts_version") == facts_version()
            and result_problem(data) is None):
        return data
    return None


@dataclass(frozen=True)
class Job:
    """One project to extract: where its files are and where its outcome goes."""

    key: int                      # the caller's index of the project
    full_name: str
    sha: str | None
    root: Path
    result_path: Path
    fetch_failures: tuple[dict[str, Any], ...] = ()


def _limit_self(max_memory: int | None, timeout: float) -> None:
    """Bound this process: memory (RLIMIT_AS), CPU time as a backstop to the parent's
    timer (RLIMIT_CPU), and death with its parent (so a killed run leaves no workers)."""
    import resource
    import signal

    limits = [(resource.RLIMIT_CPU, int(timeout) + 10)]
    if max_memory:
        limits.append((resource.RLIMIT_AS, max_memory))
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG (Linux)
        if os.getppid() == 1:           # the parent is already gone
            os._exit(1)
    except (OSError, AttributeError):
        pass


def _child(job: Job, max_memory: int | None, delay: float, timeout: float,
           reuse: Path | None = None) -> None:
    """Extract one project in this (child) process and write its outcome."""
    _limit_self(max_memory, timeout)
    if delay > 0:
        time.sleep(delay)
    failures = list(job.fetch_failures)
    try:
        from exnet.extract import extract_project

        result = extract_project(job.root, job.full_name, reuse=reuse)
        models = [m.to_json() for m in result.models]
        failures += [f.to_json() for f in result.failures]
        payload = result_payload(job.full_name, job.sha, "extracted", None, models, failures,
                                 facts=facts_json(job.root, models))
        # definitions that are not models of the project, each with why (not counted)
        payload["set_aside"] = [a.to_json() for a in result.set_aside]
    except MemoryError:
        payload = result_payload(job.full_name, job.sha, "failed",
                                 f"over the memory limit ({(max_memory or 0) >> 20} MB)",
                                 [], failures, "extract")
    except ImportError as exc:  # the extractor itself is missing: a broken install
        payload = result_payload(job.full_name, job.sha, "failed",
                                 f"extractor unavailable ({exc})", [], failures, "extract")
    except Exception as exc:  # noqa: BLE001 (a bug in the extractor: record it, go on)
        payload = result_payload(job.full_name, job.sha, "failed",
                                 f"extractor error: {type(exc).__name__}: {exc}"[:300],
                                 [], failures, "extract")
    write_json_atomic(job.result_path, payload)


@dataclass
class _Running:
    job: Job
    process: BaseProcess
    deadline: float


@dataclass
class WorkerPool:
    """At most `jobs` extraction processes; `start` one, `poll` for finished outcomes."""

    jobs: int
    timeout: float = 300.0
    max_memory: int | None = 2 << 30
    #: For tests only (read from $EXNET_TEST_EXTRACT_DELAY when the pool is made).
    delay: float = field(default_factory=lambda: float(os.environ.get(TEST_DELAY_ENV) or 0))
    #: Where outcomes are kept by content (`exnet.extract.reuse`), or None to keep none.
    reuse: Path | None = None
    _running: dict[int, _Running] = field(default_factory=dict)
    _ctx: Any = None    # a multiprocessing context

    def __post_init__(self) -> None:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() \
            else "spawn"
        self._ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            # Import the extractor once in the server, not once per project.
            self._ctx.set_forkserver_preload(["exnet.extract", "exnet.workers"])

    @property
    def free(self) -> int:
        return self.jobs - len(self._running)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def start(self, job: Job) -> None:
        assert self._ctx is not None and self.free > 0
        process = self._ctx.Process(target=_child,
                                    args=(job, self.max_memory, self.delay, self.timeout,
                                          self.reuse),
                                    daemon=True,
                                    name=f"exnet-extract-{job.key}")
        process.start()
        self._running[job.key] = _Running(job, process, time.monotonic() + self.timeout)

    def poll(self, wait: float) -> list[tuple[Job, dict[str, Any]]]:
        """Outcomes of the processes that ended (waiting up to `wait` s for one)."""
        if not self._running:
            return []
        sentinels = [r.process.sentinel for r in self._running.values()]
        multiprocessing.connection.wait(sentinels, timeout=wait)
        done = []
        now = time.monotonic()
        for key, run in list(self._running.items()):
            if run.process.exitcode is None and now < run.deadline:
                continue
            if run.process.exitcode is None:
                run.process.kill()
                run.process.join(5)
                outcome = self._failed(run.job, f"over the time limit ({self.timeout:g} s)")
            else:
                run.process.join()
                outcome = read_result(run.job.result_path, run.job.full_name) or \
                    self._failed(run.job, _crash_reason(run.process.exitcode))
            del self._running[key]
            done.append((run.job, outcome))
        return done

    def _failed(self, job: Job, reason: str) -> dict[str, Any]:
        payload = result_payload(job.full_name, job.sha, "failed", reason, [],
                                 list(job.fetch_failures), "extract")
        write_json_atomic(job.result_path, payload)
        return payload

    def close(self) -> None:
        """Stop every process still running (the run is ending early)."""
        for run in self._running.values():
            run.process.kill()
            run.process.join(5)
        self._running.clear()


def _crash_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        import signal

        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        return f"extractor crashed ({name})"
    return f"extractor crashed (exit code {exitcode})"
