"""Where the suite reads and writes outside tests/: the repository root and the screenshot folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
