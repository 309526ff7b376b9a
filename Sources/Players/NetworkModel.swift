import Foundation
import GameKit
import NeuralNet
import Search
import Training

/// The trained network a `net:` player spec names, loaded and checked against its game, with the
/// search settings to play it with.
///
/// `net:PATH` takes a run directory (its best generation, or `gen=N`), a generation folder
/// `RUN/generations/NNNN` or a `.safetensors` file, checked against the manifest beside it when
/// there is one. Options: `gen=N`, `sims=N` (simulations per move), `temperature=T` with
/// `moves=K` (sample the first K moves with temperature T), `cpuct=C` (PUCT's `cInit`) and
/// `fpu=R` (first-play urgency: an unvisited child's value is its parent's minus R; `fpu=none`
/// gives it 0), both the run's unless given, and `symmetries=all` (evaluate each position under
/// every board symmetry of the game and average; default `none`).
public struct NetworkModel {
    public var network: PolicyValueNetwork
    /// The run's search settings (the game's defaults for a lone file), without root noise.
    public var search: SearchConfiguration
    /// The player's name in match results, e.g. `net:run/gen12,sims=200`.
    public var label: String
    public var temperature: Float
    public var temperatureMoves: Int
    /// The symmetries each evaluation averages over; empty for the network as it is.
    public var symmetries: [BoardSymmetry]

    static let options = ["path", "gen", "sims", "temperature", "moves", "cpuct", "fpu", "symmetries"]

    /// The network as the search's evaluator, averaged over `symmetries` when there are any.
    public func evaluator() -> any Evaluator {
        let plain = NetworkEvaluator(network: network)
        guard !symmetries.isEmpty else { return plain }
        let architecture = network.architecture
        return SymmetrizedEvaluator(
            plain, symmetries: symmetries, inputSize: architecture.inputSize, actionCount: architecture.actionCount)
    }

    public init<G: GameState>(_ spec: PlayerSpec, for game: G.Type) throws {
        try spec.checkOptions(allowed: Self.options)
        guard let path = spec.options["path"] else {
            throw PlayerError("player 'net' needs a path: net:path=RUN_OR_FILE[,sims=N]")
        }
        let url = URL(fileURLWithPath: path)
        let defaults = TrainingConfiguration.defaults(for: G.self)
        var search = defaults.search
        var simulations = defaults.evaluation.simulations
        let modelURL: URL
        let run = RunDirectory(url: url)
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if run.exists {
            let configuration = try run.loadConfiguration()
            guard configuration.game == G.name else {
                throw PlayerError("\(path) is a \(configuration.game) run, not \(G.name)")
            }
            try run.checkConfiguration(configuration)
            search = configuration.search
            simulations = configuration.evaluation.simulations
            guard let last = run.completeGenerations().last else {
                throw PlayerError("\(path) has no complete generation yet")
            }
            let best = try run.loadManifest(last, verifyFiles: false).best
            let generation = try spec.intOption("gen", default: best, in: 0...last)
            _ = try run.loadManifest(generation)
            modelURL = run.modelURL(generation)
            label = "net:\(url.lastPathComponent)/gen\(generation)"
        } else {
            guard spec.options["gen"] == nil else {
                throw PlayerError("player 'net': gen= needs a run directory, \(path) is not one")
            }
            guard exists else { throw PlayerError("player 'net': \(path) does not exist") }
            if isDirectory.boolValue {
                // A generation folder of a run: its model, checked against its manifest.
                modelURL = url.appendingPathComponent("model.safetensors")
                guard FileManager.default.fileExists(atPath: url.appendingPathComponent("manifest.json").path),
                    FileManager.default.fileExists(atPath: modelURL.path)
                else {
                    throw PlayerError(
                        "player 'net': \(path) is a folder but neither a run (no config.json) nor a "
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
            throw PlayerError("cannot load \(modelURL.path): \(error)")
        }
        let shape = G.encodingShape
        let architecture = network.architecture
        guard architecture.inputPlanes == shape.planes, architecture.boardHeight == shape.height,
            architecture.boardWidth == shape.width, architecture.actionCount == G.actionCount
        else {
            throw PlayerError("\(modelURL.path) is a network for another game (\(architecture.summary))")
        }
        search.simulations = try spec.intOption("sims", default: simulations, in: 1...1_000_000)
        search.dirichletFraction = 0
        search.root = .puct
        temperature = Float(try spec.doubleOption("temperature", default: 0, in: 0...10))
        temperatureMoves = try spec.intOption("moves", default: temperature > 0 ? 1000 : 0, in: 0...1000)
        if search.simulations != simulations || spec.options["sims"] != nil { label += ",sims=\(search.simulations)" }
        if let cpuct = spec.options["cpuct"] {
            search.cInit = Float(try spec.doubleOption("cpuct", default: 0, in: 0.01...100))
            label += ",cpuct=\(cpuct)"
        }
        if let fpu = spec.options["fpu"] {
            search.fpuReduction = fpu == "none" ? nil : Float(try spec.doubleOption("fpu", default: 0, in: -2...2))
            label += ",fpu=\(fpu)"
        }
        switch spec.options["symmetries"] ?? "none" {
        case "none": symmetries = []
        case "all":
            symmetries = G.symmetries
            label += ",symmetries=all"
        case let other: throw PlayerError("player 'net': symmetries=\(other) is neither 'all' nor 'none'")
        }
        self.search = search
    }
}
