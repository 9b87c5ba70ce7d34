"""The README's exit-code table is the documented contract: it must list every code with its meaning."""

from pathlib import Path

from skillwallet.errors import EXIT_CODE_DOCS

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_exit_code_table_matches_errors_module():
    text = README.read_text(encoding="utf-8")
    for code, meaning in EXIT_CODE_DOCS.items():
        assert f"| {int(code)} | `{code.name}` | {meaning} |" in text, code
