"""Where mine's projects are fetched and extracted: this machine, or a Dask cluster.

`exnet mine` looks each project up in the cache itself (resume), and hands every project
that is not cached to a pool with one interface (`start(item)`, `poll(wait)` ->
finished `(item, payload)` pairs, `free`, `busy`, `close()`):

- by default the local `exnet.workers.WorkerPool`, after mine's own threads fetched the
  project (`fetch_job`);
- with `--scheduler tcp://HOST:8786` (a running Dask scheduler) or `--scheduler local`
  (a `distributed.LocalCluster` of `--jobs` workers on this machine), `DaskPool`: each
  project is one Dask task, `mine_remote`, which fetches it on the worker (same size
  and time bounds) and extracts it there in a `WorkerPool` of one process (same time
  and memory bounds), and returns the outcome.

Outcomes stream back as they finish (`distributed.as_completed`) and only mine, on this
machine, writes them: to its cache (so a rerun resumes exactly as in local mode) and to
the corpus files. A worker lost mid-task (killed, out of memory, its machine gone) is
Dask's to handle: the scheduler runs the task again on another worker, and the future
delivers one result, so a project is never lost nor written twice; a project that kills
every worker it is given (`distributed.scheduler.allowed-failures` times) becomes a
failed project, not cached, so the next run tries it again.

Dask is optional (`pip install 'exnet[dask]'`): it is imported only when a scheduler is
asked for. Workers need exnet (the same version: an outcome of another extractor is
refused) and git; `--from` checkouts must be at the same path on every worker.
"""

from __future__ import annotations

import multiprocessing
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from exnet.cache import Cache, default_cache_dir, write_json_atomic
from exnet.errors import ExnetError
from exnet.extract.version import extractor_version
from exnet.fetch import FetchOptions, fetch
from exnet.records import Project
from exnet.workers import Job, WorkerPool, result_payload

DASK_HINT = "pip install 'exnet[dask]'"


@dataclass(frozen=True)
class Pending:
    """A project whose outcome is not cached: what fetching and extracting it needs."""

    key: int                 # mine's index of the project
    project: Project
    commit: str              # the cache key: the commit, or a local checkout's fingerprint
    result_path: Path        # where mine's cache keeps its outcome


class Pool(Protocol):
    """What mine needs of a pool: `WorkerPool` (a Job an item) or `DaskPool` (a Pending)."""

    @property
    def free(self) -> int: ...

    @property
    def busy(self) -> bool: ...

    def start(self, item: Any) -> None: ...

    def poll(self, wait: float) -> list[tuple[Any, dict[str, Any]]]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Fetched:
    """A project after fetch: a job to extract, or a failed outcome (`lasting`: a
    failure that will not pass, so it is cached)."""

    project: Project
    job: Job | None
    payload: dict[str, Any] | None = None
    lasting: bool = False


def fetch_job(pending: Pending, options: FetchOptions) -> Fetched:
    """Fetch a project (a local checkout is used where it is) into an extraction job."""
    project = pending.project
    checkout = fetch(project, options, None if project.path else pending.commit)
    project = replace(project, sha=checkout.sha or project.sha)
    if checkout.root is None:
        payload = result_payload(project.full_name, project.sha, "failed",
                                 checkout.reason or "fetch failed", [], [], "fetch")
        if checkout.lasting:   # a failure that will not pass: do not fetch it again
            write_json_atomic(pending.result_path, payload)
        return Fetched(project, None, payload, checkout.lasting)
    job = Job(pending.key, project.full_name, project.sha, checkout.root,
              pending.result_path, tuple(f.to_json() for f in checkout.failures))
    return Fetched(project, job)


@dataclass(frozen=True)
class Bounds:
    """The per-project bounds of `exnet mine`, sent to each Dask task."""

    cache_root: Path
    version: str             # the extractor version of the run
    extract_timeout: float
    max_memory: int | None
    clone_timeout: float
    max_repo_bytes: int
    max_file_bytes: int


def mine_remote(pending: Pending, bounds: Bounds) -> tuple[dict[str, Any], bool]:
    """A Dask task: fetch and extract one project on this worker, within `bounds`;
    (its outcome, whether mine may cache it)."""
    full_name = pending.project.full_name
    if extractor_version() != bounds.version:
        return result_payload(full_name, pending.project.sha, "failed",
                              f"this worker runs extractor {extractor_version()}, the run "
                              f"{bounds.version}: install the same exnet on every worker",
                              [], [], "extract"), False
    cache = _worker_cache(bounds.cache_root)
    here = replace(pending, result_path=cache.result_path(full_name, pending.commit,
                                                          bounds.version))
    fetched = fetch_job(here, FetchOptions(cache, bounds.clone_timeout,
                                           bounds.max_repo_bytes, bounds.max_file_bytes))
    if fetched.job is None:
        assert fetched.payload is not None
        return fetched.payload, fetched.lasting
    _allow_children()
    pool = WorkerPool(1, bounds.extract_timeout, bounds.max_memory, reuse=cache.extract_dir())
    try:
        pool.start(fetched.job)
        while True:
            for _, payload in pool.poll(1.0):
                return payload, True
    finally:
        pool.close()


def _worker_cache(root: Path) -> Cache:
    """The run's cache folder where this worker can write it (one machine, a shared
    file system), else this worker's own default cache."""
    for folder in (root, default_cache_dir()):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f".probe-{uuid.uuid4().hex}"
            probe.write_bytes(b"")
            probe.unlink()
            return Cache(folder.resolve())
        except OSError:
            continue
    raise OSError(f"no writable cache folder on this worker ({root}, {default_cache_dir()})")


def _allow_children() -> None:
    """Let this Dask worker start the extraction process. Dask's nanny runs a worker as
    a daemonic process (`distributed.worker.daemon`), and multiprocessing refuses
    children to those, lest they outlive it; ours cannot: each dies with its parent
    (PR_SET_PDEATHSIG, `exnet.workers`) and the pool kills it on close."""
    process = multiprocessing.current_process()
    if process.daemon:
        process.daemon = False


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ExnetError(f"--scheduler needs Dask, which is not installed: {DASK_HINT} "
                         "(or leave out --scheduler to use this machine's processes)") from exc
    return distributed


class DaskPool:
    """Projects as Dask tasks (`mine_remote`) on a cluster; outcomes as they finish."""

    def __init__(self, address: str, jobs: int, bounds: Bounds) -> None:
        distributed = _distributed()
        self._bounds = bounds
        self._cluster = None
        try:
            if address == "local":
                import logging

                self._cluster = distributed.LocalCluster(
                    n_workers=jobs, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR)
                self._client = distributed.Client(self._cluster)
            else:
                self._client = distributed.Client(address, timeout=30)
        except (OSError, ValueError, TypeError) as exc:
            self.close()
            raise ExnetError(f"cannot reach the Dask scheduler at {address} ({exc}): start "
                             "one with `dask scheduler` and workers with `dask worker "
                             "tcp://HOST:8786`, or use --scheduler local") from exc
        self._run = uuid.uuid4().hex[:8]
        self._pending: dict[Any, Pending] = {}
        self._finished = distributed.as_completed()

    @property
    def free(self) -> int:
        return 1 << 30   # the scheduler queues tasks: take every project as it is ready

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def start(self, pending: Pending) -> None:
        future = self._client.submit(mine_remote, pending, self._bounds, pure=False,
                                     key=f"exnet-mine-{self._run}-{pending.key}")
        self._pending[future] = pending
        self._finished.add(future)

    def poll(self, wait: float) -> list[tuple[Pending, dict[str, Any]]]:
        """Outcomes of the tasks that finished (waiting up to `wait` s for one), each
        written to mine's cache first when it may be cached."""
        deadline = time.monotonic() + wait
        while self._pending and not self._finished.has_ready() \
                and time.monotonic() < deadline:
            time.sleep(0.01)
        done = []
        for future in self._finished.next_batch(block=False):
            pending = self._pending.pop(future)
            payload, cache = self._outcome(future, pending)
            if cache:
                write_json_atomic(pending.result_path, payload)
            done.append((pending, payload))
        return done

    def _outcome(self, future: Any, pending: Pending) -> tuple[dict[str, Any], bool]:
        if future.status == "finished":
            payload, cache = future.result()
            return payload, bool(cache)
        try:
            error = future.exception(timeout=5)
        except Exception as exc:  # noqa: BLE001 (cancelled, scheduler gone)
            error = exc
        reason = f"{type(error).__name__}: {error}"
        if type(error).__name__ == "KilledWorker":
            reason = "every Dask worker given it died (KilledWorker)"
        return result_payload(pending.project.full_name, pending.project.sha, "failed",
                              f"Dask task failed: {reason}"[:300], [], [], "extract"), False

    def close(self) -> None:
        """Cancel what is still queued and let go of the cluster."""
        client = getattr(self, "_client", None)
        if client is not None:
            if self._pending:
                client.cancel(list(self._pending))
                self._pending.clear()
            client.close()
        if self._cluster is not None:
            self._cluster.close()
