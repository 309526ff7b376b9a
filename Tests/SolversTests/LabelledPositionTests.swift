import Environments
import GameKit
import Solvers
import Testing

@Suite struct LabelledPositionTests {
    private func fields(_ text: String) -> [Substring] { text.split(separator: " ") }

    @Test func readsScoresAndFindsTheMistakes() throws {
        // Column 1 full; columns 2 and 4 draw, 3 wins, the rest lose.
        let moves = "111111"
        let label = try LabelledPosition<ConnectFour>(moves: moves, scoreFields: fields("- 0 3 0 -1 -2 -5"))
        #expect(label.scores == [nil, 0, 3, 0, -1, -2, -5])
        #expect(Array(label.mistakes) == [1, 3, 4, 5, 6])
        // In a lost position no move is a mistake; among draws and losses only the losses are.
        let lost = try LabelledPosition<ConnectFour>(moves: moves, scoreFields: fields("- -1 -2 -1 -3 -1 -1"))
        #expect(lost.mistakes.isEmpty)
        let draw = try LabelledPosition<ConnectFour>(moves: moves, scoreFields: fields("- 0 -2 0 0 0 0"))
        #expect(Array(draw.mistakes) == [2])
        // Outcomes alone (W, D, L) find the same mistakes as the exact scores.
        let outcomes = try LabelledPosition<ConnectFour>(moves: moves, scoreFields: fields("- D W D L L L"))
        #expect(outcomes.scores == [nil, 0, 1, 0, -1, -1, -1])
        #expect(outcomes.mistakes == label.mistakes)
    }

    @Test func refusesMalformedLines() {
        let cases = [
            ("111111", "0 0 3 0 -1 -2 -5"),  // a score on the full column
            ("111111", "- - 3 0 -1 -2 -5"),  // no score on a legal column
            ("111111", "- 0 3 0 -1 -2"),  // too few scores
            ("111111", "- 0 3 0 -1 -2 x"),  // not a score
            ("111111", "- 0 3 0 -1 -2 w"),  // nor an outcome
            ("1111111", "- 0 0 0 0 0 0"),  // an illegal move
            ("1212121", "- 0 0 0 0 0 0"),  // a finished game
        ]
        for (moves, scores) in cases {
            #expect(throws: LabelError.self, "\(moves) \(scores)") {
                try LabelledPosition<ConnectFour>(moves: moves, scoreFields: fields(scores))
            }
        }
    }

    @Test func agreesWithTheSolversMistakes() throws {
        let solver = ConnectFourSolver(tableSizeLog2: 20)
        var rng = Xoshiro256(seed: 91)
        var checked = 0
        while checked < 100 {
            var state = ConnectFour()
            var moves = ""
            for _ in 0..<Int.random(in: 16...30, using: &rng) where !state.isTerminal {
                let column = state.legalActions.randomElement(using: &rng)
                state.apply(column)
                moves += ConnectFour.actionName(column)
            }
            if state.isTerminal { continue }
            let scores = solver.columnScores(state).map { $0.map(String.init) ?? "-" }.joined(separator: " ")
            let label = try LabelledPosition<ConnectFour>(moves: moves, scoreFields: fields(scores))
            #expect(label.mistakes == solver.mistakes(in: state), "\(moves) \(scores)")
            let outcomes = solver.columnOutcomes(state)
            #expect(outcomes == label.scores.map { $0?.signum() }, "\(moves) \(scores)")
            checked += 1
        }
    }

    /// The test positions shipped for training's mistake rate: every set, and labels the solver confirms.
    @Test func shippedTestPositionsAreCompleteAndAgreeWithTheSolver() {
        let positions = ConnectFour.labelledTestPositions
        #expect(positions.count == 1053)
        #expect(Set(positions.map(\.set)) == ["L1_R1", "L1_R2", "L1_R3", "L2_R1", "L2_R2", "L3_R1"])
        let solver = ConnectFourSolver(tableSizeLog2: 20)
        for (_, labelled) in positions.filter({ $0.set == "L3_R1" }).prefix(25) {
            #expect(labelled.mistakes == solver.mistakes(in: labelled.state), "\(labelled.moves)")
        }
    }
}
