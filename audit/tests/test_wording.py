"""Every action code the code base writes has its sentence."""

import re
from pathlib import Path

from audit.wording import SENTENCES
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
