import json

import pytest

from llm.errors import LLMBadResponse
from llm.schema import parse_json_reply, validate

SCHEMA = {
    "type": "object",
    "required": ["items", "total"],
    "additionalProperties": False,
    "properties": {
        "total": {"type": ["number", "null"], "minimum": 0},
        "currency": {"type": "string", "maxLength": 3},
        "items": {
            "type": "array",
            "maxItems": 2,
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "unit": {"enum": ["kg", "lb", None]}},
            },
        },
    },
}


def test_valid_reply_has_no_problems():
    assert (
        validate({"items": [{"name": "Milk", "unit": None}], "total": 2.5, "currency": "USD"}, SCHEMA) == []
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"items": []}, "$: missing 'total'"),
        ({"items": [], "total": "2.50"}, "$.total: expected ['number', 'null']"),
        ({"items": [], "total": -1}, "$.total: below minimum 0"),
        ({"items": [], "total": True}, "$.total: expected ['number', 'null']"),
        ({"items": [{"unit": "g"}], "total": 1}, "$.items[0]: missing 'name'"),
        (
            {"items": [{"name": "a", "unit": "g"}], "total": 1},
            "$.items[0].unit: not one of the allowed values",
        ),
        ({"items": [{"name": "a"}] * 3, "total": 1}, "$.items: more than 2 items"),
        ({"items": [], "total": 1, "tip": 2}, "$: an unexpected property"),
        ({"items": [], "total": 1, "currency": "EURO"}, "$.currency: longer than 3"),
        ([], "$: expected object"),
    ],
)
def test_each_violation_is_reported_with_its_path(value, problem):
    assert problem in validate(value, SCHEMA)


def test_problems_never_quote_the_reply():
    secret = "GV WHL MILK 4111111111111111"
    with pytest.raises(LLMBadResponse) as raised:
        parse_json_reply(json.dumps({"items": [{"name": 7, "unit": secret}], "total": secret}), SCHEMA)
    with pytest.raises(LLMBadResponse) as not_json:
        parse_json_reply(f"Sure! {secret}", SCHEMA)

    assert secret not in str(raised.value) and "MILK" not in str(not_json.value)


def test_keywords_the_old_subset_ignored_are_enforced():
    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}}}

    assert validate({"code": "usd"}, schema) == ["$.code: fails pattern"]


def test_reply_in_a_markdown_fence_is_accepted():
    assert parse_json_reply('```json\n{"items": [], "total": 1}\n```', SCHEMA) == {"items": [], "total": 1}


@pytest.mark.parametrize("text", ['{"items": [', "", "null", '{"items": []}'])
def test_invalid_replies_raise_bad_response(text):
    with pytest.raises(LLMBadResponse):
        parse_json_reply(text, SCHEMA)
