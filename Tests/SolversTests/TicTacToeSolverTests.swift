import Environments
import GameKit
import Solvers
import Testing

/// Plain memoized minimax with the solver's score convention, written independently.
private final class TicTacToeReference {
    private var memo: [TicTacToe: Int] = [:]

    func score(_ state: TicTacToe) -> Int {
        if state.outcome == .draw { return 0 }
        if state.outcome != nil {
            // The previous mover won with its n-th stone: it scored 6 - n.
            return -(6 - (state.moveCount + 1) / 2)
        }
        if let known = memo[state] { return known }
        var best = Int.min
        for action in state.legalActions {
            var child = state
            child.apply(action)
            best = max(best, -score(child))
        }
        memo[state] = best
        return best
    }
}

/// Every position reachable from the start, each once.
private func reachablePositions() -> [TicTacToe] {
    var seen: Set<TicTacToe> = []
    var stack = [TicTacToe()]
    var result: [TicTacToe] = []
    while let state = stack.popLast() {
        guard seen.insert(state).inserted else { continue }
        result.append(state)
        for action in state.legalActions {
            var child = state
            child.apply(action)
            stack.append(child)
        }
    }
    return result
}

/// Plays one game and returns its outcome.
func playGame<G: GameState>(
    first: any GamePlayer<G>, second: any GamePlayer<G>, from start: G = G()
) throws -> Outcome {
    var state = start
    first.newGame(from: start)
    second.newGame(from: start)
    while !state.isTerminal {
        let mover = state.currentPlayer == .first ? first : second
        let action = try mover.chooseAction(in: state)
        precondition(state.legalActions.contains(action), "\(mover.name) chose an illegal action")
        state.apply(action)
        first.observe(action, resultingIn: state)
        second.observe(action, resultingIn: state)
    }
    return state.outcome!
}

@Suite struct TicTacToeSolverTests {
    let solver = TicTacToeSolver()

    private func position(_ moves: String) throws -> TicTacToe { try TicTacToe(notation: moves) }

    @Test func knownPositions() throws {
        #expect(solver.score(TicTacToe()) == 0)
        #expect(solver.value(try position("5")) == 0)
        #expect(solver.value(try position("1")) == 0)
        #expect(solver.value(try position("15")) == 0)
        // X centre, O edge: X forks and wins with its fourth stone; after X's corner, O loses.
        #expect(solver.score(try position("52")) == 2)
        #expect(solver.score(try position("521")) == -2)
        // X (1, 2) to move completes 1-2-3 at once.
        #expect(solver.score(try position("1529")) == 3)
        #expect(solver.actionValues(try position("1529"))[2] == 3)
        // Finished games: X won with its third stone; a full drawn board.
        #expect(solver.score(try position("15293")) == -3)
        #expect(solver.score(try position("123587469")) == 0)
    }

    @Test func everyReachablePositionMatchesPlainMinimax() {
        let reference = TicTacToeReference()
        let positions = reachablePositions()
        #expect(positions.count == 5478)
        #expect(TicTacToeSolver.reachablePositionCount == 5478)
        for state in positions {
            #expect(solver.score(state) == reference.score(state), "\(state)")
        }
    }

    @Test func scoresAreConsistentAndSymmetric() {
        for state in reachablePositions() {
            let score = solver.score(state)
            for symmetry in TicTacToe.symmetries {
                #expect(solver.score(state.transformed(by: symmetry)) == score)
            }
            guard !state.isTerminal else { continue }
            let values = solver.actionValues(state)
            #expect(values.compactMap { $0 }.max() == score)
            for action in 0..<9 {
                #expect((values[action] == nil) == !state.legalActions.contains(action))
            }
            #expect(solver.actionOutcomes(state) == values.map { $0?.signum() })
            let bestSign = score.signum()
            #expect(
                Array(solver.mistakes(in: state))
                    == (0..<9).filter { values[$0].map { $0.signum() < bestSign } ?? false })
        }
    }

    @Test func perfectPlayerNeverLosesToRandom() throws {
        let perfect = PerfectPlayer(solver: solver, seed: 11)
        var losses = 0
        var perfectWins = 0
        for game in 0..<1000 {
            let random = RandomPlayer<TicTacToe>(seed: UInt64(game))
            let asFirst = try playGame(first: perfect, second: random)
            let asSecond = try playGame(first: random, second: perfect)
            if asFirst == .win(.second) { losses += 1 }
            if asSecond == .win(.first) { losses += 1 }
            if asFirst == .win(.first) { perfectWins += 1 }
            if asSecond == .win(.second) { perfectWins += 1 }
        }
        #expect(losses == 0)
        #expect(perfectWins > 1500)  // random play blunders most games
    }

    @Test func perfectPlayersDrawEachOther() throws {
        var openings: Set<Int> = []
        for game in 0..<200 {
            let first = PerfectPlayer(solver: solver, seed: UInt64(2 * game))
            let second = PerfectPlayer(solver: solver, seed: UInt64(2 * game + 1))
            #expect(try playGame(first: first, second: second) == .draw)
            openings.insert(first.chooseAction(in: TicTacToe()))
        }
        #expect(openings.count == 9)  // every first move draws: ties are broken at random
    }

    @Test func perfectPlayerTakesTheFastestWin() throws {
        let player = PerfectPlayer(solver: solver, seed: 1)
        // X (1, 2) to move against O (5, 9): only cell 3 wins at once.
        let state = try position("1529")
        #expect(player.bestActions(in: state) == [2])
        #expect(player.chooseAction(in: state) == 2)
    }
}
