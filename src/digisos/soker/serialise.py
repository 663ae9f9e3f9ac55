"""A folded CaseView as JSON and back, so the stored case read model (exchange.CaseState.view) can keep it.

Pure and driven by the dataclasses' own type hints: times as ISO 8601, dates as ISO dates, tuples as lists,
nested dataclasses as objects. `view_from_json(view_to_json(v)) == v` for every view the fold makes.
"""

import dataclasses
import functools
import types
import typing
from datetime import date, datetime
from typing import Any

from .fold import CaseView

# Bumped whenever the shape of CaseView changes: a stored view of another version is folded again.
VERSION = 1


def view_to_json(view: CaseView) -> dict[str, Any]:
    return {"version": VERSION, **_dump(view)}


def view_from_json(data: dict[str, Any]) -> CaseView:
    if data.get("version") != VERSION:
        raise ValueError(f"stored view has version {data.get('version')}, expected {VERSION}")
    return _load(CaseView, data)


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
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _load(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _load(inner, value)
    if origin is tuple:
        (inner, _ellipsis) = typing.get_args(kind)
        return tuple(_load(inner, item) for item in value)
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{f.name: _load(hints[f.name], value[f.name]) for f in dataclasses.fields(kind)})
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is float:
        return float(value)
    return value  # str, int, bool, dict[str, Any]
