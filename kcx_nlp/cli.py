"""What the command-line tools share: help text without reStructuredText markup."""
import re

_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``|`([^`]+)`")


def plain(text: str) -> str:
    """``text`` (a module docstring) as plain words for ``--help``: ``:func:`x``` and ````x```` become ``x``."""
    text = _ROLE.sub(lambda m: m.group(1), text or "")
    return _LITERAL.sub(lambda m: m.group(1) or m.group(2), text).strip()
