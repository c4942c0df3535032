"""The `kiosk` command: a thin shell that parses arguments and hands them to the services."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each module registers one command group; the order is the order of `kiosk --help`.
COMMANDS = ["run", "console", "ask", "db", "models", "talk", "say", "scan", "match", "request", "guide", "screenshot", "office"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="西小服 企业服务一体机")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"kiosk.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args(["run", *(argv or [])])
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a message, never a traceback
        from kiosk.cli.common import fail

        return fail(exc)


if __name__ == "__main__":
    sys.exit(main())
