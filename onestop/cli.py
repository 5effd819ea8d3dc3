"""The `onestop` command line: parses arguments, loads the configuration, hands over to one layer.

Heavy modules are imported inside each command so `onestop tui` starts as fast as the TUI itself.
Exit codes: 0 ok, 1 the command failed, 2 bad configuration or usage.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from onestop.config import ConfigError, Settings, load_settings

EXIT_FAILED, EXIT_CONFIG = 1, 2


class CommandError(Exception):
    """A command could not do its work; the message is printed and the exit code is 1."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="onestop", description="One-stop chronic disease management centre")
    p.add_argument(
        "--config", help="TOML configuration file (default: $ONESTOP_CONFIG, else built-in defaults)"
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="fresh synthetic township, API + TUI, SQLite, simulated devices")
    demo.add_argument(
        "--residents", type=int, default=3000, help="size of the synthetic township (default 3000)"
    )
    demo.add_argument(
        "--no-tui", action="store_true", help="run the API only (for a board or another terminal)"
    )
    demo.add_argument(
        "--as",
        dest="login_as",
        choices=["nurse", "doctor"],
        default="nurse",
        help="open the TUI ready to log in as the demo nurse (front desk) or the demo doctor (their queue)",
    )
    serve = sub.add_parser("serve", help="the API alone (one per site)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    tui = sub.add_parser("tui", help="a terminal for a nurse or doctor")
    tui.add_argument("--server", help="API URL (default: tui.server)")
    tui.add_argument("--lang", choices=["zh_CN", "en"])
    tui.add_argument(
        "--station", help="this terminal's station (default: ask after login when the API knows several)"
    )
    tui.add_argument("--user", help="pre-fill the user name on the login screen")

    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_command", metavar="ACTION")
    db.required = True
    db.add_parser("migrate", help="apply the committed schema migrations")
    db.add_parser("backup", help="consistent online copy of the database").add_argument("path", type=Path)

    user = sub.add_parser("user", help="staff accounts").add_subparsers(dest="user_command", metavar="ACTION")
    user.required = True
    add = user.add_parser("add", help="add a staff account; the password is read from standard input")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["nurse", "doctor", "admin"])
    add.add_argument("--display-name", help="the name shown on screens (default: NAME)")
    add.add_argument("--team", help="the family doctor team (by name): a doctor's queue is their team's")

    cfg = sub.add_parser("config", help="configuration").add_subparsers(
        dest="config_command", metavar="ACTION"
    )
    cfg.required = True
    cfg.add_parser("check", help="print the effective configuration (secrets hidden); exit 2 on any error")

    dd = sub.add_parser("demo-data", help="load a synthetic township (deterministic for a seed)")
    dd.add_argument("--residents", type=int, default=10_000)
    dd.add_argument("--seed", type=int, default=1)

    devices = sub.add_parser("devices", help="measurement devices").add_subparsers(dest="devices_command")
    devices.required = True
    dlist = devices.add_parser("list", help="what is attached and whether it answers")
    dlist.add_argument("--server", help="the API to ask (default: [api] host and port)")
    dlist.add_argument(
        "--listen", type=float, default=3.0, help="seconds to listen to each port when the API is not running"
    )
    printer = sub.add_parser("printer", help="the ticket printer").add_subparsers(dest="printer_command")
    printer.required = True
    ptest = printer.add_parser("test", help="print a test ticket and report the printer's status")
    ptest.add_argument(
        "--url", help="another printer than [printer] url (tcp://, serial://, usb://, file://, preview://)"
    )
    ptest.add_argument("--status-only", action="store_true", help="only ask the status; print nothing")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "all"
    if args.config:
        # Child processes (the API behind `onestop` and `onestop demo`) read the same file.
        os.environ["ONESTOP_CONFIG"] = args.config
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"onestop: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    handler = _COMMANDS[command]
    try:
        return handler(settings, args)
    except CommandError as exc:
        print(f"onestop {command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


# --- commands ----------------------------------------------------------------------------------------


def _cmd_config(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from flows.errors import FlowError
    from flows.rules.settings import load_rules
    from onestop.config import redacted

    try:
        load_rules(settings.rules)
    except FlowError as exc:
        print(f"onestop: configuration error: {exc.message}", file=sys.stderr)
        return EXIT_CONFIG
    print(json.dumps(redacted(settings), ensure_ascii=False, indent=2))
    return 0


def _cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from api.server import run

    run(settings, host=args.host or settings.api.host, port=args.port or settings.api.port)
    return 0


def _cmd_tui(settings: Settings, args: argparse.Namespace) -> int:
    from tui.app import run

    run(
        server=args.server or settings.tui.server,
        lang=args.lang or settings.tui.lang,
        station=args.station or settings.tui.station,
        username=args.user,
        # Without --station, tui.station is the preselected answer to "which station?" after login.
        choose_station=args.station is None,
    )
    return 0


def _cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from onestop import dbcommands

    if args.db_command == "migrate":
        applied = asyncio.run(dbcommands.migrate(settings))
        print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))
    else:
        asyncio.run(dbcommands.backup(settings, args.path))
        print(f"backup written to {args.path}")
    return 0


def _cmd_user(settings: Settings, args: argparse.Namespace) -> int:
    from api.users import add_user
    from flows.errors import FlowError

    # The password comes from standard input only: never an argument (shell history) and never a default.
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError(
            "no password on standard input (echo PASSWORD | onestop user add NAME --role ROLE)"
        )
    try:
        staff = asyncio.run(
            add_user(settings, args.name, args.display_name or args.name, args.role, password, team=args.team)
        )
    except FlowError as exc:
        raise CommandError(exc.message) from None
    print(f"added {staff.role} {staff.username} (id {staff.id})")
    return 0


def _cmd_demo_data(settings: Settings, args: argparse.Namespace) -> int:
    from onestop import dbcommands

    if args.residents < 1:
        raise CommandError(f"--residents must be at least 1, got {args.residents}")
    counts = asyncio.run(dbcommands.demo_data(settings, residents=args.residents, seed=args.seed))
    print(counts)
    return 0


def _cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from onestop import launcher

    return launcher.demo(settings, residents=args.residents, with_tui=not args.no_tui, login_as=args.login_as)


def _cmd_all(settings: Settings, args: argparse.Namespace) -> int:
    from onestop import launcher

    return launcher.everything(settings)


def _cmd_printer(settings: Settings, args: argparse.Namespace) -> int:
    from onestop.printercommand import printer_test

    printed, lines = printer_test(settings, url=args.url, dry_run=args.status_only)
    for line in lines:
        print(line)
    return 0 if printed else EXIT_FAILED


def _cmd_devices(settings: Settings, args: argparse.Namespace) -> int:
    from onestop.devicecommand import devices_list

    fine, lines = devices_list(settings, server=args.server, listen_s=args.listen)
    for line in lines:
        print(line)
    return 0 if fine else EXIT_FAILED


_COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "all": _cmd_all,
    "demo": _cmd_demo,
    "serve": _cmd_serve,
    "tui": _cmd_tui,
    "db": _cmd_db,
    "user": _cmd_user,
    "config": _cmd_config,
    "demo-data": _cmd_demo_data,
    "devices": _cmd_devices,
    "printer": _cmd_printer,
}

if __name__ == "__main__":
    sys.exit(main())
