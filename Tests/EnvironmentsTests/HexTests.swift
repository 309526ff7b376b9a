import Environments
import GameKit
import Testing

@Suite struct HexTests {
    @Test func eachSideWinsByJoiningItsOwnEdges() throws {
        // Black (first) fills column a, top to bottom; White's column g joins nothing.
        let black = try Hex7(notation: "a1g1a2g2a3g3a4g4a5g5a6g6")
        #expect(!black.isTerminal)
        var won = black
        won.apply(Hex7.action(named: "a7")!)
        #expect(won.outcome == .win(.first) && won.moveCount == 13)
        // White (second) fills row 1, left to right; Black's row 3 joins nothing.
        let white = try Hex7(notation: "a3a1b3b1c3c1d3d1e3e1f3f1a5g1")
        #expect(white.outcome == .win(.second))
        #expect(white.legalActions.isEmpty)
    }

    /// Cells (r, c) and (r+1, c-1) touch; (r, c) and (r+1, c+1) do not.
    @Test func adjacencyFollowsTheRhombus() throws {
        let antiDiagonal = ["k1", "j2", "i3", "h4", "g5", "f6", "e7", "d8", "c9", "b10", "a11"]
        let filler = ["a1", "b1", "c1", "d1", "e1", "f1", "g1", "h1", "i1", "j1"]
        var moves: [String] = []
        for index in 0..<10 { moves += [antiDiagonal[index], filler[index]] }
        let open = try Hex(notation: moves.joined())
        #expect(!open.isTerminal)
        var won = open
        won.apply(Hex.action(named: "a11")!)
        #expect(won.outcome == .win(.first))
        let diagonal = (0..<7).map { "\(Character(UnicodeScalar(UInt8(ascii: "a") + UInt8($0))))\($0 + 1)" }
        let whiteRow = ["a7", "b7", "c7", "d7", "e7", "f7"]
        var notation = ""
        for index in 0..<6 { notation += diagonal[index] + whiteRow[index] }
        let broken = try Hex7(notation: notation + diagonal[6])
        #expect(!broken.isTerminal)
    }

    /// Random games (recorded seed) against a plain breadth-first search over a grid.
    @Test func winsAgreeWithAPlainSearch() {
        var rng = Xoshiro256(seed: 0x4E4E)
        for _ in 0..<500 {
            var state = Hex7()
            var grid = [Int](repeating: -1, count: 49)
            while !state.isTerminal {
                let mover = state.currentPlayer
                let cell = state.legalActions.randomElement(using: &rng)
                grid[cell] = Int(mover.rawValue)
                state.apply(cell)
                #expect(state.outcome == (Self.connects(grid, mover, side: 7) ? .win(mover) : nil))
            }
        }
    }

    static func connects(_ grid: [Int], _ player: Player, side: Int) -> Bool {
        let color = Int(player.rawValue)
        func isStart(_ cell: Int) -> Bool { player == .first ? cell < side : cell % side == 0 }
        func isEnd(_ cell: Int) -> Bool { player == .first ? cell / side == side - 1 : cell % side == side - 1 }
        var frontier = (0..<grid.count).filter { grid[$0] == color && isStart($0) }
        var reached = Set(frontier)
        while let cell = frontier.popLast() {
            if isEnd(cell) { return true }
            let (row, column) = (cell / side, cell % side)
            for (dr, dc) in [(-1, 0), (-1, 1), (0, 1), (1, 0), (1, -1), (0, -1)] {
                let (r, c) = (row + dr, column + dc)
                guard (0..<side).contains(r), (0..<side).contains(c) else { continue }
                let next = r * side + c
                if grid[next] == color && reached.insert(next).inserted { frontier.append(next) }
            }
        }
        return false
    }

    @Test func notationAndRendering() throws {
        #expect(Hex.actionName(0) == "a1" && Hex.actionName(120) == "k11" && Hex.actionName(11) == "a2")
        #expect(try Hex.parseActions("k11a10").map(\.action) == [120, 99])
        #expect(throws: NotationError(offset: 1, "a move needs a row 1-7 after its column")) {
            try Hex7(notation: "a8")
        }
        #expect(throws: NotationError(offset: 0, "'h' is not a column a-g")) { try Hex7(notation: "h1") }
        #expect(throws: NotationError(offset: 2, "move a1 is illegal here")) { try Hex7(notation: "a1a1") }
        let state = try Hex7(notation: "d4c5")
        #expect(
            state.description == """
                   a b c d e f g
                 1 . . . . . . . 1
                  2 . . . . . . . 2
                   3 . . . . . . . 3
                    4 . . . X . . . 4
                     5 . . O . . . . 5
                      6 . . . . . . . 6
                       7 . . . . . . . 7
                """)
    }

    @Test func theRotationKeepsEachSidesEdges() throws {
        #expect(Hex.symmetries.map(\.name) == ["identity", "rotate 180"])
        let state = try Hex7(notation: "a1g1a2g2a3g3a4g4a5g5a6g6")
        let rotated = state.transformed(by: Hex7.symmetries[1])
        #expect(rotated.stones(of: .first) != state.stones(of: .first))
        // Black's column a became column g, still one move from joining top and bottom.
        var won = rotated
        won.apply(Hex7.action(named: "g1")!)
        #expect(won.outcome == .win(.first))
    }

    /// The transposition carries a position of one side, as the network sees it, onto one of the other
    /// side: `b1 c3 d4 e5` (Black to move) transposed is, from White's view, `b1 swap c3 d4 e5`
    /// (White's a2 and d4 against Black's c3 and e5), and the transposed policy follows the cells.
    @Test func theTranspositionSwapsTheSides() throws {
        #expect(Hex.sideSwappingSymmetries.map(\.name) == ["transpose", "anti-transpose"])
        #expect(HexSwap.sideSwappingSymmetries.allSatisfy { $0.transform(action: HexSwap.swapAction) == 121 })
        let black = try Hex7(notation: "b1c3d4e5")
        let white = try Hex7Swap(notation: "b1 swap c3 d4 e5")
        #expect(black.currentPlayer == .first && white.currentPlayer == .second)
        let shape = Hex7.encodingShape
        var planes = [Float](repeating: 0, count: shape.count)
        var expected = planes, transposed = planes
        planes.withUnsafeMutableBufferPointer { black.encode(into: $0) }
        expected.withUnsafeMutableBufferPointer { white.encode(into: $0) }
        let transpose = Hex7.sideSwappingSymmetries[0]
        planes.withUnsafeBufferPointer { source in
            transposed.withUnsafeMutableBufferPointer { transpose.transformPlanes(source, into: $0) }
        }
        #expect(transposed == expected && transposed != planes)
        #expect(transpose.transform(action: Hex7.action(named: "b1")!) == Hex7.action(named: "a2")!)
    }

    /// Transposing a full board and swapping its colours hands the win to the other side
    /// (500 random boards, recorded seed): the transposition keeps the cells' adjacency.
    @Test func transposedBoardsWithColoursSwappedChangeWinner() {
        var rng = Xoshiro256(seed: 0x7A5E)
        let transpose = Hex7.sideSwappingSymmetries[0]
        for _ in 0..<500 {
            let grid = (0..<49).map { _ in Int.random(in: 0...1, using: &rng) }
            var image = grid
            for cell in 0..<49 { image[transpose.cellMap[cell]] = 1 - grid[cell] }
            #expect(Self.connects(grid, .first, side: 7) == Self.connects(image, .second, side: 7))
            #expect(Self.connects(grid, .first, side: 7) != Self.connects(grid, .second, side: 7))
        }
    }

    @Test func encodingMarksTheEdgesOfTheSideToMove() throws {
        let state = try Hex7(notation: "d4")
        var planes = [Float](repeating: 0, count: Hex7.encodingShape.count)
        planes.withUnsafeMutableBufferPointer { state.encode(into: $0) }
        // White to move: no own stone, Black's d4 in the opponent plane, columns a and g marked.
        #expect(planes[0..<49].allSatisfy { $0 == 0 })
        #expect(planes[49 + 3 * 7 + 3] == 1 && planes[49..<98].reduce(0, +) == 1)
        let edges = (0..<49).filter { planes[98 + $0] == 1 }
        #expect(edges == (0..<49).filter { $0 % 7 == 0 || $0 % 7 == 6 })
    }

    /// The swap rule (OpenSpiel's `swap=True`): the second move may mirror the first stone into
    /// the second player's across the long diagonal; then the first player moves.
    @Test func swapMirrorsTheFirstStoneForTheSecondPlayer() throws {
        let opened = try Hex7Swap(notation: "b1")
        #expect(opened.legalActions.count == 49 && opened.legalActions.contains(Hex7Swap.swapAction))
        let swapped = try Hex7Swap(notation: "b1 swap")
        #expect(swapped.stones(of: .first) == 0 && swapped.currentPlayer == .first && swapped.moveCount == 2)
        #expect(swapped.stones(of: .second) == UInt128(1) << UInt128(Hex7Swap.action(named: "a2")!))
        #expect(swapped.legalActions.count == 48 && !swapped.legalActions.contains(Hex7Swap.swapAction))
        #expect(Hex7Swap.notation(of: [1, Hex7Swap.swapAction]) == "b1swap")
        #expect(HexSwap.actionCount == 122 && HexSwap.action(named: "swap") == 121)
        #expect { try Hex7Swap(notation: "swap") } throws: { "\($0)" == "at character 1: move swap is illegal here" }
        #expect { try Hex7Swap(notation: "b1c3swap") } throws: { "\($0)".contains("move swap is illegal here") }
        #expect { try Hex7(notation: "b1swap") } throws: { "\($0)".contains("'s' is not a column a-g") }
    }

    @Test func aSwappedStoneJoinsItsNewOwnersEdgeAndLeavesTheOldOnes() throws {
        // d1 becomes White's a4, on White's left edge: b4-g4 then complete White's row.
        let row = try Hex7Swap(notation: "d1swapa1b4b1c4c1d4e1e4f1f4g1")
        #expect(!row.isTerminal)
        var won = row
        won.apply(Hex7Swap.action(named: "g4")!)
        #expect(won.outcome == .win(.second) && won.moveCount == 14)
        // Black's d2-d7 touches the bottom but not the top row, where d1 no longer is Black's.
        let column = try Hex7Swap(notation: "d1swapd2a7d3b7d4c7d5e7d6f7d7")
        #expect(!column.isTerminal && column.legalActions.count == 37)
    }

    /// The board-filling playout has the move-by-move playout's distribution: equal first-player win
    /// rates (within four standard errors of the difference) from positions early and late, with and
    /// without the swap rule still open, and the same result where one cell is left.
    @Test func fillingPlayoutsWinAsOftenAsPlayingMoveByMove() throws {
        func compare<G: GameState>(_ position: G, seed: UInt64) {
            expectPlayoutsWinAsOftenAsMoveByMove(position, seed: seed, playouts: 20_000)
        }
        compare(Hex7(), seed: 1)
        compare(try Hex7(notation: "d4c5e3"), seed: 2)
        compare(try Hex(notation: "f6e7g5c3i9b2"), seed: 3)
        compare(Hex7Swap(), seed: 4)
        compare(try Hex7Swap(notation: "b2"), seed: 5)
        var nearlyFull = Hex7()
        var rng = Xoshiro256(seed: 6)
        while nearlyFull.legalActions.count > 1 || nearlyFull.isTerminal {
            nearlyFull = Hex7()
            for _ in 0..<48 where !nearlyFull.isTerminal {
                nearlyFull.apply(nearlyFull.legalActions.randomElement(using: &rng))
            }
        }
        var last = nearlyFull
        last.apply(last.legalActions.randomElement(using: &rng))  // the one cell left
        #expect(nearlyFull.randomPlayoutValue(using: &rng) == last.outcome!.value(for: nearlyFull.currentPlayer))
    }

    @Test func stateStaysSmall() {
        #expect(MemoryLayout<Hex>.size <= 112)
    }
}
