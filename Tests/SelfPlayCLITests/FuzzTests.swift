import Environments
import Foundation
import GameKit
import NeuralNet
import Players
import Testing
import Training

@testable import selfplay

/// The seed of every fuzz input: `SELFPLAY_FUZZ_SEED`, or this recorded one. Failures print it,
/// with the input, so that any failure can be replayed.
let fuzzSeed: UInt64 = ProcessInfo.processInfo.environment["SELFPLAY_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x13F0_22ED

/// Random and mutated inputs drawn from `fuzzSeed`.
struct Fuzzer {
    var rng: Xoshiro256

    init(_ parser: String) { rng = Xoshiro256(seed: fuzzSeed ^ FNV1a.hash(Data(parser.utf8))) }

    mutating func below(_ bound: Int) -> Int { Int(rng.next() % UInt64(bound)) }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// Text of up to `maxLength` characters from `alphabet`, now and then an arbitrary scalar.
    mutating func text(_ alphabet: String, maxLength: Int) -> String {
        let characters = Array(alphabet)
        return String(
            (0..<below(maxLength + 1)).map { _ in
                below(20) == 0 ? Character(UnicodeScalar(UInt32(below(0xD7FF)) + 1) ?? "?") : pick(characters)
            })
    }

    /// `bytes` after one to four edits: a flipped bit, a deleted, inserted or duplicated run, a
    /// byte set to a boundary value, or a truncation. Edits fall in `focus` (all of it by default).
    mutating func mutate(_ bytes: [UInt8], focus: Range<Int>? = nil) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<(1 + below(4)) {
            let range = focus.map { $0.clamped(to: 0..<max(1, bytes.count)) } ?? 0..<max(1, bytes.count)
            let at = range.lowerBound + below(max(1, range.count))
            switch below(6) {
            case 0 where at < bytes.count: bytes[at] ^= UInt8(1) << UInt8(below(8))
            case 1 where at < bytes.count: bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(8)))
            case 2:
                bytes.insert(
                    contentsOf: (0..<(1 + below(8))).map { _ in pick(Array("{}[]\",:-0123456789e.".utf8)) },
                    at: min(at, bytes.count))
            case 3 where at < bytes.count:
                bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 1 + below(16))], at: at)
            case 4 where at < bytes.count:
                bytes[at] = pick([0, 0x7F, 0x80, 0xFF, UInt8(ascii: "9"), UInt8(ascii: "-")])
            default: bytes.removeLast(min(bytes.count, below(max(1, bytes.count / 4) + 1)))
            }
        }
        return bytes
    }

    mutating func mutate(_ text: String) -> String { String(decoding: mutate(Array(text.utf8)), as: UTF8.self) }
}

/// Runs `body` on `input`: it must return, or throw an error that `clear` accepts, within a second,
/// with a message short enough to read and free of Foundation error codes.
func expectClear(
    _ parser: String, _ input: String, clear: (any Error) -> Bool, _ body: () throws -> Void,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let shown = "\(parser) with seed \(fuzzSeed), input '\(abbreviated(input, limit: 300))'"
    let start = ContinuousClock.now
    do {
        try body()
    } catch {
        let message = "\(error)"
        #expect(
            clear(error), "unexpected error \(type(of: error)) from \(shown): \(message.prefix(500))",
            sourceLocation: sourceLocation)
        #expect(
            !message.isEmpty && message.count < 700 && !message.contains("NSCocoaErrorDomain"),
            "unclear message from \(shown): \(message.prefix(800))", sourceLocation: sourceLocation)
    }
    #expect(
        ContinuousClock.now - start < .seconds(1), "\(shown) took \(ContinuousClock.now - start)",
        sourceLocation: sourceLocation)
}

@Suite(.timeLimit(.minutes(5))) struct FuzzTests {
    @Test func moveNotation() {
        var fuzz = Fuzzer("notation")
        func run<G: GameState>(_ game: G.Type) {
            // The characters of the game's action names, digits and separators.
            let names = Set((0..<G.actionCount).flatMap { G.actionName($0) })
            let alphabet = String(names.sorted()) + "0123456789 ,x"
            for round in 0..<400 {
                var input: String
                if round % 2 == 0 {
                    input = fuzz.text(alphabet, maxLength: 80)
                } else {
                    var state = G()
                    var actions: [Int] = []
                    while !state.isTerminal && actions.count < 80 {
                        let action = state.legalActions.randomElement(using: &fuzz.rng)
                        actions.append(action)
                        state.apply(action)
                    }
                    input = fuzz.mutate(G.notation(of: actions))
                }
                expectClear(
                    "\(G.name) notation", input,
                    clear: { error in
                        guard let error = error as? NotationError else { return false }
                        return (0...input.count).contains(error.offset) && !error.message.isEmpty
                    }
                ) { _ = try G(notation: input) }
            }
        }
        for game in GameCatalog.all { run(game) }
    }

    @Test func playerSpecs() {
        var fuzz = Fuzzer("player specs")
        let valid = [
            "random", "perfect", "perfect:table=20", "mcts:rollouts=50,c=1.4,solver=0", "mcts:rollouts=5",
            "minimax:depth=3", "net:/nonexistent,sims=8", "net:path=/nonexistent,gen=2,temperature=0.5,moves=3",
        ]
        for round in 0..<800 {
            let input =
                round % 2 == 0
                ? fuzz.text("randomperfectmcsnt:,=.-0123456789eE ", maxLength: 40) : fuzz.mutate(fuzz.pick(valid))
            expectClear("player spec", input, clear: { $0 is PlayerError }) {
                let spec = try PlayerSpec(parsing: input)
                if spec.kind == "mcts", let rollouts = spec.options["rollouts"], (Int(rollouts) ?? 0) > 1000 { return }
                _ = try makePlayer(spec, for: TicTacToe.self, seed: 1)
            }
        }
    }

    @Test func durations() {
        var fuzz = Fuzzer("durations")
        for round in 0..<500 {
            let input =
                round % 2 == 0
                ? fuzz.text("0123456789.e+-smhinfa ", maxLength: 12)
                : fuzz.mutate(fuzz.pick(["90s", "30m", "2h", "45"]))
            expectClear("duration", input, clear: { "\($0)".contains("is not a duration") }) {
                let seconds = try parseDuration(input)
                #expect(seconds > 0 && seconds <= longestDuration, "\(input) -> \(seconds)")
            }
        }
    }

    /// `--set key=value` and configuration files: refused with a ConfigurationError, or a
    /// configuration that the run checks then judge without crashing.
    @Test func configurationOverridesAndFiles() throws {
        var fuzz = Fuzzer("configuration")
        let base = TrainingConfiguration.defaults(for: "tictactoe")
        let tree = try JSONSerialization.jsonObject(with: AtomicFile.encodeJSON(base)) as? [String: Any] ?? [:]
        var keys: [String] = []
        func collect(_ object: [String: Any], _ prefix: String) {
            for (key, value) in object {
                if let group = value as? [String: Any] {
                    collect(group, prefix + key + ".")
                } else {
                    keys.append(prefix + key)
                }
            }
        }
        collect(tree, "")
        let values = [
            "1", "0", "-1", "3.5", "1e300", "-1e-300", "true", "null", "\"text\"", "[]", "[1,2]", "[100000,100000]",
            "{}", "{\"puct\":{}}", "9223372036854775807", "99999999999999999999", "nan", "inf", "", "\"\"", "[[[[]]]]",
        ]
        func namesItsKey(_ error: any Error) -> Bool {
            (error as? ConfigurationError).map { !$0.description.contains("for :") } ?? false
        }
        func judge(_ configuration: TrainingConfiguration) {
            _ = configuration.validationError()
            _ = configuration.resourceError(for: TicTacToe.self)
            _ = configuration.hash
        }
        for round in 0..<800 {
            let override: String
            switch round % 3 {
            case 0: override = "\(fuzz.pick(keys))=\(fuzz.pick(values))"
            case 1: override = fuzz.mutate("\(fuzz.pick(keys))=\(fuzz.pick(values))")
            default: override = fuzz.text("abcdegnrstuyz.=[]{}\",:0123456789-", maxLength: 30)
            }
            expectClear("--set", override, clear: namesItsKey) {
                judge(try base.applying(overrides: [override]))
            }
        }
        let deep = String(repeating: "[", count: 100_000)
        expectClear("--set", "deeply nested", clear: { $0 is ConfigurationError }) {
            judge(try base.applying(overrides: ["evaluation.references=\(deep)"]))
        }
        let file = Array(try AtomicFile.encodeJSON(base))
        for _ in 0..<300 {
            let mutated = fuzz.mutate(file)
            expectClear(
                "configuration file", String(decoding: mutated, as: UTF8.self), clear: { $0 is ConfigurationError }
            ) {
                judge(try base.applying(json: Data(mutated), source: "fuzz.json"))
            }
        }
    }

    /// Checkpoints with a damaged header (and some damaged data): refused with a NetworkError.
    @Test func safetensorsHeaders() throws {
        var fuzz = Fuzzer("safetensors")
        let architecture = NetworkArchitecture(
            body: .mlp(hidden: [8]), inputPlanes: 2, boardHeight: 3, boardWidth: 3,
            actionCount: 9, valueHidden: 4)
        let folder = temporaryFolder("fuzz-safetensors")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let original = folder.appendingPathComponent("model.safetensors")
        try PolicyValueNetwork(architecture: architecture, seed: 1).save(
            to: original, optimizer: Optimizer(kind: .adam, learningRate: 0.01))
        let bytes = Array(try Data(contentsOf: original))
        let headerEnd = 8 + Int(bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) })
        let file = folder.appendingPathComponent("fuzzed.safetensors")
        for round in 0..<400 {
            let mutated = fuzz.mutate(bytes, focus: round % 8 == 0 ? headerEnd..<bytes.count : 0..<headerEnd)
            try Data(mutated).write(to: file)
            expectClear("safetensors", "round \(round), \(mutated.count) bytes", clear: { $0 is NetworkError }) {
                _ = try SafeTensors.File(data: Data(mutated))
                _ = try PolicyValueNetwork.load(from: file)
            }
        }
    }

    /// Manifests with damaged JSON or values: refused with a RunDirectoryError, never a crash
    /// when a run resumes from them.
    @Test func manifests() throws {
        var fuzz = Fuzzer("manifests")
        let configuration = TrainingConfiguration.defaults(for: "tictactoe")
        let run = try RunDirectory.create(at: temporaryFolder("fuzz-manifests"), configuration: configuration)
        defer { try? FileManager.default.removeItem(at: run.url) }
        var manifest = GenerationManifest(
            game: "tictactoe", generation: 0, parent: nil, promoted: true, best: 0,
            configurationHash: configuration.hash,
            seed: 1, codeVersion: "test", createdAt: "now", randomState: Xoshiro256(seed: 1).words, checksums: [:],
            timings: ["evaluation": 1], totalSeconds: 1, totalSimulations: 0, totalPositions: 0,
            metrics: GenerationMetrics(
                generation: 0, promoted: true, totalSeconds: 1, totalSimulations: 0, totalPositions: 0),
            matches: [
                MatchRecord(
                    generation: 0, kind: "reference", playerA: "gen0", playerB: "random", wins: 1, draws: 2, losses: 3)
            ])
        manifest.metrics.elo = 12
        try run.writeGeneration(0, manifest: manifest) { folder in
            try Data("weights".utf8).write(to: folder.appendingPathComponent("model.safetensors"))
        }
        let manifestURL = run.modelURL(0).deletingLastPathComponent().appendingPathComponent("manifest.json")
        let bytes = Array(try Data(contentsOf: manifestURL))
        for round in 0..<400 {
            let mutated = fuzz.mutate(bytes)
            try Data(mutated).write(to: manifestURL)
            expectClear(
                "manifest", "round \(round): \(String(decoding: mutated, as: UTF8.self))",
                clear: { $0 is RunDirectoryError }
            ) {
                let loaded = try run.loadManifest(0)
                _ = Xoshiro256(words: loaded.randomState)  // what a resume does with it
                try run.checkConfiguration(configuration)
                try run.rebuildLogs()
                _ = EloRating.fit(try run.allMatches())
            }
        }
    }
}
