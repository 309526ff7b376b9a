/// Search: MCTS over any `GameState`.
import GameKit
