import Foundation
import NeuralNet

/// The HTML report of one or more runs: a single self-contained file (inline SVG, no scripts,
/// fonts or network) with Elo curves and their 95% bands, losses, loop-health diagnostics,
/// the match table, the configuration and the lineage. Runs overlay on the same axes; runs
/// that differ only in their seed are also summarized by their mean and min–max spread.
public enum RunReport {
    /// What the report needs of one run, read from its directory.
    public struct RunData {
        public var name: String
        public var configuration: TrainingConfiguration
        public var manifests: [GenerationManifest]
        public var matches: [MatchRecord]
        /// Matches recorded with `selfplay arena --record`, and the log's unreadable lines.
        public var arenaMatches: [MatchRecord]
        public var skippedArenaLines: Int
        /// Elo per generation, refitted over all of the run's matches.
        public var ratings: [Int: PlayerRating]
        /// Where the run branched off another (`selfplay branch`); nil for a run from scratch.
        public var branch: RunBranch?

        public init(run: RunDirectory) throws {
            name = run.url.lastPathComponent
            configuration = try run.loadConfiguration()
            manifests = try run.completeGenerations().map { try run.loadManifest($0, verifyFiles: false) }
            matches = manifests.flatMap(\.matches)
            (arenaMatches, skippedArenaLines) = run.arenaMatches()
            branch = try run.branch()
            let fitted = EloRating.fit(matches)
            var ratings: [Int: PlayerRating] = [:]
            for manifest in manifests {
                if let rating = fitted.first(where: { $0.player == "gen\(manifest.generation)" }) {
                    ratings[manifest.generation] = rating
                }
            }
            self.ratings = ratings
        }
    }

    /// Renders the report of `runs`.
    public static func html(_ runs: [RunData]) -> String {
        var charts: [String] = []
        func metric(
            _ run: RunData, _ x: (GenerationManifest) -> Double, _ y: (GenerationMetrics) -> Double?
        ) -> [(x: Double, y: Double)] {
            run.manifests.compactMap { manifest in y(manifest.metrics).map { (x(manifest), $0) } }
        }
        func eloSeries(_ x: @escaping (GenerationManifest) -> Double) -> [LineChart.Series] {
            runs.map { run in
                let rated = run.manifests.filter { run.ratings[$0.generation] != nil }
                let points = rated.map { (x: x($0), y: run.ratings[$0.generation]!.elo) }
                let band = rated.map { manifest -> (low: Double, high: Double) in
                    let rating = run.ratings[manifest.generation]!
                    return (
                        rating.low.isFinite ? rating.low : rating.elo, rating.high.isFinite ? rating.high : rating.elo
                    )
                }
                return LineChart.Series(name: run.name, points: points, band: band)
            }
        }
        var byGeneration = eloSeries { Double($0.generation) }
        byGeneration += seedSummaries(runs)
        charts.append(
            LineChart(
                title: "Elo by generation (random = 0; bands: 95% intervals)", xLabel: "generation", yLabel: "Elo",
                series: byGeneration
            ).svg)
        charts.append(
            LineChart(
                title: "Elo against training time", xLabel: "training time (s)", yLabel: "Elo",
                series: eloSeries { $0.totalSeconds }
            ).svg)
        charts.append(
            LineChart(
                title: "Elo against self-play positions", xLabel: "self-play positions", yLabel: "Elo",
                series: eloSeries { Double($0.totalPositions) }
            ).svg)
        let generation: (GenerationManifest) -> Double = { Double($0.generation) }
        /// A chart of metrics per run, the first solid and the others dashed; a metric after the
        /// first `kept` that no generation of any run has (one older runs did not record) is left out.
        func metricsChart(
            _ title: String, yLabel: String, kept: Int = 2,
            _ metrics: [(String, (GenerationMetrics) -> Double?)]
        ) -> String {
            let present = metrics.enumerated().filter { index, entry in
                index < kept || runs.contains { !metric($0, generation, entry.1).isEmpty }
            }.map(\.element)
            return LineChart(
                title: title, xLabel: "generation", yLabel: yLabel,
                series: runs.flatMap { run in
                    present.enumerated().map { index, entry in
                        LineChart.Series(
                            name: "\(run.name) \(entry.0)", points: metric(run, generation, entry.1), dashed: index > 0)
                    }
                }
            ).svg
        }
        charts.append(
            metricsChart(
                "Training loss (mean of the last quarter of each generation's steps)", yLabel: "loss",
                [("policy", { $0.policyLoss }), ("value", { $0.valueLoss })]))
        charts.append(
            metricsChart(
                "Value loss: fresh self-play (best network), replay window (candidate), constant predictor",
                yLabel: "value MSE",
                [
                    ("fresh", { $0.freshValueLoss }), ("window", { $0.windowValueLoss }),
                    ("constant on fresh", { $0.freshValueBaseline }),
                ]))
        charts.append(
            metricsChart(
                "Policy entropy", yLabel: "entropy (nats)",
                [("search root", { $0.rootPolicyEntropy }), ("raw network", { $0.networkPolicyEntropy })]))
        charts.append(
            metricsChart(
                "Self-play: draw rate, distinct positions, repeated games", yLabel: "fraction",
                [
                    ("draws", { $0.drawRate }), ("distinct", { $0.distinctPositionFraction }),
                    ("repeated games", { $0.duplicateGameRate }),
                ]))
        charts.append(
            LineChart(
                title: "Mean self-play game length", xLabel: "generation", yLabel: "moves",
                series: runs.map { run in
                    LineChart.Series(name: run.name, points: metric(run, generation) { $0.meanGameLength })
                }
            ).svg)
        if runs.contains(where: { run in run.manifests.contains { $0.metrics.mistakeRate != nil } }) {
            charts.append(
                metricsChart(
                    "Raw network's mistake rate on solver-labelled positions (all, and by kind)",
                    yLabel: "mistakes (%)", kept: 1,
                    [
                        ("all", { $0.mistakeRate.map { 100 * $0 } }),
                        ("quiet", { $0.mistakeRateQuiet.map { 100 * $0 } }),
                        ("threat", { $0.mistakeRateThreat.map { 100 * $0 } }),
                        ("immediate win", { $0.mistakeRateImmediateWin.map { 100 * $0 } }),
                    ]))
        }

        var body = "<h1>SelfPlay report</h1>\n"
        let summaries = runs.map { run in
            escape(run.name) + " (" + escape(run.configuration.game) + ", seed \(run.configuration.seed), "
                + "\(run.manifests.count) generations)"
        }
        let generated = escape(ISO8601DateFormatter().string(from: Date()))
        body += "<p>\(runs.count) run(s): \(summaries.joined(separator: "; ")). Generated \(generated).</p>\n"
        body += charts.map { "<div class=\"figure\">\($0)</div>" }.joined(separator: "\n")
        for run in runs {
            body += "\n<h2>\(escape(run.name))</h2>\n<h3>Lineage</h3>\n"
            if let branch = run.branch {
                let changes = branch.changes.isEmpty ? "no settings changed" : branch.changes.joined(separator: ", ")
                body += "<p>Branched from \(escape(branch.parent)) at generation \(branch.generation): "
                body += "\(escape(changes)).</p>\n"
            }
            body += lineageTable(run)
            body += "\n<h3>Matches</h3>\n" + matchTable(run.matches)
            if !run.arenaMatches.isEmpty || run.skippedArenaLines > 0 {
                body += "\n<h3>Arena matches (selfplay arena --record)</h3>\n" + matchTable(run.arenaMatches)
                if run.skippedArenaLines > 0 {
                    body += "\n<p>\(run.skippedArenaLines) unreadable line(s) of arena.jsonl skipped.</p>"
                }
            }
            let configuration =
                (try? AtomicFile.encodeJSON(run.configuration)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            body += "\n<h3>Configuration</h3>\n<pre>\(escape(configuration))</pre>\n"
        }
        return """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head><meta charset="utf-8"/><title>SelfPlay report</title>
            <style>body{font-family:sans-serif;margin:24px;max-width:1400px}.figure{display:inline-block;margin:6px}\
            table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}\
            pre{font-size:11px;background:#f6f6f6;padding:8px}</style>
            </head>
            <body>
            \(body)
            </body>
            </html>

            """
    }

    /// Mean and min–max spread of Elo by generation for runs that share a configuration but their seed.
    static func seedSummaries(_ runs: [RunData]) -> [LineChart.Series] {
        var groups: [String: [RunData]] = [:]
        for run in runs {
            var key = run.configuration
            key.seed = 0
            groups[key.hash, default: []].append(run)
        }
        return groups.values.filter { $0.count > 1 }.sorted { $0[0].name < $1[0].name }.map { group in
            let generations = Set(group.flatMap { $0.ratings.keys }).sorted().filter { g in
                group.allSatisfy { $0.ratings[g] != nil }
            }
            let points = generations.map { g in
                (x: Double(g), y: group.map { $0.ratings[g]!.elo }.reduce(0, +) / Double(group.count))
            }
            let band = generations.map { g in
                (low: group.map { $0.ratings[g]!.elo }.min()!, high: group.map { $0.ratings[g]!.elo }.max()!)
            }
            return LineChart.Series(
                name: "mean of \(group.count) seeds (band: min-max)", points: points, band: band, dashed: true)
        }
    }

    static func lineageTable(_ run: RunData) -> String {
        let headers = [
            "generation", "parent", "promoted", "best after", "Elo", "95% interval", "positions", "time (s)", "note",
        ]
        var rows = "<table>" + tableRow(headers, header: true)
        for manifest in run.manifests {
            let rating = run.ratings[manifest.generation]
            let interval = rating.map { $0.high.isFinite ? String(format: "%.0f – %.0f", $0.low, $0.high) : "" } ?? ""
            rows += tableRow([
                "\(manifest.generation)", manifest.parent.map(String.init) ?? "–", manifest.promoted ? "yes" : "no",
                "\(manifest.best)", rating.map { String(format: "%.0f", $0.elo) } ?? "", interval,
                "\(manifest.totalPositions)", String(format: "%.1f", manifest.totalSeconds),
                escape(manifest.metrics.rejection ?? ""),
            ])
        }
        return rows + "</table>"
    }

    static func matchTable(_ matches: [MatchRecord]) -> String {
        let headers = ["generation", "kind", "player A", "player B", "A wins", "draws", "A losses", "A score"]
        var rows = "<table>" + tableRow(headers, header: true)
        for match in matches {
            let score = match.games > 0 ? (Double(match.wins) + 0.5 * Double(match.draws)) / Double(match.games) : 0
            rows += tableRow([
                "\(match.generation)", escape(match.kind), escape(match.playerA), escape(match.playerB),
                "\(match.wins)", "\(match.draws)", "\(match.losses)", String(format: "%.3f", score),
            ])
        }
        return rows + "</table>"
    }

    static func escape(_ text: String) -> String { LineChart.escape(text) }

    /// One table row of cells already escaped (`th` cells with `header`).
    static func tableRow(_ cells: [String], header: Bool = false) -> String {
        let tag = header ? "th" : "td"
        return "<tr>" + cells.map { "<\(tag)>\($0)</\(tag)>" }.joined() + "</tr>"
    }

    /// Writes the report of the run in `run` to `run/report.html`.
    public static func write(for run: RunDirectory) throws {
        let data = try RunData(run: run)
        try AtomicFile.write(Data(html([data]).utf8), to: run.url.appendingPathComponent("report.html"))
    }
}
