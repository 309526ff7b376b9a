import Foundation
import Testing
import Training

/// One writer per run directory: a second `train` or a `rollback` on a run being trained is refused,
/// and a holder killed with SIGKILL leaves nothing stuck.
@Suite struct RunLockTests {
    @Test func aSecondWriterIsRefusedAndAKilledHolderLeavesNoStaleLock() throws {
        let folder = temporaryFolder("locked")
        defer { try? FileManager.default.removeItem(at: folder) }
        let holder = Process()
        holder.executableURL = selfplayBinary
        holder.arguments = ["train", "--run", folder.path, "--generations", "100000"] + quickRun
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        let run = RunDirectory(url: folder)
        let deadline = Date().addingTimeInterval(120)
        while run.completeGenerations().count < 2 && Date() < deadline && holder.isRunning { usleep(50_000) }
        try #require(run.completeGenerations().count >= 2, "the first trainer did not get going")

        let second = try selfplay(["train", "--run", folder.path, "--generations", "100000"])
        expectRefusal(second, "is in use by another process", "train, pid \(holder.processIdentifier)")
        expectRefusal(try selfplay(["rollback", "--run", folder.path, "--to", "0"]), "is in use by another process")
        #expect(holder.isRunning, "the refused commands disturbed the holder")

        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let head = try #require(run.completeGenerations().last)
        let resumed = try selfplay(["train", "--run", folder.path, "--generations", "\(head + 1)"])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(run.completeGenerations().last == head + 1)
        let again = try selfplay(["train", "--run", folder.path, "--generations", "\(head + 2)"])
        #expect(again.status == 0, "a run that ended normally kept its lock: \(again)")
    }

    /// Inside one process too: each acquisition opens its own descriptor, and `flock` treats them apart.
    @Test func aNestedAcquisitionIsRefused() throws {
        let folder = temporaryFolder("lock-nested")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = RunDirectory(url: folder)
        try RunLock.withLock(on: run, role: "learner") {
            _ = #expect(throws: RunDirectoryError.self) { try RunLock.withLock(on: run, role: "learner") {} }
        }
    }
}
