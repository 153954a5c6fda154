"""Print a py-spy raw profile (collapsed stacks, `py-spy record -f raw --nolineno`) as a text tree.

    python bench/spy_tree.py PROFILE.txt --root "App.handle" [--min 2] [--depth 8] [--per 1000 --cost-ms 4.4]

Shows the frames under every occurrence of --root (a substring of a frame), each with its share of
the root's samples; frames under --min percent are left out, and a chain of frames that each hold
(nearly) all of their parent's samples is shown as one line, so the tree shows where time divides.
With --cost-ms (the unprofiled cost of one root call) each line also says milliseconds per call.
"""

from __future__ import annotations

import argparse


class Node:
    def __init__(self, name: str) -> None:
        self.name = name
        self.samples = 0
        self.children: dict[str, Node] = {}

    def child(self, name: str) -> Node:
        node = self.children.get(name)
        if node is None:
            node = self.children[name] = Node(name)
        return node


def load(path: str, root: str) -> Node:
    top = Node(root)
    for line in open(path, encoding="utf-8"):
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        for i, frame in enumerate(frames):
            if root in frame:
                node = top
                node.samples += int(count)
                for below in frames[i + 1:]:
                    node = node.child(below)
                    node.samples += int(count)
                break
    return top


def show(node: Node, total: int, depth: int, minimum: float, cost: float | None, indent: int = 0) -> None:
    label = node.name
    # Collapse frames that pass (nearly) all their samples to one child: wrappers, not decisions.
    while len(node.children) >= 1:
        biggest = max(node.children.values(), key=lambda n: n.samples)
        if biggest.samples < 0.97 * node.samples:
            break
        node = biggest
        label += " > " + node.name.split(" (")[0]
    share = node.samples / total
    ms = f" {share * cost:7.3f} ms" if cost is not None else ""
    print(f"{'  ' * indent}{share:6.1%}{ms}  {label}")
    if depth == 0:
        return
    rest = node.samples - sum(c.samples for c in node.children.values())
    for child in sorted(node.children.values(), key=lambda n: -n.samples):
        if child.samples / total * 100 >= minimum:
            show(child, total, depth - 1, minimum, cost, indent + 1)
    if rest / total * 100 >= minimum:
        ms = f" {rest / total * cost:7.3f} ms" if cost is not None else ""
        print(f"{'  ' * (indent + 1)}{rest / total:6.1%}{ms}  (in {node.name.split(' (')[0]} itself)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile")
    parser.add_argument("--root", required=True)
    parser.add_argument("--min", type=float, default=2.0, help="hide frames under this percent")
    parser.add_argument("--depth", type=int, default=8)
    parser.add_argument("--cost-ms", type=float, help="unprofiled cost of one root call, to print ms per line")
    args = parser.parse_args()
    top = load(args.profile, args.root)
    if not top.samples:
        raise SystemExit(f"no samples under {args.root!r}")
    print(f"{top.samples} samples under {args.root}")
    show(top, top.samples, args.depth, args.min, args.cost_ms)


if __name__ == "__main__":
    main()
