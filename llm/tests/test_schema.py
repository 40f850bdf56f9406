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
        ({"items": []}, "missing 'total'"),
        ({"items": [], "total": "2.50"}, "$.total: expected number|null"),
        ({"items": [], "total": -1}, "below minimum"),
        ({"items": [], "total": True}, "expected number|null"),
        ({"items": [{"unit": "g"}], "total": 1}, "$.items[0]: missing 'name'"),
        ({"items": [{"name": "a", "unit": "g"}], "total": 1}, "not one of"),
        ({"items": [{"name": "a"}] * 3, "total": 1}, "more than 2 items"),
        ({"items": [], "total": 1, "tip": 2}, "unexpected 'tip'"),
        ({"items": [], "total": 1, "currency": "EURO"}, "longer than 3"),
        ([], "expected object"),
    ],
)
def test_each_violation_is_reported_with_its_path(value, problem):
    assert any(problem in found for found in validate(value, SCHEMA))


def test_reply_in_a_markdown_fence_is_accepted():
    assert parse_json_reply('```json\n{"items": [], "total": 1}\n```', SCHEMA) == {"items": [], "total": 1}


@pytest.mark.parametrize("text", ['{"items": [', "", "null", '{"items": []}'])
def test_invalid_replies_raise_bad_response(text):
    with pytest.raises(LLMBadResponse):
        parse_json_reply(text, SCHEMA)
