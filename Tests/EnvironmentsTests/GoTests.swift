import Environments
import GameKit
import Testing

@Suite struct GoTests {
    static func point(_ name: String) -> Int { Go7.action(named: name)! }

    @Test func aCornerCapture() throws {
        let state = try Go7(notation: "B1 A1 A2")
        #expect(state.stones(of: .second) == 0)
        #expect(state.stones(of: .first).nonzeroBitCount == 2)
        #expect(state.legalActions.contains(Self.point("A1")) == false)  // now suicide for White
    }

    @Test func suicideIsRefused() throws {
        // White's lone stone on A1 would have no liberty and capture nothing.
        let state = try Go7(notation: "B1 pass A2")
        #expect(!state.legalActions.contains(Self.point("A1")))
        #expect(throws: NotationError(offset: 12, "move A1 is illegal here")) { try Go7(notation: "B1 pass A2  A1") }
        // Filling one's own last liberty with several stones is suicide as well.
        let chain = try Go7(notation: "A2 B1 A3 B2 pass B3 pass A4")
        #expect(!chain.legalActions.contains(Self.point("A1")))
    }

    @Test func koForbidsTheImmediateRecapture() throws {
        // Black's mouth D5 C4 D3 around D4, White's E5 F4 E3 around E4; White enters at D4,
        // Black takes it from E4.
        let ko = try Go7(notation: "D5 E5 C4 F4 D3 E3 A1 D4 E4")
        #expect(ko.stones(of: .second) & (1 << UInt128(Self.point("D4"))) == 0)
        #expect(!ko.legalActions.contains(Self.point("D4")))
        // After a threat and its answer, the recapture is a new position and legal.
        var later = ko
        later.apply(Self.point("A7"))
        later.apply(Self.point("B7"))
        #expect(later.legalActions.contains(Self.point("D4")))
        later.apply(Self.point("D4"))
        #expect(later.stones(of: .first) & (1 << UInt128(Self.point("E4"))) == 0)
    }

    /// A random OpenSpiel 2.0.2 game (recorded) where Black's G5 would capture G4 and recreate
    /// the board after move 15: illegal here (positional superko). OpenSpiel plays it and scores
    /// the game a draw.
    @Test func positionalSuperkoIsRefused() throws {
        let moves =
            "B2 C6 E1 E3 C2 A6 E5 B6 pass A5 C3 A2 A7 B1 G5 F6 C1 C7 E4 B4 B5 G1 F3 A1 D1 F1 E7 E6 D2 C5 "
            + "G3 F5 E2 F7 D4 G7 F4 D6 B3 B5 D3 A4 G6 G4"
        let state = try Go7(notation: moves)
        let g5 = Self.point("G5")
        #expect(!state.legalActions.contains(g5))
        // G5 has an empty neighbour (G6), so only the repetition forbids it.
        #expect(state.legalActions.contains(Self.point("G6")))
    }

    /// The playouts' move choice, which checks superko only for the move it draws, never draws a
    /// move superko forbids and draws every legal action equally often (within five standard
    /// errors); playouts with it win as often as ones drawing from `legalActions`.
    @Test func randomActionsAreUniformOverTheLegalActions() throws {
        let moves =
            "B2 C6 E1 E3 C2 A6 E5 B6 pass A5 C3 A2 A7 B1 G5 F6 C1 C7 E4 B4 B5 G1 F3 A1 D1 F1 E7 E6 D2 C5 "
            + "G3 F5 E2 F7 D4 G7 F4 D6 B3 B5 D3 A4 G6 G4"
        let superko = try Go7(notation: moves)
        let ko = try Go7(notation: "D5 E5 C4 F4 D3 E3 A1 D4 E4")
        var rng = Xoshiro256(seed: 7)
        for state in [superko, ko, Go7()] {
            let legal = Set(state.legalActions)
            let draws = 200 * legal.count
            var counts: [Int: Int] = [:]
            for _ in 0..<draws {
                var next = state
                next.playRandomAction(using: &rng)
                counts[next.history.last!, default: 0] += 1
            }
            #expect(Set(counts.keys) == legal)
            let p = 1 / Double(legal.count)
            let bound = 5 * (Double(draws) * p * (1 - p)).squareRoot()
            #expect(counts.values.allSatisfy { abs(Double($0) - Double(draws) * p) <= bound })
        }
        for (state, seed) in [(superko, UInt64(8)), (ko, 9), (Go7(), 10)] {
            expectPlayoutsWinAsOftenAsMoveByMove(state, seed: seed, playouts: 4000)
        }
    }

    @Test func scoringCountsAreaAndKomi() throws {
        // Black walls off columns A-D (28 points), White E-G (21): 28 - 21 - 7.5 = -0.5.
        let moves = (1...7).map { "D\($0) E\($0)" }.joined(separator: " ") + " pass pass"
        let state = try Go7(notation: moves)
        #expect(state.isTerminal)
        #expect(state.score == -0.5)
        #expect(state.outcome == .win(.second))
        #expect(try Go7(notation: "pass pass").score == -7.5)
    }

    @Test func sgfOfAFinishedGame() throws {
        let actions = try Go7.parseActions("D4 E5 pass C3 pass pass").map(\.action)
        #expect(
            Go7.sgf(of: actions)
                == "(;GM[1]FF[4]CA[UTF-8]SZ[7]KM[7.5]RU[Tromp-Taylor]RE[W+8.5];B[dd];W[ec];B[];W[ce];B[];W[])")
        #expect(Go9.sgf(of: [0, 80]) == "(;GM[1]FF[4]CA[UTF-8]SZ[9]KM[7.5]RU[Tromp-Taylor];B[ai];W[ia])")
    }

    @Test func notationAndRendering() throws {
        #expect(Go9.actionName(0) == "A1" && Go9.actionName(8) == "J1" && Go9.actionName(80) == "J9")
        #expect(Go9.actionName(Go9.passAction) == "pass" && Go9.passAction == 81)
        #expect(try Go9.parseActions("j9 h8 PASS").map(\.action) == [80, 70, 81])
        #expect(throws: NotationError(offset: 0, "'I' is not a column ABCDEFGHJ or 'pass'")) { try Go9(notation: "I5") }
        #expect(throws: NotationError(offset: 1, "a move needs a line 1-7 after its column")) {
            try Go7(notation: "A8")
        }
        let state = try Go7(notation: "D4 C3")
        #expect(
            state.description == """
                   A B C D E F G
                 7 . . . . . . . 7
                 6 . . . . . . . 6
                 5 . . . . . . . 5
                 4 . . . X . . . 4
                 3 . . O . . . . 3
                 2 . . . . . . . 2
                 1 . . . . . . . 1
                   A B C D E F G
                """)
    }

    @Test func gamesEndAtTheMoveCap() {
        var rng = Xoshiro256(seed: 0x60CA)
        var state = Go7()
        while !state.isTerminal {
            var legal = state.legalActions
            if legal.count > 1 { legal.remove(Go7.passAction) }
            state.apply(legal.randomElement(using: &rng))
        }
        #expect(state.moveCount == Go7.maxGameLength && Go7.maxGameLength == 98 && Go9.maxGameLength == 162)
        #expect(state.outcome != nil)
    }

    /// Fixed-size state: measured, and stated in `GoGame`'s documentation.
    @Test func stateSize() {
        #expect(MemoryLayout<Go9>.size == 1722)
        #expect(MemoryLayout<Go7>.size == 1146)
    }

    /// Random games (recorded seed) against a plain grid implementation of the same rules, on 7×7
    /// (bitboards in 64-bit words) and 9×9 (128-bit words).
    @Test func rulesAgreeWithAPlainGrid() {
        expectRulesAgreeWithAPlainGrid(Go7.self, games: 300, seed: 0x6060)
        expectRulesAgreeWithAPlainGrid(Go9.self, games: 100, seed: 0x6061)
    }

    func expectRulesAgreeWithAPlainGrid<Size>(_ game: GoGame<Size>.Type, games: Int, seed: UInt64) {
        var rng = Xoshiro256(seed: seed)
        var refusedBySuperko = 0
        for _ in 0..<games {
            var state = GoGame<Size>()
            var reference = PlainGo(side: Size.side)
            while !state.isTerminal {
                let expected = reference.legalPoints()
                let legal = state.legalActions
                #expect(Set(legal) == Set(expected + [game.passAction]), "\(state)")
                refusedBySuperko += reference.superkoRefusals
                let action = legal.randomElement(using: &rng)
                if action != game.passAction { reference.play(action) } else { reference.pass() }
                state.apply(action)
                #expect(state.stones(of: .first) == reference.bits(1) && state.stones(of: .second) == reference.bits(2))
            }
            #expect(state.score == reference.score(komi: Size.komi))
        }
        #expect(refusedBySuperko > 0)
    }
}

/// Go on a plain grid (0 empty, 1 black, 2 white) with whole boards remembered, for cross-checks.
struct PlainGo {
    let side: Int
    var grid: [Int]
    var toMove = 1
    var history: Set<[Int]>
    /// How many moves the last `legalPoints()` refused only because they repeat a board.
    var superkoRefusals = 0

    init(side: Int) {
        self.side = side
        grid = [Int](repeating: 0, count: side * side)
        history = [grid]
    }

    func neighbours(_ point: Int) -> [Int] {
        let (row, column) = (point / side, point % side)
        return [(row - 1, column), (row + 1, column), (row, column - 1), (row, column + 1)]
            .filter { (0..<side).contains($0.0) && (0..<side).contains($0.1) }.map { $0.0 * side + $0.1 }
    }

    /// The chain through `point` and whether it has a liberty.
    func chain(_ board: [Int], _ point: Int) -> (stones: [Int], free: Bool) {
        var stones = [point], seen: Set = [point], free = false
        var index = 0
        while index < stones.count {
            for next in neighbours(stones[index]) {
                if board[next] == 0 { free = true }
                if board[next] == board[point] && seen.insert(next).inserted { stones.append(next) }
            }
            index += 1
        }
        return (stones, free)
    }

    /// The board after `toMove` plays `point`, or nil for suicide.
    func after(_ point: Int) -> [Int]? {
        var board = grid
        board[point] = toMove
        for next in neighbours(point) where board[next] == 3 - toMove {
            let (stones, free) = chain(board, next)
            if !free { for stone in stones { board[stone] = 0 } }
        }
        return chain(board, point).free ? board : nil
    }

    mutating func legalPoints() -> [Int] {
        superkoRefusals = 0
        return (0..<grid.count).filter { point in
            guard grid[point] == 0, let board = after(point) else { return false }
            if history.contains(board) { superkoRefusals += 1; return false }
            return true
        }
    }

    mutating func play(_ point: Int) {
        grid = after(point)!
        history.insert(grid)
        toMove = 3 - toMove
    }

    mutating func pass() { toMove = 3 - toMove }

    func bits(_ colour: Int) -> UInt128 {
        (0..<grid.count).reduce(0) { grid[$1] == colour ? $0 | 1 << UInt128($1) : $0 }
    }

    func score(komi: Double) -> Double {
        var area = grid.filter { $0 == 1 }.count - grid.filter { $0 == 2 }.count
        var counted = Set<Int>()
        for point in 0..<grid.count where grid[point] == 0 && !counted.contains(point) {
            let (region, _) = chain(grid, point)
            counted.formUnion(region)
            let borders = Set(region.flatMap(neighbours).map { grid[$0] })
            if borders.contains(1) != borders.contains(2) { area += borders.contains(1) ? region.count : -region.count }
        }
        return Double(area) - komi
    }
}
