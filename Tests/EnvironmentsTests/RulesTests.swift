import Environments
import GameKit
import Testing

@Suite struct ConnectFourRulesTests {
    @Test func winsInEveryDirection() throws {
        #expect(try ConnectFour(notation: "1212121").outcome == .win(.first))  // vertical
        #expect(try ConnectFour(notation: "1122334").outcome == .win(.first))  // horizontal
        #expect(try ConnectFour(notation: "12233634444").outcome == .win(.first))  // diagonal /
        #expect(try ConnectFour(notation: "43322121151").outcome == .win(.first))  // diagonal \
        #expect(try ConnectFour(notation: "71212121").outcome == .win(.second))
    }

    /// Plays random games (recorded seed) and checks every position against a plain 6×7 grid.
    @Test func bitboardsAgreeWithAPlainGrid() {
        var rng = Xoshiro256(seed: 0xC4C4)
        var draws = 0
        for _ in 0..<2000 {
            var state = ConnectFour()
            var grid = [[Int]](repeating: [Int](repeating: -1, count: 6), count: 7)  // grid[column][row]
            while !state.isTerminal {
                let column = state.legalActions.randomElement(using: &rng)
                let row = grid[column].firstIndex(of: -1)!
                let mover = state.currentPlayer
                grid[column][row] = Int(mover.rawValue)
                state.apply(column)
                var four = false
                for (dc, dr) in [(1, 0), (0, 1), (1, 1), (1, -1)] {
                    var run = 1
                    for sign in [1, -1] {
                        var c = column + sign * dc, r = row + sign * dr
                        while (0..<7).contains(c), (0..<6).contains(r), grid[c][r] == Int(mover.rawValue) {
                            run += 1; c += sign * dc; r += sign * dr
                        }
                    }
                    four = four || run >= 4
                }
                #expect(state.outcome == (four ? .win(mover) : state.moveCount == 42 ? .draw : nil))
                for c in 0..<7 { #expect(state.legalActions.contains(c) == (!state.isTerminal && grid[c][5] == -1)) }
            }
            if state.outcome == .draw { draws += 1 }
        }
        #expect(draws > 0)
    }

    @Test func errorsNameThePlaceInTheString() {
        #expect(throws: NotationError(offset: 6, "move 1 is illegal here")) { try ConnectFour(notation: "1111111") }
        #expect(throws: NotationError(offset: 7, "move 3 after the game ended (first player wins)")) {
            try ConnectFour(notation: "12121213")
        }
        #expect(throws: NotationError(offset: 2, "'8' is not a column; Connect Four columns are 1-7")) {
            try ConnectFour(notation: "448")
        }
        #expect(throws: NotationError.self) { try ConnectFour(notation: "4 4") }
    }
}

@Suite struct OthelloRulesTests {
    @Test func openingMovesAndFlips() throws {
        let start = Othello()
        #expect(start.legalActions.map(Othello.actionName) == ["d3", "c4", "f5", "e6"])
        let state = try Othello(notation: "f5")
        #expect(state.discs(of: .first).nonzeroBitCount == 4)
        #expect(state.discs(of: .second).nonzeroBitCount == 1)
        #expect(state.legalActions.map(Othello.actionName) == ["f4", "d6", "f6"])
    }

    /// The shortest Othello games last nine moves, and all of them are wipe-outs.
    @Test func shortestGamesAreNineMoveWipeOuts() {
        var terminalCounts = [Int](repeating: 0, count: 10)
        var allWipeOuts = true
        func walk(_ state: Othello, depth: Int) {
            if state.isTerminal {
                terminalCounts[state.moveCount] += 1
                allWipeOuts = allWipeOuts && (state.discs(of: .first) == 0 || state.discs(of: .second) == 0)
                return
            }
            guard depth > 0 else { return }
            for action in state.legalActions {
                var child = state
                child.apply(action)
                walk(child, depth: depth - 1)
            }
        }
        walk(Othello(), depth: 9)
        #expect(terminalCounts[0..<9].allSatisfy { $0 == 0 })
        #expect(terminalCounts[9] > 0)
        #expect(allWipeOuts)
    }

    @Test func passIsTheOnlyMoveWhenNoPlacementExists() {
        // Random games from a recorded seed: whenever pass is legal it is the only legal action,
        // and a game never has two passes in a row.
        var rng = Xoshiro256(seed: 31337)
        var passes = 0
        for _ in 0..<300 {
            var state = Othello()
            var previousWasPass = false
            while !state.isTerminal {
                let legal = state.legalActions
                if legal.contains(Othello.passAction) {
                    #expect(legal.count == 1)
                    #expect(!previousWasPass)
                    passes += 1
                }
                let action = legal.randomElement(using: &rng)
                previousWasPass = action == Othello.passAction
                state.apply(action)
            }
            #expect(state.moveCount <= Othello.maxGameLength)
        }
        #expect(passes > 0)
    }

    @Test func badNotation() {
        #expect(throws: NotationError(offset: 0, "move a1 is illegal here")) { try Othello(notation: "a1") }
        #expect(throws: NotationError(offset: 2, "'z' is not a file a-h or 'pass'")) { try Othello(notation: "f5z9") }
        #expect(throws: NotationError(offset: 1, "a move needs a rank 1-8 after its file")) {
            try Othello(notation: "f")
        }
        #expect(throws: NotationError(offset: 0, "move pass is illegal here")) { try Othello(notation: "pass") }
    }
}

@Suite struct TicTacToeRulesTests {
    @Test func outcomes() throws {
        #expect(try TicTacToe(notation: "14253").outcome == .win(.first))
        #expect(try TicTacToe(notation: "415293").outcome == .win(.second))
        #expect(try TicTacToe(notation: "123546879").outcome == .draw)
    }
}
