"""Relevance rules: a boolean query over words and phrases.

Grammar (operators in capitals; adjacent terms mean AND)::

    rule   := or
    or     := and ("OR" and)*
    and    := not (["AND"] not)*
    not    := "NOT" not | atom
    atom   := WORD | "quoted phrase" | "(" rule ")"

Example: ``(Pakistan OR Islamabad) AND (Taliban OR TTP) NOT cricket``.
Terms match as :mod:`monitor.matching` says (word boundaries, case-insensitive,
inflections).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from . import matching
from .errors import InputError

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|“([^”]*)”|([^\s()"“”]+))')


@dataclass(frozen=True)
class Term:
    text: str

    def matches(self, text: str) -> bool:
        return matching.contains(self.text, text)

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


Node = Term | Not | And | Or


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
        else:
            tokens.append(("TERM", word))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], source: str):
        self.tokens = tokens
        self.pos = 0
        self.source = source

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
            return Not(self.parse_not())
        return self.parse_atom()

    def parse_atom(self) -> Node:
        kind = self.peek()
        if kind is None:
            raise RuleError("rule: ends after an operator; add a word or phrase after it")
        if kind == "(":
            self.take()
            node = self.parse_or()
            if self.peek() != ")":
                raise RuleError("rule: unbalanced '('; add the closing ')'")
            self.take()
            return node
        if kind == "TERM":
            return Term(self.take()[1])
        raise RuleError(
            f"rule: unexpected {self.take()[1]!r}; an operator needs a word or phrase on each side"
        )


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
    return [t for c in node.children for t in all_terms(c)]


def evaluate(node: Node, has: Callable[[str], bool]) -> bool:
    """``node`` with each term's presence answered by ``has``."""
    if isinstance(node, Term):
        return has(node.text)
    if isinstance(node, Not):
        return not evaluate(node.child, has)
    if isinstance(node, And):
        return all(evaluate(c, has) for c in node.children)
    return any(evaluate(c, has) for c in node.children)


class Rule:
    """A parsed rule made ready for many texts: ``matches`` answers exactly as
    ``node.matches`` but scans a text once for all terms (see
    :class:`monitor.matching.TermScanner`) instead of once per term."""

    def __init__(self, node: Node):
        self.node = node
        self.scanner = matching.TermScanner(all_terms(node))

    def matches(self, text: str) -> bool:
        return evaluate(self.node, self.scanner.scan(text).has)

    def found(self, text: str) -> list[str]:
        """The rule's terms that occur in ``text`` (negated ones too), in rule order."""
        presence = self.scanner.scan(text)
        return [t for t in dict.fromkeys(all_terms(self.node)) if presence.has(t)]


def compile_rule(rule: str) -> Rule:
    """:func:`parse_rule`, made ready for many texts."""
    return Rule(parse_rule(rule))
