from ocr.engines.layout import Fragment, fragment_from_quad, fragments_to_text, mean_score


def test_fragments_on_one_printed_line_are_joined_left_to_right():
    fragments = [
        fragment_from_quad("2.49", [(300, 12), (340, 12), (340, 30), (300, 30)], 0.9),
        fragment_from_quad("TOTAL", [(10, 52), (60, 52), (60, 70), (10, 70)], 0.8),
        fragment_from_quad("MILK 1L", [(10, 10), (90, 10), (90, 28), (10, 28)], 0.7),
        fragment_from_quad("2.49", [(300, 50), (340, 50), (340, 68), (300, 68)], 0.6),
    ]
    assert fragments_to_text(fragments) == "MILK 1L 2.49\nTOTAL 2.49"
    assert abs(mean_score(fragments) - 0.75) < 1e-9


def test_no_fragments_give_no_text_and_no_confidence():
    assert fragments_to_text([]) == ""
    assert mean_score([]) is None


def test_fragment_from_quad_takes_the_bounding_box():
    fragment = fragment_from_quad("A", [(5, 2), (9, 3), (8, 7), (4, 6)], 1)
    assert fragment == Fragment(text="A", left=4, top=2, right=9, bottom=7, score=1.0)
