import ArgumentParser
import Foundation
import NeuralNet
import Training

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Write the HTML report of one or more runs (curves overlaid; seeds of one experiment also as mean and "
            + "spread).",
        discussion: "The training loop also rewrites RUN/report.html after every generation."
    )

    @Option(name: .customLong("run"), help: "A run directory (repeatable).")
    var runs: [String]
    @Option(name: .shortAndLong, help: "The HTML file to write (default: report.html in the run, for one run).")
    var output: String?

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("give at least one --run") }
        guard runs.count == 1 || output != nil else {
            throw ValidationError("with several runs, say where the report goes with -o FILE")
        }
    }

    func run() throws {
        let data = try runs.map { try RunReport.RunData(run: try existingRun($0)) }
        if output == nil { try RunDirectory(url: URL(fileURLWithPath: runs[0])).checkWritable() }
        let destination = URL(fileURLWithPath: output ?? runs[0] + "/report.html")
        try AtomicFile.write(Data(RunReport.html(data).utf8), to: destination)
        print("wrote \(destination.path)")
    }
}
