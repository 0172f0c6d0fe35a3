"""The task queue's jobs for the outbox (procrastinate, in PostgreSQL; found by its Django app).

The jobs are ``async`` and run their database work through Django's thread-sensitive
``sync_to_async``, like an async view: one thread, one connection, and a test can run the
worker inside its own transaction (tests/conftest.py ``run_jobs``).

Workers: ``python manage.py procrastinate worker`` (``make run`` starts one beside the server).
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from procrastinate import JobContext, RetryStrategy
from procrastinate.contrib.django import app

from accounts import delivery

# Retries after 3, 9, 27 s ... 6561 s: about 2.7 hours in all before a message is marked
# failed and waits for a person (the outbox page, accounts/views.py).
MAIL_RETRY = RetryStrategy(max_attempts=8, exponential_wait=3)
# How long finished jobs are kept (the outbox rows are the lasting record).
KEEP_FINISHED_JOBS_HOURS = 30 * 24


@app.task(name="accounts.send_message", queue="outbox", pass_context=True, retry=MAIL_RETRY)
async def send_message(context: JobContext, message_id: int) -> None:
    last_try = context.job.attempts >= (MAIL_RETRY.max_attempts or 0)
    await sync_to_async(delivery.deliver)(message_id, last_try=last_try)


@app.periodic(cron="*/5 * * * *", periodic_id="stalled")
@app.task(name="accounts.retry_stalled_jobs", queue="maintenance", pass_context=True)
async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
    """A job whose worker stopped sending heartbeats (it died) is run again; a message it was
    sending is then marked failed, not sent twice (accounts/delivery.py)."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs():
        await manager.retry_job(job)


@app.periodic(cron="17 3 * * *", periodic_id="cleanup")
@app.task(name="accounts.remove_old_jobs", queue="maintenance", pass_context=True)
async def remove_old_jobs(context: JobContext, timestamp: int) -> None:
    await context.app.job_manager.delete_old_jobs(
        nb_hours=KEEP_FINISHED_JOBS_HOURS, include_failed=True, include_cancelled=True
    )
