import Foundation
import NeuralNet
import Testing

/// Every non-terminal tic-tac-toe position reachable from the start, with its minimax value
/// and optimal moves from the side to move's view, by a tiny self-contained solver.
private struct TicTacToeTable {
    struct Position {
        /// 0 empty, 1 side to move, 2 opponent.
        var cells: [Int8]
        var value: Float
        var bestMoves: [Int]
    }

    private static let lines = [
        [0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6],
    ]
    private(set) var positions: [Position] = []
    private var values: [Int: Float] = [:]

    init() {
        var board = [Int8](repeating: 0, count: 9)
        _ = solve(&board, toMove: 1)
    }

    /// The value for `toMove` (1 or 2) of `board` (0 empty, 1 and 2 stones); records new positions.
    private mutating func solve(_ board: inout [Int8], toMove: Int8) -> Float {
        let key = board.reduce(0) { $0 * 3 + Int($1) }
        if let known = values[key] { return known }
        let opponent: Int8 = 3 - toMove
        if Self.lines.contains(where: { $0.allSatisfy { board[$0] == opponent } }) { return -1 }  // the last move won
        let empty = (0..<9).filter { board[$0] == 0 }
        if empty.isEmpty { return 0 }
        var best: Float = -2, bestMoves: [Int] = []
        for move in empty {
            board[move] = toMove
            let value = -solve(&board, toMove: opponent)
            board[move] = 0
            if value > best { (best, bestMoves) = (value, [move]) } else if value == best { bestMoves.append(move) }
        }
        values[key] = best
        positions.append(
            Position(cells: board.map { $0 == 0 ? 0 : ($0 == toMove ? 1 : 2) }, value: best, bestMoves: bestMoves))
        return best
    }
}

@Suite("Tic-tac-toe value fit")
struct TicTacToeValueTests {
    /// An MLP trained on all 4,520 non-terminal positions (policy target: uniform over the
    /// optimal moves; value target: the minimax value) gets the value right — rounded to the
    /// nearest of −1, 0, 1 — on at least 99% of them.
    @Test("an MLP learns the minimax value of every tic-tac-toe position")
    func fitsMinimax() throws {
        let seed: UInt64 = 1201
        let table = TicTacToeTable()
        let positions = table.positions
        #expect(positions.count == 4520)
        let architecture = NetworkArchitecture(
            body: .mlp(hidden: [128, 128]), inputPlanes: 2, boardHeight: 3, boardWidth: 3,
            actionCount: 9, valueHidden: 64)
        let network = PolicyValueNetwork(architecture: architecture, seed: seed)
        var inputs = [Float](repeating: 0, count: positions.count * 18),
            mask = [Float](repeating: 0, count: positions.count * 9)
        var policy = [Float](repeating: 0, count: positions.count * 9),
            values = [Float](repeating: 0, count: positions.count)
        for (n, position) in positions.enumerated() {
            for cell in 0..<9 where position.cells[cell] != 0 {
                inputs[n * 18 + Int(position.cells[cell] - 1) * 9 + cell] = 1
            }
            for cell in 0..<9 where position.cells[cell] == 0 { mask[n * 9 + cell] = 1 }
            for move in position.bestMoves { policy[n * 9 + move] = 1 / Float(position.bestMoves.count) }
            values[n] = position.value
        }
        var generator = SplitMix64(seed: seed)
        var order = Array(positions.indices)
        let batchSize = 128, epochs = 60
        let stepsPerEpoch = positions.count / batchSize
        var optimizer = Optimizer(
            kind: .adam, learningRate: 3e-3, weightDecay: 0,
            schedule: .cosine(totalSteps: epochs * stepsPerEpoch, finalFactor: 0.05))
        var batch = Batch(architecture, count: batchSize, &generator)
        let start = ContinuousClock.now
        for _ in 0..<epochs {
            order.shuffle(using: &generator)
            for step in 0..<stepsPerEpoch {
                for (slot, index) in order[(step * batchSize)..<((step + 1) * batchSize)].enumerated() {
                    batch.inputs.replaceSubrange(
                        (slot * 18)..<((slot + 1) * 18), with: inputs[(index * 18)..<((index + 1) * 18)])
                    batch.mask.replaceSubrange(
                        (slot * 9)..<((slot + 1) * 9), with: mask[(index * 9)..<((index + 1) * 9)])
                    batch.policyTargets.replaceSubrange(
                        (slot * 9)..<((slot + 1) * 9), with: policy[(index * 9)..<((index + 1) * 9)])
                    batch.valueTargets[slot] = values[index]
                }
                _ = try batch.train(network, &optimizer)
            }
        }
        let trainingTime = ContinuousClock.now - start
        var all = Batch(architecture, count: positions.count, &generator)
        (all.inputs, all.mask, all.policyTargets, all.valueTargets) = (inputs, mask, policy, values)
        let predicted = all.predict(network)
        let rounded = zip(predicted.values, values).filter { ($0.0 > 0.5 ? 1 : $0.0 < -0.5 ? -1 : 0) == $0.1 }.count
        let decisive = values.indices.filter { values[$0] != 0 }
        let signs = decisive.filter { (predicted.values[$0] > 0) == (values[$0] > 0) }.count
        let bestMoveShare = positions.indices.filter { n in
            let row = predicted.policy[(n * 9)..<((n + 1) * 9)]
            return positions[n].bestMoves.contains(row.indices.max { row[$0] < row[$1] }! - n * 9)
        }.count
        let accuracy = Double(rounded) / Double(positions.count)
        print(
            "tic-tac-toe minimax fit (seed \(seed)): \(epochs) epochs in \(trainingTime); value correct (rounded) "
                + "\(rounded)/\(positions.count) = \(accuracy), sign on decisive \(signs)/\(decisive.count), "
                + "top move optimal \(bestMoveShare)/\(positions.count); losses \(all.losses(network))")
        #expect(accuracy >= 0.99)
    }
}
