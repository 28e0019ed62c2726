"""Build the NATO 2026 data edition, data/editions/nato-2026/, from the shared long CSV.

    python tools/build_nato_2026.py [--input CSV] [--out DIR]

Iceland (no armed forces, absent from NATO's tables) keeps the 2025 edition's GDP for
2014-2024; 2025-2026 are its 2024 GDP grown by IMF real growth and US CPI
(``IMF-WEO-2025-10-derived``), the rule spendcalc applies after NATO's GDP ends. The
edition's ``sources.csv`` is the bundled register plus the edition's rows. The output is
deterministic: running the script twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import pandas as pd

from spendcalc.io import nato_edition as nl

REPO = Path(__file__).resolve().parents[1]
# NATO's workbook as parsed to a long CSV (byte copy of the shared research file; provenance
# in data/editions/nato-2026/SOURCES.md).
DEFAULT_INPUT = (Path(__file__).resolve().parents[1] / "data" / "editions" / "nato-2026" / "source"
                 / "nato_defence_2026.csv")
DEFAULT_OUT = REPO / "data" / "editions" / "nato-2026"
EXPECTED_SHA256 = "aa9e172889f4307143748629adac7516090cc721c4a07984038cf20e9ca656bc"

SOURCE_ROWS = [
    (nl.SOURCE_ID,
     "NATO, Defence Expenditure of NATO Countries (2014-2026), Excel tables "
     "(core defence expenditure; data cut-off 3 July 2026)",
     "2026-07-10", "high"),
    (nl.ESTIMATE_SOURCE_ID,
     "NATO, Defence Expenditure of NATO Countries 2014–2026 (Jul 2026): 2025 and 2026 estimates",
     "2026-07-10", "high"),
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sources_csv(out_dir: Path) -> Path:
    """The bundled register with the edition's rows appended (an edition file replaces the
    bundled file of the same name, so it carries every row)."""
    text = (nl.DEFAULT_DATA_DIR / "sources.csv").read_text(encoding="utf-8")
    extra = pd.DataFrame(SOURCE_ROWS, columns=["source_id", "title", "published", "confidence"])
    path = out_dir / "sources.csv"
    path.write_text(text + extra.to_csv(index=False, header=False, lineterminator="\n"),
                    encoding="utf-8")
    return path


def build(input_csv: Path, out_dir: Path) -> list[Path]:
    """Write the edition's data files and its sources.csv; returns the paths written."""
    long_df = nl.read_long(input_csv)
    projections = pd.read_csv(nl.DEFAULT_DATA_DIR / "gdp_projections.csv")
    extra = nl.iceland_gdp_imf(nl.read_existing_gdp(), projections)
    files = nl.to_edition_files(long_df, iceland_gdp_extra=extra)
    written = nl.write_edition_files(files, out_dir)
    return [*written, _sources_csv(out_dir)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    digest = sha256(args.input)
    if digest != EXPECTED_SHA256:
        print(f"warning: {args.input} sha256 {digest} differs from the documented "
              f"{EXPECTED_SHA256}", file=sys.stderr)
    for path in build(args.input, args.out):
        rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
        print(f"wrote {path} ({rows} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
