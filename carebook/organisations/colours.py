"""Brand colours: parsing and the text colour that reads best on them (WCAG 2.2 contrast)."""

import re

from django.core.exceptions import ValidationError

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
BLACK = "#000000"


def validate_hex_colour(value: str) -> None:
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            "Enter a colour as # followed by six hexadecimal digits, for example #1d70b8.",
            code="invalid_colour",
        )


def relative_luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_for(background: str) -> str:
    """White or black, whichever contrasts more; the better of the two is always at least 4.58:1."""
    return (
        WHITE if contrast_ratio(background, WHITE) >= contrast_ratio(background, BLACK) else BLACK
    )
