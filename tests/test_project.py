"""Project-level guarantees: the CLI, the package layout, the settings documentation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import schema
from voipbin.settings_doc import settings_table

ROOT = Path(__file__).resolve().parent.parent


def test_schema_package_is_ours_not_the_pypi_one() -> None:
    assert Path(schema.__file__).resolve().parent == ROOT / "schema"


def test_cli_lists_every_command_quickly() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "voipbin", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    for command in ("dev", "api", "worker", "bridge", "migrate", "schema", "create-admin"):
        assert command in out


def test_readme_settings_table_matches_the_settings_model() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("<!-- settings:start -->") + len("<!-- settings:start -->")
    end = readme.index("<!-- settings:end -->")
    assert readme[start:end].strip() == settings_table().strip(), (
        "run `voipbin settings-doc` and paste"
    )


def test_exported_sdl_matches_the_schema() -> None:
    from resolvers.root import build_schema

    assert (ROOT / "schema.graphql").read_text() == build_schema().as_str() + "\n"
