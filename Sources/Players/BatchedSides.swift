import GameKit
import Training

/// One side of a match of many games in flight: a network searches all its games in one batch;
/// other players play one instance per game (one for all, when stateless).
public func makeSide<G: GameState>(
    _ text: String, for game: G.Type, slots: Int, seed: UInt64
) throws
    -> any BatchedSide<G>
{
    let spec = try PlayerSpec(parsing: text)
    if spec.kind == "net" {
        let model = try NetworkModel(spec, for: G.self)
        return NetworkSide<G>(
            name: model.label, evaluator: model.evaluator(),
            configuration: model.search, slots: slots,
            temperatureMoves: model.temperature > 0 ? model.temperatureMoves : 0, temperature: model.temperature,
            seed: seed)
    }
    let first = try makePlayer(spec, for: G.self, seed: seed)
    if spec.isStateless { return PlayerSide<G>(name: spec.description, slots: slots) { _ in first } }
    // Slot seeds spread far apart, so that the slots of nearby seeds (an experiment's 1, 2, 3) do not overlap.
    return try PlayerSide<G>(name: spec.description, slots: slots) { slot in
        slot == 0 ? first : try makePlayer(spec, for: G.self, seed: seed &+ UInt64(slot) &* 0x9E37_79B9_7F4A_7C15)
    }
}
