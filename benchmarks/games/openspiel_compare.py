#!/usr/bin/env python3
"""Side-by-side game-engine figures: SelfPlay's bitboard games against OpenSpiel's, in one run.

For each game: random playouts per second in both engines, perft counts (which must match)
and perft leaves per second, and a rules cross-check: random OpenSpiel games replayed in
SelfPlay must reach the same legal moves and the same result. Hex (with and without the swap
rule: OpenSpiel's `swap=True`) and Go games are replayed
in one `selfplay replay` run, which prints the legal moves of every position: they must equal
OpenSpiel's at every move, except that SelfPlay refuses a Go move that recreates an earlier board
(positional superko) where OpenSpiel plays it and scores the game a draw. Each such difference is
confirmed in OpenSpiel (the move, not a pass, ends the game in a draw, which komi 7.5 allows no other way),
and a game whose random move was one stops there (counted apart; its prefix is still compared).
With --superko-audit N, every legal move of the first N Go games is also played out in OpenSpiel,
to confirm that no move SelfPlay allows would repeat a board there.

Usage: benchmarks/games/openspiel_compare.py PATH_TO_SELFPLAY [--seconds S] [--games N]
Needs `pip install open-spiel==2.0.2`.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

try:
    import pyspiel
except ImportError:
    sys.exit("OpenSpiel is not installed: pip install open-spiel==2.0.2")

GAMES = {  # SelfPlay name: (OpenSpiel name, OpenSpiel parameters, perft depth for the timing)
    "tictactoe": ("tic_tac_toe", {}, 9),
    "connect4": ("connect_four", {}, 7),
    "othello": ("othello", {}, 7),
    "hex": ("hex", {}, 3),
    "hex7": ("hex", {"board_size": 7}, 4),
    "hex-swap": ("hex", {"swap": True}, 3),
    "hex7-swap": ("hex", {"board_size": 7, "swap": True}, 4),
    "go9": ("go", {"board_size": 9}, 3),
    "go7": ("go", {"board_size": 7}, 4),
}
REPLAYED = {"hex", "hex7", "hex-swap", "hex7-swap", "go9", "go7"}  # cross-checked position by position with `selfplay replay`


def notation(selfplay_game, state, action):
    if selfplay_game == "tictactoe":
        return str(action + 1)
    if selfplay_game == "connect4":
        return str(action + 1)
    if selfplay_game.startswith("go"):
        return state.action_to_string(state.current_player(), action).split()[1].lower() + " "
    if selfplay_game.startswith("hex"):
        return state.action_to_string(state.current_player(), action)
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


def mask(actions):
    bits = 0
    for action in actions:
        bits |= 1 << action
    return bits


def superko_ended(state, action):
    """Whether OpenSpiel's Go game `state` has just ended in a superko draw, `action` being the last move
    (with a komi of 7.5 no other ending is a draw; a superko on the last move of the cap still is one)."""
    return action != state.num_distinct_actions() - 1 and state.is_terminal() and state.returns()[0] == 0


def superko_ends(state, action):
    """Whether OpenSpiel ends the game in a superko draw when `action` is played in `state`."""
    return superko_ended(state.child(action), action)


def selfplay_replay(binary, name, games):
    """`selfplay replay` on the games (notation strings); one output line per game."""
    return subprocess.run([binary, "replay", "--game", name], input="".join(g + "\n" for g in games),
                          capture_output=True, text=True, check=True).stdout.splitlines()


def replay_check(binary, name, game, count, rng, audit):
    """Random OpenSpiel games replayed in SelfPlay position by position; returns a summary dict."""
    is_go = name.startswith("go")
    records = []
    for _ in range(count):
        state = game.new_initial_state()
        actions, moves, refused = [], [], None
        while not state.is_terminal():
            action = rng.choice(state.legal_actions())
            actions.append(action)
            moves.append(notation(name, state, action))
            state.apply_action(action)
            if is_go and superko_ended(state, action):
                refused = len(moves) - 1
                break
        records.append((actions, moves, refused, state.returns()))
    lines = selfplay_replay(binary, name, ["".join(moves) for _, moves, _, _ in records])
    summary = {"games": count, "mismatches": 0, "superko_games": 0, "superko_positions": 0, "positions": 0,
               "swap_games": sum("swap" in moves for _, moves, _, _ in records)}
    for index, ((actions, moves, refused, returns), line) in enumerate(zip(records, lines)):
        fields = line.split()
        if refused is None:
            expected = "draw" if returns[0] == 0 else ("first" if returns[0] > 0 else "second")
            ok = fields[-2:] == ["=", expected]
            ours = fields[:-2]
        else:  # SelfPlay must refuse the move; the positions before it are compared.
            summary["superko_games"] += 1
            ok = fields == ["!", str(refused)]
            ours = selfplay_replay(binary, name, ["".join(moves[:refused])])[0].split()[:-2]
            actions = actions[:refused]
        ok = ok and len(ours) == len(actions) + 1
        state = game.new_initial_state()
        for step, our_hex in enumerate(ours):
            summary["positions"] += 1
            theirs, our_mask = mask(state.legal_actions()), int(our_hex, 16)
            if our_mask != theirs:
                extra = theirs & ~our_mask
                ok = ok and is_go and our_mask & ~theirs == 0 and all(
                    superko_ends(state, a) for a in range(extra.bit_length()) if extra >> a & 1)
                summary["superko_positions"] += 1
            if is_go and index < audit:
                ok = ok and not any(superko_ends(state, a) for a in range(our_mask.bit_length()) if our_mask >> a & 1)
            if step < len(actions):
                state.apply_action(actions[step])
        if not ok:
            summary["mismatches"] += 1
            print(f"  MISMATCH {name} {''.join(moves)}: SelfPlay printed {line[:200]}")
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("selfplay")
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--games", type=int, default=100, help="random games for the rules cross-check")
    parser.add_argument("--replay-games", type=int, default=2000,
                        help="random games per Hex and Go variant, replayed position by position")
    parser.add_argument("--superko-audit", type=int, default=100,
                        help="Go games whose every legal move is also checked for superko in OpenSpiel")
    parser.add_argument("--only", nargs="*", help="SelfPlay game names to run (default: all)")
    args = parser.parse_args()
    rng = random.Random(20261122)
    print(f"OpenSpiel {pyspiel.__version__ if hasattr(pyspiel, '__version__') else '(version unknown)'}; "
          f"{args.seconds:g} s of random playouts per engine and game")
    print(f"{'game':<10} {'SelfPlay playouts/s':>20} {'OpenSpiel playouts/s':>21} {'ratio':>7}   "
          f"{'perft':>12} {'SelfPlay leaves/s':>18} {'OpenSpiel leaves/s':>19} {'ratio':>7}  {'load':>5}  rules")
    failures = 0
    replays = []
    for name, (spiel_name, params, depth) in GAMES.items():
        if args.only and name not in args.only:
            continue
        game = pyspiel.load_game(spiel_name, params)
        ours = json.loads(subprocess.run(
            [args.selfplay, "bench", "games", "--game", name, "--seconds", str(args.seconds),
             "--perft-depth", str(depth), "--json"], capture_output=True, text=True, check=True).stdout)
        spiel_playouts, _ = openspiel_playouts(game, args.seconds, rng)
        start = time.perf_counter()
        spiel_leaves = openspiel_perft(game.new_initial_state(), depth)
        spiel_perft_s = time.perf_counter() - start
        same = spiel_leaves == ours["perft_leaves"]
        if name in REPLAYED:
            start = time.perf_counter()
            summary = replay_check(args.selfplay, name, game, args.replay_games, rng, args.superko_audit)
            summary["seconds"] = time.perf_counter() - start
            replays.append((name, summary))
            mismatches = summary["mismatches"]
            games_checked = args.replay_games
        else:
            mismatches = cross_check(args.selfplay, name, game, args.games, rng)
            games_checked = args.games
        failures += (not same) + mismatches
        print(f"{name:<10} {ours['playouts_per_s']:>20,.0f} {spiel_playouts:>21,.0f} "
              f"{ours['playouts_per_s'] / spiel_playouts:>6.0f}x   "
              f"{'d' + str(depth) + ('=' if same else '!=') + str(spiel_leaves):>12} "
              f"{ours['perft_leaves'] / ours['perft_seconds']:>18,.0f} {spiel_leaves / spiel_perft_s:>19,.0f} "
              f"{ours['perft_leaves'] / ours['perft_seconds'] / (spiel_leaves / spiel_perft_s):>6.0f}x  "
              f"{os.getloadavg()[0]:>5.1f}  "
              f"{games_checked - mismatches}/{games_checked} games agree")
    for name, summary in replays:
        print(f"{name}: {summary['games']} games, {summary['positions']:,} positions compared, "
              f"{summary['mismatches']} mismatches; {summary['superko_positions']} positions where OpenSpiel "
              f"also allows a superko move, {summary['superko_games']} games ended by one in OpenSpiel "
              f"(compared up to it); {summary['swap_games']} games with a swap; {summary['seconds']:.0f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
