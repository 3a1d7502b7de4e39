from hypothesis import given
from hypothesis import strategies as st

from carebook.organisations.colours import contrast_ratio, text_colour_for

hex_colours = st.integers(min_value=0, max_value=0xFFFFFF).map(lambda n: f"#{n:06x}")


@given(hex_colours)
def test_header_text_always_meets_wcag_aa_contrast(background):
    assert contrast_ratio(background, text_colour_for(background)) >= 4.5


def test_known_contrast_ratios():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert text_colour_for("#ffdd00") == "#000000"
    assert text_colour_for("#1d4f76") == "#ffffff"
