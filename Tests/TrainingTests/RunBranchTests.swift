import Foundation
import Testing
import Training

@Suite(.serialized) struct RunBranchTests {
    /// A branch with no change, trained on from generation 2 to 4, is the parent's run: the same
    /// matches, metrics and weights; the parent's files are untouched.
    @Test func aBranchWithTheSameSettingsContinuesLikeItsParent() throws {
        try requireExecutable()
        let parent = temporaryFolder("branch-parent"), branch = temporaryFolder("branch-same")
        defer { try? FileManager.default.removeItem(at: parent); try? FileManager.default.removeItem(at: branch) }
        #expect(try runSelfplay(["train", "--run", parent.path, "--generations", "4"] + quickRun).status == 0)
        let before = try results(of: parent)
        let made = try runSelfplay(["branch", parent.path, branch.path, "--at", "2"])
        #expect(made.status == 0 && made.output.contains("no settings changed"), "\(made.output)")
        #expect(RunDirectory(url: branch).completeGenerations() == [0, 1, 2])
        let trained = try runSelfplay(["train", "--run", branch.path, "--generations", "4"])
        #expect(trained.status == 0, "\(trained.output)")
        let (expected, actual) = (try results(of: parent), try results(of: branch))
        #expect(expected.matches == actual.matches)
        #expect(expected.metrics == actual.metrics)
        let models = try [parent, branch].map { try Data(contentsOf: RunDirectory(url: $0).modelURL(4)) }
        #expect(models[0] == models[1])
        #expect(try results(of: parent).metrics == before.metrics)
        #expect(RunDirectory(url: parent).completeGenerations() == [0, 1, 2, 3, 4])
        let record = try #require(try RunDirectory(url: branch).branch())
        #expect(record.generation == 2 && record.changes.isEmpty && record.parent.hasSuffix(parent.lastPathComponent))
    }

    /// A changed setting acts from the generation after the branch point; the branch still refuses
    /// a hand edit of its configuration once it has trained under it.
    @Test func aBranchTrainsOnWithTheChangedSetting() throws {
        try requireExecutable()
        let parent = temporaryFolder("branch-parent-2"), branch = temporaryFolder("branch-rate")
        defer { try? FileManager.default.removeItem(at: parent); try? FileManager.default.removeItem(at: branch) }
        #expect(try runSelfplay(["train", "--run", parent.path, "--generations", "3"] + quickRun).status == 0)
        let made = try runSelfplay([
            "branch", parent.path, branch.path, "--at", "1", "--set", "training.learningRate=0.01",
            "--set", "budget.generations=5",
        ])
        #expect(made.status == 0 && made.output.contains("training.learningRate: 0.003 -> 0.01"), "\(made.output)")
        // The budget, which resuming may change too, is part of the branch's record.
        #expect(made.output.contains("budget.generations: 3 -> 5"), "\(made.output)")
        #expect(try runSelfplay(["train", "--run", branch.path, "--generations", "3"]).status == 0)
        let (theirs, ours) = (try results(of: parent).metrics, try results(of: branch).metrics)
        #expect(ours.count == 4 && Array(ours.prefix(2)) == Array(theirs.prefix(2)))
        #expect(ours[2] != theirs[2])
        let rate = try RunDirectory(url: branch).loadManifest(3).metrics.learningRate ?? 0
        #expect(abs(rate - 0.01) < 1e-9)
        let report = try String(contentsOf: branch.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(report.contains("Branched from") && report.contains("at generation 1: budget.generations: 3 -&gt; 5"))

        let configuration = branch.appendingPathComponent("config.json")
        let edited = try String(contentsOf: configuration, encoding: .utf8)
            .replacingOccurrences(of: "\"steps\" : 20", with: "\"steps\" : 21")
        try edited.write(to: configuration, atomically: true, encoding: .utf8)
        let refused = try runSelfplay(["train", "--run", branch.path, "--generations", "4"])
        #expect(refused.status != 0 && refused.output.contains("training.steps"), "\(refused.output)")
    }

    @Test func branchesThatCannotBeAreRefused() throws {
        try requireExecutable()
        let parent = temporaryFolder("branch-parent-3"), taken = temporaryFolder("branch-taken")
        defer { try? FileManager.default.removeItem(at: parent); try? FileManager.default.removeItem(at: taken) }
        #expect(try runSelfplay(["train", "--run", parent.path, "--generations", "1"] + quickRun).status == 0)
        try FileManager.default.createDirectory(at: taken, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: taken.appendingPathComponent("notes.txt"))
        let new = temporaryFolder("branch-new")
        defer { try? FileManager.default.removeItem(at: new) }
        let cases: [([String], String)] = [
            (["branch", new.path, parent.path, "--at", "0"], "holds no run"),
            (["branch", parent.path, new.path, "--at", "5"], "no complete generation 5 (complete: 0...1)"),
            (["branch", parent.path, taken.path, "--at", "1"], "already exists"),
            (["branch", parent.path, new.path, "--at", "1", "--set", "network.hidden=[32]"], "network.hidden"),
            (["branch", parent.path, new.path, "--at", "1", "--set", "seed=3"], "random state"),
            (["branch", parent.path, new.path, "--at", "1", "--set", "training.batchSize=0"], "training.batchSize"),
            (["branch", parent.path, new.path, "--at", "-1"], "--at"),
        ]
        for (arguments, expected) in cases {
            let outcome = try runSelfplay(arguments)
            #expect(outcome.status != 0 && outcome.output.contains(expected), "\(arguments): \(outcome.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: new.path))
        let siblings = try FileManager.default.contentsOfDirectory(atPath: new.deletingLastPathComponent().path)
        #expect(!siblings.contains { $0.contains(".branching-") })
    }

    /// An ablation arm made by branching from an earlier arm before its own setting acts (growth once half
    /// of a 4-generation budget is spent; the branch continues generation 1, the last before that half)
    /// equals the same arm trained from scratch.
    @Test func aBranchedArmEqualsTheSameArmTrainedFromScratch() throws {
        try requireExecutable()
        let out = temporaryFolder("branched-ablation")
        let file = out.deletingLastPathComponent().appendingPathComponent("\(out.lastPathComponent).json")
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: file) }
        let growth = """
            "growth.atProgress": "0.5", "growth.network.hidden": "[24]", "growth.fitGenerations": "2",
            "growth.fitSteps": "40"
            """
        let experiment = """
            {"name": "branched", "version": 1, "game": "tictactoe", "seeds": [7],
             "set": {"budget.generations": "4", "selfPlay.games": "24", "selfPlay.concurrentGames": "24",
                     "search.simulations": "16", "training.steps": "20", "evaluation.games": "4",
                     "evaluation.references": "[\\"random\\"]", "arena.games": "4", "blasThreads": "1"},
             "arms": [{"name": "plain"},
                      {"name": "grown", "set": {\(growth)}, "branchFrom": "plain", "branchBefore": 0.5},
                      {"name": "grown-from-scratch", "set": {\(growth)}}]}
            """
        try Data(experiment.utf8).write(to: file)
        let ran = try runSelfplay(["experiment", file.path, "--out", out.path])
        #expect(ran.status == 0 && ran.output.contains("branched from plain at generation 1"), "\(ran.output)")
        let branched = out.appendingPathComponent("grown/seed-7")
        let scratch = out.appendingPathComponent("grown-from-scratch/seed-7")
        #expect(try RunDirectory(url: branched).branch()?.generation == 1)
        let (expected, actual) = (try results(of: scratch), try results(of: branched))
        #expect(expected.matches == actual.matches)
        #expect(expected.metrics == actual.metrics)
        let models = try [scratch, branched].map { try Data(contentsOf: RunDirectory(url: $0).modelURL(4)) }
        #expect(models[0] == models[1])
        #expect(try RunDirectory(url: branched).loadManifest(3).metrics.grewTo != nil)
    }

}
