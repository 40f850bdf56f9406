"""Turns word boxes from detector-based engines (RapidOCR, EasyOCR) into lines of text in reading order.

Those engines return one box per text fragment in no useful order; a receipt line such as `MILK 1L ... 2.49`
often comes back as two boxes far apart. Grouping boxes whose vertical centres fall within each other's height
rebuilds the printed lines, which is what the receipt parser reads.
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Fragment:
    text: str
    left: float
    top: float
    right: float
    bottom: float
    score: float

    @property
    def centre_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


def fragment_from_quad(text: str, quad: Sequence[Sequence[float]], score: float) -> Fragment:
    xs = [float(point[0]) for point in quad]
    ys = [float(point[1]) for point in quad]
    return Fragment(text=text, left=min(xs), top=min(ys), right=max(xs), bottom=max(ys), score=float(score))


def _same_line(line: list[Fragment], fragment: Fragment) -> bool:
    last = line[-1]
    tolerance = min(last.height, fragment.height) / 2
    return abs(last.centre_y - fragment.centre_y) <= tolerance


def group_lines(fragments: Sequence[Fragment]) -> list[list[Fragment]]:
    lines: list[list[Fragment]] = []
    for fragment in sorted(fragments, key=lambda f: (f.centre_y, f.left)):
        if lines and _same_line(lines[-1], fragment):
            lines[-1].append(fragment)
        else:
            lines.append([fragment])
    return [sorted(line, key=lambda f: f.left) for line in lines]


def fragments_to_text(fragments: Sequence[Fragment]) -> str:
    return "\n".join(
        " ".join(f.text for f in line if f.text.strip()) for line in group_lines(fragments)
    ).strip()


def mean_score(fragments: Sequence[Fragment]) -> float | None:
    if not fragments:
        return None
    return sum(f.score for f in fragments) / len(fragments)
