"""A folded CaseView as JSON and back, so the stored case read model (exchange.CaseState, in parts: exchange.case_state.page_columns) can keep it.

Pure and driven by the dataclasses' own type hints: times as ISO 8601, dates as ISO dates, tuples as lists,
nested dataclasses as objects. `view_from_json(view_to_json(v)) == v` for every view the fold makes.
"""

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from .fold import CaseView, Task

# Bumped whenever the shape of CaseView changes: a stored view of another version is folded again.
VERSION = 2  # 2: Task.source, Requirement.created_at (s10: dokumentasjonkrav as tasks)


def view_to_json(view: CaseView) -> dict[str, Any]:
    return {"version": VERSION, **_dumper(CaseView)(view)}


def view_from_json(data: dict[str, Any]) -> CaseView:
    if data.get("version") != VERSION:
        raise ValueError(f"stored view has version {data.get('version')}, expected {VERSION}")
    return _load(CaseView, data)


def tasks_from_json(data: list[dict[str, Any]]) -> tuple[Task, ...]:
    """A stored view's tasks alone (its "tasks" part), for a reader that needs no more of the view."""
    return _load(tuple[Task, ...], data)


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):  # datetime is a date: both as ISO 8601
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_dump(item) for item in value]
    if isinstance(value, dict):
        return {key: _dump(item) for key, item in value.items()}
    return value


@functools.cache
def _dumper(kind: Any) -> Callable[[Any], Any]:
    """A function that dumps a value of type `kind` as `_dump` would, worked out once per type from its hints.

    Every stored report dumps its fresh fold (exchange.CaseState); walking each value with isinstance
    checks and `dataclasses.fields` cost as many Python calls as the fold itself. A field of plain type (text,
    numbers, flags) is passed through as it is; anything untyped (dict[str, Any]) takes the generic walk."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        if len(inner) != 1:
            return _dump
        dump_inner = _dumper(inner[0])
        if dump_inner is _same:
            return _same
        return lambda value: None if value is None else dump_inner(value)
    if origin is tuple:
        arguments = typing.get_args(kind)
        if len(arguments) != 2 or arguments[1] is not Ellipsis:
            return _dump
        dump_item = _dumper(arguments[0])
        if dump_item is _same:
            return lambda value: None if value is None else list(value)
        return lambda value: None if value is None else [dump_item(item) for item in value]
    if dataclasses.is_dataclass(kind):
        return _dataclass_dumper(kind)
    if kind is datetime or kind is date:
        return lambda value: None if value is None else value.isoformat()
    if isinstance(kind, type) and issubclass(kind, str | int | float) and not issubclass(kind, date):
        return _same  # bool is an int; a StrEnum is a str
    return _dump


def _dataclass_dumper(kind: type) -> Callable[[Any], Any]:
    hints = typing.get_type_hints(kind)
    fields = [(f.name, _dumper(hints[f.name])) for f in dataclasses.fields(kind)]

    def dump(value: Any) -> Any:
        return {name: dump_field(getattr(value, name)) for name, dump_field in fields}

    return dump


def _load(kind: Any, value: Any) -> Any:
    return _loader(kind)(value)


def _same(value: Any) -> Any:
    return value  # str, int, bool, dict[str, Any]


@functools.cache
def _loader(kind: Any) -> Callable[[Any], Any]:
    """A function that loads a stored value of type `kind`, worked out once per type from its hints.

    The case page loads a view of hundreds of payments and history entries on every request; inspecting the
    type hints for every value spent more time than the rest of the page, so each type's loader is built once
    and a field that needs no conversion (text, numbers, flags) is passed through as it is."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        load_inner = _loader(inner)
        return lambda value: None if value is None else load_inner(value)
    if origin is tuple:
        (inner, _ellipsis) = typing.get_args(kind)
        load_item = _loader(inner)
        if load_item is _same:
            return lambda value: None if value is None else tuple(value)
        return lambda value: None if value is None else tuple(map(load_item, value))
    if dataclasses.is_dataclass(kind):
        return _dataclass_loader(kind)
    if kind is datetime:
        return lambda value: None if value is None else datetime.fromisoformat(value)
    if kind is date:
        return lambda value: None if value is None else date.fromisoformat(value)
    if kind is float:
        return lambda value: None if value is None else float(value)
    return _same


def _dataclass_loader(kind: type) -> Callable[[Any], Any]:
    """A loader for one frozen dataclass, generated once per type as a single Python function.

    The case page loads some 160 dataclasses a request. The dataclass's own `__init__` of a frozen class sets
    each field with `object.__setattr__`, a Python call per field, and a generic loader built a dict of
    arguments first: together most of `view_from_json`. The generated function makes the instance with
    `object.__new__` and gives it its whole `__dict__` at once, the fields in declaration order, each converted
    inline (times and dates by `fromisoformat`, nested dataclasses by their own loader). That is what the
    generated `__init__` would have stored: every field comes from the stored view (no defaults applied), and a
    class with `__post_init__` or `__slots__` takes its `__init__` instead."""
    hints = typing.get_type_hints(kind)
    names = [f.name for f in dataclasses.fields(kind)]
    if hasattr(kind, "__post_init__") or "__slots__" in vars(kind):
        return _calling_loader(kind, hints, names)
    namespace: dict[str, Any] = {"new": object.__new__, "set": object.__setattr__, "kind": kind}
    items = []
    for index, name in enumerate(names):
        items.append(f"{name!r}: {_inline(hints[name], f'value[{name!r}]', index, namespace)}")
    source = (
        "def load(value):\n"
        "    if value is None:\n"
        "        return None\n"
        "    instance = new(kind)\n"
        f"    set(instance, '__dict__', {{{', '.join(items)}}})\n"
        "    return instance\n"
    )
    exec(compile(source, f"<serialise loader {kind.__qualname__}>", "exec"), namespace)  # noqa: S102
    return namespace["load"]


def _inline(kind: Any, expression: str, index: int, namespace: dict[str, Any]) -> str:
    """The Python expression that loads `expression`, a stored value of type `kind`, inside a generated loader."""
    load = _loader(kind)
    if load is _same:
        return expression
    helper = f"load_{index}"
    optional = typing.get_origin(kind) in (typing.Union, types.UnionType)
    inner = next(arg for arg in typing.get_args(kind) if arg is not type(None)) if optional else kind
    if inner is datetime or inner is date:
        namespace[helper] = inner.fromisoformat  # None passes through, as in _loader
        return f"(None if (v{index} := {expression}) is None else {helper}(v{index}))"
    namespace[helper] = load  # every loader passes None through
    return f"{helper}({expression})"


def _calling_loader(kind: type, hints: dict[str, Any], names: list[str]) -> Callable[[Any], Any]:
    converted = [(name, _loader(hints[name])) for name in names if _loader(hints[name]) is not _same]
    plain = [name for name in names if _loader(hints[name]) is _same]

    def load(value: Any) -> Any:
        if value is None:
            return None
        arguments = {name: value[name] for name in plain}
        for name, load_field in converted:
            arguments[name] = load_field(value[name])
        return kind(**arguments)

    return load
