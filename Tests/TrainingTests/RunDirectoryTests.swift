import Environments
import Foundation
import GameKit
import Testing
import Training

func temporaryFolder(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
        "selfplay-tests-\(name)-\(UUID().uuidString)")
    try? FileManager.default.removeItem(at: url)
    return url
}

func manifest(_ generation: Int, game: String = "tictactoe") -> GenerationManifest {
    GenerationManifest(
        game: game, generation: generation, parent: generation > 0 ? generation - 1 : nil, promoted: true,
        best: generation, configurationHash: "h", seed: 1, codeVersion: "test", createdAt: "now",
        randomState: Xoshiro256(seed: 3).words, checksums: [:], timings: [:], totalSeconds: 0,
        totalSimulations: 0, totalPositions: 0,
        metrics: GenerationMetrics(
            generation: generation, promoted: true, totalSeconds: 0, totalSimulations: 0, totalPositions: 0),
        matches: [
            MatchRecord(
                generation: generation, kind: "reference", playerA: "gen\(generation)", playerB: "random",
                wins: generation, draws: 1, losses: 1)
        ])
}

@Suite struct ConfigurationTests {
    @Test func overridesAndRefusals() throws {
        let base = TrainingConfiguration.defaults(for: "tictactoe")
        let changed = try base.applying(overrides: [
            "selfPlay.games=7", "training.optimizer=sgd", "arena.gatingThreshold=0.55",
            "evaluation.references=[\"random\"]", "search.cInit=2",
        ])
        #expect(changed.selfPlay.games == 7)
        #expect(changed.training.optimizer == "sgd")
        #expect(changed.arena.gatingThreshold == 0.55)
        #expect(changed.evaluation.references == ["random"])
        #expect(changed.search.cInit == 2)
        #expect(changed.hash != base.hash)
        var budgetOnly = base
        budgetOnly.budget.generations = 99
        #expect(budgetOnly.hash == base.hash)

        for (override, fragment) in [
            ("selfPlay.gamez=3", "unknown key 'selfPlay.gamez'"), ("nothing=1", "unknown key 'nothing'"),
            ("selfPlay=3", "is a group"), ("selfPlay.games=many", "selfPlay.games"), ("novalue", "not key=value"),
        ] {
            do {
                _ = try base.applying(overrides: [override])
                Issue.record("\(override) was accepted")
            } catch {
                #expect("\(error)".contains(fragment), "\(override): \(error)")
            }
        }
        let invalid = try base.applying(overrides: ["selfPlay.games=0"])
        #expect(invalid.validationError()?.contains("selfPlay.games") == true)
        for (overrides, fragment) in [
            (["growth.atProgress=1"], "growth.atProgress must be in [0, 1)"),
            (["growth.atProgress=0.3"], "growth.network must differ from network"),
            (["growth.atProgress=0.3", "growth.network.body=resnet", "growth.fitSteps=0"], "growth.fitSteps"),
        ] {
            #expect(
                try base.applying(overrides: overrides).validationError()?.contains(fragment) == true, "\(overrides)")
        }
        let growing = try base.applying(overrides: ["growth.atProgress=0.3", "growth.network.body=resnet"])
        #expect(growing.validationError() == nil && growing.resourceError(for: TicTacToe.self) == nil)
        let hoarding = try growing.applying(overrides: ["growth.fitGenerations=100000000"])
        #expect(hoarding.resourceError(for: TicTacToe.self)?.contains("lower growth.fitGenerations") == true)
        #expect(base.validationError() == nil)
        #expect(TrainingConfiguration.defaults(for: "connect4").validationError() == nil)
    }

    @Test func jsonFilesApplyNestedKeys() throws {
        let json = Data(#"{"training": {"steps": 3, "learningRate": 0.5}, "seed": 9}"#.utf8)
        let changed = try TrainingConfiguration.defaults(for: "tictactoe").applying(json: json, source: "test.json")
        #expect(changed.training.steps == 3 && changed.training.learningRate == 0.5 && changed.seed == 9)
        #expect(throws: ConfigurationError.self) {
            try TrainingConfiguration.defaults(for: "tictactoe").applying(json: Data("[1]".utf8), source: "x")
        }
    }
}

@Suite struct RunDirectoryTests {
    @Test func generationsAreAtomicChecksummedAndRollBack() throws {
        let url = temporaryFolder("run")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try RunDirectory.create(at: url, configuration: .defaults(for: "tictactoe"))
        #expect(run.exists)
        #expect(throws: RunDirectoryError.self) {
            try RunDirectory.create(
                at: url.appendingPathComponent("config.json"), configuration: .defaults(for: "tictactoe"))
        }
        for generation in 0..<4 {
            try run.writeGeneration(generation, manifest: manifest(generation)) { folder in
                try Data("weights \(generation)".utf8).write(to: folder.appendingPathComponent("model.safetensors"))
            }
        }
        #expect(run.completeGenerations() == [0, 1, 2, 3])
        try run.rebuildLogs()
        let matchLines = try String(contentsOf: url.appendingPathComponent("matches.jsonl"), encoding: .utf8).split(
            separator: "\n")
        #expect(matchLines.count == 4)

        // An interrupted generation leaves only a temporary folder, which resume removes.
        let partial = url.appendingPathComponent("generations/.incomplete-0004")
        try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
        run.removeIncomplete()
        #expect(!FileManager.default.fileExists(atPath: partial.path))
        #expect(run.completeGenerations() == [0, 1, 2, 3])

        // A corrupted file is detected by its checksum.
        try Data("weights X".utf8).write(to: run.modelURL(2))
        do {
            _ = try run.loadManifest(2)
            Issue.record("corruption not detected")
        } catch {
            #expect("\(error)".contains("corrupted"))
        }

        // Rollback keeps later generations aside.
        let moved = try run.rollback(to: 1)
        #expect(moved == [2, 3])
        #expect(run.completeGenerations() == [0, 1])
        let aside = try FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent("rolled-back").path)
        #expect(aside.count == 1)
        #expect(try run.allMatches().count == 2)
        #expect(throws: RunDirectoryError.self) { try run.rollback(to: 7) }
    }

    @Test func sampleFilesRefuseDamage() throws {
        var rng = Xoshiro256(seed: 0x5A)
        var samples = SampleSet(inputSize: 18, actionCount: 9)
        for _ in 0..<50 {
            let input = (0..<18).map { _ in Float(rng.next() % 2) }
            let mask = (0..<9).map { _ in Float(rng.next() % 2) }
            let policy = (0..<9).map { _ in rng.nextUnitFloat() }
            input.withUnsafeBufferPointer { i in
                mask.withUnsafeBufferPointer { m in
                    policy.withUnsafeBufferPointer { p in
                        samples.append(input: i, mask: m, policy: p, value: rng.nextUnitFloat() * 2 - 1)
                    }
                }
            }
        }
        let data = samples.encoded(game: "tictactoe")
        let decoded = try SampleSet.decode(data, expectedGame: "tictactoe", inputSize: 18, actionCount: 9, source: "t")
        #expect(
            decoded.inputs == samples.inputs && decoded.policies == samples.policies && decoded.values == samples.values
                && decoded.masks == samples.masks)
        var flipped = data
        flipped[flipped.count / 2] ^= 0x40
        for (damaged, fragment) in [
            (data.prefix(data.count - 10), "checksum"), (flipped, "checksum"), (Data("hello".utf8), "not a SelfPlay"),
            (Data(), "not a SelfPlay"),
        ] {
            #expect(throws: SampleSet.FormatError.self) {
                try SampleSet.decode(
                    Data(damaged), expectedGame: "tictactoe", inputSize: 18, actionCount: 9, source: "t")
            }
            do {
                _ = try SampleSet.decode(
                    Data(damaged), expectedGame: "tictactoe", inputSize: 18, actionCount: 9, source: "t")
            } catch {
                #expect("\(error)".contains(fragment))
            }
        }
        #expect(throws: SampleSet.FormatError.self) {
            try SampleSet.decode(data, expectedGame: "connect4", inputSize: 18, actionCount: 9, source: "t")
        }
    }

    @Test func replayWindowAndAugmentedBatches() {
        var replay = ReplayBuffer(window: 2)
        for generation in 1...4 {
            var set = SampleSet(inputSize: 18, actionCount: 9)
            let input = [Float](repeating: Float(generation), count: 18)
            let mask = [Float](repeating: 1, count: 9)
            var policy = [Float](repeating: 0, count: 9)
            policy[0] = 1  // the corner cell: a symmetry moves it to another corner
            input.withUnsafeBufferPointer { i in
                mask.withUnsafeBufferPointer { m in
                    policy.withUnsafeBufferPointer { p in
                        set.append(input: i, mask: m, policy: p, value: 1)
                    }
                }
            }
            replay.add(generation: generation, samples: set)
        }
        #expect(replay.generations.map(\.generation) == [3, 4])
        var batch = MiniBatch(inputSize: 18, actionCount: 9)
        var rng = Xoshiro256(seed: 1)
        replay.fillBatch(&batch, count: 64, symmetries: BoardSymmetry.dihedral(size: 3), using: &rng)
        #expect(Set(batch.inputs) == [3, 4])
        var corners = Set<Int>()
        for k in 0..<64 {
            let row = Array(batch.policies[(k * 9)..<((k + 1) * 9)])
            #expect(row.reduce(0, +) == 1)
            corners.insert(row.firstIndex(of: 1)!)
        }
        #expect(corners == [0, 2, 6, 8])
    }

    /// Hex's samples are also drawn transposed (one side's games teach the other); a run written
    /// before the setting existed resumes without it; other games are unchanged.
    @Test func sideSwappingAugmentationIsHexsAndOptional() throws {
        var replay = TrainingConfiguration.defaults(for: "hex").replay
        #expect(
            replay.augmentation(for: Hex.self).map(\.name) == [
                "identity", "rotate 180", "transpose", "anti-transpose",
            ])
        #expect(replay.augmentation(for: ConnectFour.self) == ConnectFour.symmetries)
        replay.augmentSymmetries = false
        #expect(replay.augmentation(for: Hex.self).map(\.name) == ["identity", "transpose", "anti-transpose"])
        #expect(replay.augmentation(for: ConnectFour.self).isEmpty)
        replay.augmentSideSwap = false
        #expect(replay.augmentation(for: Hex.self).isEmpty)
        let configuration = TrainingConfiguration.defaults(for: "hex")
        var object = try #require(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)) as? [String: Any])
        var written = try #require(object["replay"] as? [String: Any])
        written["augmentSideSwap"] = nil
        object["replay"] = written
        let decoded = try TrainingConfiguration.decode(JSONSerialization.data(withJSONObject: object))
        #expect(!decoded.replay.augmentSideSwap && configuration.replay.augmentSideSwap)
    }
}

/// Issue 13: the run directory's refusals and repairs (items 4, 6, 7 and 8).
@Suite struct RunDirectoryRepairTests {
    func run(generations: Int) throws -> RunDirectory {
        let configuration = TrainingConfiguration.defaults(for: "tictactoe")
        let run = try RunDirectory.create(at: temporaryFolder("repair"), configuration: configuration)
        for generation in 0..<generations { try write(generation, in: run, hash: configuration.hash) }
        return run
    }

    func write(_ generation: Int, in run: RunDirectory, hash: String) throws {
        var written = manifest(generation)
        written.configurationHash = hash
        try run.writeGeneration(generation, manifest: written) { folder in
            try Data("weights \(generation)".utf8).write(to: folder.appendingPathComponent("model.safetensors"))
        }
        let samples = run.gamesURL.appendingPathComponent(String(format: "%04d.samples", generation))
        try Data("samples \(generation)".utf8).write(to: samples)
    }

    /// Item 6: two rollbacks within one second used to collide on the folder they move to.
    @Test func rollbacksWithinOneSecondBothSucceed() throws {
        let run = try run(generations: 4)
        defer { try? FileManager.default.removeItem(at: run.url) }
        let hash = TrainingConfiguration.defaults(for: "tictactoe").hash
        #expect(try run.rollback(to: 1) == [2, 3])
        // Whenever the second rollback happens within the next seconds, its time stamp is taken.
        let aside = run.url.appendingPathComponent("rolled-back")
        let taken = try FileManager.default.contentsOfDirectory(atPath: aside.path)[0]
        for second in 0..<10 {
            let stamp = ISO8601DateFormatter().string(from: Date().addingTimeInterval(Double(second)))
            let folder = aside.appendingPathComponent(stamp.replacingOccurrences(of: ":", with: "-"))
            if !FileManager.default.fileExists(atPath: folder.path) {
                try FileManager.default.copyItem(at: aside.appendingPathComponent(taken), to: folder)
            }
        }
        for generation in 2...3 { try write(generation, in: run, hash: hash) }
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: aside.path))
        #expect(try run.rollback(to: 1) == [2, 3])
        #expect(run.completeGenerations() == [0, 1])
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: aside.path))
        let folders = Array(after.subtracting(before)) + [taken]
        #expect(folders.count == 2)
        for folder in folders {
            let games = aside.appendingPathComponent(folder).appendingPathComponent("games")
            let moved = try FileManager.default.contentsOfDirectory(atPath: games.path)
            #expect(moved.sorted() == ["0002.samples", "0003.samples"])
        }
        #expect(!FileManager.default.fileExists(atPath: run.url.appendingPathComponent("rollback.json").path))
    }

    /// Item 7: a hand-edited config.json is refused, naming the key; so is an edited manifest.
    @Test func editedConfigurationsAndManifestsAreRefused() throws {
        let run = try run(generations: 2)
        defer { try? FileManager.default.removeItem(at: run.url) }
        var configuration = try run.loadConfiguration()
        try run.checkConfiguration(configuration)
        configuration.training.steps += 1
        configuration.budget.generations = 99  // the budget may change
        #expect(throws: RunDirectoryError.self) { try run.checkConfiguration(configuration) }
        do { try run.checkConfiguration(configuration) } catch {
            let message = "\(error)"
            #expect(message.contains("training.steps: 300 -> 301"), "\(message)")
            #expect(!message.contains("budget.generations"), "\(message)")
        }
        configuration.training.steps -= 1
        try run.checkConfiguration(configuration)

        let manifestURL = run.modelURL(1).deletingLastPathComponent().appendingPathComponent("manifest.json")
        let original = try String(contentsOf: manifestURL, encoding: .utf8)
        let renumbered = original.replacingOccurrences(of: "\"generation\" : 1,", with: "\"generation\" : 7,")
        let rehashed = original.replacingOccurrences(of: configuration.hash, with: "0123456789abcdef")
        // A manifest from before manifests had a checksum: its number is still checked.
        let unsigned = renumbered.replacingOccurrences(
            of: #""checksum" : "[0-9a-f]+","#, with: "",
            options: .regularExpression)
        let edits = [
            (renumbered, "manifest.json was edited"), (rehashed, "manifest.json was edited"),
            (unsigned, "says it is generation 7"),
        ]
        for (edited, expected) in edits {
            try edited.write(to: manifestURL, atomically: true, encoding: .utf8)
            #expect(throws: RunDirectoryError.self) { try run.rebuildLogs() }
            do {
                try run.checkConfiguration(configuration)
                Issue.record("an edited manifest was accepted")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }

    /// Item 8: temporary files of killed processes are removed; a creation killed before
    /// config.json was written leaves a folder that can be used again.
    @Test func leftoversOfKilledProcessesAreCleared() throws {
        let run = try run(generations: 1)
        defer { try? FileManager.default.removeItem(at: run.url) }
        let dead = Int32.max  // no process has this id
        let stale = [".status.json.tmp-\(dead)", ".config.json.tmp-\(dead)"].map { run.url.appendingPathComponent($0) }
        let live = run.url.appendingPathComponent(".report.html.tmp-\(getpid())")
        for file in stale + [live] { try Data("x".utf8).write(to: file) }
        run.removeIncomplete()
        for file in stale {
            #expect(!FileManager.default.fileExists(atPath: file.path), "\(file.lastPathComponent) left")
        }
        #expect(FileManager.default.fileExists(atPath: live.path))

        let killed = temporaryFolder("killed-creation")
        defer { try? FileManager.default.removeItem(at: killed) }
        for folder in ["generations", "games"] {
            let url = killed.appendingPathComponent(folder)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        try Data("{".utf8).write(to: killed.appendingPathComponent(".config.json.tmp-\(dead)"))
        let created = try RunDirectory.create(at: killed, configuration: .defaults(for: "tictactoe"))
        #expect(created.exists)
        #expect(!FileManager.default.fileExists(atPath: killed.appendingPathComponent(".config.json.tmp-\(dead)").path))
    }

    /// Item 4: a model file inside a generation folder is checked against the manifest beside it.
    @Test func modelFilesAreCheckedAgainstTheirManifest() throws {
        let run = try run(generations: 1)
        defer { try? FileManager.default.removeItem(at: run.url) }
        try RunDirectory.verifyAgainstManifest(run.modelURL(0))
        try Data("weights X".utf8).write(to: run.modelURL(0))
        #expect(throws: RunDirectoryError.self) { try RunDirectory.verifyAgainstManifest(run.modelURL(0)) }
    }
}
