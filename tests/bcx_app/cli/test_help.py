"""Every `bcx` command, subcommand, option and argument explains itself in --help."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from bcx_app.cli.main import build_parser

Named = tuple[str, argparse.ArgumentParser]


def parsers(parser: argparse.ArgumentParser, path: str = "bcx") -> Iterator[Named]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from parsers(child, f"{path} {name}")


def undocumented(parser: argparse.ArgumentParser, path: str) -> Iterator[str]:
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            helped = {choice.dest for choice in action._choices_actions if choice.help}
            yield from (f"{path} {name}" for name in action.choices if name not in helped)
            continue
        if not action.help or action.help == argparse.SUPPRESS:
            yield f"{path} {'/'.join(action.option_strings) or action.dest}"


class TestHelpText:
    def test_every_option_argument_and_command_has_help(self) -> None:
        """No option, positional argument or subcommand is listed in --help without a description."""
        missing = [item for path, parser in parsers(build_parser()) for item in undocumented(parser, path)]
        assert missing == []

    def test_the_check_sees_a_missing_help(self) -> None:
        """An option added without help is reported, so the test above has teeth."""
        parser = argparse.ArgumentParser(prog="x")
        parser.add_argument("--bare")
        parser.add_argument("--told", help="explained")
        assert list(undocumented(parser, "x")) == ["x --bare"]
