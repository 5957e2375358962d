"""Keyword queries per SDG target, evaluated on a text: the Aurora Universities Network's SDG search
queries (v5, CC BY 4.0, see data/README.md), written for Scopus, read here with the subset of
Scopus syntax they use: quoted terms with `*` as a word's wildcard, `OR`, `AND`, `AND NOT`, and
`W/n` (the two sides within n words, in either order). Precedence as in Scopus: OR, then W/n, then
AND, then AND NOT.

A query line that matches a text gives the spans (word positions) of the terms that made it match,
so the words that support a goal can be quoted back to the person."""

import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

QUERIES = Path(__file__).resolve().parent / "data" / "aurora_sdg_queries.json"

_WORD = re.compile(r"[0-9a-zà-öø-ÿ]+", re.IGNORECASE)
_TOKEN = re.compile(r'"[^"]*"|\(|\)|\bAND NOT\b|\bAND\b|\bOR\b|\bW/\d+\b|\bPRE/\d+\b', re.IGNORECASE)


def words(text: str) -> list[tuple[str, int, int]]:
    """(lower-cased word, start, end) for each word of the text, offsets into the text."""
    return [(match.group(0).lower(), match.start(), match.end()) for match in _WORD.finditer(text)]


@dataclass(frozen=True)
class Term:
    parts: tuple[str, ...]  # words; a trailing "*" is a prefix wildcard


@dataclass(frozen=True)
class Op:
    kind: str  # "or", "and", "not", "near"
    left: object
    right: object
    distance: int = 0


def parse(query: str):
    tokens = [token.strip() for token in _TOKEN.findall(query)]
    position = 0

    def peek():
        return tokens[position] if position < len(tokens) else None

    def take():
        nonlocal position
        position += 1
        return tokens[position - 1]

    def atom():
        token = take()
        if token == "(":  # noqa: S105 (a parenthesis, not a password)
            node = and_not()
            if peek() == ")":
                take()
            return node
        if token.startswith('"'):
            parts = tuple(
                part.lower() + ("*" if star else "")
                for part, star in re.findall(r"([0-9a-zà-öø-ÿ]+)(\*?)", token[1:-1], re.IGNORECASE)
            )
            return Term(parts)
        raise ValueError(f"unexpected {token!r} in {query!r}")

    def or_():
        node = atom()
        while (peek() or "").upper() == "OR":
            take()
            node = Op("or", node, atom())
        return node

    def near():
        node = or_()
        while (peek() or "").upper().startswith(("W/", "PRE/")):
            distance = int(take().split("/")[1])
            node = Op("near", node, or_(), distance)
        return node

    def and_():
        node = near()
        while (peek() or "").upper() == "AND":
            take()
            node = Op("and", node, near())
        return node

    def and_not():
        node = and_()
        while (peek() or "").upper() == "AND NOT":
            take()
            node = Op("not", node, and_())
        return node

    return and_not()


def _match_word(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


class _Text:
    """A text's words, indexed: the positions of each word, and of each pattern once looked up."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.index: dict[str, list[int]] = {}
        for position, word in enumerate(tokens):
            self.index.setdefault(word, []).append(position)
        self.words = sorted(self.index)
        self.found: dict[str, list[int]] = {}
        self.terms: dict[Term, list[tuple[int, int]]] = {}

    def positions(self, pattern: str) -> list[int]:
        if pattern not in self.found:
            if pattern.endswith("*"):
                stem, places = pattern[:-1], []
                at = bisect.bisect_left(self.words, stem)
                while at < len(self.words) and self.words[at].startswith(stem):
                    places += self.index[self.words[at]]
                    at += 1
                self.found[pattern] = sorted(places)
            else:
                self.found[pattern] = self.index.get(pattern, [])
        return self.found[pattern]


def _spans(node, text: _Text) -> list[tuple[int, int]]:
    """Word spans [start, end) where the node matches; empty when it does not."""
    if isinstance(node, Term):
        if node not in text.terms:
            size, tokens = len(node.parts), text.tokens
            text.terms[node] = [
                (i, i + size)
                for i in (text.positions(node.parts[0]) if size else [])
                if i + size <= len(tokens)
                and all(_match_word(part, tokens[i + j]) for j, part in enumerate(node.parts))
            ]
        return text.terms[node]
    tokens = text
    left = _spans(node.left, tokens)
    if node.kind == "not":
        return left if left and not _spans(node.right, tokens) else []
    if node.kind == "or":
        return sorted(set(left) | set(_spans(node.right, tokens)))
    if not left:
        return []
    right = _spans(node.right, tokens)
    if not right:
        return []
    if node.kind == "and":
        return sorted(set(left) | set(right))
    # near: the spans of each side within `distance` words of one of the other side
    kept = set()
    for a in left:
        for b in right:
            gap = max(b[0] - a[1], a[0] - b[1])
            if gap <= node.distance:
                kept.add(a)
                kept.add(b)
    return sorted(kept)


@dataclass(frozen=True)
class Query:
    goal: int
    target: str  # "11.2"
    text: str
    tree: object


@lru_cache(maxsize=1)
def queries() -> tuple[Query, ...]:
    data = json.loads(QUERIES.read_text(encoding="utf-8"))
    return tuple(Query(int(row["goal"]), row["target"], row["query"], parse(row["query"])) for row in data["queries"])


@dataclass(frozen=True)
class Hit:
    query: Query
    spans: tuple[tuple[int, int], ...]  # character offsets into the text


@lru_cache(maxsize=4096)
def hits(text: str) -> tuple[Hit, ...]:
    """The queries that match the text, with the character spans of the terms that matched (kept
    for the last texts seen: fitting reads each training text once per fold)."""
    found = words(text)
    indexed = _Text([word for word, _start, _end in found])
    result = []
    for query in queries():
        spans = _spans(query.tree, indexed)
        if spans:
            result.append(Hit(query, tuple((found[start][1], found[end - 1][2]) for start, end in spans)))
    return tuple(result)
