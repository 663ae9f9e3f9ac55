"""NAV's digisos-soker.json, the case events a case system reports, in one place: the format's words
(`constants`, the application's statuses also as plain strings in `statuses` for the models, which every
start-up loads), its shapes (`events`), building events (`builders`), checking a posted document
(`validation`), its timestamps (`tidspunkt`) and folding the events into what a case shows (`fold`).

Everything that reads or writes the events (the exchange API, the manual inbox, innsyn, the case-system
simulator, the bench and the tests) goes through this package rather than knowing the format itself."""
