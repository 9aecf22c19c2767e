"""`exnet mine`: discover, fetch and extract a task's projects, then aggregate and render.

The stages overlap: clones run in a few threads (network-bound) while extraction runs
in `jobs` worker processes (CPU-bound), each project going on to extraction as soon as
it is fetched. Work is never lost:

- each project's outcome is cached as soon as it is known, keyed by (owner/name, commit,
  exnet version), so a run killed at any moment and started again redoes nothing
  finished (it reports "N from cache");
- the output files `<out>/<task>/projects.jsonl`, `models.jsonl` and `failures.jsonl`
  are rewritten atomically every few seconds with the projects finished so far, and once
  more at the end, so they are never half-written.

Before any of it, the output, cache and site folders are proved writable, and the
output folder is locked for the run (`exnet.folders`): a second run into it stops at
once with a message instead of overwriting this one's files.

Projects keep the discovery order (stars for a GitHub search, file order for a manifest,
folder names for `--from`), so output is deterministic.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from exnet.cache import (
    Cache,
    default_cache_dir,
    write_atomic,
    write_jsonl_atomic,
)
from exnet.discover import OWNER_NAME, discover
from exnet.errors import ExnetError
from exnet.extract.version import extractor_version
from exnet.facts import project_fields
from exnet.fetch import FetchOptions, local_fingerprint, resolve_sha
from exnet.folders import ensure_writable, output_lock
from exnet.github_search import OFFLINE_HINT, SearchOptions
from exnet.gitsafe import GitError, abort_all
from exnet.progress import Reporter
from exnet.records import Project
from exnet.scheduler import Bounds, DaskPool, Pending, Pool, fetch_job
from exnet.tasks import Task
from exnet.workers import Job, WorkerPool, read_result, result_payload

CHECKPOINT_SECONDS = 2.0


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (macOS)
        return os.cpu_count() or 1


@dataclass(frozen=True)
class MineOptions:
    """Everything one `exnet mine` run needs; the CLI fills it from its options."""

    task: Task
    out_dir: Path = Path("corpus")
    site_dir: Path = Path("build")
    cache_dir: Path | None = None
    manifest: Path | None = None
    from_dir: Path | None = None
    search: SearchOptions = field(default_factory=SearchOptions)
    jobs: int = 0                       # 0: all cores
    clone_jobs: int = 4
    extract_timeout: float = 300.0      # seconds per project
    max_memory: int | None = 2 << 30    # bytes of address space per extraction process
    clone_timeout: float = 300.0
    max_repo_bytes: int = 500_000_000
    max_file_bytes: int = 10_000_000
    #: None: this machine's worker processes; "local" or "tcp://HOST:PORT": a Dask
    #: cluster (exnet.scheduler).
    scheduler: str | None = None


@dataclass
class Outcome:
    """One finished project: its record, status and records, and whether it was cached."""

    project: Project
    status: str                          # "extracted" | "failed"
    reason: str | None
    models: list[dict[str, Any]]
    failures: list[dict[str, Any]]
    from_cache: bool = False
    fetched: bool = True
    mined: str | None = None             # UTC date the project was extracted
    facts: dict[str, Any] | None = None  # the facts stage's findings (exnet.facts)
    set_aside: list[dict[str, Any]] | None = None   # definitions that are not models

    def record(self) -> dict[str, Any]:
        # Not `from_cache`: the record must read the same whichever run produced it.
        return self.project.to_json(status=self.status, reason=self.reason,
                                    models=len(self.models), failures=len(self.failures),
                                    mined=self.mined, set_aside=self.set_aside or [],
                                    **project_fields(self.facts, self.project.license))


@dataclass(frozen=True)
class MineSummary:
    task: str
    task_dir: Path
    discovered: int
    fetched: int
    extracted: int
    failed: int
    from_cache: int
    models: int
    failure_records: int
    output: Path | None = None           # the site's index.html

    def line(self) -> str:
        return (f"mined {self.task}: {self.discovered} projects, {self.extracted} extracted "
                f"({self.from_cache} from cache), {self.failed} failed, {self.models} models, "
                f"{self.failure_records} failure records")

    def rows(self) -> list[tuple[str, str]]:
        return [("discovered", str(self.discovered)), ("fetched", str(self.fetched)),
                ("extracted", str(self.extracted)), ("  from cache", str(self.from_cache)),
                ("failed", str(self.failed)), ("models", str(self.models)),
                ("failure records", str(self.failure_records))]


def mine(options: MineOptions, reporter: Reporter) -> MineSummary:
    """Run every stage for one task; see the module docstring."""
    # Absolute: worker processes are forked from a server whose folder may differ.
    cache = Cache((options.cache_dir or default_cache_dir()).resolve())
    # Before any work: a folder that cannot be written would waste all of it.
    ensure_writable(options.out_dir, "--out")
    ensure_writable(cache.root, "--cache-dir")
    ensure_writable(options.site_dir, "--site-dir")
    with output_lock(options.out_dir):
        return _mine(options, cache, reporter)


def _mine(options: MineOptions, cache: Cache, reporter: Reporter) -> MineSummary:
    task = options.task
    reporter.stage("discover")
    found = discover(task, search=options.search, manifest=options.manifest,
                     from_dir=options.from_dir, cache=cache, reporter=reporter)
    projects = list(found.projects)
    reporter.update("discover", len(projects), total=len(projects))
    reporter.stage_done("discover", f"discovered {len(projects)} projects"
                        + (" (search from cache)" if found.from_cache else ""))
    if found.note:
        reporter.note(found.note)
    if not projects:
        where = (f"in {options.from_dir}" if options.from_dir else
                 f"in {options.manifest}" if options.manifest else f"for task {task.name}")
        raise ExnetError(f"no projects found {where}: check the source, or {OFFLINE_HINT}")
    task_dir = options.out_dir / task.name
    outcomes = _run(projects, options, cache, reporter, task_dir)
    ordered = [outcomes[i] for i in sorted(outcomes)]
    write_outputs(task_dir, ordered)
    summary = _summary(task.name, task_dir, len(projects), ordered)
    reporter.finish()
    reporter.table(f"exnet mine --task {task.name}", summary.rows())
    reporter.note(summary.line())
    if summary.extracted == 0:
        raise ExnetError(f"nothing could be mined: all {len(projects)} projects failed "
                         f"(reasons in {task_dir / 'projects.jsonl'})")
    return replace(summary, output=_publish(task_dir, options, reporter))


def _run(projects: list[Project], options: MineOptions, cache: Cache, reporter: Reporter,
         task_dir: Path) -> dict[int, Outcome]:
    """Fetch in threads and extract in processes, overlapping; outcomes by index."""
    fetch_options = FetchOptions(cache, options.clone_timeout, options.max_repo_bytes,
                                 options.max_file_bytes)
    pool: Pool = _pool(options, cache)
    total = len(projects)
    reporter.stage("fetch", total)
    reporter.stage("extract", total)
    outcomes: dict[int, Outcome] = {}
    ready: list[tuple[Job | Pending, Project]] = []
    started: dict[int, Project] = {}
    fetched = fetch_failed = 0
    last_checkpoint = time.monotonic()
    with cf.ThreadPoolExecutor(max(1, options.clone_jobs)) as threads:
        # On a Dask cluster the workers fetch: here the cache is only looked up.
        prepare = _lookup if options.scheduler else _prepare
        futures = {threads.submit(prepare, i, p, fetch_options): i
                   for i, p in enumerate(projects)}
        try:
            while futures or ready or pool.busy:
                done, _ = cf.wait(futures, timeout=0.05 if pool.busy else 0.2,
                                  return_when=cf.FIRST_COMPLETED)
                for future in done:
                    index = futures.pop(future)
                    try:
                        prepared = future.result()
                    except Exception as exc:  # noqa: BLE001 (a bug meeting odd input)
                        prepared = _outcome(projects[index], result_payload(
                            projects[index].full_name, None, "failed",
                            f"fetch error: {type(exc).__name__}: {exc}"[:300], [], [],
                            "fetch"), False)
                    if isinstance(prepared, Outcome):
                        outcomes[index] = prepared
                        fetched += prepared.fetched
                        fetch_failed += not prepared.fetched
                    else:
                        ready.append(prepared)
                        fetched += 1
                while ready and pool.free > 0:
                    job, project = ready.pop(0)
                    started[job.key] = project
                    pool.start(job)
                for job, payload in pool.poll(0.05):
                    project = started.pop(job.key)
                    # A Dask worker fetched it: the commit it read is the payload's.
                    project = replace(project, sha=payload.get("sha") or project.sha)
                    outcomes[job.key] = _outcome(project, payload, False)
                failed = sum(o.status == "failed" for o in outcomes.values())
                models = sum(len(o.models) for o in outcomes.values())
                from_cache = sum(o.from_cache for o in outcomes.values())
                reporter.update("fetch", fetched + fetch_failed,
                                info=f"{fetch_failed} failed")
                reporter.update("extract", len(outcomes),
                                info=f"{from_cache} from cache, {failed} failed, "
                                     f"{models} models")
                if time.monotonic() - last_checkpoint > CHECKPOINT_SECONDS:
                    write_outputs(task_dir, [outcomes[i] for i in sorted(outcomes)])
                    last_checkpoint = time.monotonic()
        except BaseException:
            abort_all()      # Ctrl-C: stop the clones in flight now
            raise
        finally:
            pool.close()
            for future in futures:
                future.cancel()
    reporter.stage_done("fetch", f"fetched {fetched}/{total} projects "
                                 f"({fetch_failed} failed)")
    extracted = sum(o.status == "extracted" for o in outcomes.values())
    reporter.stage_done("extract", f"extracted {extracted}/{total} projects "
                                   f"({len(outcomes) - extracted} failed)")
    return outcomes


def _pool(options: MineOptions, cache: Cache) -> Pool:
    """Where the projects are extracted: this machine's processes, or a Dask cluster."""
    if not options.scheduler:
        return WorkerPool(options.jobs or default_jobs(), options.extract_timeout,
                          options.max_memory, reuse=cache.extract_dir())
    bounds = Bounds(cache.root, extractor_version(), options.extract_timeout,
                    options.max_memory, options.clone_timeout, options.max_repo_bytes,
                    options.max_file_bytes)
    return DaskPool(options.scheduler, options.jobs or default_jobs(), bounds)


def _lookup(index: int, project: Project, options: FetchOptions) -> Outcome | tuple[
        Pending, Project]:
    """Resolve the commit, then reuse the cached outcome or say what is to be done
    (runs in a thread)."""
    if project.path is not None:
        key = f"local-{local_fingerprint(Path(project.path))}-{(project.sha or 'nogit')[:12]}"
    else:
        try:
            key = resolve_sha(project, timeout=min(60.0, options.timeout))
        except GitError as exc:
            payload = result_payload(project.full_name, None, "failed",
                                     f"cannot reach the repository ({exc})", [], [], "fetch")
            return _outcome(project, payload, False)
    result_path = options.cache.result_path(project.full_name, key, extractor_version())
    cached = read_result(result_path, project.full_name)
    if cached is not None:
        if project.path is None:
            project = replace(project, sha=key)
        return _outcome(project, cached, True)
    return Pending(index, project, key, result_path), project


def _prepare(index: int, project: Project,
             options: FetchOptions) -> Outcome | tuple[Job | Pending, Project]:
    """Look the project up in the cache, else fetch it for extraction here (a thread)."""
    looked = _lookup(index, project, options)
    if isinstance(looked, Outcome):
        return looked
    fetched = fetch_job(looked[0], options)
    if fetched.job is None:
        assert fetched.payload is not None
        return _outcome(fetched.project, fetched.payload, False)
    return fetched.job, fetched.project


def _outcome(project: Project, payload: dict[str, Any], from_cache: bool) -> Outcome:
    return Outcome(project, payload["status"], payload.get("reason"),
                   list(payload.get("models") or []), list(payload.get("failures") or []),
                   from_cache=from_cache, fetched=payload.get("stage") != "fetch",
                   mined=payload.get("mined"), facts=payload.get("facts"),
                   set_aside=list(payload.get("set_aside") or []))


def write_outputs(task_dir: Path, outcomes: list[Outcome]) -> None:
    """projects.jsonl, models.jsonl, failures.jsonl and manifest.txt, each written
    atomically. The manifest (`owner/name@sha` a line) lets `exnet mine --manifest`
    rebuild the same corpus on a machine with network."""
    write_jsonl_atomic(task_dir / "projects.jsonl", [o.record() for o in outcomes])
    write_jsonl_atomic(task_dir / "models.jsonl", [m for o in outcomes for m in o.models])
    write_jsonl_atomic(task_dir / "failures.jsonl", [f for o in outcomes for f in o.failures])
    pinned = sorted(f"{o.project.full_name}@{o.project.sha}" for o in outcomes
                    if o.project.sha and OWNER_NAME.match(o.project.full_name))
    write_atomic(task_dir / "manifest.txt", "".join(line + "\n" for line in pinned))


def _summary(task: str, task_dir: Path, discovered: int, outcomes: list[Outcome]
             ) -> MineSummary:
    return MineSummary(
        task=task, task_dir=task_dir, discovered=discovered,
        fetched=sum(o.fetched for o in outcomes),
        extracted=sum(o.status == "extracted" for o in outcomes),
        failed=sum(o.status == "failed" for o in outcomes),
        from_cache=sum(o.from_cache for o in outcomes),
        models=sum(len(o.models) for o in outcomes),
        failure_records=sum(len(o.failures) for o in outcomes))


def _publish(task_dir: Path, options: MineOptions, reporter: Reporter) -> Path:
    """Aggregate the task (always: its records were just written) and build the site;
    the path people should open next (the site's index.html)."""
    from exnet.aggregate import aggregate_task
    from exnet.render import build_site

    aggregate_task(task_dir, warn=reporter.note)
    return build_site(options.out_dir, options.site_dir, [task_dir.name])
