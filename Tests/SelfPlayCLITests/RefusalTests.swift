import Foundation
import Testing
import Training

@testable import selfplay

/// Issue 13's numbered cases: each used to crash, hang, corrupt a run or print a message
/// nobody could act on. Each is now refused or handled, as docs/refusals.md lists.
@Suite struct RefusalTests {
    /// Item 1: a network too large to build (or to hold in memory) is refused before a run exists.
    @Test func oversizedNetworksAreRefusedBeforeARunExists() throws {
        let folder = temporaryFolder("huge")
        defer { try? FileManager.default.removeItem(at: folder) }
        for _ in 0..<2 {  // and again: nothing was left behind to crash a resume
            let huge = try selfplay([
                "train", "--run", folder.path, "--set", "network.hidden=[100000,100000]", "--generations", "1",
            ])
            expectRefusal(huge, "hidden layer width is 100000")
            #expect(!FileManager.default.fileExists(atPath: folder.path))
        }
        let large = try selfplay([
            "train", "--run", folder.path, "--set", "network.hidden=[30000,30000]", "--generations", "1",
        ])
        expectRefusal(large, "GB of memory")
        expectRefusal(
            try selfplay(["train", "--run", folder.path, "--set", "selfPlay.games=100000000"]), "selfPlay.games")
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }

    /// Item 2: game counts are bounded; nothing is allocated per requested game.
    @Test func gameCountsAreBounded() throws {
        for games in ["100000000000", "9223372036854775807", "-1", "0"] {
            expectRefusal(try selfplay(["arena", "random", "random", "--games", games]), "--games must be in 1...")
        }
        expectRefusal(try selfplay(["arena", "random", "random", "--concurrent", "100000000"]), "--concurrent")
        expectRefusal(try selfplay(["arena", "random", "random", "--opening-moves", "-5"]), "--opening-moves")
    }

    /// `arena --record RUN` writes only to a run of the same game, and then only its arena log.
    @Test func arenaRecordsOnlyIntoARunOfItsGame() throws {
        let copy = try copyOfTrainedRun()
        defer { try? FileManager.default.removeItem(at: copy) }
        let log = copy.appendingPathComponent("arena.jsonl")
        expectRefusal(
            try selfplay(["arena", "--game", "connect4", "random", "random", "--games", "2", "--record", copy.path]),
            "is a run of tictactoe, not of connect4")
        let nowhere = temporaryFolder("no-run")
        expectRefusal(
            try selfplay(["arena", "random", "random", "--games", "2", "--record", nowhere.path]), "holds no run")
        #expect(!FileManager.default.fileExists(atPath: log.path))
        #expect(!FileManager.default.fileExists(atPath: nowhere.path))
        let recorded = try selfplay(["arena", "random", "random", "--games", "4", "--record", copy.path])
        #expect(recorded.status == 0 && recorded.output.contains("arena.jsonl"), "\(recorded)")
        #expect(RunDirectory(url: copy).arenaMatches().matches.map(\.games) == [4])
    }

    /// Item 3: `--generations 0` used to train forever; it is refused, and the help says so.
    @Test func zeroGenerationsIsRefused() throws {
        let folder = temporaryFolder("zero")
        defer { try? FileManager.default.removeItem(at: folder) }
        expectRefusal(
            try selfplay(["train", "--run", folder.path, "--generations", "0"], timeout: 60),
            "--generations must be at least 1")
        #expect(try selfplay(["train", "--help"]).output.contains("(at least 1)"))
    }

    /// Item 4: a model file named by path is checked against the manifest beside it.
    @Test func corruptedModelFilesAreRefusedByPath() throws {
        let copy = try copyOfTrainedRun()
        defer { try? FileManager.default.removeItem(at: copy) }
        let model = RunDirectory(url: copy).modelURL(3)
        var bytes = try Data(contentsOf: model)
        bytes[bytes.count - 9] ^= 0x01
        try bytes.write(to: model)
        expectRefusal(try selfplay(["arena", "net:\(model.path)", "random", "--games", "2"]), "corrupted")
        expectRefusal(
            try selfplay(["arena", "net:\(model.deletingLastPathComponent().path)", "random", "--games", "2"]),
            "corrupted")
    }

    /// Item 6: kill -9 in the middle of a rollback: the rollback has taken effect, and the next
    /// command finishes it; nothing is lost and the run resumes.
    @Test func aKilledRollbackIsFinishedByTheNextCommand() throws {
        let copy = try copyOfTrainedRun()
        defer { try? FileManager.default.removeItem(at: copy) }
        let killed = try selfplay(
            ["rollback", "--run", copy.path, "--to", "1"], environment: ["SELFPLAY_FAILPOINT": "rollback@2"])
        #expect(killed.signalled && killed.status == SIGKILL, "not killed inside the rollback: \(killed)")
        let run = RunDirectory(url: copy)
        #expect(run.completeGenerations() == [0, 1])
        let elo = try selfplay(["elo", "--run", copy.path])
        #expect(elo.status == 0 && !elo.output.contains("gen2") && !elo.output.contains("gen3"), "\(elo)")
        let resumed = try selfplay(["train", "--run", copy.path, "--generations", "2"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(run.completeGenerations() == [0, 1, 2])
        let aside = try FileManager.default.contentsOfDirectory(atPath: copy.appendingPathComponent("rolled-back").path)
        #expect(aside.count == 1)
        let moved = copy.appendingPathComponent("rolled-back").appendingPathComponent(aside.first ?? "")
        #expect(
            (try? FileManager.default.contentsOfDirectory(atPath: moved.appendingPathComponent("generations").path)
                .sorted())
                == ["0002", "0003"])
        #expect(
            (try? FileManager.default.contentsOfDirectory(atPath: moved.appendingPathComponent("games").path).sorted())
                == ["0002.samples", "0003.samples"])
    }

    /// Item 7: hand-edited config.json or manifests are refused, saying what differs.
    @Test func handEditsAreRefused() throws {
        let copy = try copyOfTrainedRun()
        defer { try? FileManager.default.removeItem(at: copy) }
        let config = copy.appendingPathComponent("config.json")
        let original = try String(contentsOf: config, encoding: .utf8)
        try original.replacingOccurrences(of: "\"steps\" : 20", with: "\"steps\" : 21").write(
            to: config, atomically: true, encoding: .utf8)
        expectRefusal(try selfplay(["train", "--run", copy.path, "--generations", "4"]), "training.steps: 20 -> 21")
        try original.write(to: config, atomically: true, encoding: .utf8)

        let manifest = copy.appendingPathComponent("generations/0002/manifest.json")
        let manifestText = try String(contentsOf: manifest, encoding: .utf8)
        try manifestText.replacingOccurrences(of: "\"generation\" : 2,", with: "\"generation\" : 7,")
            .write(to: manifest, atomically: true, encoding: .utf8)
        expectRefusal(try selfplay(["train", "--run", copy.path, "--generations", "4"]), "manifest.json was edited")
        expectRefusal(try selfplay(["elo", "--run", copy.path]), "manifest.json was edited")
        let hash = try #require(manifestText.firstMatch(of: /"configurationHash" : "([0-9a-f]+)"/)?.output.1)
        try manifestText.replacingOccurrences(of: String(hash), with: "0000000000000000")
            .write(to: manifest, atomically: true, encoding: .utf8)
        expectRefusal(try selfplay(["train", "--run", copy.path, "--generations", "4"]), "manifest.json was edited")
    }

    /// Item 8: temporary files that a kill left behind are removed by the next run of `train`.
    @Test func staleTemporaryFilesAreRemovedOnResume() throws {
        let copy = try copyOfTrainedRun()
        defer { try? FileManager.default.removeItem(at: copy) }
        let stale = [".status.json.tmp-2147483647", ".config.json.tmp-2147483647"].map {
            copy.appendingPathComponent($0)
        }
        for file in stale { try Data("{".utf8).write(to: file) }
        #expect(try selfplay(["train", "--run", copy.path, "--generations", "4"]).status == 0)
        for file in stale {
            #expect(!FileManager.default.fileExists(atPath: file.path), "\(file.lastPathComponent) is left")
        }

        // A new run killed before its config.json was written can be started again.
        let killed = temporaryFolder("killed-new")
        defer { try? FileManager.default.removeItem(at: killed) }
        for folder in ["generations", "games"] {
            try FileManager.default.createDirectory(
                at: killed.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try Data("{".utf8).write(to: killed.appendingPathComponent(".config.json.tmp-2147483647"))
        let started = try selfplay(["train", "--run", killed.path, "--generations", "1"] + quickRun)
        #expect(started.status == 0, "\(started)")
    }

    /// Item 9: an infinite or absurd budget is refused before anything is created.
    @Test func unusableBudgetsAreRefused() throws {
        let folder = temporaryFolder("budget")
        defer { try? FileManager.default.removeItem(at: folder) }
        for budget in ["infs", "inf", "nan", "1e400s", "-5m", "0", "99999999h"] {
            expectRefusal(try selfplay(["train", "--run", folder.path, "--budget", budget]), "is not a duration")
            #expect(!FileManager.default.fileExists(atPath: folder.path), "--budget \(budget) left a folder")
        }
    }

    /// Item 10: messages a user can act on.
    @Test func pathsThatAreNotModelsAreNamed() throws {
        let empty = temporaryFolder("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        expectRefusal(
            try selfplay(["arena", "net:\(empty.path)", "random"]), "neither a run", "nor a generation folder")
        expectRefusal(try selfplay(["arena", "net:/dev/null", "random"]), "not a regular file")
        expectRefusal(try selfplay(["arena", "net:\(empty.path)/none", "random"]), "does not exist")
        expectRefusal(
            try selfplay(["solve", "--game", "tictactoe", empty.path]), "is a folder, not a file of positions")
        expectRefusal(
            try selfplay(["eval-positions", "--game", "tictactoe", "--player", "random", "--positions", empty.path]),
            "is a folder, not a file of positions")
        let generation = trainedRun.appendingPathComponent("generations/0002")
        let played = try selfplay(["arena", "net:\(generation.path)", "random", "--games", "2"])
        #expect(played.status == 0 && played.output.contains("/gen2"), "\(played)")
    }

    /// Item 10: file errors (a read-only run folder, a folder where a file belongs) name the path
    /// and the reason, not a Foundation error code. Root ignores permissions, so the errors are made here.
    @Test func fileErrorsNameThePathAndTheReason() {
        let cases: [(CocoaError.Code, Int32?, String)] = [
            (.fileWriteNoPermission, EACCES, "cannot write /r/x: Permission denied"),
            (.fileReadUnknown, EISDIR, "cannot read /r/x: Is a directory"),
            (.fileWriteFileExists, nil, "cannot write /r/x: it already exists"),
            (.fileWriteVolumeReadOnly, nil, "cannot write /r/x: the file system is read-only"),
        ]
        for (code, posix, message) in cases {
            var info: [String: Any] = [NSFilePathErrorKey: "/r/x"]
            if let posix { info[NSUnderlyingErrorKey] = NSError(domain: NSPOSIXErrorDomain, code: Int(posix)) }
            #expect(
                fileErrorMessage(NSError(domain: NSCocoaErrorDomain, code: code.rawValue, userInfo: info)) == message)
        }
        #expect(fileErrorMessage(CommandFailure("not a file error")) == nil)
    }

    @Test func badValuesNameTheirKey() throws {
        let folder = temporaryFolder("values")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (setting, key) in [
            ("selfPlay.games=3.5", "selfPlay.games"), ("search.cInit=1e300", "search.cInit"),
            ("training.steps=\"many\"", "training.steps"),
        ] {
            expectRefusal(try selfplay(["train", "--run", folder.path, "--set", setting]), "bad value for \(key):")
        }
        expectRefusal(try selfplay(["arena", "random", "random", "--games", "-1"]), "--games must be in")
        let long = String(repeating: "9", count: 100_000)
        let solved = try selfplay(["solve", "--game", "tictactoe"], input: long + "\n")
        expectRefusal(solved, "line 1")
        #expect(solved.output.count < 1000, "the bad line was echoed whole (\(solved.output.count) characters)")
        let shown = try selfplay(["show", "--moves", long])
        expectRefusal(shown, "100000 characters")
        #expect(shown.output.count < 1000)
    }

    @Test func runsRefuseWhatDoesNotFitThem() throws {
        let copy = try copyOfTrainedRun()
        defer { try? FileManager.default.removeItem(at: copy) }
        expectRefusal(
            try selfplay(["train", "--run", copy.path, "--game", "connect4"]), "is a tictactoe run, not connect4")
        expectRefusal(
            try selfplay(["elo", "--run", copy.path, "--anchor", "foo"]), "--anchor foo played no match", "gen0")
        expectRefusal(
            try selfplay(["fit", copy.path, "--set", "selfPlay.games=8"]), "only network.* and training.* settings")
        expectRefusal(try selfplay(["fit", copy.path, "--holdout", "9"]), "--holdout 9", "2...3")
        expectRefusal(try selfplay(["fit", copy.path, "--output", "x.bin"]), "--output must name a .safetensors file")
        expectRefusal(
            try selfplay(["fit", copy.path, "--set", "network.valueHidden=100000"]), "valueHidden is 100000")
        let fresh = temporaryFolder("initial-weights-refused")
        expectRefusal(
            try selfplay([
                "train", "--run", fresh.path, "--generations", "1", "--set",
                "network.initialWeights=\(copy.path)/no-such.safetensors",
            ]), "network.initialWeights: cannot load")
        let model = copy.appendingPathComponent("generations/0002/model.safetensors").path
        expectRefusal(
            try selfplay([
                "train", "--run", fresh.path, "--generations", "1", "--set", "network.initialWeights=\(model)",
                "--set", "network.hidden=[8]",
            ]), "network, the run's is", "set network.* to match it")
        #expect(!FileManager.default.fileExists(atPath: fresh.path))
        try FileManager.default.removeItem(at: copy.appendingPathComponent("generations/0001"))
        let elo = try selfplay(["elo", "--run", copy.path])
        #expect(
            elo.status == 0 && elo.output.contains("generation(s) 1 of") && elo.output.contains("missing"), "\(elo)")
        expectRefusal(
            try selfplay(["train", "--run", copy.path, "--generations", "4"]), "generation(s) 1 of", "missing")
    }

    /// Benchmarks and perft refuse sizes and durations they cannot honour (they used to trap or loop forever).
    @Test func benchmarksRefuseImpossibleSettings() throws {
        expectRefusal(
            try selfplay(["bench", "mcts", "--evaluator", "net", "--blocks", "0", "--filters", "0"]),
            "filters is 0")
        expectRefusal(try selfplay(["bench", "mcts", "--evaluator", "net", "--blocks", "3"]), "go together")
        expectRefusal(try selfplay(["bench", "mcts", "--trees", "100000"]), "--trees in 1...4096")
        expectRefusal(try selfplay(["bench", "games", "--seconds", "inf"]), "at most a year")
        expectRefusal(try selfplay(["bench", "nn", "--seconds", "1e30"]), "at most a year")
        expectRefusal(try selfplay(["bench", "nn", "--optimizer", "rmsprop"]), "must be adam or sgd")
        expectRefusal(try selfplay(["bench", "gemm", "--seconds", "inf"]), "at most a year")
        expectRefusal(try selfplay(["perft", "--depth", "0"]), "--depth must be between 1 and 64")
    }

    /// A GTP engine that is missing, or fails mid-match, is one line of error: never a hang or a crash.
    @Test func gtpEnginesThatFailAreOneLineErrors() throws {
        expectRefusal(
            try selfplay(["arena", "--game", "go9", "gtp:no-such-engine --mode gtp", "random"]),
            "Error: gtp engine 'no-such-engine --mode gtp': command not found")
        let folder = temporaryFolder("gtp-run")
        let references = #"evaluation.references=["random","gtp:no-such-engine"]"#
        expectRefusal(
            try selfplay(["train", "--game", "go7", "--run", folder.path, "--set", references, "--generations", "1"]),
            "command not found")
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        let engine = try temporaryFile(
            "gtp-engine",
            "#!/bin/sh\nwhile read -r word rest; do\n  [ \"$word\" = genmove ] && exit 5\n  printf '= \\n\\n'\ndone\n")
        defer { try? FileManager.default.removeItem(at: engine) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: engine.path)
        let arena = try selfplay(
            ["arena", "--game", "go9", "random", "gtp:timeout=5:\(engine.path)", "--games", "4"], timeout: 60)
        expectRefusal(arena, "exited without answering 'genmove ", "(exit status 5)")
        #expect(arena.output.components(separatedBy: "Error").count == 2, "\(arena)")
    }
}
