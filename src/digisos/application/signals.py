"""What application announces to apps above it on the module map (they listen; it does not know them)."""

from django.dispatch import Signal

# Sent inside send_application's transaction, once per application, with `application`.
application_sent = Signal()
