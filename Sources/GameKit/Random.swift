import Foundation

/// xoshiro256** (Blackman and Vigna): a small, fast, seedable generator used by everything
/// in SelfPlay that samples, so that one seed reproduces a run.
public struct Xoshiro256: RandomNumberGenerator, Sendable, Hashable, Codable {
    @usableFromInline var state: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the four state words from `seed` with SplitMix64, as the authors recommend.
    public init(seed: UInt64) {
        var s = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(&s), splitMix(&s), splitMix(&s), splitMix(&s))
    }

    /// Restores a generator from its four state words (see `words`).
    public init(words: [UInt64]) {
        precondition(words.count == 4 && words.contains { $0 != 0 }, "xoshiro256 needs four words, not all zero")
        state = (words[0], words[1], words[2], words[3])
    }

    /// The four state words, for checkpointing.
    public var words: [UInt64] { [state.0, state.1, state.2, state.3] }

    @inlinable public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    @inlinable func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform `Float` in [0, 1).
    @inlinable public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * (1.0 / Float(1 << 24)) }

    /// A uniform `Double` in [0, 1).
    @inlinable public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * (1.0 / Double(UInt64(1) << 53))
    }

    /// A generator for an independent stream, derived from this one's next output and `stream`.
    public mutating func split(stream: UInt64) -> Xoshiro256 {
        Xoshiro256(seed: next() ^ (stream &* 0x9E37_79B9_7F4A_7C15))
    }

    public static func == (a: Xoshiro256, b: Xoshiro256) -> Bool { a.words == b.words }
    public func hash(into hasher: inout Hasher) { hasher.combine(words) }

    public init(from decoder: any Decoder) throws {
        let words = try decoder.singleValueContainer().decode([UInt64].self)
        guard words.count == 4, words.contains(where: { $0 != 0 }) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "xoshiro256 state must be four words, not all zero"))
        }
        self.init(words: words)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(words)
    }
}

extension RandomNumberGenerator {
    /// A sample from Gamma(shape, 1) by Marsaglia and Tsang's method (with the boost for shape < 1).
    public mutating func nextGamma(shape: Double) -> Double {
        if shape < 1 {
            let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &self)
            return nextGamma(shape: shape + 1) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1.0 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = nextStandardNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = Double.random(in: 0..<1, using: &self)
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A standard normal sample (Box–Muller).
    public mutating func nextStandardNormal() -> Double {
        let u1 = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// A strong 64-bit mixer (the SplitMix64 finalizer), for position keys.
@inlinable public func mix64(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
