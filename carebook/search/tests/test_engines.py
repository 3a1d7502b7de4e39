from carebook.search.engines import MARK_END, MARK_START, excerpt


def readable(text: str) -> str:
    return text.replace(MARK_START, "[").replace(MARK_END, "]")


def test_excerpt_starts_a_little_before_the_first_match():
    text = " ".join(f"w{number}" for number in range(100)).replace(
        "w50", f"{MARK_START}w50{MARK_END}"
    )
    assert readable(excerpt(text, words=10)) == "…w42 w43 w44 w45 w46 w47 w48 w49 [w50] w51…"


def test_excerpt_closes_a_mark_cut_by_its_end():
    text = f"{MARK_START}child sexual exploitation{MARK_END} is a form of abuse"
    assert readable(excerpt(text, words=2)) == "[child sexual]…"


def test_excerpt_without_a_match_is_the_opening():
    assert excerpt("a short summary", words=30) == "a short summary"
