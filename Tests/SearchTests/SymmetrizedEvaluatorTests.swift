import Environments
import GameKit
import Search
import Testing

@Suite struct SymmetrizedEvaluatorTests {
    /// Encodings and legal masks of `states`, one after another.
    func batch(_ states: [ConnectFour]) -> (inputs: [Float], masks: [Float]) {
        let size = ConnectFour.encodingShape.count, actions = ConnectFour.actionCount
        var inputs = [Float](repeating: 0, count: states.count * size)
        var masks = [Float](repeating: 0, count: states.count * actions)
        for (index, state) in states.enumerated() {
            inputs.withUnsafeMutableBufferPointer {
                state.encode(into: UnsafeMutableBufferPointer(rebasing: $0[index * size..<(index + 1) * size]))
            }
            for action in state.legalActions { masks[index * actions + action] = 1 }
        }
        return (inputs, masks)
    }

    func evaluate(_ evaluator: any Evaluator, _ states: [ConnectFour]) -> (priors: [Float], values: [Float]) {
        let (inputs, masks) = batch(states)
        var priors = [Float](repeating: .nan, count: states.count * ConnectFour.actionCount)
        var values = [Float](repeating: .nan, count: states.count)
        inputs.withUnsafeBufferPointer { inputs in
            masks.withUnsafeBufferPointer { masks in
                priors.withUnsafeMutableBufferPointer { priors in
                    values.withUnsafeMutableBufferPointer { values in
                        evaluator.evaluate(
                            inputs: inputs, legalMask: masks, count: states.count, priors: priors, values: values)
                    }
                }
            }
        }
        return (priors, values)
    }

    /// A position's mirror image: the same moves, each in the mirrored column.
    func mirrored(_ moves: [Int]) -> ConnectFour {
        var state = ConnectFour()
        for move in moves { state.apply(6 - move) }
        return state
    }

    @Test func mirrorImagesGetMirroredAnswersAndTheMeanOfBothViews() {
        let actions = ConnectFour.actionCount
        var rng = Xoshiro256(seed: 311)
        var games: [[Int]] = []
        while games.count < 40 {
            var state = ConnectFour(), moves: [Int] = []
            for _ in 0..<Int.random(in: 1...20, using: &rng) where !state.isTerminal {
                let move = state.legalActions.randomElement(using: &rng)
                state.apply(move)
                moves.append(move)
            }
            if !state.isTerminal { games.append(moves) }
        }
        let states = games.map { moves in
            var state = ConnectFour()
            for move in moves { state.apply(move) }
            return state
        }
        let images = games.map(mirrored)
        let inner = PositionHashEvaluator(actionCount: actions)
        let plain = evaluate(inner, states), plainImages = evaluate(inner, images)
        let evaluator = SymmetrizedEvaluator(
            inner, symmetries: ConnectFour.symmetries, inputSize: ConnectFour.encodingShape.count,
            actionCount: actions)
        let first = evaluate(evaluator, Array(states.prefix(3)))  // a smaller batch first: the scratch grows
        let averaged = evaluate(evaluator, states), averagedImages = evaluate(evaluator, images)
        #expect(first.priors == Array(averaged.priors.prefix(3 * actions)))
        // The hashing evaluator itself tells mirror images apart.
        #expect(plain.values != plainImages.values)
        for index in states.indices {
            let mean = (plain.values[index] + plainImages.values[index]) / 2
            #expect(abs(averaged.values[index] - mean) < 1e-6)
            #expect(abs(averagedImages.values[index] - mean) < 1e-6)
            var sum: Float = 0
            for action in 0..<actions {
                let prior = averaged.priors[index * actions + action]
                let expected =
                    (plain.priors[index * actions + action]
                        + plainImages.priors[index * actions + 6 - action]) / 2
                #expect(abs(prior - expected) < 1e-6)
                #expect(abs(prior - averagedImages.priors[index * actions + 6 - action]) < 1e-6)
                if !states[index].legalActions.contains(action) { #expect(prior == 0) }
                sum += prior
            }
            #expect(abs(sum - 1) < 1e-5)
        }
    }
}
