"""Turn whatever a reader typed into a search that the engines can run safely.

The parser never raises and never passes the reader's text through to FTS5 or tsquery syntax:
it keeps only words (runs of letters and digits), and the engine strings are built here from
those words, each one quoted, joined only by our own operators. Every other character (quotes
that do not pair up, AND/OR/NOT, brackets, colons, SQL, emoji, control characters) is either
read as a separator or dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_TERMS = 32
# A "word" longer than this is not language (a pasted hash or a run of one letter); PostgreSQL
# also refuses very long lexemes, so such words are left out rather than sent.
MAX_WORD_LENGTH = 100
# A shorter prefix would match most of the index, which is slow and never what was meant.
MIN_PREFIX_LENGTH = 3

MESSAGE_EMPTY = "Enter a word or phrase to search for."
MESSAGE_NOTHING_TO_SEARCH = (
    "Your search had no words we could look for. Try a word or phrase from the procedure."
)
MESSAGE_UNMATCHED_QUOTES = "Your search had unmatched quotes; we searched for the words."
MESSAGE_OPERATORS = (
    "We look for pages that contain all of your words, so OR, NOT, NEAR and minus signs "
    "were ignored."
)
MESSAGE_TOO_LONG = f"Your search was long, so we searched for its first {MAX_TERMS} terms only."

# The same words as PostgreSQL's `english` configuration, so that both engines
# ignore the same words: FTS5's porter tokenizer keeps stop words, PostgreSQL drops them.
# fmt: off
STOP_WORDS = frozenset([
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "did", "do", "does", "doing", "don", "down", "during", "each", "few", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
    "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
    "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once",
    "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "s", "same", "she",
    "should", "so", "some", "such", "t", "than", "that", "the", "their", "theirs", "them",
    "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "you", "your", "yours", "yourself", "yourselves",
])
# fmt: on

# Control characters (Cc), lone surrogates (Cs), private use (Co) and the invisible formatting
# characters (Cf) that people paste by accident.
_UNWANTED = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff\ue000-\uf8ff\U000e0000-\U000e007f"
    "\U000f0000-\U0010ffff]"
)
_QUOTES = '"\u201c\u201d\u201e\u201f'
_QUOTE = re.compile(f"[{_QUOTES}]")
_WORD = re.compile(r"[^\W_]+")
# A word, or words joined by in-word punctuation (well-being, child's, S.47), and an optional
# trailing * for a prefix search.
_PIECE = re.compile(r"[^\W_]+(?:[-'\u2019./][^\W_]+)*\*?")
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


def words(text: str) -> tuple[str, ...]:
    """The lower-case words of a text, split the way the search index splits them."""
    return tuple(word.lower() for word in _WORD.findall(text))


@dataclass(frozen=True)
class Phrase:
    """One word, or several words that must appear together in order."""

    tokens: tuple[str, ...]
    prefix: bool = False  # the last token matches any word that starts with it


@dataclass(frozen=True)
class Clause:
    """A term of the search: a page matches when it contains any one of the alternatives."""

    alternatives: tuple[Phrase, ...]


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the reader's text with control characters removed
    clauses: tuple[Clause, ...]  # all must match
    messages: tuple[str, ...]
    expanded_terms: tuple[str, ...]  # synonyms added, as written in the synonym list

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    @property
    def message(self) -> str | None:
        return " ".join(self.messages) or None


def clean(text: str) -> str:
    """Replace control, invisible formatting and private-use characters with spaces.

    That removes NUL (which PostgreSQL refuses), lone surrogates (which cannot be encoded) and
    the private-use characters the engines use to mark matches in excerpts.
    """
    return _UNWANTED.sub(" ", text).strip()


def parse(
    text: str, *, synonyms: Mapping[tuple[str, ...], Sequence[str]] | None = None
) -> ParsedQuery:
    """Parse a reader's search. `synonyms` maps a phrase's words to its equivalents' texts."""
    synonyms = synonyms or {}
    cleaned = clean(text)
    if not _WORD.search(cleaned):
        message = MESSAGE_NOTHING_TO_SEARCH if cleaned else MESSAGE_EMPTY
        return ParsedQuery(text=cleaned, clauses=(), messages=(message,), expanded_terms=())

    messages: list[str] = []
    pieces, unmatched_quotes, saw_operator = _pieces(cleaned)
    if unmatched_quotes:
        messages.append(MESSAGE_UNMATCHED_QUOTES)
    if saw_operator:
        messages.append(MESSAGE_OPERATORS)

    clauses, expanded = _expand(pieces, synonyms)
    clauses = _without_stop_words(clauses)
    if len(clauses) > MAX_TERMS:
        clauses = clauses[:MAX_TERMS]
        messages.append(MESSAGE_TOO_LONG)
    if not clauses:
        messages.append(MESSAGE_NOTHING_TO_SEARCH)
    return ParsedQuery(
        text=cleaned,
        clauses=tuple(clauses),
        messages=tuple(messages),
        expanded_terms=tuple(expanded),
    )


def _pieces(text: str) -> tuple[list[tuple[Phrase, bool]], bool, bool]:
    """Split the text into phrases, each flagged True when it is a single loose word.

    Quotes pair up from the left; an odd one out is ignored and the words after it are read
    as loose words.
    """
    quotes = [match.start() for match in _QUOTE.finditer(text)]
    unmatched = len(quotes) % 2 == 1
    if unmatched:
        quotes.pop()
    pieces: list[tuple[Phrase, bool]] = []
    saw_operator = False
    position = 0
    for opening, closing in zip(quotes[::2], quotes[1::2], strict=True):
        saw_operator |= _loose_pieces(text[position:opening], pieces)
        tokens = _usable(words(text[opening + 1 : closing]))
        prefix = text[closing + 1 : closing + 2] == "*"
        if tokens:
            pieces.append((_phrase(tokens, prefix=prefix), False))
        position = closing + 1
    saw_operator |= _loose_pieces(text[position:], pieces)
    return pieces, unmatched, saw_operator


def _loose_pieces(text: str, pieces: list[tuple[Phrase, bool]]) -> bool:
    """Append the unquoted words of `text`; say whether the reader typed a search operator."""
    saw_operator = False
    for match in _PIECE.finditer(text):
        piece = match.group()
        start = match.start()
        if start > 0 and text[start - 1] == "-":
            saw_operator = True  # "-word" means "without word" elsewhere; we keep the word
        if piece in _OPERATORS:
            saw_operator |= piece != "AND"  # AND is what we do anyway
            continue
        prefix = piece.endswith("*")
        tokens = _usable(words(piece))
        if tokens:
            pieces.append((_phrase(tokens, prefix=prefix), len(tokens) == 1 and not prefix))
    return saw_operator


def _usable(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(token for token in tokens if len(token) <= MAX_WORD_LENGTH)


def _phrase(tokens: tuple[str, ...], *, prefix: bool) -> Phrase:
    last = tokens[-1]
    prefix = prefix and len(last) >= MIN_PREFIX_LENGTH and last not in STOP_WORDS
    return Phrase(tokens=tokens, prefix=prefix)


def _expand(
    pieces: list[tuple[Phrase, bool]], synonyms: Mapping[tuple[str, ...], Sequence[str]]
) -> tuple[list[Clause], list[str]]:
    """Make one clause per piece, adding synonyms; consecutive loose words can match a phrase."""
    longest = max((len(key) for key in synonyms), default=0)
    clauses: list[Clause] = []
    expanded: list[str] = []
    index = 0
    while index < len(pieces):
        phrase, loose = pieces[index]
        matched_key: tuple[str, ...] | None = None
        used = 1
        if loose:
            run: list[str] = []
            for following, following_loose in pieces[index : index + longest]:
                if not following_loose:
                    break
                run.append(following.tokens[0])
            for length in range(len(run), 0, -1):
                if tuple(run[:length]) in synonyms:
                    matched_key, used = tuple(run[:length]), length
                    break
        elif not phrase.prefix and phrase.tokens in synonyms:
            matched_key = phrase.tokens
        if matched_key is None:
            clauses.append(Clause(alternatives=(phrase,)))
        else:
            alternatives = [Phrase(tokens=matched_key)]
            for equivalent in synonyms[matched_key]:
                tokens = words(equivalent)
                if tokens and tokens != matched_key and Phrase(tokens=tokens) not in alternatives:
                    alternatives.append(Phrase(tokens=tokens))
                    if equivalent not in expanded:
                        expanded.append(equivalent)
            clauses.append(Clause(alternatives=tuple(alternatives)))
        index += used
    return clauses, expanded


def _without_stop_words(clauses: list[Clause]) -> list[Clause]:
    """Drop alternatives made only of stop words, then empty and repeated clauses."""
    kept: list[Clause] = []
    for clause in clauses:
        alternatives = tuple(
            phrase
            for phrase in clause.alternatives
            if phrase.prefix or not all(token in STOP_WORDS for token in phrase.tokens)
        )
        if alternatives and Clause(alternatives) not in kept:
            kept.append(Clause(alternatives))
    return kept


def to_fts5(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression: every token inside double quotes (our words never hold one)."""
    return " AND ".join(
        "(" + " OR ".join(_fts5_phrase(phrase) for phrase in clause.alternatives) + ")"
        for clause in parsed.clauses
    )


def _fts5_phrase(phrase: Phrase) -> str:
    return '"' + " ".join(phrase.tokens) + '"' + ("*" if phrase.prefix else "")


def to_tsquery(parsed: ParsedQuery, *, weights: str = "") -> str:
    """The `to_tsquery` text: every token in single quotes (our words never hold one).

    `weights` (for example "A") restricts every token to lexemes of those weights.
    """
    return " & ".join(
        "("
        + " | ".join(tsquery_phrase(phrase, weights=weights) for phrase in clause.alternatives)
        + ")"
        for clause in parsed.clauses
    )


def tsquery_phrase(phrase: Phrase, *, weights: str = "") -> str:
    """One alternative as `to_tsquery` text: its words in order, `<->` between them."""
    labels = [weights] * len(phrase.tokens)
    if phrase.prefix:
        labels[-1] = "*" + weights
    return " <-> ".join(
        f"'{token}'" + (f":{label}" if label else "")
        for token, label in zip(phrase.tokens, labels, strict=True)
    )
