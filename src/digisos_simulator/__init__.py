"""A fake at the edge: a municipality's case system (fagsystem), played over HTTP against the exchange API.

Not product code. It stands where a vendor's case system stands in production: it signs a JWT grant with its
own key, collects and decrypts deliveries and reports a realistic case back through /api/exchange/v1/, as any
case system would, so the quick start, the tests and the benchmarks have a counterpart to talk to. It is the
reference client for vendors too.

Only the dev, test and bench settings install it (`manage.py fagsystem_simulator`, `manage.py
exchange_demo_setup`); production does not. Product code (`digisos.*`) never imports it (an import-linter
contract in pyproject.toml keeps it so); it may import product code (the CMS decryption and the digisos-soker
builders, so that its events are the format itself).
"""
