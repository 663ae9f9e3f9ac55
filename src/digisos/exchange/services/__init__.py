"""Every write of the standardised interface, one module per concern; callers import the module they need.

- `delivery`: cases and deliveries (creation, deliver, resume, acknowledge, ettersendelse, paper cases,
  retention of collected files)
- `reporting`: the case's digisos-soker.json and its read model (report, append, store and rebuild state)
- `letters`: letters for the applicant
- `clients`: case-system clients, receivers, spent assertions

Each action owns its transaction and its audit entry.
"""
