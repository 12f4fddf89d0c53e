"""The figures of /statistik as JSON and back, derived from the dataclasses' own field types.

One rule per declared type, so a field added to a figures dataclass is stored without touching
this module, and reading checks every value against its declaration (no pickle, nothing run):

- a dataclass: an object with exactly its fields;
- int, float, str, bool: themselves (JSON keeps 12 and 12.0 apart, so ints stay ints);
- date, datetime: ISO text (a datetime keeps its UTC offset and must have one);
- an enum: its value;
- list[T], tuple[T, ...], tuple[A, B]: arrays;
- dict[K, V]: an array of [key, value] pairs, in order (keys may be tuples, which JSON object
  keys cannot be);
- X | None: null or X.

Text written by another shape of these classes (a field added, removed or renamed, a type
changed) raises SnapshotFormatError instead of giving half-read figures.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")
Hint = Any  # a type hint as typing.get_type_hints gives it (int, list[str], X | None ...): no type spells that yet


class SnapshotFormatError(ValueError):
    """The stored text does not fit the figures classes of this version."""


@cache
def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    if any(not f.init for f in fields):
        raise TypeError(f"{cls.__name__}: every field must be an __init__ argument")
    return tuple((f.name, hints[f.name]) for f in fields)


def _is_dataclass_type(hint: Hint) -> bool:
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


def _optional_arm(hint: Hint) -> Hint | None:
    """X for `X | None`; None for any other type. Other unions are not supported."""
    origin: object = typing.get_origin(hint)
    if origin is not typing.Union and origin is not types.UnionType:
        return None
    arms = [a for a in typing.get_args(hint) if a is not type(None)]
    if len(arms) != 1:
        raise TypeError(f"only X | None is supported, not {hint}")
    return arms[0]


def _encode(value: Any, hint: Hint) -> object:  # value: whatever `hint` says it is
    arm = _optional_arm(hint)
    if arm is not None:
        return None if value is None else _encode(value, arm)
    origin: object = typing.get_origin(hint)
    args = typing.get_args(hint)
    if _is_dataclass_type(hint):
        fields = _fields(hint)
        if type(value) is not hint:
            raise TypeError(f"expected {hint.__name__}, got {type(value).__name__}")
        return {name: _encode(getattr(value, name), field) for name, field in fields}
    if origin is dict:
        return [[_encode(k, args[0]), _encode(v, args[1])] for k, v in value.items()]
    if origin in (list, tuple):
        return [_encode(item, item_hint) for item, item_hint in zip(value, _item_hints(hint, len(value)), strict=True)]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value).value
    if hint is datetime:
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise TypeError("a datetime with its UTC offset is needed")
        return value.isoformat()
    if hint is date:
        if type(value) is not date:
            raise TypeError(f"expected a date, got {type(value).__name__}")
        return value.isoformat()
    if hint in (int, str, bool) and type(value) is hint or hint is float and type(value) in (int, float):
        return value
    raise TypeError(f"cannot store {type(value).__name__} as {hint}")


def _item_hints(hint: Hint, length: int) -> list[Hint]:
    origin: object = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is list or len(args) == 2 and args[1] is Ellipsis:
        return [args[0]] * length
    if len(args) != length:
        raise SnapshotFormatError(f"{hint} needs {len(args)} items, not {length}")
    return list(args)


def _decode(data: object, hint: Hint) -> object:
    arm = _optional_arm(hint)
    if arm is not None:
        return None if data is None else _decode(data, arm)
    origin: object = typing.get_origin(hint)
    args = typing.get_args(hint)
    if _is_dataclass_type(hint):
        fields = _fields(hint)
        if not isinstance(data, dict) or set(data) != {name for name, _h in fields}:
            raise SnapshotFormatError(f"{hint.__name__}: other fields than {[name for name, _h in fields]}")
        return hint(**{name: _decode(data[name], field) for name, field in fields})
    if origin is dict:
        if not isinstance(data, list) or not all(isinstance(p, list) and len(p) == 2 for p in data):
            raise SnapshotFormatError(f"{hint}: expected [key, value] pairs")
        return {_decode(k, args[0]): _decode(v, args[1]) for k, v in data}
    if origin in (list, tuple):
        if not isinstance(data, list):
            raise SnapshotFormatError(f"{hint}: expected an array")
        items = [_decode(item, item_hint) for item, item_hint in zip(data, _item_hints(hint, len(data)), strict=True)]
        return items if origin is list else tuple(items)
    return _decode_scalar(data, hint)


def _decode_scalar(data: object, hint: Hint) -> object:
    """An enum from its value, a date or datetime from ISO text; int, float, str, bool as they are."""
    try:
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return hint(data)
        if hint is datetime and isinstance(data, str):
            moment = datetime.fromisoformat(data)
            if moment.tzinfo is None:
                raise SnapshotFormatError("a datetime without its UTC offset")
            return moment
        if hint is date and isinstance(data, str):
            return date.fromisoformat(data)
    except ValueError as error:
        raise SnapshotFormatError(f"{hint}: {error}") from error
    if hint in (int, str, bool) and type(data) is hint or hint is float and type(data) in (int, float):
        return data
    raise SnapshotFormatError(f"{hint}: unexpected {type(data).__name__}")


def dumps(value: object) -> str:
    """`value` (a figures dataclass) as compact JSON text."""
    return json.dumps(_encode(value, type(value)), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def loads(cls: type[T], text: str) -> T:
    """The `cls` that dumps() wrote as `text`; SnapshotFormatError when it does not fit."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise SnapshotFormatError(f"not JSON: {error}") from error
    return typing.cast(T, _decode(data, cls))  # _decode checked every value against `cls`
