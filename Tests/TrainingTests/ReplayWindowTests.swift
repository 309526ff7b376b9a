import Foundation
import Testing
import Training

/// The growing replay window (KataGo's): its length by generation, what the buffer keeps, and a resume that
/// loads the window the run had.
@Suite struct ReplayWindowTests {
    func samples(_ value: Float) -> SampleSet {
        var set = SampleSet(inputSize: 1, actionCount: 1)
        [value].withUnsafeBufferPointer { input in
            [Float(1)].withUnsafeBufferPointer { set.append(input: input, mask: $0, policy: $0, value: value) }
        }
        return set
    }

    @Test func theWindowGrowsAsThePowerThreeQuartersAndStopsAtItsLargest() {
        let fixed = ReplayBuffer(window: 8)
        #expect([1, 8, 100, 10_000].map(fixed.windowLength(at:)) == [8, 8, 8, 8])
        let growing = ReplayBuffer(window: 8, windowGrowth: 0.4, maxWindow: 40)
        // 8 · (1 + 0.4 · ((100 / 8)^0.75 − 1) / 0.75) = 32.1
        #expect([1, 8, 9, 100].map(growing.windowLength(at:)) == [8, 8, 8, 32])
        #expect(growing.windowLength(at: 10_000) == 40)
        let lengths = (1...400).map(growing.windowLength(at:))
        #expect(zip(lengths, lengths.dropFirst()).allSatisfy { $0 <= $1 })

        var buffer = growing
        for generation in 1...100 { buffer.add(generation: generation, samples: samples(Float(generation))) }
        #expect(buffer.generations.map(\.generation) == Array(69...100))
        #expect(buffer.trainingSampleCount == 32)
    }

    @Test func theSettingsBuildTheWindowAndRefuseANegativeGrowth() {
        var configuration = TrainingConfiguration.defaults(for: "connect4")
        configuration.replay.windowGrowth = 0.4
        configuration.replay.maxWindowGenerations = 20
        let buffer = ReplayBuffer(settings: configuration.replay)
        #expect(buffer.windowLength(at: 1000) == 20 && buffer.averagePositions)
        #expect(configuration.validationError() == nil)
        configuration.replay.windowGrowth = -1
        #expect(configuration.validationError()?.contains("replay.windowGrowth") == true)
    }

    /// Three generations, then a resume to six, trains the same network as six in one go: the resume loads the
    /// two generations the grown window holds at generation 3, not the one it started with.
    @Test func aResumedRunLoadsTheGrownWindow() throws {
        try requireExecutable()
        let oneGo = temporaryFolder("window-one-go"), resumed = temporaryFolder("window-resumed")
        defer { try? FileManager.default.removeItem(at: oneGo); try? FileManager.default.removeItem(at: resumed) }
        let settings =
            quickRun + [
                "--set", "replay.windowGenerations=1", "--set", "replay.windowGrowth=1", "--set", "arena.games=0",
            ]
        #expect(try runSelfplay(["train", "--run", oneGo.path, "--generations", "6"] + settings).status == 0)
        #expect(try runSelfplay(["train", "--run", resumed.path, "--generations", "3"] + settings).status == 0)
        #expect(try runSelfplay(["train", "--run", resumed.path, "--generations", "6"]).status == 0)
        let models = try [oneGo, resumed].map { try Data(contentsOf: RunDirectory(url: $0).modelURL(6)) }
        #expect(models[0] == models[1])
    }
}
