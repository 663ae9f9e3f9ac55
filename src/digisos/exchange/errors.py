"""The exchange's domain errors."""

from .validation import Violation


class ExchangeRefused(Exception):
    """A request the exchange will not carry out; `status` is the HTTP status the API answers with."""

    def __init__(
        self, status: int, code: str, message: str, violations: list[Violation] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.violations = violations or []
