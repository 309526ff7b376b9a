import ArgumentParser
import Environments
import Foundation
import GameKit
import NeuralNet
import Search
import Training

/// A trained network named by a `net:` player spec, with the search settings to play it with.
///
/// `net:PATH` takes a run directory (its best generation, or `gen=N`) or a `model.safetensors`
/// file. Options: `gen=N`, `sims=N` (simulations per move), `temperature=T` with `moves=K`
/// (sample the first K moves with temperature T).
struct NetworkSpec {
    var network: PolicyValueNetwork
    var search: SearchConfiguration
    var label: String
    var temperature: Float
    var temperatureMoves: Int

    static let options = ["path", "gen", "sims", "temperature", "moves"]

    init<G: GameState>(_ spec: PlayerSpec, for game: G.Type) throws {
        try spec.checkOptions(allowed: Self.options)
        guard let path = spec.options["path"] else { throw ValidationError("player 'net' needs a path: net:path=RUN_OR_FILE[,sims=N]") }
        let url = URL(fileURLWithPath: path)
        var search = TrainingConfiguration.defaults(for: G.name).search
        var simulations = TrainingConfiguration.defaults(for: G.name).evaluation.simulations
        let modelURL: URL
        let run = RunDirectory(url: url)
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if run.exists {
            let configuration = try run.loadConfiguration()
            guard configuration.game == G.name else { throw ValidationError("\(path) is a \(configuration.game) run, not \(G.name)") }
            try run.checkConfiguration(configuration)
            search = configuration.search
            simulations = configuration.evaluation.simulations
            guard let last = run.completeGenerations().last else { throw ValidationError("\(path) has no complete generation yet") }
            let generation = try spec.intOption("gen", default: try run.loadManifest(last, verifyFiles: false).best, in: 0...last)
            _ = try run.loadManifest(generation)
            modelURL = run.modelURL(generation)
            label = "net:\(url.lastPathComponent)/gen\(generation)"
        } else {
            guard spec.options["gen"] == nil else { throw ValidationError("player 'net': gen= needs a run directory, \(path) is not one") }
            guard exists else { throw ValidationError("player 'net': \(path) does not exist") }
            if isDirectory.boolValue {
                // A generation folder of a run: its model, checked against its manifest.
                modelURL = url.appendingPathComponent("model.safetensors")
                guard FileManager.default.fileExists(atPath: url.appendingPathComponent("manifest.json").path),
                      FileManager.default.fileExists(atPath: modelURL.path) else {
                    throw ValidationError("player 'net': \(path) is a folder but neither a run (no config.json) nor a "
                                          + "generation folder (no manifest.json and model.safetensors)")
                }
                let runName = url.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent
                label = "net:\(runName)/gen\(Int(url.lastPathComponent).map(String.init) ?? url.lastPathComponent)"
            } else {
                modelURL = url
                label = "net:\(url.lastPathComponent)"
            }
            try RunDirectory.verifyAgainstManifest(modelURL)
        }
        do {
            network = try PolicyValueNetwork.load(from: modelURL).network
        } catch {
            throw ValidationError("cannot load \(modelURL.path): \(error)")
        }
        let shape = G.encodingShape
        guard network.architecture.inputPlanes == shape.planes, network.architecture.boardHeight == shape.height,
              network.architecture.boardWidth == shape.width, network.architecture.actionCount == G.actionCount else {
            throw ValidationError("\(modelURL.path) is a network for another game (\(network.architecture.summary))")
        }
        search.simulations = try spec.intOption("sims", default: simulations, in: 1...1_000_000)
        search.dirichletFraction = 0
        search.root = .puct
        temperature = Float(try spec.doubleOption("temperature", default: 0, in: 0...10))
        temperatureMoves = try spec.intOption("moves", default: temperature > 0 ? 1000 : 0, in: 0...1000)
        if search.simulations != simulations || spec.options["sims"] != nil { label += ",sims=\(search.simulations)" }
        self.search = search
    }
}

/// A `net:` player: PUCT search guided by the network.
func makeNetworkPlayer<G: GameState>(_ spec: PlayerSpec, for game: G.Type, seed: UInt64) throws -> any GamePlayer<G> {
    let resolved = try NetworkSpec(spec, for: G.self)
    let player = PUCTPlayer<G>(name: resolved.label, evaluator: NetworkEvaluator(network: resolved.network),
                               configuration: resolved.search, seed: seed)
    player.temperature = resolved.temperature
    player.temperatureMoves = resolved.temperatureMoves
    return player
}

/// One side of a match: a network searches all its games in one batch; other players play
/// one instance per game.
func makeSide<G: GameState>(_ text: String, for game: G.Type, slots: Int, seed: UInt64) throws -> any BatchedSide<G> {
    let spec = try PlayerSpec(parsing: text)
    if spec.kind == "net" {
        let resolved = try NetworkSpec(spec, for: G.self)
        return NetworkSide<G>(name: resolved.label, evaluator: NetworkEvaluator(network: resolved.network), configuration: resolved.search,
                              slots: slots, temperatureMoves: resolved.temperature > 0 ? resolved.temperatureMoves : 0, seed: seed)
    }
    let first = try makePlayer(spec, for: G.self, seed: seed)
    // Players without per-game state are shared by all slots (a Connect Four solver's table is large).
    if ["random", "perfect"].contains(spec.kind) { return PlayerSide<G>(name: spec.description, slots: slots) { _ in first } }
    // Slot seeds spread far apart, so that the slots of nearby seeds (an experiment's 1, 2, 3) do not overlap.
    return try PlayerSide<G>(name: spec.description, slots: slots) { slot in
        slot == 0 ? first : try makePlayer(spec, for: G.self, seed: seed &+ UInt64(slot) &* 0x9E37_79B9_7F4A_7C15)
    }
}

/// The most games one match may ask for (arena, experiment final matches).
let maximumGames = 10_000_000

struct ArenaCommand: ParsableCommand, GameVisitor {
    static let configuration = CommandConfiguration(
        commandName: "arena",
        abstract: "Play a match between two players and estimate their Elo difference.",
        discussion: """
        Colours alternate game by game; with --opening-moves each pair of games starts from the same \
        random opening, once with each colour. Players:
        \(PlayerSpec.help)

        Example: selfplay arena --game connect4 net:runs/c4,sims=200 mcts:rollouts=1000 --games 100
        """
    )

    @OptionGroup var game: GameOption
    @Argument(help: "Player A.") var playerA: String
    @Argument(help: "Player B.") var playerB: String
    @Option(parsing: .unconditional, help: "Games to play (colours alternate), 1...\(maximumGames).")
    var games: Int = 20
    @Option(parsing: .unconditional, help: "Games in flight at once (network players batch across them), 1...4096.")
    var concurrent: Int = 32
    @Option(parsing: .unconditional, help: "Random moves that open each pair of games, 0...1000.")
    var openingMoves: Int = 0
    @Option(parsing: .unconditional, help: "Seed.") var seed: UInt64 = 1

    func validate() throws {
        guard (1...maximumGames).contains(games) else {
            throw ValidationError("--games must be in 1...\(maximumGames)")
        }
        guard (1...4096).contains(concurrent) else { throw ValidationError("--concurrent must be in 1...4096") }
        guard (0...1000).contains(openingMoves) else { throw ValidationError("--opening-moves must be in 0...1000") }
    }

    func run() throws { try GameCatalog.visit(try game.resolve(), with: self) }

    func visit<G: GameState>(_ type: G.Type) throws {
        let slots = min(games, concurrent)
        let a = try makeSide(playerA, for: G.self, slots: slots, seed: seed &* 2)
        let b = try makeSide(playerB, for: G.self, slots: slots, seed: seed &* 2 &+ 1)
        let reporter = TerminalReporter()
        let start = ContinuousClock.now
        guard let result = MatchRunner.play(a, b, games: games, concurrent: slots, openingMoves: openingMoves, seed: seed,
                                            progress: { done, result in reporter.status("\(done)/\(games) games: \(result)") }) else { return }
        let seconds = (ContinuousClock.now - start).seconds
        reporter.message("""
        \(G.name): \(a.name) (A) vs \(b.name) (B), \(games) games in \(String(format: "%.1f", seconds)) s
          A as first player:  +\(result.asFirst.wins) =\(result.asFirst.draws) -\(result.asFirst.losses)
          A as second player: +\(result.asSecond.wins) =\(result.asSecond.draws) -\(result.asSecond.losses)
          A overall: \(result)
        """)
    }
}
