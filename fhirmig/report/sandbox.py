"""The sandbox report templates render in: jinja2's, with limits on time and size.

jinja2's ``ImmutableSandboxedEnvironment`` already keeps a template from Python internals
and from changing the data it is given. A hostile template can still make a render that
never ends (``{% for a in range(100000) %}{% for b in range(100000) %}``) or allocates
gigabytes in one step (``'a' * 2000000000``). A render here therefore keeps a budget, and
stops with :class:`TemplateLimitError` when a template:

- runs longer than :attr:`TemplateLimits.seconds` (checked on every loop step, call,
  operator, filter and output, so it holds in a web server's worker thread, where a
  signal alarm cannot reach);
- makes a text longer than :attr:`TemplateLimits.chars`, a list longer than
  :attr:`TemplateLimits.items`, or writes more than ``chars`` characters of output;
- makes more than :attr:`TemplateLimits.work` characters of text in all (many values
  just under the limit add up);
- asks for a width, count or repetition past ``chars`` (``'a' * n``, ``'%*d'``,
  ``'{:>n}'.format``, ``x.ljust(n)``, ``|center(n)``); those are refused before the text is
  made.

The checks are compiled into the template: the code generator wraps each loop's iterable,
each output and each ``~`` concatenation in a guard of the environment; operators go
through ``call_binop`` and calls through ``call``. Filters that make text from text run
behind a guard, and those a Markdown report has no use for and that could be slow or not
deterministic (``random``, ``urlize``, ``xmlattr``, ``pprint``, ``striptags``,
``lipsum``) are not offered. Of the string methods only those that cannot grow a text
beyond its arguments are callable.
"""

from __future__ import annotations

import functools
import re
import string
import time
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from jinja2 import TemplateRuntimeError, Undefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.filters import make_attrgetter
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg
from jinja2.visitor import NodeTransformer

__all__ = ["DEFAULT_LIMITS", "LimitedEnvironment", "TemplateLimitError", "TemplateLimits"]


@dataclass(frozen=True, slots=True)
class TemplateLimits:
    """What one render may spend (the built-in templates need a fraction of each)."""

    seconds: float = 5.0
    chars: int = 1_000_000
    items: int = 100_000
    work: int = 20_000_000


DEFAULT_LIMITS = TemplateLimits()


class TemplateLimitError(TemplateRuntimeError):
    """A render went past one of its :class:`TemplateLimits`."""


_GUARDS = frozenset({"guard_iter", "guard_output", "guard_value"})
_DROPPED_FILTERS = ("random", "urlize", "xmlattr", "pprint", "striptags")
#: String methods a template may call: none makes a text larger than its arguments allow.
_STR_METHODS = frozenset(
    "capitalize casefold center count endswith find format format_map index isalnum isalpha "
    "isascii isdecimal isdigit islower isnumeric isspace istitle isupper join ljust lower "
    "lstrip partition removeprefix removesuffix replace rfind rindex rjust rpartition rsplit "
    "rstrip split splitlines startswith strip swapcase title upper zfill".split()
)
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _guard(name: str, node: nodes.Expr) -> nodes.Expr:
    call = nodes.Call(nodes.EnvironmentAttribute(name), [node], [], None, None)
    call.set_lineno(node.lineno or 1)
    return call


class _Guards(NodeTransformer):
    """Wraps every loop's iterable, every output and every ``~`` in the environment's guards."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _guard("guard_iter", cast(nodes.Expr, node.iter))
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        self.generic_visit(node)
        node.nodes = [_guard("guard_output", child) for child in node.nodes]
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _guard("guard_value", node)


class _GuardedCodeGenerator(CodeGenerator):
    """jinja2's code generator, run over the template with its guards put in."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        super().visit_Template(_Guards().visit(node), frame)

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        target = node.node
        if isinstance(target, nodes.EnvironmentAttribute) and target.name in _GUARDS:
            self.write(f"environment.{target.name}(")  # direct: the guard is no template call
            self.visit(node.args[0], frame)
            self.write(")")
            return
        super().visit_Call(node, frame, forward_caller=forward_caller)


class LimitedEnvironment(ImmutableSandboxedEnvironment):
    """jinja2's immutable sandbox with the budget of one render.

    Make one per render: :meth:`start` sets the clock going, and the counters only grow.
    """

    code_generator_class = _GuardedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *args: Any, limits: TemplateLimits = DEFAULT_LIMITS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.written = 0
        self.made = 0
        self.globals.pop("lipsum", None)
        for name in _DROPPED_FILTERS:
            self.filters.pop(name, None)
        self.filters = {name: self._guard_filter(name, f) for name, f in self.filters.items()}

    def start(self) -> None:
        """Start the clock of the render (its budget of time runs from here)."""
        self.deadline = time.monotonic() + self.limits.seconds

    # -- the budget --------------------------------------------------------------------

    def tick(self) -> None:
        """Stop the render once its time is up."""
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(
                f"takes longer than {self.limits.seconds:g} s to render (a loop that does not end?)"
            )

    def account(self, value: Any) -> Any:
        """``value``, once its size is within the limits (counted into the work done)."""
        if isinstance(value, (str, bytes)):
            size, limit, what = len(value), self.limits.chars, "characters"
        elif isinstance(value, (list, tuple, dict, set, frozenset)):
            size, limit, what = len(value), self.limits.items, "items"
        else:
            return value
        if size > limit:
            kind = "a text" if what == "characters" else "a list"
            raise TemplateLimitError(f"makes {kind} of {size:,} {what}; at most {limit:,}")
        self.made += size
        if self.made > self.limits.work:
            raise TemplateLimitError(
                f"makes more than {self.limits.work:,} characters of text and list items in all"
            )
        return value

    def _within(self, size: int, what: str) -> None:
        """Refuse, before it is made, a text or list of ``size`` (a width, count, product)."""
        limit = self.limits.items if what == "items" else self.limits.chars
        if size > limit:
            raise TemplateLimitError(f"would make {size:,} {what}; at most {limit:,}")

    def _numbers(self, values: Iterable[Any]) -> None:
        """Refuse a number past ``chars`` used as a width or count."""
        for value in values:
            if isinstance(value, int) and not isinstance(value, bool):
                if abs(value) > self.limits.chars:
                    raise TemplateLimitError(
                        f"uses the number {value:,} as a width or count; at most "
                        f"{self.limits.chars:,}"
                    )

    # -- the guards compiled into each template ----------------------------------------

    def guard_iter(self, iterable: Any) -> Any:
        """A loop's iterable, stepping the clock on each item."""
        self.tick()
        if isinstance(iterable, Undefined):
            return iterable  # jinja2 reports the undefined name
        return self._steps(iterable)

    def _steps(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.tick()
            yield item

    def guard_output(self, value: Any) -> Any:
        """One piece of output, counted against ``chars``."""
        self.tick()
        self.written += len(value) if isinstance(value, str) else len(str(value))
        if self.written > self.limits.chars:
            raise TemplateLimitError(f"writes more than {self.limits.chars:,} characters")
        return value

    def guard_value(self, value: Any) -> Any:
        """A value made in the template (``a ~ b``), once within the limits."""
        self.tick()
        return self.account(value)

    # -- what the sandbox intercepts ---------------------------------------------------

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.tick()
        if operator == "*":
            self._product(left, right)
        elif operator == "**":
            self._power(left, right)
        elif operator == "%" and isinstance(left, str):
            self._printf(left, right if isinstance(right, tuple) else (right,))
        return self.account(self.binop_table[operator](left, right))

    def _product(self, left: Any, right: Any) -> None:
        for seq, count in ((left, right), (right, left)):
            if isinstance(count, int) and isinstance(seq, (str, bytes, list, tuple)):
                what = "characters" if isinstance(seq, (str, bytes)) else "items"
                self._within(len(seq) * count, what)
        if isinstance(left, int) and isinstance(right, int):
            self._bits(left.bit_length() + right.bit_length())

    def _power(self, base: Any, exponent: Any) -> None:
        if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1:
            self._bits(base.bit_length() * max(exponent, 0))

    def _bits(self, bits: int) -> None:
        if bits > 64_000:
            raise TemplateLimitError(f"would make a number of {bits:,} bits; at most 64,000")

    def _printf(self, text: str, args: tuple[Any, ...]) -> None:
        for width, precision in _PRINTF.findall(text):
            if "*" in (width, precision):
                self._numbers(args)
            self._numbers(int(n) for n in (width, precision) if n.isdigit())

    def _format_spec(self, text: str, args: Iterable[Any]) -> None:
        try:
            fields = list(string.Formatter().parse(text))
        except ValueError:
            return  # the call itself reports the broken format
        for _, _, spec, _ in fields:
            if spec:
                if "{" in spec:
                    self._numbers(args)
                self._numbers(int(n) for n in re.findall(r"\d+", spec))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.tick()
        method = __obj.__wrapped__ if hasattr(__obj, "__wrapped__") else __obj
        owner = getattr(method, "__self__", None)
        if isinstance(owner, str) and isinstance(
            method, (types.BuiltinMethodType, types.MethodType)
        ):
            args = __self._str_call(owner, method.__name__, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        __self.tick()
        return __self.account(result)

    def _str_call(
        self, text: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, ...]:
        """Check a call of a string method before it runs; the arguments to call it with."""
        if name not in _STR_METHODS:
            raise TemplateLimitError(f"calls str.{name}, which report templates may not use")
        values = [*args, *(v for k, v in kwargs.items() if not k.startswith("_"))]
        if name in ("format", "format_map"):
            if name == "format_map" and values and isinstance(values[0], dict):
                values = list(values[0].values())
            self._format_spec(text, values)
            return args
        self._numbers(values)
        if name == "join" and args:
            items = list(args[0])
            self._joined(items, text)
            return (items, *args[1:])
        if name == "replace" and len(args) >= 2:
            self._replaced(text, args[0], args[1], args[2] if len(args) > 2 else -1)
        return args

    def _joined(self, items: list[Any], separator: str) -> None:
        self._within(len(items), "items")
        total = len(separator) * max(len(items) - 1, 0)
        for item in items:
            total += len(item) if isinstance(item, str) else len(str(item))
            self._within(total, "characters")

    def _replaced(self, text: Any, old: Any, new: Any, count: Any) -> None:
        if not (isinstance(text, str) and isinstance(old, str) and isinstance(new, str)):
            return
        found = text.count(old)
        if isinstance(count, int) and count >= 0:
            found = min(found, count)
        self._within(len(text) + found * max(len(new) - len(old), 0), "characters")

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.tick()
        return super().getitem(obj, argument)

    # -- filters -----------------------------------------------------------------------

    def _guard_filter(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        first = 1 if _PassArg.from_obj(func) is not None else 0

        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            self.tick()
            value, rest = args[first] if len(args) > first else None, args[first + 1 :]
            self._numbers([*rest, *kwargs.values()])
            if name == "join":
                items = list(value) if value is not None else []
                attribute = kwargs.pop("attribute", rest[1] if len(rest) > 1 else None)
                if attribute is not None:
                    items = list(map(make_attrgetter(self, attribute), items))
                    rest = rest[:1]
                self._joined(items, str(rest[0] if rest else kwargs.get("d", "")))
                args = (*args[:first], items, *rest)
            elif name == "replace" and len(rest) >= 2:
                self._replaced(str(value), rest[0], rest[1], rest[2] if len(rest) > 2 else -1)
            elif name == "format" and value is not None:
                self._printf(str(value), (*rest, *kwargs.values()))
            elif name == "sum":
                start = rest[1] if len(rest) > 1 else kwargs.get("start", 0)
                if not isinstance(start, (int, float)):
                    raise TemplateLimitError("sum starts from a number only in a report template")
            elif name in ("indent", "wordwrap"):
                self._spread(name, str(value), rest, kwargs)
            return self.account(func(*args, **kwargs))

        return guarded

    def _spread(self, name: str, text: str, rest: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """``indent`` and ``wordwrap`` add a prefix or a wrap string per line: bound that."""
        lines = text.count("\n") + 1
        if name == "indent":
            width = rest[0] if rest else kwargs.get("width", 4)
            extra = width if isinstance(width, int) else len(str(width))
        else:
            width = rest[0] if rest else kwargs.get("width", 79)
            wrap = rest[2] if len(rest) > 2 else kwargs.get("wrapstring")
            if isinstance(width, int) and width > 0:
                lines += len(text) // width
            else:
                lines += len(text)
            extra = len(str(wrap)) if wrap is not None else 1
        self._within(len(text) + lines * extra, "characters")
