import subprocess
import sys

from skillwallet import __version__
from skillwallet.errors import EXIT_CODE_DOCS, ExitCode


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skillwallet", *args], capture_output=True, text=True)


def test_version_fast_path_prints_version():
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"skillwallet {__version__}"
    assert proc.stderr == ""


def test_help_lists_commands():
    proc = run_cli("--help")
    assert proc.returncode == 0
    assert "skillwallet" in proc.stdout


def test_unknown_command_is_usage_error_without_traceback():
    proc = run_cli("no-such-command")
    assert proc.returncode == ExitCode.USAGE
    assert "Traceback" not in proc.stderr


def test_every_exit_code_documented():
    assert set(EXIT_CODE_DOCS) == set(ExitCode)
    assert len({int(c) for c in ExitCode}) == len(ExitCode)
