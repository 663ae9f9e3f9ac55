"""DigiSos.

structlog is imported here, first of all, because whichever module imports it first decides whether it pulls in
rich: the admin's autodiscovery imports services (which log) before any AppConfig.ready() runs, so hiding rich
in core.logging alone came too late (tests/core/test_start_up_imports.py).
"""

import sys


def _import_structlog_without_rich() -> None:
    """structlog imports rich (with pygments and attrs, about 65 ms) whenever rich is installed, for its console
    renderer's pretty tracebacks and locals, which these JSON logs never use; rich comes only with the dev tools
    (import-linter, schemathesis), so dev, CI and test processes paid it at every start. Imported with rich
    hidden, structlog takes its plain paths, as in a production install where rich is absent. Nothing changes
    when something imported structlog or rich first; rich itself stays importable afterwards."""
    if "structlog" in sys.modules or "rich" in sys.modules:
        return
    sys.modules["rich"] = None  # type: ignore[assignment]  # `import rich` raises ImportError meanwhile
    try:
        import structlog  # noqa: F401
    finally:
        del sys.modules["rich"]


_import_structlog_without_rich()
