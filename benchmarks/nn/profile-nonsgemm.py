#!/usr/bin/env python3
"""Where a training step's time outside sgemm goes, by kernel: runs `selfplay bench nn` on one
OpenBLAS thread under `perf record -g`, keeps the samples of the training step (stacks through
`computeGradients` or the optimizer's update) that are not in OpenBLAS and not the first-touch page
faults of the workspaces' allocation (warm-up), and splits the non-sgemm milliseconds the bench
measured in proportion to the samples of each kernel.

Usage: benchmarks/nn/profile-nonsgemm.py [--game connect4] [--blocks 4] [--filters 48] [--batch 256]
Needs `perf` (Debian's linux-perf) and a release build of selfplay.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / ".build" / "release" / "selfplay"

# The kernel each leaf symbol belongs to (first match wins).
KERNELS = [
    ("transformInput", "Winograd input transform (forward, and again in backward)"),
    ("transformOutput", "Winograd output transform (forward)"),
    ("adjointInput", "Winograd input-gradient transform"),
    ("adjointOutput", "Winograd output-gradient transform"),
    ("transformWeights", "Winograd weight transforms"),
    ("adjointWeights", "Winograd weight transforms"),
    ("BatchNorm", "batch norm (statistics, backward)"),
    ("columnSums", "batch norm (statistics, backward)"),
    ("sumOfSquares", "batch norm (statistics, backward)"),
    ("memset", "zeroing (memset)"),
    ("ResidualTrunk", "trunk passes (normalize, ReLU, residual add)"),
    ("Activation", "trunk passes (normalize, ReLU, residual add)"),
    ("im2col", "stem im2col"),
    ("UpdateRule", "optimizer update"),
]


def kernel(leaf):
    return next((name for key, name in KERNELS if key in leaf), "other")


def samples(script_output):
    """Each sample's stack as a list of symbols, leaf first."""
    for block in script_output.split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n")[1:] if line.strip()]
        if lines:
            yield [line.split(" ", 1)[1] if " " in line else line for line in lines]


def load_average():
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--game", default="connect4")
    parser.add_argument("--blocks", type=int, default=4)
    parser.add_argument("--filters", type=int, default=48)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--seconds", type=float, default=2)
    arguments = parser.parse_args()
    if not BINARY.exists():
        sys.exit("error: build selfplay first (swift build -c release --product selfplay)")
    print(f"load average before: {load_average()}")
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "perf.data"
        bench = subprocess.run(
            ["perf", "record", "-F", "4000", "-g", "-o", str(data), str(BINARY), "bench", "nn",
             "--game", arguments.game, "--architecture", "resnet", "--blocks", str(arguments.blocks),
             "--filters", str(arguments.filters), "--batches", str(arguments.batch), "--blas-threads", "1",
             "--profile-batch", str(arguments.batch), "--seconds", str(arguments.seconds)],
            capture_output=True, text=True)
        if bench.returncode != 0:
            sys.exit(f"error: the bench under perf failed:\n{bench.stderr}")
        script = subprocess.run(["perf", "script", "-i", str(data)], capture_output=True, text=True).stdout
    for line in bench.stdout.splitlines():
        if line.startswith(("cpu:", "OpenBLAS:", "Winograd", "game:")) or "train step:" in line:
            print(line)
    match = re.search(r"train step: .* non-sgemm ([0-9.]+) ms", bench.stdout)
    if not match:
        sys.exit("error: no train-step line in the bench's output")
    milliseconds = float(match.group(1))
    counts = collections.Counter()
    for stack in samples(script):
        joined = " ".join(stack)
        if "computeGradients" not in joined and "UpdateRule" not in joined:
            continue
        if "sgemm" in stack[0]:
            continue
        # First touches of a freshly allocated workspace (`Workspace.init(trunk:capacity:mode:)`, whose
        # mangled name holds "8capacity4mode"): warm-up, not the step.
        if "page_fault" in joined or "8capacity4mode" in joined:
            continue
        counts[kernel(stack[0])] += 1
    total = sum(counts.values())
    if total == 0:
        sys.exit("error: no training-step samples (is perf allowed to record call graphs here?)")
    print(f"non-sgemm time of the training step: {milliseconds:.1f} ms, {total} samples")
    for name, count in counts.most_common():
        print(f"  {100 * count / total:5.1f}%  {milliseconds * count / total:6.1f} ms  {name}")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
