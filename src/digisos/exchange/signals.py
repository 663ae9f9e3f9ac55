"""What the exchange announces to apps above it on the module map (innsyn listens)."""

from django.dispatch import Signal

# Sent while a changed digisos-soker.json is being stored, with `case_id`. Receivers write nothing: each
# returns the background work to queue with the report (core.queue.Queued, or None), and the exchange writes
# it with the report (in the report's one statement, or its transaction), so the work is committed with the
# report or not at all. A receiver may be asked again for the same report (its write is retried when another
# report came first), so it must not do anything itself here.
case_events_stored = Signal()
