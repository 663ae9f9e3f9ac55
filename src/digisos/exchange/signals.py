"""What the exchange announces to apps above it on the module map (innsyn listens)."""

from django.dispatch import Signal

# Sent inside the transaction that stores a changed digisos-soker.json, with `case_id`. Receivers only
# queue background work (task.enqueue: the database backend writes the task in this transaction), so the
# work is committed with the report or not at all; they must not do slow or outside work here.
case_events_stored = Signal()
