#!/usr/bin/env python3
"""Rollout-MCTS speed, SelfPlay against OpenSpiel's C++ MCTSBot, in one run.

Both search from the start position with UCT (c = 2), one random rollout per leaf, no solver,
a fresh tree per search; figures are medians over --repeats searches, each row with the load average
(1 minute) when it was measured. SelfPlay's Hex rollouts fill the board at random and look once, which
gives the move-by-move playout's distribution of results (see `HexGame.randomPlayoutValue`).

Usage: benchmarks/mcts/openspiel_compare.py PATH_TO_SELFPLAY [--repeats N]
Needs `pip install open-spiel==2.0.2`.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

try:
    import pyspiel
except ImportError:
    sys.exit("OpenSpiel is not installed: pip install open-spiel==2.0.2")

CASES = [  # SelfPlay name, OpenSpiel name and parameters, simulations per search
    ("connect4", "connect_four", {}, 10_000),
    ("othello", "othello", {}, 1_000),
    ("hex", "hex", {}, 1_000),
    ("hex7", "hex", {"board_size": 7}, 1_000),
    ("go9", "go", {"board_size": 9}, 1_000),
    ("go7", "go", {"board_size": 7}, 1_000),
]


def openspiel_seconds(spiel_name, params, sims, repeats):
    game = pyspiel.load_game(spiel_name, params)
    times = []
    for seed in range(repeats):
        bot = pyspiel.MCTSBot(game, pyspiel.RandomRolloutEvaluator(1, seed), 2.0, sims, 1000, False, seed, False)
        state = game.new_initial_state()
        start = time.perf_counter()
        bot.step(state)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("selfplay")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--only", nargs="*", help="SelfPlay game names to run (default: all)")
    args = parser.parse_args()
    print(f"{'game':<9} {'sims':>6} {'SelfPlay sims/s':>16} {'OpenSpiel sims/s':>17} {'ratio':>7} {'load':>5}")
    for name, spiel_name, params, sims in CASES:
        if args.only and name not in args.only:
            continue
        ours = json.loads(subprocess.run(
            [args.selfplay, "bench", "mcts", "--game", name, "--sims", str(sims), "--repeats", str(args.repeats),
             "--evaluator", "rollout", "--c", "2", "--no-solver", "--json"],
            capture_output=True, text=True, check=True).stdout)
        theirs = sims / openspiel_seconds(spiel_name, params, sims, args.repeats)
        print(f"{name:<9} {sims:>6} {ours['sims_per_s']:>16,.0f} {theirs:>17,.0f} {ours['sims_per_s'] / theirs:>6.1f}x "
              f"{os.getloadavg()[0]:>5.1f}")


if __name__ == "__main__":
    main()
