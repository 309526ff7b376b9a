import GameKit
import Training

extension ReferencePlayer {
    /// The reference players a training configuration names (`evaluation.references` and
    /// `strongerReferences`); throws now for a spec that names no player of `Game`.
    public static func parsing(_ specs: [String], seed: UInt64) throws -> [ReferencePlayer<Game>] {
        try specs.map { text in
            let spec = try PlayerSpec(parsing: text)
            _ = try makePlayer(spec, for: Game.self, seed: seed)
            return ReferencePlayer(name: text, shared: spec.isStateless) { seed in
                try makePlayer(spec, for: Game.self, seed: seed)
            }
        }
    }
}
