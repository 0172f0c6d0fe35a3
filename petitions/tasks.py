"""The periodic tasks: the daily reminders of both apps (petitions/reminders.py), and the
text messages the day before an appointment (petitions/appointments.py).

It runs every hour on whichever worker the task queue picks (procrastinate defers each tick
once, however many workers there are), so a worker that was down catches up within the hour;
the reminders themselves are done once a day (``ReminderRun``).
"""

from __future__ import annotations

import datetime

from asgiref.sync import sync_to_async
from procrastinate.contrib.django import app

from petitions import appointments, reminders


@app.periodic(cron="5 * * * *", periodic_id="hourly")
@app.task(name="petitions.send_reminders", queue="reminders")
async def send_reminders(timestamp: int) -> None:
    now = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    await sync_to_async(reminders.catch_up)(now)


@app.periodic(cron="20 * * * *", periodic_id="appointment-eve")
@app.task(name="petitions.send_appointment_reminders", queue="reminders")
async def send_appointment_reminders(timestamp: int) -> None:
    """The day before an appointment, its citizen is reminded by text message: checked every
    hour, each reminder queued once (a text queued in the quiet hours waits until 08:00)."""
    now = datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    await sync_to_async(appointments.send_day_before_texts)(now)
