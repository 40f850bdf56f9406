"""Every action code the code base writes has its sentence, and each sentence names what its action needs."""

import re
from pathlib import Path

import pytest

from audit.selectors import LogEntry, Person
from audit.services import audit_record
from audit.wording import SENTENCES, sentences
from inventory import services as inventory
from orders import actions

BASE_DIR = Path(__file__).resolve().parents[2]
# A code passed as the action: `action="x.y"`, or a literal in a call to the helper that records stock events.
WRITTEN = re.compile(r"""(?:action=|_audit_stock\(actor, item, event, |else )"([a-z_]+\.[a-z_]+)\"""")


def _codes_in_the_code_base():
    codes = {value for name, value in vars(actions).items() if name.isupper() and isinstance(value, str)}
    for path in BASE_DIR.glob("*/**/*.py"):
        # .venv and .venv-easyocr (make test-easyocr) hold other people's code.
        if any(part.startswith(".venv") for part in path.parts) or {"tests", "migrations"} & set(path.parts):
            continue
        codes |= set(WRITTEN.findall(path.read_text()))
    return codes


def test_every_action_code_written_anywhere_has_a_sentence():
    codes = _codes_in_the_code_base()

    assert {"inventory.stock_spoil", "receipt.apply", "order.approve", "auth.login"} <= codes
    assert sorted(codes - set(SENTENCES)) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "outcome", "details", "expected"),
    [
        ("inventory.stock_consume", "ok", {"delta": "-0.50", "quantity": "3"}, "Ana used 0.5 l of Whole milk"),
        ("inventory.stock_correct", "ok", {"delta": "1", "quantity": "3.50"}, "Ana counted Whole milk: 3.5 l in stock"),
        ("inventory.stock_consume", "refused", {"reason": "invalid", "fields": ["amount", "unit"]},
         "Ana tried to use Whole milk, but it was refused: check the amount and unit"),
        ("inventory.stock_consume", "refused", {"reason": "invalid"},
         "Ana tried to use Whole milk, but it was refused: check the entry"),
        ("cart.add_low", "ok", {"items": [1, 2, 3]}, "Ana put 3 low items in the cart"),
        ("cart.bought", "ok", {"count": 4}, "Ana marked 4 cart lines as bought"),
        ("receipt.review", "ok", {"lines_changed": 2}, "Ana corrected 2 lines of Whole milk"),
        ("llm.refuse", "ok", {"reason": "budget"}, "An LLM request was not sent (budget)"),
        ("auth.login", "refused", {}, "Someone failed to sign in as Whole milk"),
        ("order.frobnicate", "ok", {"actor": "X"}, "Ana: order.frobnicate"),
    ],
)  # fmt: skip
def test_sentences_name_what_their_action_needs_from_the_target_and_details(
    ana, household, action, outcome, details, expected
):
    milk = inventory.item_create(actor=ana, household=household, name="Whole milk", unit="l")
    event = audit_record(
        actor=ana, household=household, action=action, target=milk, details=details, outcome=outcome
    )
    entry = LogEntry(event.created_at, action, outcome, event.target_type, event.target_id, details, ana.pk)

    (row,) = sentences([entry], household=household, actors={ana.pk: Person(ana.pk, "Ana", "", ana.username)})

    assert row.sentence == expected


@pytest.fixture
def ana(user):
    user.first_name = "Ana"
    user.save(update_fields=["first_name"])
    return user
