"""The exchange's domain errors: what a service refuses, and why, in the caller's words.

They know nothing of HTTP. The API edge (`api.STATUS_OF`) turns each into a status code and the
`{detail, code, errors}` body; the manual inbox's views turn them into form messages. `code` is the stable
machine-readable name the API answers with; `violations` name the failing fields (paths in the document or
the upload) where there are any.
"""

from .validation import Violation


class ExchangeRefused(Exception):
    """A request the exchange will not carry out. Subclasses say which refusal it is."""

    code = "refused"

    def __init__(self, message: str, violations: list[Violation] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.violations = violations or []


# --- Cases and reports ------------------------------------------------------------------------------------


class CaseNotFound(ExchangeRefused):
    """No such case, or not the municipality's own (the two are not told apart)."""

    code = "not_found"


class InvalidReport(ExchangeRefused):
    """digisos-soker.json breaks the schema or refers to files not on the case; `violations` name the paths."""

    code = "invalid_document"


class OlderReport(ExchangeRefused):
    """The document's newest event is older than the stored one's: a delayed retry must not roll back."""

    code = "older_document"


class UpdatesNotEnabled(ExchangeRefused):
    """The municipality does not show status online (kanOppdatereStatus is false)."""

    code = "updates_not_enabled"


class UpdatesPaused(ExchangeRefused):
    """The municipality has paused updates (harMidlertidigDeaktivertOppdateringer)."""

    code = "updates_temporarily_disabled"


class InvalidFodselsnummer(ExchangeRefused):
    code = "invalid_fodselsnummer"


class UnknownOffice(ExchangeRefused):
    """An enhetsnummer the NAV office register (NORG) does not have; Case.office is a key into it."""

    code = "unknown_office"


# --- Deliveries -------------------------------------------------------------------------------------------


class ReceivingPaused(ExchangeRefused):
    """The municipality does not receive documents digitally now (off, or temporarily disabled)."""

    code = "receiving_disabled"


class DeliveryNotAvailable(ExchangeRefused):
    """Acknowledged before it was ready to collect."""

    code = "not_available"


class DeliveredFileDeleted(ExchangeRefused):
    """The encrypted copy was removed by retention after the delivery was collected."""

    code = "file_deleted"


# --- Letters ----------------------------------------------------------------------------------------------


class NotPdf(ExchangeRefused):
    code = "not_pdf"


class LetterRefused(ExchangeRefused):
    """The documents pipeline refused the letter (a virus, unreadable, too many); `code` is the pipeline's."""

    def __init__(self, message: str, violations: list[Violation] | None = None, *, code: str) -> None:
        super().__init__(message, violations)
        self.code = code


class LetterTooLarge(LetterRefused):
    def __init__(self, message: str, violations: list[Violation] | None = None) -> None:
        super().__init__(message, violations, code="too_large")


class LetterNotAllowed(ExchangeRefused):
    """Only the municipality the case was sent to may put letters on it."""

    code = "not_allowed"
