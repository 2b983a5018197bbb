"""Admin view of the job engine: `jobs` (counts and failures) and `retryJob`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from graph import models
from graph.api.mutations.errors import AnyError, mutate, require_admin
from graph.editing import errors as domain
from graph.jobs import admin
from graph.request.context import Info
from graph.request.errors import ClientError

MAX_FAILED = 100


@strawberry.type(description="How many jobs are in one state.")
class JobStateCount:
    state: str = strawberry.field(
        description="todo, doing, succeeded, failed, cancelled or aborted (the engine's states)."
    )
    count: int = strawberry.field(description="Jobs in that state, over every queue.")


@strawberry.type(description="One background job: publishing, a webhook delivery, a mail …")
class Job:
    id: strawberry.ID = strawberry.field(description="The job engine's id (for `retryJob`).")
    task: str = strawberry.field(description="The task name, e.g. deliver_webhook.")
    state: str = strawberry.field(description="The job's state (see JobStateCount.state).")
    args: JSON = strawberry.field(description="The task's arguments: ids, never content.")
    attempts: int = strawberry.field(description="How many times it has run.")
    scheduled_at: dt.datetime | None = strawberry.field(
        description="When it is (or was) due; null for as soon as possible."
    )
    last_error: str | None = strawberry.field(
        description="The error of its last failed run, if any."
    )
    failed_at: dt.datetime | None = strawberry.field(description="When that run failed.")

    @classmethod
    def of(cls, view: admin.JobView) -> Job:
        """The GraphQL object for one job."""
        return cls(
            id=strawberry.ID(str(view.id)),
            task=view.task_name,
            state=view.state,
            args=JSON(view.args),
            attempts=view.attempts,
            scheduled_at=view.scheduled_at,
            last_error=view.last_error,
            failed_at=view.failed_at,
        )


@strawberry.type(description="The job engine at a glance. Admins only.")
class JobOverview:
    @strawberry.field(description="How many jobs are in each state.")
    async def counts(self) -> list[JobStateCount]:
        counts = await admin.job_counts()
        return [JobStateCount(state=state, count=count) for state, count in counts.items()]

    @strawberry.field(description=f"The newest failed jobs (at most {MAX_FAILED}) with errors.")
    async def failed(self, first: int = 20) -> list[Job]:
        if not 0 <= first <= MAX_FAILED:
            raise ClientError(f"`first` must be between 0 and {MAX_FAILED}.")
        return [Job.of(view) for view in await admin.failed_jobs(first)]


@strawberry.type
class JobQueries:
    @strawberry.field(
        description="Background jobs: counts by state and the failed ones. Needs an admin "
        "token; anyone else gets an error."
    )
    def jobs(self, info: Info) -> JobOverview:
        require_admin(info)
        return JobOverview()


@strawberry.input(description="A failed job to run again.")
class RetryJobInput:
    id: strawberry.ID = strawberry.field(description="The job's id, from `jobs.failed`.")


JobResult = Annotated[
    Job | AnyError, strawberry.union("JobResult", description="The job, or why not.")
]


@strawberry.type
class JobMutations:
    @strawberry.mutation(description="Put a failed job back in the queue, due now. Admins only.")
    async def retry_job(self, info: Info, input: RetryJobInput) -> JobResult:
        async def present(view: admin.JobView) -> Job:
            return Job.of(view)

        return await mutate(
            info, lambda _actor: admin.retry_job(_job_id(input.id)), present, models.Role.ADMIN
        )


# Job ids are PostgreSQL bigints; a longer number names no job (and would overflow).
MAX_JOB_ID = 2**63 - 1


def _job_id(raw: str) -> int:
    try:
        number = int(raw)
    except ValueError as error:
        raise domain.NotFound("job", raw) from error
    if not 0 < number <= MAX_JOB_ID:
        raise domain.NotFound("job", raw)
    return number
