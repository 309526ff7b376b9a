/// Solvers: exact game values (tic-tac-toe minimax, Connect Four negamax).
import GameKit
