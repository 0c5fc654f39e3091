"""Per-submission records, the source of truth: ``.cnngrader/records/<ID>/<student>.json``.

A record is written atomically as soon as its submission is graded. The gradebook, the
summary, the exports and the next run's plan are all derived from the records.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cnngrader.batch.atomic import write_atomic
from cnngrader.confine.shared.levels import IsolationLevel
from cnngrader.course.assignments import Assignment
from cnngrader.results import QuestionResult, Result

FORMAT = 1


class Status(str, enum.Enum):
    """Whether the judge produced the result, or the batch had to give up on the submission."""

    GRADED = "graded"
    FAILED = "failed"  # the grader stopped twice without a result
    REFUSED = "refused"  # the submission is not a file a grader may open (a link, a pipe)


@dataclass(frozen=True)
class Record:
    """One graded submission and everything its grade depended on."""

    student: str
    key: str
    seed: int
    notebook_sha: str
    suite_files: tuple[tuple[str, str], ...]
    engine: str
    result: Result
    status: Status = Status.GRADED
    attempts: int = 1
    seconds: float = 0.0
    graded_at: str = ""
    timestamp: str | None = None
    grader_error: str = ""  # for the TA's eyes (a traceback into grader code): never in feedback

    @property
    def assignment(self) -> str:
        return self.result.assignment

    def scores(self) -> dict[str, float]:
        return {q.id: q.score for q in self.result.questions}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "student": self.student,
            "key": self.key,
            "seed": self.seed,
            "notebook_sha": self.notebook_sha,
            "suite_files": dict(self.suite_files),
            "engine": self.engine,
            "status": self.status.value,
            "attempts": self.attempts,
            "seconds": self.seconds,
            "graded_at": self.graded_at,
            "timestamp": self.timestamp,
            "grader_error": self.grader_error,
            "result": self.result.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        if data.get("format") != FORMAT:
            raise ValueError(f"record format {data.get('format')!r}, expected {FORMAT}")
        return cls(
            student=str(data["student"]),
            key=str(data["key"]),
            seed=int(data["seed"]),
            notebook_sha=str(data["notebook_sha"]),
            suite_files=tuple(sorted(dict(data["suite_files"]).items())),
            engine=str(data["engine"]),
            result=Result.from_dict(data["result"]),
            status=Status(data["status"]),
            attempts=int(data["attempts"]),
            seconds=float(data["seconds"]),
            graded_at=str(data["graded_at"]),
            timestamp=data.get("timestamp"),
            grader_error=str(data.get("grader_error", "")),
        )


def load_record(path: Path) -> Record | None:
    """The record at ``path``; None if there is none or it cannot be trusted (then it is regraded)."""
    try:
        return Record.from_dict(json.loads(path.read_bytes()))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_record(path: Path, record: Record) -> None:
    write_atomic(path, json.dumps(record.to_dict(), indent=1).encode())


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def failed_result(
    *,
    spec: Assignment,
    notebook: Path,
    why: str,
    isolation: IsolationLevel,
    seed: int,
    student: str | None = None,
) -> Result:
    """Score 0 on every question and the reason, in words for the student and the TA."""
    questions = tuple(QuestionResult(q.id, 0.0, float(q.points), ()) for q in spec.questions)
    return Result(spec.id, str(notebook), 0.0, spec.max_score, isolation, questions, (why,), seed, student)
