"""Explicit schemas for the JSON files stancekit reads: the model card and the portable model's
header. A missing, extra or mistyped key is refused with a message that names it."""

from __future__ import annotations

from typing import Any

from stancekit.errors import ModelLoadError

#: key -> (allowed types, allowed values or None). A type is a Python type, ``None`` (JSON
#: null), or ``"list[str]"`` / ``"list[int]"`` / ``"dict[str,str]"`` / ``"dict[str,int]"``,
#: checked item by item.
Schema = dict[str, tuple[tuple[Any, ...], tuple | None]]

CARD_SCHEMA: Schema = {
    "labels": (("list[str]",), None),
    "params": ((dict,), None),
    "training_data": ((dict,), None),
    "libraries": (("dict[str,str]",), None),
    "created_at": ((str,), None),
    "model_sha256": ((str,), None),
    "evaluation": (("dict[str,str]", None), None),
    "portable": (("dict[str,str]", None), None),
    "language": ((str,), None),
}
#: Keys a card may lack: cards written before the portable format have no ``portable``, and
#: cards written before models per language no ``language`` (they are English).
CARD_OPTIONAL = frozenset({"portable", "language"})
TRAINING_DATA_SCHEMA: Schema = {
    "files": (("dict[str,str]",), None),
    "rows": ((int,), None),
    "documents": ((int,), None),
    "rows_per_label": (("dict[str,int]",), None),
    "corpus_files": (("dict[str,str]",), None),
    "corpus_rows": ((int,), None),
    "weight": ((float,), None),
    "weighted_rows": ((int,), None),
    "label_map": (("dict[str,str]",), None),
}
#: Recorded only when a user's data were trained with the corpus, when the user's rows weighed
#: more than the corpus's, or with a label map.
TRAINING_DATA_OPTIONAL = frozenset(
    {"corpus_files", "corpus_rows", "weight", "weighted_rows", "label_map"}
)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _matches(value: Any, kind: Any) -> bool:
    if kind is None:
        return value is None
    if kind == "list[str]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "list[int]":
        return isinstance(value, list) and all(_is_int(v) for v in value)
    if kind in ("dict[str,str]", "dict[str,int]"):
        check = (lambda v: isinstance(v, str)) if kind == "dict[str,str]" else _is_int
        return isinstance(value, dict) and all(check(v) for v in value.values())
    if kind is int:
        return _is_int(value)
    return isinstance(value, kind)


def _name(kind: Any) -> str:
    if kind is None:
        return "null"
    if isinstance(kind, str):
        return (
            kind.replace("dict[str,", "an object of ")
            .replace("]", "s")
            .replace("list[", "a list of ")
        )
    return {str: "a string", int: "an integer", bool: "true/false", dict: "an object"}.get(
        kind, kind.__name__
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "an object" if isinstance(value, dict) else "a list"
    )


def check_keys(
    data: Any,
    schema: Schema,
    where: str,
    prefix: str = "",
    optional: frozenset[str] = frozenset(),
) -> None:
    """Refuse a mapping with a missing, extra or mistyped key, naming the key.

    Parameters
    ----------
    data : any
        The parsed JSON value.
    schema : Schema
        What it must hold.
    where : str
        The file, for the message.
    prefix : str
        Path of ``data`` inside the file (``"vectorizer."``), for the message.
    optional : frozenset of str
        Keys that may be missing.

    Raises
    ------
    ModelLoadError
        ``data`` is not an object, or breaks ``schema``.
    """
    if not isinstance(data, dict):
        what = f"key {prefix.rstrip('.')!r}" if prefix else "the file"
        raise ModelLoadError(f"{where}: {what} should be an object, not {_json_type(data)}.")
    for key in data:
        if key not in schema:
            raise ModelLoadError(f"{where}: unexpected key '{prefix}{key}'.")
    for key, (kinds, allowed) in schema.items():
        if key not in data:
            if key in optional:
                continue
            raise ModelLoadError(f"{where}: missing key '{prefix}{key}'.")
        value = data[key]
        if not any(_matches(value, kind) for kind in kinds):
            raise ModelLoadError(
                f"{where}: key '{prefix}{key}' should be {' or '.join(map(_name, kinds))}, "
                f"not {_json_type(value)}."
            )
        if allowed is not None and value not in allowed:
            raise ModelLoadError(f"{where}: key '{prefix}{key}' has unknown value {value!r}.")


def check_card(raw: Any, where: str) -> None:
    """Check a parsed ``model_card.json`` against :data:`CARD_SCHEMA`.

    Raises
    ------
    ModelLoadError
        A missing, extra or mistyped key (named), with what to do.
    """
    try:
        check_keys(raw, CARD_SCHEMA, where, optional=CARD_OPTIONAL)
        check_keys(
            raw["training_data"],
            TRAINING_DATA_SCHEMA,
            where,
            "training_data.",
            optional=TRAINING_DATA_OPTIONAL,
        )
        check_names(raw["labels"], where, "labels")
    except ModelLoadError as exc:
        raise ModelLoadError(f"{exc} Retrain with `stancekit train`.") from None


def check_names(names: list[str], where: str, key: str) -> None:
    """Refuse a list of names (labels, classes, terms) with a repeat, or, for labels, a name
    with control characters (escape sequences would reach the terminal raw).

    Raises
    ------
    ModelLoadError
        Naming the first repeated or unprintable name.
    """
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ModelLoadError(f"{where}: key {key!r} repeats {name[:40]!r}.")
        seen.add(name)
        if key != "terms" and (not name or not name.isprintable()):
            raise ModelLoadError(f"{where}: key {key!r} holds {name[:40]!r}, not a printable name.")


def check_metrics(raw: Any, where: str) -> None:
    """Check a parsed ``metrics.json``: sections of named numbers (or null).

    Raises
    ------
    ModelLoadError
        Naming the first key that is not so, with what to do.
    """
    problem = None
    if not isinstance(raw, dict):
        problem = f"the file should be an object, not {_json_type(raw)}"
    else:
        for section, values in raw.items():
            if not isinstance(values, dict):
                problem = f"key {section!r} should be an object, not {_json_type(values)}"
                break
            for name, value in values.items():
                if value is not None and (
                    isinstance(value, bool) or not isinstance(value, int | float)
                ):
                    problem = f"key '{section}.{name}' should be a number, not {_json_type(value)}"
                    break
            if problem:
                break
    if problem:
        raise ModelLoadError(f"{where}: {problem}; run `stancekit evaluate` again.")
