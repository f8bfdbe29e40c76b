"""The `clientela` script passes each sub-command to the management command of that name."""

from __future__ import annotations

import pytest
from django.core.management import get_commands

from clientela.cli import main


@pytest.mark.parametrize(
    ("command", "app"),
    [
        ("serve", "clientela.clock"),
        ("worker", "clientela.clock"),
        ("clock", "clientela.clock"),
        ("mailsink", "clientela.demo"),
        ("demo", "clientela.demo"),
        ("import", "clientela.imports"),
        ("export", "clientela.imports"),
        ("workspace", "clientela.accounts"),
        ("member", "clientela.accounts"),
        ("token", "clientela.accounts"),
    ],
)
def test_each_sub_command_is_the_management_command_of_its_app(command, app):
    assert get_commands()[command] == app


def test_import_passes_through_to_the_csv_import_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["import", "--help"])
    assert exit_.value.code == 0
    assert "{customers,orders} file" in capsys.readouterr().out


def test_without_arguments_it_lists_our_commands_then_djangos(capsys):
    main([])
    out = capsys.readouterr().out
    assert (
        out.index("clientela serve [--all]") < out.index("[clock]") < out.index("\n    migrate\n")
    )
