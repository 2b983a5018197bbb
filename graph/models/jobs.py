"""What the job engine does not keep: the last error of each failed job."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class JobError(Model):
    """The last error of a job run, kept for admins (the job engine keeps only the state)."""

    job_id = fields.BigIntField(primary_key=True, generated=False)
    task_name = fields.CharField(max_length=200)
    error = fields.TextField()
    failed_at = fields.DatetimeField()

    class Meta:
        table = "job_error"
