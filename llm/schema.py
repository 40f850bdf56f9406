"""Validation of model replies against JSON Schema (Draft 2020-12, by the `jsonschema` package), so the domain
never sees unchecked output.

Problems are described by where and which rule, never by the offending value: the description ends up in
LLMCallLog.error and in logs, and the value is model output that may quote receipt text.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from llm.errors import LLMBadResponse

# Some models wrap JSON in a Markdown fence even in JSON mode.
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)
_MAX_PROBLEMS = 5


@functools.lru_cache(maxsize=64)
def _validator(schema_json: str) -> Draft202012Validator:
    schema = json.loads(schema_json)
    # A mistake in one of our own schemas is a bug, reported as such rather than as a bad reply.
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate(value: Any, schema: Mapping[str, Any]) -> list[str]:
    """Every violation as "path: rule"; an empty list means valid."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    errors = sorted(validator.iter_errors(value), key=lambda error: list(error.absolute_path))
    return [_describe(error) for error in errors]


def _describe(error: ValidationError) -> str:
    path = "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
    if error.validator == "required":
        # The names come from our schema, not from the reply.
        missing = [name for name in error.validator_value if name not in error.instance]
        return f"{path}: missing {', '.join(map(repr, missing))}"
    detail = {
        "additionalProperties": "an unexpected property",
        "type": f"expected {error.validator_value}",
        "enum": "not one of the allowed values",
        "minimum": f"below minimum {error.validator_value}",
        "maxLength": f"longer than {error.validator_value}",
        "maxItems": f"more than {error.validator_value} items",
    }.get(str(error.validator), f"fails {error.validator}")
    return f"{path}: {detail}"


def parse_json_reply(text: str, schema: Mapping[str, Any] | None) -> Any:
    """Decode a model's reply and check it; raise LLMBadResponse with the first few problems otherwise."""
    fenced = _FENCE.match(text)
    try:
        data = json.loads(fenced.group(1) if fenced else text)
    except (json.JSONDecodeError, TypeError) as exc:
        raise LLMBadResponse(f"reply is not JSON (line {getattr(exc, 'lineno', '?')})") from None
    if schema is not None:
        problems = validate(data, schema)
        if problems:
            raise LLMBadResponse("reply does not match the schema: " + "; ".join(problems[:_MAX_PROBLEMS]))
    return data
