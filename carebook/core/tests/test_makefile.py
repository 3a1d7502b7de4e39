import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("missing", ["npm", "node"])
def test_make_names_a_missing_tool_in_one_line(tmp_path, missing):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("python3", "node", "npm", "make", "bash", "sh", "env"):
        # pyenv's python3 is a shell shim: link the real interpreter instead.
        found = sys._base_executable if tool == "python3" else shutil.which(tool)
        if found and tool != missing:
            (bin_dir / tool).symlink_to(Path(found).resolve())
    result = subprocess.run(
        [shutil.which("make"), "-s", "check-tools"],
        cwd=ROOT,
        env={**os.environ, "PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("Carebook needs") and f"{missing} was not found" in lines[0]
    assert "Traceback" not in result.stderr
