import Environments
import GameKit
import Solvers
import Testing

/// Plain negamax without pruning, tables or ordering, on the rules' own `apply`: the score for
/// the side to move (22 − n for a win with the n-th stone, 0 draw, negative for a loss).
private func referenceScore(_ position: ConnectFour) -> Int {
    referenceColumnScores(position).compactMap { $0 }.max()!
}

/// Per column: the reference score of playing there, `nil` if full.
private func referenceColumnScores(_ position: ConnectFour) -> [Int?] {
    (0..<7).map { column in
        guard position.legalActions.contains(column) else { return nil }
        var child = position
        child.apply(column)
        if child.lastMoveWon { return 22 - (position.moveCount / 2 + 1) }
        return child.moveCount == 42 ? 0 : -referenceScore(child)
    }
}

/// A position with `empty` empty cells reached by random play that never completes four
/// (so that the board fills up), the game still going on.
private func randomEndgame(empty: Int, using rng: inout Xoshiro256) -> ConnectFour {
    while true {
        var position = ConnectFour()
        while position.moveCount < 42 - empty {
            let quiet = position.legalActions.filter { column in
                var child = position
                child.apply(column)
                return !child.lastMoveWon
            }
            if quiet.isEmpty { break }
            position.apply(quiet[Int.random(in: 0..<quiet.count, using: &rng)])
        }
        if position.moveCount == 42 - empty { return position }
    }
}

@Suite struct ConnectFourSolverTests {
    /// Seed of the random end games (printed on failure through the positions' notation).
    static let seed: UInt64 = 0xC4_50_1E

    @Test func agreesWithPlainNegamaxOnRandomEndgames() {
        var rng = Xoshiro256(seed: Self.seed)
        let solver = ConnectFourSolver(tableSizeLog2: 18)
        let tinyTable = ConnectFourSolver(tableSizeLog2: 4)  // constant replacement
        var signs: [Int: Int] = [:]
        for index in 0..<400 {
            let position = randomEndgame(empty: 4 + index % 9, using: &rng)
            let columns = referenceColumnScores(position)
            let expected = columns.compactMap { $0 }.max()!
            #expect(solver.score(position) == expected, "\(position)")
            #expect(tinyTable.score(position) == expected, "\(position)")
            #expect(solver.outcome(position) == expected.signum(), "\(position)")
            #expect(solver.columnScores(position) == columns, "\(position)")
            #expect(tinyTable.columnOutcomes(position) == columns.map { $0?.signum() }, "\(position)")
            let mistakes = (0..<7).filter { columns[$0].map { $0.signum() < expected.signum() } ?? false }
            #expect(Array(solver.mistakes(in: position)) == mistakes, "\(position)")
            #expect(Array(tinyTable.mistakes(in: position)) == mistakes, "\(position)")
            signs[expected.signum(), default: 0] += 1
        }
        // The sample covers wins, draws and losses.
        #expect(signs.count == 3 && signs.values.allSatisfy { $0 >= 10 }, "\(signs)")
        #expect(solver.nodeCount > 0)
    }

    @Test func publicBenchmarkSamples() throws {
        // A few lines of Pascal Pons's public test sets (Test_L3_R1, Test_L2_R1, Test_L2_R2).
        let samples: [(String, Int)] = [
            ("2252576253462244111563365343671351441", -1),
            ("7422341735647741166133573473242566", 1),
            ("23163416124767223154467471272416755633", 0),
            ("5554224333234511764415115", 4),
            ("52753311433677442422121", 8),
            ("1233722555341451114725221333", -1),
            ("274552224131661", 0),
            ("5455174361263362", -1),
            ("2531276566711153", 2),
        ]
        let solver = ConnectFourSolver(tableSizeLog2: 20)
        for (moves, score) in samples {
            let position = try ConnectFour(notation: moves)
            #expect(solver.score(position) == score, "\(moves)")
            #expect(solver.outcome(position) == score.signum(), "\(moves)")
            #expect(solver.columnScores(position).compactMap { $0 }.max() == score, "\(moves)")
        }
    }

    @Test func scoreConventions() throws {
        let solver = ConnectFourSolver(tableSizeLog2: 12)
        // The first player has 4, 5, 6 on the bottom row and wins at once in column 3 or 7
        // (its fourth stone), or with its fifth stone after any other move.
        let threat = try ConnectFour(notation: "445566")
        #expect(solver.score(threat) == (43 - 6) / 2)
        #expect(solver.columnScores(threat) == [17, 17, 18, 17, 17, 17, 18])
        #expect(solver.columnOutcomes(threat) == [1, 1, 1, 1, 1, 1, 1])
        #expect(solver.mistakes(in: threat).isEmpty)
        // Finished games keep the convention: the second player lost to the fourth stone.
        let over = try ConnectFour(notation: "4455667")
        #expect(solver.score(over) == -18)
        #expect(solver.outcome(over) == -1)
        // A full column scores nil (a Test_L3_R1 position: column 4 is full).
        let fullColumn = try ConnectFour(notation: "2252576253462244111563365343671351441")
        #expect(solver.columnScores(fullColumn)[3] == nil)
        #expect(solver.columnScores(fullColumn).compactMap { $0 }.max() == solver.score(fullColumn))
    }

    @Test func perfectPlayersRealizeTheScore() {
        var rng = Xoshiro256(seed: Self.seed ^ 1)
        let player = PerfectPlayer(solver: ConnectFourSolver(tableSizeLog2: 18), seed: 5)
        for index in 0..<100 {
            let start = randomEndgame(empty: 6 + index % 9, using: &rng)
            let score = player.solver.score(start)
            var position = start
            while !position.isTerminal { position.apply(player.chooseAction(in: position)) }
            let mover = start.currentPlayer
            switch position.outcome! {
            case .draw:
                #expect(score == 0, "\(start)")
            case .win(let winner):
                // The winner's stone count when it won is 22 - |score|.
                let stones = (position.moveCount + 1) / 2  // the winner moved last
                #expect(score == (winner == mover ? 22 - stones : stones - 22), "\(start)")
            }
            // Against random replies the perfect side never ends below its value.
            position = start
            let random = RandomPlayer<ConnectFour>(seed: UInt64(index))
            while !position.isTerminal {
                position.apply(
                    position.currentPlayer == mover
                        ? player.chooseAction(in: position) : random.chooseAction(in: position))
            }
            #expect(Int(position.outcome!.value(for: mover)) >= score.signum(), "\(start)")
        }
    }
}
