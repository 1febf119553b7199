"""Background re-ingest jobs for the admin API: one at a time, in a thread, status kept in memory.

Queries keep using the old index while a job runs: the store switches its pointer only when the
new collection and its artifacts are complete, and the Tutor's IndexHandle follows it.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from api.schemas import IngestJob
from tutor.errors import Conflict, NotFound, TutorError

log = logging.getLogger(__name__)
KEEP = 50  # finished jobs remembered


class IngestJobs:
    def __init__(self) -> None:
        self._jobs: dict[str, IngestJob] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self, work: Callable[[], object]) -> IngestJob:
        """Run `work` (returning an IngestReport) in a thread; Conflict while another job runs."""
        with self._lock:
            running = [j for j in self._jobs.values() if j.status in ("queued", "running")]
            if running:
                raise Conflict(f"An ingest is already running (job {running[0].id}).")
            job = IngestJob(id=uuid.uuid4().hex[:12], status="queued")
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEEP]:
                del self._jobs[old]
            self._thread = threading.Thread(
                target=self._run, args=(job.id, work), name=f"ingest-{job.id}", daemon=True
            )
            self._thread.start()
            return job

    def get(self, job_id: str) -> IngestJob:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"No ingest job {job_id!r}.")
        return job

    def wait(self, timeout: float | None = None) -> None:
        """Let a running job finish (used on shutdown and by tests)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _update(self, job_id: str, **fields) -> None:
        with self._lock:
            self._jobs[job_id] = self._jobs[job_id].model_copy(update=fields)

    def _run(self, job_id: str, work: Callable[[], object]) -> None:
        self._update(job_id, status="running", started_at=datetime.now(UTC))
        try:
            report = work()
        except TutorError as exc:
            log.warning("ingest job %s failed: %s", job_id, exc)
            self._update(job_id, status="failed", error=str(exc), finished_at=datetime.now(UTC))
            return
        except Exception as exc:  # a job thread must record its failure, not die silently
            log.exception("ingest job %s crashed", job_id)
            self._update(
                job_id,
                status="failed",
                error=f"unexpected error: {exc}",
                finished_at=datetime.now(UTC),
            )
            return
        done = None
        if dataclasses.is_dataclass(report) and not isinstance(report, type):
            done = dataclasses.asdict(report)  # the IngestReport
        self._update(job_id, status="done", report=done, finished_at=datetime.now(UTC))
