"""Every program from outside .venv that a test runs is named in tests/system_parts.py.

A tool that only the CI script installed once made `make test` fail on a fresh machine; this
reads the test code itself, so a new program cannot be used without being listed (and so
installed by `make test`, or reported in its banner).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import system_parts

TESTS = Path(__file__).resolve().parents[1]
SUBPROCESS_CALLS = {"run", "Popen", "call", "check_call", "check_output"}
VENV_BIN = Path(sys.executable).parent


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    """The test code; the installer itself (which runs apt-get) is not a test."""
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == "system_parts.py" and path.parent == TESTS:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _literal_program(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.List | ast.Tuple) and node.elts:
        first = node.elts[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.split()[0]
    return None


def _called_name(call: ast.Call) -> tuple[str | None, str]:
    function = call.func
    if isinstance(function, ast.Attribute):
        owner = function.value.id if isinstance(function.value, ast.Name) else None
        return owner, function.attr
    if isinstance(function, ast.Name):
        return None, function.id
    return None, ""


def programs_run_by_tests() -> dict[str, set[str]]:
    """{program: {files}} for every literal program name the test code runs or asks for."""
    found: dict[str, set[str]] = {}
    for path, module in _modules():
        # Lists assigned to a name, so that `command = ["x", ...]; subprocess.run(command)` counts.
        assigned = {
            target.id: node.value
            for node in ast.walk(module)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value, ast.List | ast.Tuple)
        }
        for call in (n for n in ast.walk(module) if isinstance(n, ast.Call)):
            owner, name = _called_name(call)
            argument = call.args[0] if call.args else None
            program = None
            if owner == "subprocess" and name in SUBPROCESS_CALLS:
                if isinstance(argument, ast.Name):
                    argument = assigned.get(argument.id)
                program = _literal_program(argument)
            elif (owner == "shutil" and name == "which") or (
                owner == "system_parts" and name in {"require", "find"}
            ):
                program = _literal_program(argument)
            if program is not None:
                found.setdefault(program, set()).add(str(path.relative_to(TESTS)))
    return found


def test_the_scan_sees_the_programs_the_suite_is_known_to_run() -> None:
    found = programs_run_by_tests()
    assert {"runuser", "initdb", "pg_ctl", "docker-compose"} <= set(found), found


def test_every_program_a_test_runs_is_listed_as_a_system_part() -> None:
    unlisted = {
        program: files
        for program, files in programs_run_by_tests().items()
        if program not in system_parts.PARTS and not (VENV_BIN / program).exists()
    }
    assert not unlisted, (
        f"tests run programs that tests/system_parts.py does not list: {unlisted}; "
        "add them to PARTS so that `make test` installs or reports them"
    )


def test_only_the_system_parts_module_looks_programs_up() -> None:
    """A bare shutil.which() in a test would skip or fail outside the installer's knowledge."""
    offenders = [
        str(path.relative_to(TESTS))
        for path, module in _modules()
        for call in (n for n in ast.walk(module) if isinstance(n, ast.Call))
        if _called_name(call) == ("shutil", "which")
    ]
    assert not offenders, offenders


def test_every_listed_part_names_its_debian_package_and_reason() -> None:
    for name, part in system_parts.PARTS.items():
        assert part.package and part.why, name


def test_a_missing_required_part_fails_in_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "no-such-program-here"
    part = system_parts.Part("no-such-package", "a test of the rule")
    monkeypatch.setitem(system_parts.PARTS, name, part)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no-such-package"):
        system_parts.require(name)
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="no-such-package"):
        system_parts.require(name)
    banner = system_parts.banner(system_parts.missing_parts())
    assert any(name in line for line in banner)
