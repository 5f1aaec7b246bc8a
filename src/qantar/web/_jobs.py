"""Background jobs of the web app: work too long for a request (an estimate runs for
minutes), done in a thread while the page polls the job's record.

One job of a kind at a time per project: the runner is shared by every app serving the
same project folder in this process, and a running job holds an exclusive lock on a file
of the project folder (``.web-<kind>.lock``, empty), so that another server process on the
same folder cannot start one either. A job that fails keeps its message; the next may
start.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qantar.errors import QantarError
from qantar.i18n import N_

log = logging.getLogger(__name__)

RUNNING, DONE, FAILED = "running", "done", "failed"
KEPT = 50  # finished jobs remembered per project, newest first

# What a job reports while it works: a stage, an N_-marked sentence the page translates.
Report = Callable[[str], None]


class Busy(QantarError):
    """A job of this kind is already running for the project."""


@dataclass
class Job:
    """One background job and what its page shows: state, stage, result or error."""

    id: str
    kind: str
    by: str
    started: dt.datetime
    state: str = RUNNING
    stage: str = N_("Waiting to start")
    finished: dt.datetime | None = None
    result: str | None = None  # what the work returned (e.g. the run folder's name)
    error: str | None = None
    # The library's error itself, so that a page says it in its reader's language.
    failure: QantarError | None = None

    @property
    def seconds(self) -> int:
        end = self.finished or dt.datetime.now(dt.UTC)
        return int((end - self.started).total_seconds())

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "stage": self.stage,
            "seconds": self.seconds,
            "result": self.result,
            "error": self.error,
        }


class Jobs:
    """The jobs of one project (its folder ``root``)."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._threads: dict[str, threading.Thread] = {}

    def start(self, kind: str, by: str, work: Callable[[Report], str]) -> Job:
        """Run ``work(report)`` in a thread; refuse (``Busy``) while one of ``kind`` runs."""
        with self._lock:
            if self.running(kind) is not None:
                raise Busy("a job of this kind is already running")
            held = self._hold(kind)
            job = Job(secrets.token_urlsafe(12), kind, by, dt.datetime.now(dt.UTC))
            self._jobs[job.id] = job
            self._forget_old()
            thread = threading.Thread(
                target=self._run, args=(job, work, held), name=f"qantar-{kind}-job", daemon=True
            )
            self._threads[job.id] = thread
        thread.start()
        return job

    def _hold(self, kind: str) -> int:
        """The lock file of ``kind``, locked; Busy when another process holds it."""
        handle = os.open(self._root / f".web-{kind}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise Busy("a job of this kind is already running in another process") from None
        return handle

    def _run(self, job: Job, work: Callable[[Report], str], held: int) -> None:
        def report(stage: str) -> None:
            job.stage = stage

        try:
            job.result = work(report)
        except QantarError as exc:
            # A library error names fields and files, never a value: fit for the page.
            job.error = str(exc)
            job.failure = exc
            job.state = FAILED
        except Exception as exc:
            # Anything else may carry data in its text: the page gets the kind of error only,
            # the server's log the traceback (which names no person: it is code and paths).
            log.exception("background job %s (%s) failed", job.id, job.kind)
            job.error = type(exc).__name__
            job.state = FAILED
        else:
            job.state = DONE
        finally:
            job.finished = dt.datetime.now(dt.UTC)
            os.close(held)  # closing the file releases its lock

    def running(self, kind: str) -> Job | None:
        for job in self._jobs.values():
            if job.kind == kind and job.state == RUNNING:
                return job
        return None

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def latest(self, kind: str) -> Job | None:
        mine = [j for j in self._jobs.values() if j.kind == kind]
        return max(mine, key=lambda j: j.started) if mine else None

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Until the job has ended (for tests and for a clean shutdown)."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)

    def _forget_old(self) -> None:
        ended = sorted(
            (j for j in self._jobs.values() if j.state != RUNNING),
            key=lambda j: j.started,
            reverse=True,
        )
        for job in ended[KEPT:]:
            del self._jobs[job.id]
            self._threads.pop(job.id, None)


_BY_PROJECT: dict[Path, Jobs] = {}
_REGISTRY_LOCK = threading.Lock()


def jobs_of(folder: Path) -> Jobs:
    """The one runner of the project in ``folder``."""
    key = folder.resolve()
    with _REGISTRY_LOCK:
        if key not in _BY_PROJECT:
            _BY_PROJECT[key] = Jobs(key)
        return _BY_PROJECT[key]
