import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(tmp_path, *records):
    path = tmp_path / "histories.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n")
    out = StringIO()
    call_command("forecast_runout", "--json", str(path), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_forecast_runout_prints_one_json_line_per_item(tmp_path):
    milk = {
        "id": "milk",
        "unit": "l",
        "as_of": "2026-03-05T08:00:00+00:00",
        "quantity": 2,
        "events": [
            {"at": "2026-03-01T08:00:00+00:00", "kind": "purchase", "delta": 4},
            {"at": "2026-03-03T08:00:00+00:00", "kind": "consume", "delta": -1},
            {"at": "2026-03-05T08:00:00", "kind": "consume", "delta": -1},
        ],
    }
    empty = {"id": "salt", "unit": "g", "as_of": "2026-03-05T08:00:00Z", "quantity": 500, "events": []}
    first, second = run(tmp_path, milk, empty)
    assert first == {
        "id": "milk",
        "rate_per_day": 0.5,
        "runout": "2026-03-09",
        "reason": "about 0.5 l/day over the last 4 days (only 2 uses logged so far)",
    }
    assert second["id"] == "salt" and second["runout"] is None and second["rate_per_day"] is None


def test_forecast_runout_reports_the_bad_line(tmp_path):
    bad = {
        "id": "x",
        "as_of": "2026-03-05T08:00:00Z",
        "quantity": 1,
        "events": [{"at": "2026-03-01", "kind": "eaten", "delta": -1}],
    }
    with pytest.raises(CommandError, match="line 1"):
        run(tmp_path, bad)
