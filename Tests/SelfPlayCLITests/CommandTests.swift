import Foundation
import Synchronization
import Testing
import Training

/// Each command's success path, run as a user would run it.
@Suite struct CommandTests {
    @Test func gamesShowAndPerft() throws {
        let games = try selfplay(["games"]).output
        #expect(games.contains("othello"))
        #expect(games.contains("symmetries: 2 (+2 swapping the sides, for training)"))
        #expect(
            try selfplay(["show", "--game", "connect4", "--moves", "4453"]).output.contains(
                "Legal moves: 1 2 3 4 5 6 7"))
        #expect(try selfplay(["perft", "--game", "tictactoe", "--depth", "2"]).output.contains("depth 2: 72"))
    }

    /// OpenBLAS reads its thread timeout when it loads, so the program re-executes itself with it set;
    /// the machine header shows what the process ran with.
    @Test func openBLASThreadTimeoutIsSetUnlessGiven() throws {
        let arguments = ["bench", "nn", "--game", "tictactoe", "--batches", "1", "--seconds", "0.01"]
        let unset = try selfplay(arguments, unset: ["OPENBLAS_THREAD_TIMEOUT"])
        #expect(unset.status == 0 && unset.output.contains("OPENBLAS_THREAD_TIMEOUT=16\n"), "\(unset)")
        let given = try selfplay(arguments, environment: ["OPENBLAS_THREAD_TIMEOUT": "7"])
        #expect(given.status == 0 && given.output.contains("OPENBLAS_THREAD_TIMEOUT=7\n"), "\(given)")
    }

    @Test func replayPrintsEveryPositionsLegalMoves() throws {
        let lines = try selfplay(["replay", "--game", "go7"], input: "B1 A1 A2\nA1 A1\npass pass\n").output
            .split(separator: "\n")
        #expect(lines.count == 3)
        // Four positions; after B1 A1 A2 White's A1 is suicide: its bit (0) is clear.
        let positions = lines[0].split(separator: " ")
        #expect(positions.count == 6 && positions.suffix(2) == ["=", "-"])
        #expect(positions[0] == "0000000000000000" + "0003ffffffffffff")
        #expect(UInt64(positions[3].suffix(16), radix: 16)! & 1 == 0)
        #expect(lines[1] == "! 1")
        #expect(lines[2].hasSuffix(" = second"))
    }

    @Test func trainWritesEveryGeneration() throws {
        let run = RunDirectory(url: trainedRun)
        #expect(run.completeGenerations() == [0, 1, 2, 3])
        let metrics = try String(contentsOf: trainedRun.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(metrics.split(separator: "\n").count == 4)
        let shown = try selfplay(["train", "--show-config", "--run", temporaryFolder("unused").path] + quickRun)
        #expect(shown.status == 0 && shown.output.contains("\"games\" : 24"), "\(shown)")
    }

    @Test func eloPrintsEveryPlayer() throws {
        let table = try selfplay(["elo", "--run", trainedRun.path])
        #expect(table.status == 0, "\(table)")
        for player in ["gen0", "gen3", "random"] { #expect(table.output.contains(player), "\(table)") }
        let anchored = try selfplay(["elo", "--run", trainedRun.path, "--anchor", "gen0"])
        #expect(
            anchored.output.split(separator: "\n").contains { $0.hasPrefix("gen0") && $0.contains("[     0,      0]") },
            "\(anchored)")
    }

    @Test func reportWritesHTML() throws {
        let output = temporaryFolder("report").appendingPathExtension("html")
        defer { try? FileManager.default.removeItem(at: output) }
        let report = try selfplay(["report", "--run", trainedRun.path, "-o", output.path])
        #expect(report.status == 0, "\(report)")
        #expect(try String(contentsOf: output, encoding: .utf8).contains("<svg"))
    }

    @Test func rollbackMovesLaterGenerationsAside() throws {
        let copy = try copyOfTrainedRun()
        defer { try? FileManager.default.removeItem(at: copy) }
        let rolled = try selfplay(["rollback", "--run", copy.path, "--to", "1"])
        #expect(rolled.status == 0 && rolled.output.contains("generations 2, 3 were moved"), "\(rolled)")
        #expect(RunDirectory(url: copy).completeGenerations() == [0, 1])
        let resumed = try selfplay(["train", "--run", copy.path, "--generations", "2"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(RunDirectory(url: copy).completeGenerations() == [0, 1, 2])
    }

    @Test func arenaPlaysEveryKindOfPlayer() throws {
        let generation = trainedRun.appendingPathComponent("generations/0002")
        for (a, b) in [
            ("random", "mcts:rollouts=20"), ("perfect", "random"), ("net:\(trainedRun.path),sims=8", "random"),
            ("net:\(generation.path)", "net:\(generation.path)/model.safetensors"),
        ] {
            let match = try selfplay(["arena", a, b, "--games", "4", "--opening-moves", "1"])
            #expect(match.status == 0 && match.output.contains("A overall"), "\(a) vs \(b): \(match)")
        }
    }

    @Test func fitLearnsARunsSamplesAndWritesAPlayableNetwork() throws {
        let output = temporaryFolder("fit").appendingPathExtension("safetensors")
        defer { try? FileManager.default.removeItem(at: output) }
        let fit = try selfplay(
            ["fit", trainedRun.path, "--generations", "2", "--steps", "40", "--every", "20", "--output", output.path])
        #expect(fit.status == 0, "\(fit)")
        #expect(fit.output.contains("on generations 1...2") && fit.output.contains("held out: generation 3"), "\(fit)")
        for fragment in ["step 20,", "step 40,", "held out policy", "(constant", "mistakes"] {
            #expect(fit.output.contains(fragment), "missing '\(fragment)' in \(fit)")
        }
        let match = try selfplay(["arena", "net:\(output.path),sims=4", "random", "--games", "2"])
        #expect(match.status == 0 && match.output.contains("A overall"), "\(match)")
    }

    @Test func playTakesMovesFromStandardInput() throws {
        let game = try selfplay(
            ["play", "--agent", "perfect", "--human", "first"], input: "hint\n5\nundo\n5\nx\nquit\n")
        #expect(game.status == 0, "\(game)")
        for fragment in ["hint:", "took back your last move", "'x' is not a move", "you resigned"] {
            #expect(game.output.contains(fragment), "missing \(fragment): \(game)")
        }
        let abandoned = try selfplay(["play", "--agent", "random", "--human", "second"], input: "")
        #expect(abandoned.status == 0 && abandoned.output.contains("input ended"), "\(abandoned)")
    }

    /// A program driving `play` through pipes sees each prompt before it answers (a pipe's output is
    /// block-buffered, so the prompt used to wait in the buffer while `play` waited for the move).
    @Test func playShowsEachPromptThroughAPipe() throws {
        let process = Process()
        process.executableURL = selfplayBinary
        process.arguments = ["play", "--agent", "random", "--human", "first"]
        let output = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        let prompted = DispatchSemaphore(value: 0)
        let seen = Mutex("")
        output.fileHandleForReading.readabilityHandler = { handle in
            let chunk = String(decoding: handle.availableData, as: UTF8.self)
            let text = seen.withLock {
                $0 += chunk
                return $0
            }
            if text.contains("you to move; legal:") { prompted.signal() }
        }
        let answered = prompted.wait(timeout: .now() + 60) == .success
        output.fileHandleForReading.readabilityHandler = nil
        input.fileHandleForWriting.write(Data("quit\n".utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(answered, "no prompt within 60 s while the input stayed open: \(seen.withLock { $0 })")
    }

    @Test func watchPrintsTheLastGenerations() throws {
        let watch = try selfplay(["watch", "--run", trainedRun.path, "--once"])
        #expect(watch.status == 0 && watch.output.contains("gen    3"), "\(watch)")
    }

    @Test func experimentRunsSeedsAndAggregates() throws {
        let out = temporaryFolder("experiment")
        let file = try temporaryFile(
            "experiment.json",
            """
            {"name": "tiny", "version": 1, "game": "tictactoe", "seeds": [1, 2],
             "set": {"budget.generations": "1", "selfPlay.games": "16", "search.simulations": "8",
                     "training.steps": "5", "evaluation.games": "2", "evaluation.references": "[\\"random\\"]",
                     "blasThreads": "1"},
             "finalMatches": [{"opponent": "random", "games": 2}]}
            """)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: file)
        }
        let experiment = try selfplay(["experiment", file.path, "--seeds", "1", "--out", out.path])
        #expect(experiment.status == 0, "\(experiment)")
        let aggregate = try String(contentsOf: out.appendingPathComponent("aggregate.csv"), encoding: .utf8)
        #expect(aggregate.split(separator: "\n").count == 3, "\(aggregate)")  // header, generations 0 and 1
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("final-matches.csv").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("report.html").path))
    }

    @Test func ablationArmsRunEachSeedAndCompareScores() throws {
        let out = temporaryFolder("ablation")
        let file = try temporaryFile(
            "ablation.json",
            """
            {"name": "tiny-ablation", "version": 1, "game": "tictactoe", "seeds": [1, 2],
             "set": {"budget.generations": "1", "selfPlay.games": "16", "search.simulations": "8",
                     "training.steps": "5", "evaluation.games": "0", "blasThreads": "1"},
             "arms": [{"name": "z", "set": {"selfPlay.valueTargetQWeight": "0"}},
                      {"name": "mixed", "set": {"selfPlay.valueTargetQWeight": "0.5"}}],
             "finalMatches": [{"opponent": "random", "games": 4}]}
            """)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: file)
        }
        let experiment = try selfplay(["experiment", file.path, "--out", out.path])
        #expect(experiment.status == 0, "\(experiment)")
        let mixed = try String(contentsOf: out.appendingPathComponent("mixed/seed-2/config.json"), encoding: .utf8)
        #expect(mixed.contains("\"valueTargetQWeight\" : 0.5"), "\(mixed)")
        let rows = try String(contentsOf: out.appendingPathComponent("ablation.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(rows.count == 3, "\(rows)")  // header, one row per arm
        #expect(rows.dropFirst().map { $0[0] } == ["z", "mixed"])
        #expect(rows.dropFirst().allSatisfy { $0[2] == "2" && $0[3] == "8" })  // 2 seeds, 8 games
    }

    @Test func solveAndEvalPositions() throws {
        let solved = try selfplay(["solve", "--game", "tictactoe", "--all-moves"], input: "5\n\n15 3\n")
        #expect(solved.status == 0, "\(solved)")
        #expect(
            solved.output.split(separator: "\n") == ["5 0 -2 0 -2 x -2 0 -2 0", "15 x 0 0 0 x 0 0 0 0"], "\(solved)")
        let outcomes = try selfplay(["solve", "--game", "tictactoe", "--all-moves", "--outcomes"], input: "5\n")
        #expect(outcomes.status == 0 && outcomes.output == "5 D L D L x L D L D\n", "\(outcomes)")
        let alone = try selfplay(["solve", "--game", "tictactoe", "--outcomes"], input: "5\n")
        #expect(alone.status != 0 && alone.output.contains("--outcomes needs --all-moves"), "\(alone)")
        let positions = try temporaryFile("positions", "5\n15\n1\n")
        defer { try? FileManager.default.removeItem(at: positions) }
        let evaluated = try selfplay([
            "eval-positions", "--game", "tictactoe", "--player", "perfect", "--positions", positions.path,
        ])
        #expect(evaluated.status == 0 && evaluated.output.contains("3 positions, 0 mistakes"), "\(evaluated)")

        // O to move with cells 8 and 9 empty: 9 loses (X completes 2-5-8), 8 draws.
        let labelled = try temporaryFile("labelled", String(repeating: "5137462 - - - - - - - 0 -2\n", count: 12))
        defer { try? FileManager.default.removeItem(at: labelled) }
        let shown = try selfplay([
            "eval-positions", "--game", "tictactoe", "--player", "random", "--positions", labelled.path,
            "--show-mistakes",
        ])
        let mistakeLines = shown.output.split(separator: "\n").filter { $0.hasSuffix(": 5137462 chose 9, best 8") }
        #expect(shown.status == 0 && !mistakeLines.isEmpty, "\(shown)")
        #expect(shown.output.contains("12 positions, \(mistakeLines.count) mistakes"), "\(shown)")
        #expect(mistakeLines.allSatisfy { $0.hasPrefix("\(labelled.path):") }, "\(shown)")
    }
}
