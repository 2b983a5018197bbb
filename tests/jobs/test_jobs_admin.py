"""Admins see job counts and failed jobs with their errors, and can retry one."""

from __future__ import annotations

from conftest import GraphQL
from fixtures.jobs import run_due_jobs

from graph import models
from graph.jobs.admin import UNRECORDED
from graph.publishing import publish_scheduled_post

JOBS = """{ jobs { counts { state count } failed(first: 100) { id task state args attempts
  lastError failedAt } } }"""
RETRY = """mutation ($id: ID!) { retryJob(input: {id: $id}) { __typename
  ... on Job { id state } ... on MutationError { message }
  ... on ValidationFailed { fieldErrors { path message } }
  ... on Forbidden { authenticated } } }"""

# A job no worker can run: the task's `publish_at` argument is missing.
BROKEN_POST_ID = 987_654_321


async def failed_job(admin: GraphQL) -> dict[str, object]:
    await publish_scheduled_post.defer_async(post_id=BROKEN_POST_ID)
    await run_due_jobs()
    failed = (await admin.data(JOBS))["jobs"]["failed"]
    mine = [job for job in failed if job["args"] == {"post_id": BROKEN_POST_ID}]
    assert mine, failed
    job: dict[str, object] = mine[0]
    return job


async def test_a_failed_job_shows_with_its_error_and_can_be_retried(admin: GraphQL) -> None:
    job = await failed_job(admin)
    assert (job["task"], job["state"], job["attempts"]) == ("publish_scheduled_post", "failed", 1)
    assert "publish_at" in str(job["lastError"])
    assert job["lastError"].startswith("TypeError")  # type: ignore[attr-defined]
    counts = {row["state"]: row["count"] for row in (await admin.data(JOBS))["jobs"]["counts"]}
    assert counts["failed"] >= 1
    assert set(counts) == {"todo", "doing", "succeeded", "failed", "cancelled", "aborted"}

    retried = (await admin.data(RETRY, id=job["id"]))["retryJob"]
    assert retried == {"__typename": "Job", "id": job["id"], "state": "todo"}
    again = (await admin.data(RETRY, id=job["id"]))["retryJob"]
    assert again["__typename"] == "ValidationFailed"
    assert again["fieldErrors"][0]["path"] == ["id"]
    await run_due_jobs()  # it fails again: nothing else of the suite's is left behind


async def test_retrying_an_unknown_job_is_not_found(admin: GraphQL) -> None:
    result = (await admin.data(RETRY, id="99999999"))["retryJob"]
    assert result["__typename"] == "NotFound"
    result = (await admin.data(RETRY, id="not-a-number"))["retryJob"]
    assert result["__typename"] == "NotFound"


async def test_only_admins_see_or_retry_jobs(gql: GraphQL, editor: GraphQL) -> None:
    for caller in (gql, editor):
        body = await caller(JOBS)
        assert body["data"] is None or body["data"]["jobs"] is None
        assert "admin" in body["errors"][0]["message"] or "token" in body["errors"][0]["message"]
    anonymous = (await gql.data(RETRY, id="1"))["retryJob"]
    assert (anonymous["__typename"], anonymous["authenticated"]) == ("Forbidden", False)
    as_editor = (await editor.data(RETRY, id="1"))["retryJob"]
    assert (as_editor["__typename"], as_editor["authenticated"]) == ("Forbidden", True)


async def test_a_failed_job_whose_error_was_not_recorded_says_so(admin: GraphQL) -> None:
    await publish_scheduled_post.defer_async(post_id=BROKEN_POST_ID + 1)
    await run_due_jobs()
    failed = (await admin.data(JOBS))["jobs"]["failed"]
    (job,) = [job for job in failed if job["args"] == {"post_id": BROKEN_POST_ID + 1}]
    # As if the database had gone away as the job failed: no error row was written.
    await models.JobError.filter(job_id=int(job["id"])).delete()

    failed = (await admin.data(JOBS))["jobs"]["failed"]
    (shown,) = [seen for seen in failed if seen["id"] == job["id"]]
    assert shown["lastError"] == UNRECORDED
    assert shown["failedAt"] is None
