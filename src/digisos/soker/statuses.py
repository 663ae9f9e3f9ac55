"""The application's statuses as plain strings (hendelse/soknadsStatus.json, and SENDT before any report).

constants.SoknadsStatus is built from these. They are apart because `exchange.models` needs the open ones for an
index's condition, and every command loads the models: the event format's seven StrEnums cost each start-up some
5 M instructions (docs/operations.md, "Command start-up", session 30), these strings nothing."""

# Not in the schema: what an application is before the case system has said MOTTATT (NAV's innsyn says SENDT).
SENDT = "SENDT"
MOTTATT = "MOTTATT"
UNDER_BEHANDLING = "UNDER_BEHANDLING"
FERDIGBEHANDLET = "FERDIGBEHANDLET"
BEHANDLES_IKKE = "BEHANDLES_IKKE"

# A case still waiting for its decision: sent, received, or being processed (the § 11a queue's cases).
OPEN_STATUSES = (SENDT, MOTTATT, UNDER_BEHANDLING)
