"""The `kiosk` command: a thin shell that parses arguments and hands them to the services.

Every command gets the kiosk (`kiosk.root.Kiosk`) as ``args.kiosk`` and takes its store and services from it.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Each module registers one command group; the order is the order of `kiosk --help`.
COMMANDS = ["run", "console", "ask", "db", "models", "talk", "say", "scan", "match", "request", "guide", "content",
            "screenshot", "doctor", "autostart", "office"]


def build_parser(commands: list[str] = COMMANDS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="西小服 企业服务一体机")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in commands:
        importlib.import_module(f"kiosk.cli.{name}").register(sub)
    return parser


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line, with the kiosk as ``args.kiosk`` (it builds nothing until the command asks for it)."""
    from kiosk.root import Kiosk

    argv = sys.argv[1:] if argv is None else argv
    # a named command loads only its own module: `kiosk run` opens its window without importing the others
    parser = build_parser([argv[0]] if argv and argv[0] in COMMANDS else COMMANDS)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args(["run", *(argv or [])])
    args.kiosk = Kiosk(store_path=getattr(args, "db", None))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, never a traceback
        from kiosk.cli.terminal import fail

        return fail(exc)


if __name__ == "__main__":
    sys.exit(main())
