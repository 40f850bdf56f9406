"""The receipt sets split into a tuning part and a held-back part, and the scorer run on one part.

Rules are changed while looking at the tuning part only; the held-back part is measured at checkpoints and its
lines are not read, so its figures say how the parser does on receipts it was not fitted to. The split is a
hash of the file name, fixed by SALT: it does not depend on the order of files or on their contents, and a new
receipt falls into a part without moving any other.

Sets: the development receipts in ../shared/data (grocery/, 40 receipts with labelled items; sroie/, 100
scans with key fields) and the repository's own receipts written for the failure kinds of issue 15
(receipts/tests/fixtures/unseen/, same label format as grocery/).

Run: .venv/bin/python bench/receipt_split.py {grocery,sroie-text,sroie-image,unseen} {tune,held,all} [--sample K]
It builds a folder of links to the part's files and runs ../shared/tools/score_receipts.py on it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SHARED_DATA = BASE_DIR.parent / "shared" / "data"
SCORER = BASE_DIR.parent / "shared" / "tools" / "score_receipts.py"
UNSEEN = BASE_DIR / "receipts" / "tests" / "fixtures" / "unseen"
SALT = "grapefruit-receipt-split-1"
TUNE, HELD, ALL = "tune", "held", "all"


def is_held_back(name: str) -> bool:
    """Half of the receipts, chosen by a salted hash of the file name without its folder ('017.txt', '042')."""
    return hashlib.sha256(f"{SALT}:{name}".encode()).digest()[0] % 2 == 1


def in_part(name: str, part: str) -> bool:
    return part == ALL or is_held_back(name) == (part == HELD)


def labelled_part(source: Path, part: str, target: Path) -> int:
    """Link a part of a labelled folder (NNN.txt + labels.json) as target/grocery, the scorer's layout."""
    labels = json.loads((source / "labels.json").read_text(encoding="utf-8"))
    chosen = {name: label for name, label in labels.items() if in_part(name, part)}
    folder = target / "grocery"
    folder.mkdir(parents=True)
    for name in chosen:
        (folder / name).symlink_to(source / name)
    (folder / "labels.json").write_text(json.dumps(chosen, ensure_ascii=False), encoding="utf-8")
    return len(chosen)


def sroie_part(source: Path, part: str, target: Path) -> int:
    """Link a part of the SROIE receipts (key, box and img by id) as target/sroie."""
    ids = sorted(path.stem for path in (source / "key").glob("*.json") if in_part(path.stem, part))
    for sub, suffix in (("key", ".json"), ("box", ".csv"), ("img", ".jpg")):
        (target / "sroie" / sub).mkdir(parents=True)
        for rid in ids:
            (target / "sroie" / sub / f"{rid}{suffix}").symlink_to(source / sub / f"{rid}{suffix}")
    return len(ids)


def score(data_set: str, part: str, *extra: str) -> str:
    """The scorer's output for one part of one set."""
    with tempfile.TemporaryDirectory(prefix=f"receipts-{data_set}-{part}-") as tmp:
        target = Path(tmp)
        if data_set == "unseen":
            labelled_part(UNSEEN, part, target)
            mode = "grocery"
        elif data_set == "grocery":
            labelled_part(SHARED_DATA / "grocery", part, target)
            mode = "grocery"
        else:
            sroie_part(SHARED_DATA / "sroie", part, target)
            mode = data_set
        proc = subprocess.run(
            [sys.executable, str(SCORER), mode, "--data", str(target), *extra],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=3600,
        )
    if not proc.stdout.strip():
        raise RuntimeError(f"scorer gave no output for {data_set} {part}: {proc.stderr[-500:]}")
    return proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_set", choices=["grocery", "sroie-text", "sroie-image", "unseen"])
    parser.add_argument("part", choices=[TUNE, HELD, ALL])
    parser.add_argument("--sample", type=int, default=0, help="SROIE: every k-th receipt of the part only")
    args = parser.parse_args()
    extra = ["--sample", str(args.sample)] if args.sample else []
    print(score(args.data_set, args.part, *extra), end="")


if __name__ == "__main__":
    main()
