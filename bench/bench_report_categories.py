"""How often the 随手拍 keyword classifier files a realistic complaint where a street office would.

Reads tests/data/report_categories.toml (complaints labelled by hand, split into a tuning part and
a held-back part that is only measured) and prints the accuracy of each part, a confusion table,
and the complaints it got wrong.

    python -m bench.bench_report_categories [--rules path.toml] [--quiet]

`--rules` takes a TOML file with a [categories] table (category = [keywords…]), the same shape as
the configuration's [reports].categories, to compare a candidate keyword list with the default.
bench/report_categories_before.toml holds the rules as they were before issue 12.
"""

from __future__ import annotations

import argparse
import tomllib
from collections import Counter
from pathlib import Path

from handlers.reports.categories import CATEGORIES, suggest

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "report_categories.toml"


def load(path: Path = DATA) -> list[dict]:
    with path.open("rb") as handle:
        return tomllib.load(handle)["complaint"]


def accuracy(rows: list[dict], rules=None) -> tuple[float, list[tuple[dict, str]]]:
    wrong = []
    for row in rows:
        got = suggest(row["text"], rules)
        if got != row["category"]:
            wrong.append((row, got))
    return (1 - len(wrong) / len(rows)) if rows else 0.0, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path)
    parser.add_argument("--quiet", action="store_true", help="figures only, not the misfiled complaints")
    args = parser.parse_args()
    rules = None
    if args.rules:
        with args.rules.open("rb") as handle:
            rules = tomllib.load(handle)["categories"]
    rows = load()
    for split in ("tune", "heldout"):
        part = [r for r in rows if r["split"] == split]
        score, wrong = accuracy(part, rules)
        print(f"{split:8s} {len(part) - len(wrong):3d}/{len(part):3d} = {score:.1%}")
        if not args.quiet:
            for row, got in wrong:
                print(f"    {row['category']} → {got}: {row['text']}")
    _, wrong = accuracy(rows, rules)
    confusion = Counter((row["category"], got) for row, got in wrong)
    labels = [*CATEGORIES, "其他"]
    print("confusion (row = expected, column = filed as; misfiled only):")
    print("        " + " ".join(f"{c[:4]:>6s}" for c in labels))
    for expected in CATEGORIES:
        print(f"{expected[:4]:6s}  " + " ".join(f"{confusion[(expected, got)]:>8d}" for got in labels))


if __name__ == "__main__":
    main()
