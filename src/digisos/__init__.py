"""DigiSos.

structlog is configured, and imported without rich, whenever something first imports it: this module is the
first of ours every process imports (the settings are in it), and it puts a finder for structlog before the
others. Neither the admin's autodiscovery nor any AppConfig.ready() needs structlog any more, so a process that
starts Django does not import it (tests/core/test_start_up_imports.py); the first module that logs with it does,
and finds it configured, so every structlog line passes the identity-number scrubber (core/logging.py).
"""

import sys
from importlib.machinery import ModuleSpec, PathFinder

# The finder and loader below are duck-typed, without importlib.abc's base classes: importlib.abc imports
# importlib.resources, pathlib and tempfile, and this module runs first in every process.


class _ConfiguringLoader:
    """structlog's own loader, with rich hidden while the package runs and its configuration set right after.

    structlog imports rich (with pygments and attrs, about 65 ms) whenever rich is installed, for its console
    renderer's pretty tracebacks and locals, which these JSON logs never use; rich comes only with the dev tools
    (import-linter, schemathesis). Imported with rich hidden, structlog takes its plain paths, as in a production
    install where rich is absent; rich itself stays importable afterwards."""

    def __init__(self, loader) -> None:
        self.loader = loader

    def __getattr__(self, name: str):  # get_source, is_package and the rest: structlog's own loader's
        return getattr(self.loader, name)

    def create_module(self, spec: ModuleSpec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        hide_rich = "rich" not in sys.modules
        if hide_rich:
            sys.modules["rich"] = None  # type: ignore[assignment]  # `import rich` raises ImportError meanwhile
        try:
            self.loader.exec_module(module)
        finally:
            if hide_rich:
                del sys.modules["rich"]
        from digisos.core.logging import configure_structlog

        configure_structlog()


class _StructlogFinder:
    """Finds structlog where the path finder does, and hands it to _ConfiguringLoader; nothing else."""

    def find_spec(self, name: str, path=None, target=None) -> ModuleSpec | None:
        if name != "structlog":
            return None
        spec = PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _ConfiguringLoader(spec.loader)
        return spec


if "structlog" not in sys.modules and not any(isinstance(f, _StructlogFinder) for f in sys.meta_path):
    sys.meta_path.insert(0, _StructlogFinder())
