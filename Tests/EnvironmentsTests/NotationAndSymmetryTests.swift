import Environments
import GameKit
import Testing

/// Random legal games from a recorded seed, as action lists.
func randomGames<G: GameState>(_ type: G.Type, count: Int, seed: UInt64) -> [[Int]] {
    var rng = Xoshiro256(seed: seed)
    return (0..<count).map { _ in
        var state = G()
        var actions: [Int] = []
        let length = Int.random(in: 0...G.maxGameLength, using: &rng)
        while !state.isTerminal && actions.count < length {
            let action = state.legalActions.randomElement(using: &rng)
            actions.append(action)
            state.apply(action)
        }
        return actions
    }
}

func play<G: GameState>(_ actions: [Int], in type: G.Type) -> G {
    var state = G()
    for action in actions { state.apply(action) }
    return state
}

@Suite struct NotationTests {
    func roundTrip<G: GameState>(_ type: G.Type) throws {
        for actions in randomGames(G.self, count: 300, seed: 11) {
            let notation = G.notation(of: actions)
            let parsed = try G(notation: notation)
            #expect(parsed == play(actions, in: G.self), "\(notation)")
            for action in actions { #expect(G.action(named: G.actionName(action)) == action) }
        }
    }

    @Test func randomGamesRoundTrip() throws {
        for game in GameCatalog.all { try roundTrip(game) }
    }

    /// Random strings never crash a parser: each either parses or throws an error inside the string.
    func fuzz<G: GameState>(_ type: G.Type, alphabet: [Character]) {
        var rng = Xoshiro256(seed: 0xF022)
        for _ in 0..<3000 {
            let length = Int.random(in: 0..<40, using: &rng)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
            do {
                let state = try G(notation: text)
                #expect(state.moveCount <= length)
            } catch {
                #expect(error.offset >= 0 && error.offset <= max(0, text.count - 1) + 1, "\(text): \(error)")
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test func parsersSurviveRandomStrings() {
        let noise: [Character] = [" ", "x", "0", "9", "é", "\n", "-", "🙂", "\u{0}"]
        func fuzzWithItsAlphabet<G: GameState>(_ game: G.Type) {
            // The characters of the game's action names, e.g. "1234567" or "abcdefgh12345678pas".
            let alphabet = Set((0..<G.actionCount).flatMap { G.actionName($0) }).sorted()
            fuzz(G.self, alphabet: alphabet + noise)
        }
        for game in GameCatalog.all { fuzzWithItsAlphabet(game) }
    }
}

@Suite struct SymmetryEncodingTests {
    func check<G: GameState>(_ type: G.Type) {
        let shape = G.encodingShape
        var plain = [Float](repeating: 0, count: shape.count)
        var mapped = [Float](repeating: 0, count: shape.count)
        var expected = [Float](repeating: 0, count: shape.count)
        var rng = Xoshiro256(seed: 5150)
        for actions in randomGames(G.self, count: 100, seed: 77) {
            let state = play(actions, in: G.self)
            plain.withUnsafeMutableBufferPointer { state.encode(into: $0) }
            for symmetry in G.symmetries {
                let image = state.transformed(by: symmetry)
                #expect(image.transformed(by: symmetry.inverse) == state)
                #expect(image.currentPlayer == state.currentPlayer)
                #expect(image.outcome == state.outcome)
                // The image's encoding is the original's planes, permuted.
                mapped.withUnsafeMutableBufferPointer { image.encode(into: $0) }
                plain.withUnsafeBufferPointer { source in
                    expected.withUnsafeMutableBufferPointer { symmetry.transformPlanes(source, into: $0) }
                }
                #expect(mapped == expected, "\(G.name) \(symmetry.name)")
                // Legal actions map by the action permutation.
                #expect(Set(image.legalActions) == Set(state.legalActions.map(symmetry.transform(action:))))
                // A policy mapped and mapped back is restored.
                let policy = (0..<G.actionCount).map { _ in rng.nextUnitFloat() }
                var there = [Float](repeating: 0, count: G.actionCount)
                var back = [Float](repeating: 0, count: G.actionCount)
                policy.withUnsafeBufferPointer { p in
                    there.withUnsafeMutableBufferPointer { symmetry.transformPolicy(p, into: $0) }
                }
                there.withUnsafeBufferPointer { p in
                    back.withUnsafeMutableBufferPointer { symmetry.inverse.transformPolicy(p, into: $0) }
                }
                #expect(back == policy)
            }
        }
    }

    @Test func encodingsOfSymmetricStatesArePermutedPlanes() {
        for game in GameCatalog.all { check(game) }
    }

    @Test func encodingIsFromTheSideToMovesView() throws {
        let state = try ConnectFour(notation: "4")
        var planes = [Float](repeating: 0, count: 84)
        planes.withUnsafeMutableBufferPointer { state.encode(into: $0) }
        // Second player to move: its own plane is empty, the opponent's holds the centre stone (bottom row).
        #expect(planes[0..<42].allSatisfy { $0 == 0 })
        #expect(planes[42 + 5 * 7 + 3] == 1)
        #expect(planes.reduce(0, +) == 1)
    }
}
