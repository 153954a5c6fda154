"""Write each capability's phrasings.tsv from the tuning part of the understanding corpus.

    python tests/data/understanding/phrasings.py          # from the project root, with the project's venv

The router's statistical second opinion (bot/guess.py) learns from the phrasings the capabilities
ship. They are the tuning messages (tune.jsonl), labelled with the command that handles each intent
and filed under the capability that owns that command; genuinely ambiguous messages (intent
`clarify`) are labelled "?" and filed with 帮助, the capability that explains what the bot can do.
The held-back part is never written out: it stays a measure of messages the model has not read.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_understanding import COMMAND_INTENT  # noqa: E402
from bot.guess import UNCLEAR  # noqa: E402
from handlers.composition import CAPABILITIES  # noqa: E402

# Intents the bench counts as one command's, beyond COMMAND_INTENT's one-to-one names.
EXTRA = {"rules.ask": "规定问答", "rules.decline": "规定问答", "hours.ask_amount": "服务", "clarify": UNCLEAR}
HEADER = "# Written by tests/data/understanding/phrasings.py from tune.jsonl: command<TAB>message as typed.\n"


def command_for(row: dict) -> str:
    if row["intent"] == "bind.code":
        return "绑定" if row["as"] == "unregistered" else "绑定群"
    if row["intent"] in EXTRA:
        return EXTRA[row["intent"]]
    by_intent = {intent: name for name, intent in COMMAND_INTENT.items()}
    return by_intent[row["intent"]]


def main() -> None:
    owner = {c.name: cap for cap in CAPABILITIES for c in cap.commands}
    help_capability = next(cap for cap in CAPABILITIES if any(c.name == "帮助" for c in cap.commands))
    lines: dict[str, list[str]] = defaultdict(list)
    rows = [json.loads(x) for x in (HERE / "tune.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    for row in rows:
        command = command_for(row)
        capability = help_capability if command == UNCLEAR else owner[command]
        text = " ".join(row["text"].split())
        lines[capability.name].append(f"{command}\t{text}")
    for capability in CAPABILITIES:
        entries = lines.get(capability.name)
        if not entries:
            continue
        # The capability's folder: where its commands' handlers are defined.
        path = Path(inspect.getfile(capability.commands[0].handler)).parent / "phrasings.tsv"
        path.write_text(HEADER + "\n".join(entries) + "\n", encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(entries)}")


if __name__ == "__main__":
    main()
