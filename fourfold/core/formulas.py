"""Calculated KPIs: a small formula language over KPI codes, its dependency graph, and its
evaluation over whole arrays.

Grammar (spaces are free between tokens)::

    formula    = expression
    expression = sum [ ("<" | "<=" | ">" | ">=" | "==" | "!=") sum ]
    sum        = product { ("+" | "-") product }
    product    = unary { ("*" | "/") unary }
    unary      = ("-" | "+") unary | atom
    atom       = number | code | "[" code "]" | function "(" arguments ")" | "(" expression ")"

Lexical rules:

- A number is digits with an optional decimal part and exponent: `100`, `0.5`, `1e6`.
- A bare code starts with a letter or `_` and runs on over letters, digits, `_`, `.` and `-`,
  so `gross-margin` is one code and `revenue - cost`, with spaces, is a subtraction. Any code,
  and a code that starts with a digit, may be written in brackets: `[2024-capex]`.
- A name directly followed by `(` is a function. `×`, `÷` and `−` may stand for `*`, `/`, `-`.

Functions: `min(a, b, ...)`, `max(a, b, ...)`, `abs(x)`, `round(x[, digits])` (half away from
zero; digits a whole number, negative for tens, hundreds...), `if(condition, then, else)`
(the condition is true when not 0; a comparison gives 1 or 0), `prev(code)` (the KPI in the
previous period of the same kind: month, quarter, year, or year to date one month earlier),
`ytd(code)` (the KPI year to date, by its own aggregation), `sum_children(name)` and
`avg_children(name)` (in each direct child unit C of the KPI's unit, the KPI coded `C.name`).

Values: a value that is missing makes the result missing (NaN), except in the branch that
`if` does not take. A division by zero gives no value and a division-by-zero flag, unless it
is in a branch not taken. Roll-ups across units are strict: a child that has reported before
but not in this period leaves the parent without a value (a partial sum would mislead), while a
child KPI that has not started yet is left out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import segments

F = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]

COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")
ARITHMETIC = ("+", "-", "*", "/")
# Leaves are what the caller supplies arrays for; the rest is computed here.
REFERENCES = ("kpi", "prev", "ytd")
CHILDREN = ("sum_children", "avg_children")
LEAVES = ("num", *REFERENCES, *CHILDREN)
FUNCTIONS = ("min", "max", "abs", "round", "if", "prev", "ytd", *CHILDREN)
MAX_DEPTH = 100

_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
_SYMBOLS = {"×": "*", "÷": "/", "−": "-"}
_OPERATORS = ("<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "(", ")", ",")


class FormulaError(ValueError):
    """A formula that cannot be read; `column` counts from 1."""

    def __init__(self, column: int, message: str) -> None:
        super().__init__(f"column {column}: {message}")
        self.column = column
        self.message = message


class CycleError(ValueError):
    def __init__(self, cycle: Sequence[str]) -> None:
        super().__init__("the formulas form a cycle: " + " → ".join(cycle))
        self.cycle = list(cycle)


@dataclass(frozen=True)
class Node:
    """One node of a parsed formula: `kind` is an operator, a function or a leaf kind."""

    kind: str
    column: int
    args: tuple[Node, ...] = ()
    number: float = 0.0
    code: str = ""  # the KPI code of a reference, or the name of a children roll-up


@dataclass(frozen=True)
class _Token:
    kind: str  # number, name, code (bracketed), op, end
    text: str
    column: int


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        column = i + 1
        if ch.isspace():
            i += 1
            continue
        if ch in _SYMBOLS:
            out.append(_Token("op", _SYMBOLS[ch], column))
            i += 1
            continue
        if found := _NUMBER.match(text, i):
            end = found.end()
            if _NAME.match(text, end):
                tail = _CODE.match(text, i)
                code = tail.group() if tail else text[i:end]
                raise FormulaError(
                    column, f"a code that starts with a digit is written in brackets: [{code}]"
                )
            out.append(_Token("number", found.group(), column))
            i = end
            continue
        if found := _NAME.match(text, i):
            out.append(_Token("name", found.group(), column))
            i = found.end()
            continue
        if ch == "[":
            end = text.find("]", i)
            if end < 0:
                raise FormulaError(column, "'[' is not closed by ']'")
            code = text[i + 1 : end].strip()
            if not _CODE.fullmatch(code):
                raise FormulaError(
                    column,
                    f"'{code}' is not a KPI code: use letters, digits, '-', '_' or '.'",
                )
            out.append(_Token("code", code, column))
            i = end + 1
            continue
        op = next((o for o in _OPERATORS if text.startswith(o, i)), None)
        if op is None:
            hint = " (use '==' to compare)" if ch == "=" else ""
            raise FormulaError(column, f"unexpected character '{ch}'{hint}")
        out.append(_Token("op", op, column))
        i += len(op)
    out.append(_Token("end", "", len(text) + 1))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def is_op(self, *ops: str) -> bool:
        return self.token.kind == "op" and self.token.text in ops

    def expect(self, op: str, what: str) -> None:
        if not self.is_op(op):
            raise FormulaError(
                self.token.column, f"expected '{op}' {what}, found {_show(self.token)}"
            )
        self.take()

    def formula(self) -> Node:
        if self.token.kind == "end":
            raise FormulaError(1, "the formula is empty")
        node = self.expression()
        if self.token.kind != "end":
            raise FormulaError(
                self.token.column, f"expected an operator, found {_show(self.token)}"
            )
        return node

    def expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(self.token.column, "the formula nests too deeply")
        left = self.sum()
        if self.is_op(*COMPARISONS):
            op = self.take()
            left = Node(op.text, op.column, (left, self.sum()))
            if self.is_op(*COMPARISONS):
                raise FormulaError(
                    self.token.column, "comparisons do not chain: use if() or parentheses"
                )
        self.depth -= 1
        return left

    def sum(self) -> Node:
        left = self.product()
        while self.is_op("+", "-"):
            op = self.take()
            left = Node(op.text, op.column, (left, self.product()))
        return left

    def product(self) -> Node:
        left = self.unary()
        while self.is_op("*", "/"):
            op = self.take()
            left = Node(op.text, op.column, (left, self.unary()))
        return left

    def unary(self) -> Node:
        if self.is_op("-", "+"):
            op = self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FormulaError(op.column, "the formula nests too deeply")
            operand = self.unary()
            self.depth -= 1
            return Node("neg", op.column, (operand,)) if op.text == "-" else operand
        return self.atom()

    def atom(self) -> Node:
        token = self.token
        if token.kind == "number":
            self.take()
            value = float(token.text)
            if not math.isfinite(value):
                raise FormulaError(token.column, f"the number {token.text} is too large")
            return Node("num", token.column, number=value)
        if token.kind == "code":
            self.take()
            return Node("kpi", token.column, code=token.text)
        if token.kind == "name":
            self.take()
            if self.is_op("("):
                return self.call(token)
            return Node("kpi", token.column, code=token.text)
        if self.is_op("("):
            self.take()
            node = self.expression()
            self.expect(")", f"to close the '(' at column {token.column}")
            return node
        raise FormulaError(
            token.column, f"expected a number, a KPI code or '(', found {_show(token)}"
        )

    def call(self, name: _Token) -> Node:
        if name.text not in FUNCTIONS:
            hint = " (to subtract, put spaces around '-')" if "-" in name.text else ""
            raise FormulaError(
                name.column,
                f"unknown function '{name.text}'{hint}; known: {', '.join(FUNCTIONS)}",
            )
        self.take()  # "("
        if name.text in ("prev", "ytd", *CHILDREN):
            return self.code_call(name)
        args: list[Node] = []
        if not self.is_op(")"):
            args.append(self.expression())
            while self.is_op(","):
                self.take()
                args.append(self.expression())
        self.expect(")", f"to close {name.text}(")
        return _checked_call(name, args)

    def code_call(self, name: _Token) -> Node:
        token = self.token
        what = "a KPI name" if name.text in CHILDREN else "a KPI code"
        if token.kind not in ("name", "code"):
            raise FormulaError(token.column, f"{name.text}() takes {what}, found {_show(token)}")
        self.take()
        if not self.is_op(")"):
            raise FormulaError(self.token.column, f"{name.text}() takes just {what}")
        self.take()
        return Node(name.text, name.column, code=token.text)


def _checked_call(name: _Token, args: list[Node]) -> Node:
    fn, column = name.text, name.column
    if fn in ("min", "max") and len(args) < 2:
        raise FormulaError(column, f"{fn}() needs at least two arguments")
    if fn == "abs" and len(args) != 1:
        raise FormulaError(column, "abs() takes one argument")
    if fn == "if" and len(args) != 3:
        raise FormulaError(column, "if() takes three arguments: condition, then, else")
    if fn == "round":
        if len(args) not in (1, 2):
            raise FormulaError(column, "round() takes a value and optionally its digits")
        if len(args) == 2:
            digits = args[1]
            sign = 1.0
            if digits.kind == "neg":
                sign, digits = -1.0, digits.args[0]
            if digits.kind != "num" or not digits.number.is_integer() or digits.number > 15:
                raise FormulaError(
                    args[1].column, "round()'s digits must be a whole number, e.g. round(x, 1)"
                )
            args[1] = Node("num", args[1].column, number=sign * digits.number)
        else:
            args.append(Node("num", column, number=0.0))
    return Node(fn, column, tuple(args))


def _show(token: _Token) -> str:
    if token.kind == "end":
        return "the end of the formula"
    if token.kind == "code":
        return f"'[{token.text}]'"
    return f"'{token.text}'"


def parse(text: str) -> Node:
    """The tree of a formula, or FormulaError naming the column and the problem."""
    return _Parser(text).formula()


def walk(node: Node) -> Iterator[Node]:
    """Every node, depth first, left to right: leaves come in the order `run` takes them."""
    yield node
    for arg in node.args:
        yield from walk(arg)


def leaves(node: Node) -> list[Node]:
    return [n for n in walk(node) if n.kind in LEAVES]


def shape(node: Node) -> tuple[object, ...]:
    """The tree without its leaves' payloads: formulas of one shape are evaluated together."""
    return (node.kind, *(shape(a) for a in node.args))


# -- the dependency graph -------------------------------------------------------------------


def cycles(graph: Mapping[str, Collection[str]]) -> list[list[str]]:
    """Cycles of a graph of inputs, each as a path back to its start (`a → b → a`).

    At least one cycle per group of KPIs that depend on each other in a ring is found.
    """
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    for start in sorted(graph):
        if start in state:
            continue
        path: list[str] = [start]
        stack: list[Iterator[str]] = [iter(sorted(graph.get(start, ())))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                state[path.pop()] = 2
                continue
            mark = state.get(nxt)
            if mark == 1:
                ring = [*path[path.index(nxt) :], nxt]
                if frozenset(ring) not in seen:
                    seen.add(frozenset(ring))
                    found.append(ring)
            elif mark is None:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return found


def levels(graph: Mapping[int, Collection[int]]) -> dict[int, int]:
    """The evaluation level of each node: 0 needs no other node, n needs nodes below n."""
    level: dict[int, int] = {}
    for start in graph:
        if start in level:
            continue
        path: list[int] = [start]
        stack: list[Iterator[int]] = [iter(graph.get(start, ()))]
        on_path = {start}
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                done = path.pop()
                on_path.discard(done)
                level[done] = 1 + max((level[d] for d in graph.get(done, ())), default=-1)
                continue
            if nxt in on_path:
                ring = [*path[path.index(nxt) :], nxt]
                raise CycleError([str(n) for n in ring])
            if nxt not in level and nxt in graph:
                on_path.add(nxt)
                path.append(nxt)
                stack.append(iter(graph.get(nxt, ())))
            elif nxt not in graph:
                level[nxt] = -1  # an input that is not calculated
    return {n: lv for n, lv in level.items() if n in graph}


# -- evaluation over arrays ----------------------------------------------------------------

Result = tuple[F, B | None]  # values, and where a division by zero left no value


def run(node: Node, leaf_values: Sequence[F]) -> tuple[F, B]:
    """Evaluate a tree over arrays: leaf_values[i] is the array of the i-th leaf (`leaves`).

    Arrays broadcast together, so one tree serves many KPIs of the same shape at once (one row
    each). Returns the values (NaN where there is none) and the division-by-zero flags.
    """
    with np.errstate(all="ignore"):
        values, zero = _run(node, iter(leaf_values))
        values = np.where(np.isfinite(values), values, np.nan)
    flags = (
        np.zeros(values.shape, dtype=bool) if zero is None else np.broadcast_to(zero, values.shape)
    )
    return values, flags & np.isnan(values)


def _or(a: B | None, b: B | None) -> B | None:
    if a is None:
        return b
    if b is None:
        return a
    return a | b


def _run(node: Node, leaf: Iterator[F]) -> Result:
    kind = node.kind
    if kind in LEAVES:
        return np.asarray(next(leaf), dtype=np.float64), None
    if kind == "if":
        (cond, cz), (then, tz), (other, oz) = (_run(a, leaf) for a in node.args)
        take = cond != 0
        out = np.where(np.isnan(cond), np.nan, np.where(take, then, other))
        branch = None if tz is None and oz is None else np.where(take, _bool(tz), _bool(oz))
        return out, _or(cz, branch)
    parts = [_run(a, leaf) for a in node.args]
    zero: B | None = None
    for _, z in parts:
        zero = _or(zero, z)
    if kind == "neg":
        return -parts[0][0], zero
    if kind == "abs":
        return np.abs(parts[0][0]), zero
    if kind in ("min", "max"):
        pick = np.minimum if kind == "min" else np.maximum
        out = parts[0][0]
        for value, _ in parts[1:]:
            out = pick(out, value)
        return out, zero
    if kind == "round":
        return _round(parts[0][0], parts[1][0]), zero
    left, right = parts[0][0], parts[1][0]
    if kind == "+":
        return left + right, zero
    if kind == "-":
        return left - right, zero
    if kind == "*":
        return left * right, zero
    if kind == "/":
        by_zero = (right == 0) & ~np.isnan(left)
        return np.where(right == 0, np.nan, left / right), _or(zero, by_zero)
    compare = _COMPARE[kind]
    missing = np.isnan(left) | np.isnan(right)
    return np.where(missing, np.nan, compare(left, right).astype(np.float64)), zero


def _bool(flags: B | None) -> B | bool:
    return False if flags is None else flags


def _round(value: F, digits: F) -> F:
    scale = np.power(10.0, digits)
    # Rounding the scaled value to 9 decimals first makes 2.675 → 2.68, as a person expects.
    scaled = np.round(np.abs(value) * scale, 9)
    out: F = np.sign(value) * np.floor(scaled + 0.5) / scale
    return out


_COMPARE: dict[str, Callable[[F, F], B]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


def shift(values: F) -> F:
    """Each column's previous column (the previous period); the first has none."""
    out = np.full(values.shape, np.nan)
    out[:, 1:] = values[:, :-1]
    return out


def children(values: F, owner: Ints, n_owners: int, how: str) -> F:
    """Sum or average of rows by owner, per column, strictly (see the module's docstring).

    values: (rows, columns) of every child KPI; owner: the output row each belongs to.
    A child has started from its first value on; before it, it is left out.
    """
    n_cols = values.shape[1]
    reported = np.isfinite(values)
    started = np.logical_or.accumulate(reported, axis=1) if n_cols else reported
    total = segments.segment_sum(np.where(reported, values, 0.0), owner, n_owners)
    count = segments.segment_count(reported, owner, n_owners)
    missing = segments.segment_count(started & ~reported, owner, n_owners)
    out = total if how == "sum_children" else total / np.maximum(count, 1)
    out[(count == 0) | (missing > 0)] = np.nan
    return out
