import ArgumentParser
import Foundation
import Training

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a training run from another terminal (reads its files; never writes).",
        discussion:
            "Shows the current phase and progress (RUN/status.json) and the last generations. Ctrl-C to stop watching."
    )

    @Option(name: .customLong("run"), help: "The run directory.") var runPath: String
    @Option(parsing: .unconditional, help: "Seconds between refreshes, up to 3600.") var interval: Double = 2
    @Flag(help: "Print once and exit.") var once = false

    func validate() throws {
        guard interval > 0, interval <= 3600 else { throw ValidationError("--interval must be in (0, 3600] seconds") }
    }

    func run() throws {
        let directory = try existingRun(runPath)
        while true {
            var lines = ["\(runPath) at \(ISO8601DateFormatter().string(from: Date()))"]
            if let data = FileManager.default.contents(
                atPath: directory.url.appendingPathComponent("status.json").path),
                let status = try? JSONDecoder().decode(RunStatus.self, from: data)
            {
                lines.append("now: \(status.line) (updated \(status.updated))")
            }
            let generations = directory.completeGenerations()
            for generation in generations.suffix(8) {
                guard let manifest = try? directory.loadManifest(generation, verifyFiles: false) else { continue }
                let m = manifest.metrics
                let elo = m.elo.map { String(format: "Elo %5.0f", $0) } ?? "Elo     ?"
                let loss = m.valueLoss.map { String(format: "value loss %.3f", $0) } ?? ""
                lines.append(
                    String(
                        format: "  gen %4d  %@  %@  %@  %.0f s", generation, elo, loss,
                        m.promoted ? "promoted" : "not promoted", m.totalSeconds))
            }
            if generations.isEmpty { lines.append("  no complete generation yet") }
            if once {
                print(lines.joined(separator: "\n"))
                return
            }
            print("\u{1B}[2J\u{1B}[H" + lines.joined(separator: "\n"))
            Thread.sleep(forTimeInterval: interval)
        }
    }
}
