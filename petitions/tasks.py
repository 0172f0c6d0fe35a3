"""The periodic task that sends the daily reminders of both apps (petitions/reminders.py).

It runs every hour on whichever worker the task queue picks (procrastinate defers each tick
once, however many workers there are), so a worker that was down catches up within the hour;
the reminders themselves are done once a day (``ReminderRun``).
"""

from __future__ import annotations

import datetime

from asgiref.sync import sync_to_async
from procrastinate.contrib.django import app

from petitions import reminders


@app.periodic(cron="5 * * * *", periodic_id="hourly")
@app.task(name="petitions.send_reminders", queue="reminders")
async def send_reminders(timestamp: int) -> None:
    now = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    await sync_to_async(reminders.catch_up)(now)
