"""What the exchange announces to apps above it on the module map (innsyn listens)."""

from django.dispatch import Signal

# Sent after the commit that stored a changed digisos-soker.json, with `case_id`.
case_events_stored = Signal()
