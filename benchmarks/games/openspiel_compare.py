#!/usr/bin/env python3
"""Side-by-side game-engine figures: SelfPlay's bitboard games against OpenSpiel's, in one run.

For each game: random playouts per second in both engines, perft counts (which must match)
and perft leaves per second, and a rules cross-check: random OpenSpiel games replayed in
SelfPlay must reach the same legal moves and the same result.

Usage: benchmarks/games/openspiel_compare.py PATH_TO_SELFPLAY [--seconds S] [--games N]
Needs `pip install open-spiel==2.0.2`.
"""
import argparse
import json
import random
import subprocess
import sys
import time

try:
    import pyspiel
except ImportError:
    sys.exit("OpenSpiel is not installed: pip install open-spiel==2.0.2")

GAMES = {  # SelfPlay name: (OpenSpiel name, perft depth for the timing, notation of an action)
    "tictactoe": ("tic_tac_toe", 9),
    "connect4": ("connect_four", 7),
    "othello": ("othello", 7),
}


def notation(selfplay_game, state, action):
    if selfplay_game == "tictactoe":
        return str(action + 1)
    if selfplay_game == "connect4":
        return str(action + 1)
    return "pass" if action == 64 else state.action_to_string(state.current_player(), action)


def openspiel_playouts(game, seconds, rng):
    games = moves = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        state = game.new_initial_state()
        while not state.is_terminal():
            state.apply_action(rng.choice(state.legal_actions()))
            moves += 1
        games += 1
    elapsed = time.perf_counter() - start
    return games / elapsed, moves / elapsed


def openspiel_perft(state, depth):
    if state.is_terminal():
        return 0
    actions = state.legal_actions()
    if depth == 1:
        return len(actions)
    total = 0
    for action in actions:
        child = state.child(action)
        total += openspiel_perft(child, depth - 1)
    return total


def cross_check(binary, name, game, count, rng):
    mismatches = 0
    for _ in range(count):
        state = game.new_initial_state()
        moves = []
        while not state.is_terminal():
            action = rng.choice(state.legal_actions())
            moves.append(notation(name, state, action))
            state.apply_action(action)
        out = subprocess.run([binary, "show", "--game", name, "--moves", "".join(moves)],
                             capture_output=True, text=True).stdout
        returns = state.returns()
        expected = "draw" if returns[0] == 0 else ("first player wins" if returns[0] > 0 else "second player wins")
        if expected not in out or f"after {len(moves)} moves" not in out:
            mismatches += 1
            print(f"  MISMATCH {name} {''.join(moves)}: OpenSpiel says {expected}; SelfPlay printed:\n{out}")
    return mismatches


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("selfplay")
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--games", type=int, default=100, help="random games for the rules cross-check")
    args = parser.parse_args()
    rng = random.Random(20261122)
    print(f"OpenSpiel {pyspiel.__version__ if hasattr(pyspiel, '__version__') else '(version unknown)'}; "
          f"{args.seconds:g} s of random playouts per engine and game")
    print(f"{'game':<10} {'SelfPlay playouts/s':>20} {'OpenSpiel playouts/s':>21} {'ratio':>7}   "
          f"{'perft':>12} {'SelfPlay leaves/s':>18} {'OpenSpiel leaves/s':>19} {'ratio':>7}  rules")
    failures = 0
    for name, (spiel_name, depth) in GAMES.items():
        game = pyspiel.load_game(spiel_name)
        ours = json.loads(subprocess.run(
            [args.selfplay, "bench", "games", "--game", name, "--seconds", str(args.seconds),
             "--perft-depth", str(depth), "--json"], capture_output=True, text=True, check=True).stdout)
        spiel_playouts, _ = openspiel_playouts(game, args.seconds, rng)
        start = time.perf_counter()
        spiel_leaves = openspiel_perft(game.new_initial_state(), depth)
        spiel_perft_s = time.perf_counter() - start
        same = spiel_leaves == ours["perft_leaves"]
        mismatches = cross_check(args.selfplay, name, game, args.games, rng)
        failures += (not same) + mismatches
        print(f"{name:<10} {ours['playouts_per_s']:>20,.0f} {spiel_playouts:>21,.0f} "
              f"{ours['playouts_per_s'] / spiel_playouts:>6.0f}x   "
              f"{'d' + str(depth) + ('=' if same else '!=') + str(spiel_leaves):>12} "
              f"{ours['perft_leaves'] / ours['perft_seconds']:>18,.0f} {spiel_leaves / spiel_perft_s:>19,.0f} "
              f"{ours['perft_leaves'] / ours['perft_seconds'] / (spiel_leaves / spiel_perft_s):>6.0f}x  "
              f"{args.games - mismatches}/{args.games} games agree")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
