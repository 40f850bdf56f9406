"""Validation of model replies against a small JSON Schema subset, so the domain never sees unchecked output.

Supported keywords: type (a name or a list of names), properties, required, additionalProperties (false only),
items, enum, minimum, maxLength, maxItems. That covers the flat records we ask models for; a full JSON Schema
library would be a dependency for features no prompt here uses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from llm.errors import LLMBadResponse

_TYPE_CHECKS = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    # bool is an int in Python but not a number in JSON.
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
# Some models wrap JSON in a Markdown fence even in JSON mode.
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def validate(value: Any, schema: Mapping[str, Any], path: str = "$") -> list[str]:
    """Return every violation as "path: problem"; an empty list means valid."""
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else list(types)
        if not any(_TYPE_CHECKS[name](value) for name in names):
            return [f"{path}: expected {'|'.join(names)}, got {type(value).__name__}"]
    problems: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} not one of {schema['enum']}")
    if "minimum" in schema and _TYPE_CHECKS["number"](value) and value < schema["minimum"]:
        problems.append(f"{path}: below minimum {schema['minimum']}")
    if "maxLength" in schema and isinstance(value, str) and len(value) > schema["maxLength"]:
        problems.append(f"{path}: longer than {schema['maxLength']}")
    if isinstance(value, dict):
        problems += _validate_object(value, schema, path)
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            problems.append(f"{path}: more than {schema['maxItems']} items")
        if "items" in schema:
            for index, item in enumerate(value):
                problems += validate(item, schema["items"], f"{path}[{index}]")
    return problems


def _validate_object(value: dict[str, Any], schema: Mapping[str, Any], path: str) -> list[str]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    problems = [f"{path}: missing {name!r}" for name in schema.get("required", ()) if name not in value]
    for name, item in value.items():
        if name in properties:
            problems += validate(item, properties[name], f"{path}.{name}")
        elif schema.get("additionalProperties") is False:
            problems.append(f"{path}: unexpected {name!r}")
    return problems


def parse_json_reply(text: str, schema: Mapping[str, Any] | None) -> Any:
    """Decode a model's reply and check it; raise LLMBadResponse with the first few problems otherwise."""
    fenced = _FENCE.match(text)
    try:
        data = json.loads(fenced.group(1) if fenced else text)
    except (json.JSONDecodeError, TypeError) as exc:
        raise LLMBadResponse(f"reply is not JSON: {exc}") from exc
    if schema is not None:
        problems = validate(data, schema)
        if problems:
            raise LLMBadResponse("reply does not match the schema: " + "; ".join(problems[:5]))
    return data
