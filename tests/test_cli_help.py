"""Every command-line option has a help text, and no help or description shows reStructuredText markup."""
import argparse
import importlib
import re
from unittest import mock

import pytest

CLI_MODULES = ["kcx_nlp.__main__", "kcx_nlp.train", "kcx_nlp.package", "kcx_nlp.corpus.__main__",
               "kcx_nlp.benchmark.__main__", "kcx_nlp.benchmark.accuracy", "kcx_nlp.benchmark.normalization",
               "kcx_nlp.benchmark.scaling", "kcx_nlp.benchmark.fuzz", "kcx_nlp.benchmark.tokenizer_speed",
               "kcx_nlp.benchmark.pubdate", "kcx_nlp.benchmark.database", "kcx_nlp.benchmark.long_documents",
               "kcx_nlp.benchmark.gpu"]
MARKUP = re.compile(r"``|:[a-z]+:`|`")


class _Captured(Exception):
    pass


def _parsers(module_name):
    """The parser a CLI's ``main`` builds, and every sub-command parser under it."""
    captured = []

    def capture(self, *args, **kwargs):
        captured.append(self)
        raise _Captured

    with mock.patch.object(argparse.ArgumentParser, "parse_args", capture):
        with pytest.raises(_Captured):
            importlib.import_module(module_name).main([])
    todo, found = list(captured), []
    while todo:
        parser = todo.pop()
        found.append(parser)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo.extend(action.choices.values())
    return found


@pytest.mark.parametrize("module_name", CLI_MODULES)
def test_every_option_has_plain_help(module_name):
    problems = []
    for parser in _parsers(module_name):
        if MARKUP.search(parser.description or ""):
            problems.append(f"{parser.prog}: markup in the description")
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            name = "/".join(action.option_strings) or action.dest
            if not action.help:
                problems.append(f"{parser.prog} {name}: no help text")
            elif MARKUP.search(action.help):
                problems.append(f"{parser.prog} {name}: markup in the help text")
    assert not problems, "\n".join(problems)


def test_plain_removes_markup():
    from kcx_nlp.cli import plain

    assert plain("Run ``python -m x`` with :func:`kcx_nlp.load` and `a`.") == "Run python -m x with kcx_nlp.load and a."
