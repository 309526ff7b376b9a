import Environments
import GameKit

/// Exact tic-tac-toe scores of every reachable position, by full minimax computed once (on
/// first use) into a table indexed by the two players' 9-bit stone masks.
///
/// Scores are from the side to move's view: 0 for a draw, 6 − n for a win completed with the
/// winner's n-th stone (3, 2 or 1), and the negation of that for a loss. The start position
/// scores 0.
public struct TicTacToeSolver: GameSolver, Sendable {
    public init() {}

    /// `table[first | second << 9]`: the score of that position, `Int8.min` if unreachable.
    private static let table: [Int8] = {
        var table = [Int8](repeating: .min, count: 1 << 18)
        func fill(_ state: TicTacToe) -> Int8 {
            let index = slot(state)
            if table[index] != .min { return table[index] }
            var best: Int8
            switch state.outcome {
            case .win:
                // The side that just moved won with all its stones on the board.
                best = -(6 - Int8(state.stones(of: state.currentPlayer.opponent).nonzeroBitCount))
            case .draw:
                best = 0
            case nil:
                best = .min
                for action in state.legalActions {
                    var child = state
                    child.apply(action)
                    best = max(best, -fill(child))
                }
            }
            table[index] = best
            return best
        }
        _ = fill(TicTacToe())
        return table
    }()

    private static func slot(_ state: TicTacToe) -> Int {
        Int(state.stones.first) | Int(state.stones.second) << 9
    }

    /// The number of reachable positions (terminal ones included): 5478.
    public static let reachablePositionCount = table.reduce(0) { $0 + ($1 == .min ? 0 : 1) }

    /// The score of `state` for the side to move (terminal positions too).
    public func score(_ state: TicTacToe) -> Int {
        let score = Self.table[Self.slot(state)]
        precondition(score != .min, "unreachable tic-tac-toe position")
        return Int(score)
    }

    /// The game-theoretic value of `state` for the side to move: 1 win, 0 draw, -1 loss.
    public func value(_ state: TicTacToe) -> Int { score(state).signum() }

    public func actionValues(_ state: TicTacToe) -> [Int?] {
        precondition(!state.isTerminal, "actionValues of a finished game")
        return (0..<TicTacToe.actionCount).map { action in
            guard state.legalActions.contains(action) else { return nil }
            var child = state
            child.apply(action)
            return -score(child)
        }
    }

    public var nodeCount: Int { 0 }
}

extension TicTacToe: SolvableGame {
    public static func makeSolver(tableSizeLog2: Int) -> TicTacToeSolver { TicTacToeSolver() }

    /// Every reachable position that is not terminal (4520 of them).
    public static func diagnosticPositions(count: Int, seed: UInt64) -> [TicTacToe] {
        var positions: [TicTacToe] = []
        var seen = Set<TicTacToe>()
        var stack = [TicTacToe()]
        while let state = stack.popLast() {
            guard !state.isTerminal, seen.insert(state).inserted else { continue }
            positions.append(state)
            for action in state.legalActions {
                var child = state
                child.apply(action)
                stack.append(child)
            }
        }
        return positions
    }

    public static var solvesInstantly: Bool { true }
}
