import ArgumentParser
import Foundation
import Training

struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Make an earlier generation the head of a run; later ones are moved to rolled-back/, not deleted."
    )

    @Option(name: .customLong("run"), help: "The run directory.")
    var runPath: String
    @Option(parsing: .unconditional, help: "The generation to go back to.")
    var to: Int

    func run() throws {
        let directory = try existingRun(runPath)
        try directory.checkWritable()
        let moved = try RunLock.withLock(on: directory, role: "rollback") { try directory.rollback(to: to) }
        if moved.isEmpty {
            print("generation \(to) is already the head")
        } else {
            let list = moved.map(String.init).joined(separator: ", ")
            print("generation \(to) is the head again; generations \(list) were moved to \(runPath)/rolled-back/")
        }
    }
}
