"""What other apps may hear of a published duty's changes, without the roster app knowing them.

The roster app never imports the petitions app (import-linter), yet a reception day's bookings
must follow their day. So the roster verbs send these signals from inside their transaction,
once the duty is changed, and the petitions app connects its receivers in
``PetitionsConfig.ready()``: a receiver's change (and the texts it queues) commits or rolls back
with the roster change itself.

* ``duty_cancelled``: ``duty`` (now cancelled), ``replacement`` (the duty published instead on
  another day, or None), ``by``.
* ``duty_moved``: ``duty`` (with its new date), ``previous_date``, ``by``.
"""

from __future__ import annotations

from django.dispatch import Signal

duty_cancelled = Signal()
duty_moved = Signal()
