"""Relevance rules: a boolean query over words and phrases.

Grammar (operators in capitals; adjacent terms mean AND)::

    rule   := or
    or     := and ("OR" and)*
    and    := not (["AND"] not)*
    not    := "NOT" not | near
    near   := atom ("NEAR/N" atom)*
    atom   := WORD | "quoted phrase" | "(" rule ")"

Example: ``(Pakistan OR Islamabad) AND (Taliban OR TTP) NOT cricket``.
``A NEAR/N B`` holds when an occurrence of A is at most N words from one of B
(either order), so an incidental co-mention far apart does not pass:
``(Pakistan OR Islamabad) NEAR/12 (Taliban OR TTP)``. Each side of NEAR is a word,
a phrase or a parenthesised OR of them.

Terms match as :mod:`monitor.matching` says (word boundaries, case-insensitive,
inflections) and, when written in their dictionary form, on lemmas
(:mod:`monitor.lemmas`: "flee" matches "fled").

Parentheses and NOTs nest at most :data:`MAX_DEPTH` deep; a deeper rule is an
error, not a crash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from monitor.errors import InputError
from monitor.themes import lemmas, matching, tokenmatch, wordpass

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|“([^”]*)”|([^\s()"“”]+))')
_NEAR = re.compile(r"^NEAR/(\d{1,3})$")
#: how deep parentheses and NOTs may nest
MAX_DEPTH = 32
MAX_NEAR = 200


@lru_cache(maxsize=4096)
def _lemma_index(term: str) -> lemmas.LemmaIndex:
    return lemmas.LemmaIndex([term])


def term_places(term: str, text: str, toks: lemmas.Tokens | None = None) -> list[int]:
    """The word indexes where ``term`` occurs in ``text``, as written or on lemmas."""
    toks = toks if toks is not None else lemmas.tokens(text)
    found = {toks.index_at(start) for start in _starts(term, text)}
    found.update(first for _, first, _ in _lemma_index(term).find(toks, inflected=True))
    return sorted(found)


def _starts(term: str, text: str) -> list[int]:
    """Every offset where ``term`` occurs, overlapping occurrences included ("d aa *" in
    "d aa d aa a" occurs at 0 and at 5), as the one-scan evaluation finds them."""
    pattern = matching.term_regex(term)
    found: list[int] = []
    pos = 0
    while (match := pattern.search(text, pos)) is not None:
        found.append(match.start())
        pos = match.start() + 1
    return found


def contains(term: str, text: str) -> bool:
    """Whether ``term`` occurs in ``text`` as written (with inflections) or on lemmas."""
    if matching.contains(term, text):
        return True
    index = _lemma_index(term)
    return bool(index) and bool(index.find(lemmas.tokens(text), inflected=True))


@dataclass(frozen=True)
class Term:
    text: str

    def matches(self, text: str) -> bool:
        return contains(self.text, text)

    def terms(self) -> list[str]:
        return [self.text]


@dataclass(frozen=True)
class Not:
    child: Node

    def matches(self, text: str) -> bool:
        return not self.child.matches(text)

    def terms(self) -> list[str]:
        return []


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]

    def matches(self, text: str) -> bool:
        return all(c.matches(text) for c in self.children)

    def terms(self) -> list[str]:
        return [t for c in self.children for t in c.terms()]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]

    def matches(self, text: str) -> bool:
        return any(c.matches(text) for c in self.children)

    def terms(self) -> list[str]:
        return [t for c in self.children for t in c.terms()]


@dataclass(frozen=True)
class Near:
    """``left NEAR/within right``: an occurrence of each at most ``within`` words apart."""

    left: Node
    right: Node
    within: int

    def matches(self, text: str) -> bool:
        if not (self.left.matches(text) and self.right.matches(text)):
            return False
        return near_places(self, text, lambda t: term_places(t, text))

    def terms(self) -> list[str]:
        return self.left.terms() + self.right.terms()


def near_places(node: Near, text: str, places: Callable[[str], list[int]]) -> bool:
    """Whether some place of ``node.left`` is within ``node.within`` words of ``node.right``."""
    left = sorted(p for t in all_terms(node.left) for p in places(t))
    right = sorted(p for t in all_terms(node.right) for p in places(t))
    j = 0
    for p in left:  # both sorted: walk the right places along
        while j < len(right) and right[j] < p - node.within:
            j += 1
        if j < len(right) and right[j] <= p + node.within:
            return True
    return False


Node = Term | Not | And | Or | Near


class RuleError(InputError):
    pass


def _tokenize(rule: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    rule = rule.strip()
    while pos < len(rule):
        match = _TOKEN.match(rule, pos)
        if not match or match.end() == pos:
            rest = rule[pos:].strip()
            if not rest:
                break
            if rest.startswith(('"', "“")):
                raise RuleError(
                    f"rule: unbalanced quote at {rest[:20]!r}; close the phrase with a quote"
                )
            raise RuleError(f"rule: cannot read {rest[:20]!r}")
        pos = match.end()
        lpar, rpar, phrase, phrase2, word = match.groups()
        if lpar:
            tokens.append(("(", lpar))
        elif rpar:
            tokens.append((")", rpar))
        elif phrase is not None or phrase2 is not None:
            value = (phrase if phrase is not None else phrase2).strip()
            if not value:
                raise RuleError('rule: empty quoted phrase ""')
            tokens.append(("TERM", value))
        elif word in ("AND", "OR", "NOT"):
            tokens.append((word, word))
        elif word.startswith("NEAR"):
            near = _NEAR.match(word)
            if near is None or not 1 <= int(near.group(1)) <= MAX_NEAR:
                raise RuleError(
                    f"rule: {word!r}: write NEAR/N with N words from 1 to {MAX_NEAR}, "
                    "e.g. Pakistan NEAR/10 Taliban"
                )
            tokens.append(("NEAR", near.group(1)))
        else:
            tokens.append(("TERM", word))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], source: str):
        self.tokens = tokens
        self.pos = 0
        self.source = source
        self.depth = 0

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RuleError(
                f"rule: nested deeper than {MAX_DEPTH} levels of parentheses or NOT; "
                "write it flatter"
            )

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Node:
        if not self.tokens:
            raise RuleError("rule: empty; give at least one word or phrase")
        node = self.parse_or()
        if self.pos < len(self.tokens):
            kind, value = self.tokens[self.pos]
            if kind == ")":
                raise RuleError("rule: unbalanced ')'; remove it or add a matching '('")
            raise RuleError(f"rule: unexpected {value!r}")
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_not()]
        while self.peek() in ("AND", "NOT", "TERM", "("):
            if self.peek() == "AND":
                self.take()
            children.append(self.parse_not())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_not(self) -> Node:
        if self.peek() == "NOT":
            self.take()
            self.deeper()
            node = Not(self.parse_not())
            self.depth -= 1
            return node
        return self.parse_near()

    def parse_near(self) -> Node:
        node = self.parse_atom()
        while self.peek() == "NEAR":
            within = int(self.take()[1])
            right = self.parse_atom()
            for side in (node, right):
                if not _near_operand(side):
                    raise RuleError(
                        "rule: each side of NEAR must be a word, a phrase or (A OR B ...) of them"
                    )
            node = Near(node, right, within)
        return node

    def parse_atom(self) -> Node:
        kind = self.peek()
        if kind is None:
            raise RuleError("rule: ends after an operator; add a word or phrase after it")
        if kind == "(":
            self.take()
            self.deeper()
            node = self.parse_or()
            self.depth -= 1
            if self.peek() != ")":
                raise RuleError("rule: unbalanced '('; add the closing ')'")
            self.take()
            return node
        if kind == "TERM":
            return Term(self.take()[1])
        raise RuleError(
            f"rule: unexpected {self.take()[1]!r}; an operator needs a word or phrase on each side"
        )


def _near_operand(node: Node) -> bool:
    if isinstance(node, Term):
        return True
    return isinstance(node, Or) and all(_near_operand(c) for c in node.children)


def parse_rule(rule: str) -> Node:
    """Parse a rule or raise :class:`RuleError` with a one-line reason."""
    return _Parser(_tokenize(rule), rule).parse()


def matches(rule: str | None, text: str) -> bool:
    """Whether ``text`` satisfies ``rule``; an empty rule keeps everything."""
    if not rule or not rule.strip():
        return True
    return parse_rule(rule).matches(text)


def all_terms(node: Node) -> list[str]:
    """Every term of ``node``, negated ones too, in order."""
    if isinstance(node, Term):
        return [node.text]
    if isinstance(node, Not):
        return all_terms(node.child)
    if isinstance(node, Near):
        return all_terms(node.left) + all_terms(node.right)
    return [t for c in node.children for t in all_terms(c)]


def evaluate(
    node: Node,
    has: Callable[[str], bool],
    places: Callable[[str], list[int]] | None = None,
) -> bool:
    """``node`` with each term's presence answered by ``has`` (``places``: for NEAR)."""
    if isinstance(node, Term):
        return has(node.text)
    if isinstance(node, Not):
        return not evaluate(node.child, has, places)
    if isinstance(node, And):
        return all(evaluate(c, has, places) for c in node.children)
    if isinstance(node, Near):
        if places is None:
            raise ValueError("NEAR needs the places of terms")
        return (
            evaluate(node.left, has, places)
            and evaluate(node.right, has, places)
            and near_places(node, "", places)
        )
    return any(evaluate(c, has, places) for c in node.children)


class Rule:
    """A parsed rule made ready for many texts: ``matches`` answers exactly as
    ``node.matches`` but scans a text once for all terms (see
    :class:`monitor.matching.TermScanner`) instead of once per term, and answers an
    OR of plain terms with one set operation (:func:`_compile`)."""

    def __init__(self, node: Node, fast: bool = True):
        self.node = node
        terms = all_terms(node)
        # word lookups (nothing to compile); fast=False: the plain scan of one pattern,
        # kept as the reference the tests compare with
        # (fast: the engine and the lemma index read the one pass over a text's words
        # that the story's taxonomy reads too, :mod:`monitor.themes.wordpass`)
        self.scanner = (
            tokenmatch.scanner(terms, wordpass.SHARED)
            if fast
            else matching.TermScanner(terms, fast=False)
        )
        self.lemma_index = lemmas.LemmaIndex(terms, wordpass.SHARED if fast else None)
        self._evaluate = _compile(node, self.scanner.scanned) if fast else None

    def _answers(self, text: str) -> _Answers:
        return _Answers(self, text)

    def matches(self, text: str) -> bool:
        answers = self._answers(text)
        if self._evaluate is not None:
            return self._evaluate(answers)
        return evaluate(self.node, answers.has, answers.places)

    def found(self, text: str) -> list[str]:
        """The rule's terms that occur in ``text`` (negated ones too), in rule order."""
        answers = self._answers(text)
        return [t for t in dict.fromkeys(all_terms(self.node)) if answers.has(t)]


class _Answers:
    """Which of a rule's terms one text holds, and where (lemma matches looked up on
    first need)."""

    __slots__ = ("text", "presence", "lemma_index", "_toks", "_lemma", "_known")

    def __init__(self, rule: Rule, text: str):
        self.text = text
        self.presence = rule.scanner.scan(text)
        self.lemma_index = rule.lemma_index
        self._toks: lemmas.Tokens | None = None
        self._lemma: dict[str, list[int]] | None = None
        self._known: dict[str, list[int]] = {}

    def toks(self) -> lemmas.Tokens:
        if self._toks is None:
            self._toks = lemmas.tokens(self.text)
        return self._toks

    def lemma_places(self) -> dict[str, list[int]]:
        """Every lemma match of every term, from one pass over the words."""
        if self._lemma is None:
            found: dict[str, list[int]] = {}
            if self.lemma_index:
                for term, first, _ in self.lemma_index.find(self.toks(), inflected=True):
                    found.setdefault(term, []).append(first)
            self._lemma = found
        return self._lemma

    def has(self, term: str) -> bool:
        return self.presence.has(term) or term in self.lemma_places()

    def any_of(
        self, scanned: frozenset[str], others: tuple[str, ...], terms: frozenset[str]
    ) -> bool:
        """Whether one of ``terms`` occurs (``scanned``: those the scan looked for, whose
        presence is known; ``others``: the rest, looked for one by one)."""
        if not self.presence.found.isdisjoint(scanned):
            return True
        if any(self.presence.has(t) for t in others):
            return True
        return not self.lemma_places().keys().isdisjoint(terms)

    def places(self, term: str) -> list[int]:
        done = self._known.get(term)
        if done is not None:
            return done
        found = set(self.lemma_places().get(term, ()))
        if self.presence.has(term):
            toks = self.toks()
            found.update(toks.index_at(start) for start in self.presence.starts(term))
        done = self._known[term] = sorted(found)
        return done


def _compile(node: Node, scanned: frozenset[str]) -> Callable[[_Answers], bool]:
    """``node`` as a function of a text's :class:`_Answers`; the plain terms of an OR
    are answered together (one set operation, not one call a term). Answers as
    :func:`evaluate` does: the terms' presence does not depend on the order asked."""
    if isinstance(node, Term):
        term = node.text
        return lambda a: a.has(term)
    if isinstance(node, Not):
        child = _compile(node.child, scanned)
        return lambda a: not child(a)
    if isinstance(node, And):
        parts = [_compile(c, scanned) for c in node.children]
        return lambda a: all(p(a) for p in parts)
    if isinstance(node, Near):
        left, right = _compile(node.left, scanned), _compile(node.right, scanned)
        near = node
        return lambda a: left(a) and right(a) and near_places(near, "", a.places)
    terms = frozenset(c.text for c in node.children if isinstance(c, Term))
    scanned_terms = terms & scanned
    others = tuple(sorted(terms - scanned))
    parts = [_compile(c, scanned) for c in node.children if not isinstance(c, Term)]
    if not terms:
        return lambda a: any(p(a) for p in parts)
    return lambda a: a.any_of(scanned_terms, others, terms) or any(p(a) for p in parts)


def compile_rule(rule: str, fast: bool = True) -> Rule:
    """:func:`parse_rule`, made ready for many texts."""
    return Rule(parse_rule(rule), fast=fast)
