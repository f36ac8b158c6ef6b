"""The command line imports only the module of the command it runs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from api.cli.main import COMMAND_MODULES, build_parser


def command_names(parser: object) -> set[str]:
    [commands] = [
        action
        for action in parser._subparsers._group_actions  # type: ignore[attr-defined]
        if action.dest == "command"
    ]
    return set(commands.choices)


def last_line_printed_by(probe: str) -> str:
    """What a fresh interpreter running ``probe`` printed last."""
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("name", sorted(COMMAND_MODULES))
def test_each_command_is_registered_by_its_own_module(name: str) -> None:
    assert command_names(build_parser(name)) == {name}


def test_the_full_parser_knows_every_command() -> None:
    assert command_names(build_parser()) == set(COMMAND_MODULES)


def test_running_a_command_leaves_the_other_commands_unimported() -> None:
    probe = (
        "import sys\n"
        "from api.cli.main import main\n"
        "try:\n"
        "    main(['calendar', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('api.cli.')))\n"
    )
    loaded = last_line_printed_by(probe)

    assert "api.cli.calendar" in loaded
    assert "api.cli.serve" not in loaded and "api.cli.audit" not in loaded


def test_the_import_command_leaves_recording_to_the_processes_that_record() -> None:
    probe = (
        "import sys\n"
        "import api.cli.import_file\n"
        "heavy = ('api.cli.import_loading', 'application.ledger', 'fastapi')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    assert last_line_printed_by(probe) == "[]"


BLANK = "must not be blank"
NOT_POSITIVE = "not a positive whole number"
NEGATIVE = "not a whole number of 0 or more"
NOT_A_PORT = "not a port (0-65535)"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["keys", "create", "--department", "", "--scope", "record"], BLANK),
        (
            ["keys", "create", "--department", "t", "--actor", " ", "--scope", "audit"],
            BLANK,
        ),
        (["import", "lines.ndjson", "--department", "  "], BLANK),
        (["import", "lines.ndjson", "--department", "tax", "--actor", ""], BLANK),
        (["import", "f.ndjson", "--department", "tax", "--workers", "0"], NOT_POSITIVE),
        (["projections", "rebuild", "--batch-size", "0"], NOT_POSITIVE),
        (["projections", "rebuild", "--workers", "-1"], NOT_POSITIVE),
        (["audit", "access-log", "--limit", "-1"], NOT_POSITIVE),
        (["audit", "verify", "--workers", "-1"], NEGATIVE),
        (["audit", "verify", "--workers", "two"], NEGATIVE),
        (["relay", "--from", "0"], NOT_POSITIVE),
        (["serve", "--port", "70000"], NOT_A_PORT),
        (["serve", "--port", "-1"], NOT_A_PORT),
        (["serve", "--port", "http"], NOT_A_PORT),
    ],
)
def test_arguments_a_command_cannot_use_are_refused_before_it_runs(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        build_parser(argv[0]).parse_args(argv)

    assert refused.value.code == 2
    assert says in capsys.readouterr().err


def test_audit_verify_may_be_told_to_use_no_worker_processes() -> None:
    args = build_parser("audit").parse_args(["audit", "verify", "--workers", "0"])

    assert args.workers == 0


@pytest.mark.parametrize(
    "scopes",
    [["--scope", "record", "--scope", "audit"], ["--scope", "record", "audit"]],
    ids=["repeated", "listed"],
)
def test_every_scope_given_is_kept(scopes: list[str]) -> None:
    args = build_parser("keys").parse_args(
        ["keys", "create", "--department", "tax", *scopes]
    )

    assert args.scopes == ["record", "audit"]


def test_names_are_recorded_without_surrounding_spaces() -> None:
    args = build_parser("import").parse_args(
        ["import", "f.ndjson", "--department", " tax ", "--actor", " li "]
    )

    assert (args.department, args.actor) == ("tax", "li")


@pytest.mark.parametrize("port", [0, 1, 65535])
def test_serve_takes_any_port_and_0_for_a_free_one(port: int) -> None:
    args = build_parser("serve").parse_args(["serve", "--port", str(port)])

    assert args.port == port
