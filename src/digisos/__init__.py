"""DigiSos.

The cyclic garbage collector runs rarely while the process starts (see _collect_rarely_during_start_up below) and
as usual from the end of Django's start-up (CoreConfig.ready() calls start_up_finished()).

structlog is configured, and imported without rich, whenever something first imports it: this module is the
first of ours every process imports (the settings are in it), and it puts a finder for structlog before the
others. Neither the admin's autodiscovery nor any AppConfig.ready() needs structlog any more, so a process that
starts Django does not import it (tests/core/test_start_up_imports.py); the first module that logs with it does,
and finds it configured, so every structlog line passes the identity-number scrubber (core/logging.py).
"""

import gc
import sys
from importlib.machinery import ModuleSpec, PathFinder

# Start-up makes Django's and our modules, classes, models and registries: some 100,000 objects the collector
# tracks, most of which live as long as the process. At Python's default threshold (a young collection every 700
# allocations, older ones every 10 of those) the collector walked them again and again while they were made, and
# all of them once more at exit: about 160 M of the 1,212 M instructions of `manage.py help` (docs/operations.md,
# "Command start-up"). With a young-generation threshold of 500,000 (five times what start-up allocates today, so
# that more models do not bring a collection back into start-up) nothing is collected while Django starts;
# start_up_finished() then freezes what start-up made, which the collector no longer walks, and puts the threshold
# back. Start-up's own cyclic garbage (about 2,700 objects, 400 KiB) stays with the frozen objects. A process that
# imports digisos and never starts Django keeps collecting, every 500,000 allocations.
START_UP_GC_THRESHOLD = 500_000
_threshold_before_start_up: tuple[int, ...] | None = None


def _collect_rarely_during_start_up() -> None:
    global _threshold_before_start_up
    threshold = gc.get_threshold()
    if threshold[0] < START_UP_GC_THRESHOLD:
        _threshold_before_start_up = threshold
        gc.set_threshold(START_UP_GC_THRESHOLD, *threshold[1:])


def start_up_finished() -> None:
    """The end of Django's start-up (CoreConfig.ready()): what start-up made is frozen, and the collector runs at
    its usual threshold for the process's own work. Once per process; a second call does nothing."""
    global _threshold_before_start_up
    if _threshold_before_start_up is None:
        return
    gc.freeze()
    gc.set_threshold(*_threshold_before_start_up)
    _threshold_before_start_up = None


_collect_rarely_during_start_up()

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
