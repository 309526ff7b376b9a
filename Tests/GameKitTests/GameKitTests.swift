import GameKit
import Testing

@Suite struct ActionSetTests {
    @Test func insertContainsIterateAcrossBothWords() {
        var rng = Xoshiro256(seed: 0xA11CE)
        for _ in 0..<200 {
            var reference = Set<Int>()
            var set = ActionSet()
            for _ in 0..<Int.random(in: 0..<160, using: &rng) {  // sparse to nearly full
                let action = Int.random(in: 0..<ActionSet.capacity, using: &rng)
                reference.insert(action)
                set.insert(action)
            }
            #expect(set.count == reference.count)
            #expect(Array(set) == reference.sorted())
            for (index, action) in reference.sorted().enumerated() {
                #expect(set.element(at: index) == action)
                #expect(set.contains(action))
            }
            if let removed = reference.first {
                set.remove(removed)
                #expect(!set.contains(removed))
            }
            let before = set
            for outside in [-1, -64, ActionSet.capacity, Int.max] { set.remove(outside) }
            #expect(set == before, "removing an index out of range changes nothing")
        }
    }

    /// Sparse sets take the k-th member, dense ones (a quarter or more of the range) draw until a
    /// member comes up: both uniform, across both words.
    @Test(arguments: [[3, 17, 64, 100], Array(stride(from: 40, to: 100, by: 2))])
    func randomElementIsUniform(members: [Int]) {
        var rng = Xoshiro256(seed: 7)
        var set = ActionSet()
        for action in members { set.insert(action) }
        var counts = [Int: Int]()
        let draws = 20_000 * members.count / 4
        for _ in 0..<draws { counts[set.randomElement(using: &rng), default: 0] += 1 }
        #expect(Set(counts.keys) == Set(members))
        let expected = Double(draws) / Double(members.count)
        let deviation = (expected * (1 - 1 / Double(members.count))).squareRoot()
        for count in counts.values { #expect(abs(Double(count) - expected) < 6 * deviation) }
    }
}

@Suite struct RandomTests {
    @Test func sameSeedSameStreamAndStateRoundTrip() throws {
        var a = Xoshiro256(seed: 42)
        var b = Xoshiro256(seed: 42)
        for _ in 0..<100 { #expect(a.next() == b.next()) }
        var restored = Xoshiro256(words: a.words)
        #expect(restored.next() == a.next())
        var c = Xoshiro256(seed: 43)
        #expect(c.next() != a.next())
    }

    @Test func unitFloatsAndGammaHaveTheRightMoments() {
        var rng = Xoshiro256(seed: 99)
        let n = 50_000
        var sum = 0.0
        for _ in 0..<n {
            let u = rng.nextUnitFloat()
            #expect(u >= 0 && u < 1)
            sum += Double(u)
        }
        #expect(abs(sum / Double(n) - 0.5) < 0.01)
        for shape in [0.3, 1.0, 2.5] {
            var total = 0.0
            for _ in 0..<n { total += rng.nextGamma(shape: shape) }
            #expect(abs(total / Double(n) - shape) < 0.05 * max(1, shape), "Gamma(\(shape)) mean")
        }
    }
}

@Suite struct SymmetryTests {
    @Test func dihedralGroupHasEightDistinctInvertibleMembers() {
        let symmetries = BoardSymmetry.dihedral(size: 4, extraActions: 1)
        #expect(symmetries.count == 8)
        #expect(Set(symmetries.map(\.cellMap)).count == 8)
        #expect(symmetries[0].cellMap == Array(0..<16))
        for symmetry in symmetries {
            #expect(Set(symmetry.cellMap) == Set(0..<16))
            #expect(symmetry.actionMap[16] == 16)
            let inverse = symmetry.inverse
            for cell in 0..<16 { #expect(inverse.cellMap[symmetry.cellMap[cell]] == cell) }
        }
    }
}

@Suite struct NotationTests {
    /// A coordinate's line number: 1...side, no leading zero, the offset after its digits returned.
    @Test func lineNumbersAreReadInRangeWithoutLeadingZeros() throws {
        let characters = Array("a10b1c01d0e12")
        func read(_ start: Int) throws(NotationError) -> (number: Int, end: Int) {
            try NotationError.lineNumber(in: characters, from: start, side: 11, else: "no line")
        }
        #expect(try read(1) == (10, 3))
        #expect(try read(4) == (1, 5))
        #expect(throws: NotationError(offset: 6, "no line")) { try read(6) }
        #expect(throws: NotationError(offset: 9, "no line")) { try read(9) }
        #expect(throws: NotationError(offset: 11, "no line")) { try read(11) }
        #expect(throws: NotationError(offset: 13, "no line")) { try read(13) }
    }
}
