import Environments
import GameKit
import Search
import Solvers
import Training

/// The player `spec` names, for game `G`, seeded with `seed`.
public func makePlayer<G: GameState>(_ spec: PlayerSpec, for game: G.Type, seed: UInt64) throws -> any GamePlayer<G> {
    switch spec.kind {
    case "random":
        try spec.checkOptions(allowed: [])
        return RandomPlayer<G>(seed: seed)
    case "perfect":
        try spec.checkOptions(allowed: ["table"])
        let tableSizeLog2 = try spec.intOption("table", default: 23, in: 10...30)
        guard let solvable = G.self as? any SolvableGame.Type else {
            let names = GameCatalog.namesWithSolver.joined(separator: " and ")
            throw PlayerError(
                "player 'perfect' needs an exact solver, which \(G.name) does not have; "
                    + "it plays \(names)")
        }
        return perfectPlayer(solvable, tableSizeLog2: tableSizeLog2, seed: seed) as! any GamePlayer<G>
    case "mcts":
        try spec.checkOptions(allowed: ["rollouts", "c", "solver"])
        let rollouts = try spec.intOption("rollouts", default: 1000, in: 1...10_000_000)
        let c = try spec.doubleOption("c", default: 1.4, in: 0...100)
        let solver = try spec.intOption("solver", default: 1, in: 0...1) == 1
        return RolloutMCTSPlayer<G>(simulations: rollouts, explorationConstant: Float(c), solver: solver, seed: seed)
    case "minimax":
        try spec.checkOptions(allowed: ["depth"])
        return MinimaxPlayer<G>(depth: try spec.intOption("depth", default: 5, in: 1...12), seed: seed)
    case "net":
        let model = try NetworkModel(spec, for: G.self)
        let player = PUCTPlayer<G>(
            name: model.label, evaluator: model.evaluator(),
            configuration: model.search, seed: seed)
        player.temperature = model.temperature
        player.temperatureMoves = model.temperatureMoves
        return player
    case "gtp":
        try spec.checkOptions(allowed: ["command", "timeout"])
        let timeout = try spec.doubleOption("timeout", default: 30, in: 0.1...86_400)
        guard let commandLine = spec.options["command"], !commandLine.isEmpty else {
            throw PlayerError("player 'gtp' needs the engine's command line, e.g. gtp:gnugo --mode gtp --level 1")
        }
        guard let speaking = G.self as? any GTPGame.Type else {
            let names = GameCatalog.namesSpeakingGTP.joined(separator: " and ")
            throw PlayerError("player 'gtp' plays games that speak GTP (\(names)), which \(G.name) does not")
        }
        return try gtpPlayer(speaking, name: spec.description, commandLine: commandLine, timeout: timeout)
            as! any GamePlayer<G>
    default:
        let kinds = PlayerSpec.kinds.map(\.kind).joined(separator: ", ")
        throw PlayerError(
            "unknown player '\(abbreviated(spec.kind))'; valid players: \(kinds) "
                + "(`selfplay arena --help` describes them)")
    }
}

/// The perfect player of a game with a solver (`any GamePlayer` of that game).
private func perfectPlayer<G: SolvableGame>(_ game: G.Type, tableSizeLog2: Int, seed: UInt64) -> AnyObject {
    PerfectPlayer(solver: G.makeSolver(tableSizeLog2: tableSizeLog2), seed: seed)
}

/// The GTP player of a game that speaks GTP (`any GamePlayer` of that game).
private func gtpPlayer<G: GTPGame>(
    _ game: G.Type, name: String, commandLine: String, timeout: Double
) throws(PlayerError) -> AnyObject {
    try GTPPlayer<G>(name: name, commandLine: commandLine, timeout: timeout)
}
