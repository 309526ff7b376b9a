import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import GameKit
import Testing
import Training

/// Collects what the report tests look at while an XML parser reads the HTML.
final class ReportInspector: NSObject, XMLParserDelegate {
    var svgCount = 0
    var polylinesPerSVG: [Int] = []
    var axisLabels: [String] = []
    var titles: [String] = []
    var coordinates: [String] = []
    private var textTarget: String?

    func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch element {
        case "svg": svgCount += 1; polylinesPerSVG.append(0)
        case "polyline":
            polylinesPerSVG[polylinesPerSVG.count - 1] += 1
            coordinates.append(attributes["points"] ?? "")
        case "polygon", "circle", "line", "rect": coordinates.append(attributes.values.joined(separator: " "))
        case "text": textTarget = attributes["class"]
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if textTarget == "axis-label" { axisLabels.append(string) }
        if textTarget == "title" { titles.append(string) }
    }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        if element == "text" { textTarget = nil }
    }
}

@Suite struct ReportTests {
    /// A synthetic run: `generations` generations with metrics and matches drawn from a seed.
    func syntheticRun(generations: Int, seed: UInt64) throws -> RunDirectory {
        let url = temporaryFolder("report-\(seed)-\(generations)")
        var configuration = TrainingConfiguration.defaults(for: "tictactoe")
        configuration.seed = seed
        let run = try RunDirectory.create(at: url, configuration: configuration)
        var rng = Xoshiro256(seed: seed)
        for generation in 0..<generations {
            var m = manifest(generation)
            m.totalSeconds = Double(generation) * 1.5
            m.totalPositions = generation * 2000
            m.metrics.policyLoss = generation == 0 ? nil : 1.5 - 0.05 * Double(generation) + 0.01 * rng.nextUnitDouble()
            m.metrics.valueLoss = generation == 0 ? nil : 0.5 / Double(generation)
            m.metrics.freshValueLoss = generation == 0 ? nil : 0.6 / Double(generation)
            m.metrics.windowValueLoss = generation == 0 ? nil : 0.4 / Double(generation)
            m.metrics.rootPolicyEntropy = generation == 0 ? nil : 1.2 - 0.01 * Double(generation)
            m.metrics.networkPolicyEntropy = generation == 0 ? nil : 1.4 - 0.01 * Double(generation)
            m.metrics.drawRate = generation == 0 ? nil : rng.nextUnitDouble()
            m.metrics.distinctPositionFraction = generation == 0 ? nil : rng.nextUnitDouble()
            m.metrics.meanGameLength = generation == 0 ? nil : 7 + rng.nextUnitDouble()
            m.metrics.mistakeRate = 0.4 / Double(generation + 1)
            let wins = Int(rng.next() % 20)
            m.matches = [
                MatchRecord(
                    generation: generation, kind: "reference", playerA: "gen\(generation)", playerB: "random",
                    wins: wins, draws: 20 - wins, losses: 0)
            ]
            try run.writeGeneration(generation, manifest: m) { folder in
                try Data("weights".utf8).write(to: folder.appendingPathComponent("model.safetensors"))
            }
        }
        return run
    }

    func inspect(_ html: String) throws -> ReportInspector {
        let parser = XMLParser(data: Data(html.utf8))
        let inspector = ReportInspector()
        parser.delegate = inspector
        #expect(parser.parse(), "the report is not well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
        return inspector
    }

    @Test(arguments: [1, 300])
    func oneRunHasEveryChart(generations: Int) throws {
        let run = try syntheticRun(generations: generations, seed: 1)
        defer { try? FileManager.default.removeItem(at: run.url) }
        let html = RunReport.html([try RunReport.RunData(run: run)])
        let report = try inspect(html)
        #expect(report.svgCount == 9)  // three Elo charts, two loss charts, entropy, self-play, game length, mistakes
        #expect(report.polylinesPerSVG == [1, 1, 1, 2, 2, 2, 2, 1, 1])
        #expect(!report.coordinates.joined().contains("nan") && !report.coordinates.joined().contains("inf"))
        #expect(
            report.axisLabels.contains("generation") && report.axisLabels.contains("Elo")
                && report.axisLabels.contains("training time (s)"))
        #expect(report.axisLabels.count == 2 * report.svgCount)
        #expect(!html.contains("<script"))
        let links = html.replacingOccurrences(of: "http://www.w3.org", with: "")
        #expect(!links.contains("http://"), "the report loads nothing from elsewhere")
    }

    @Test func seedsOverlayWithTheirMean() throws {
        let runs = try [1, 2, 3].map { try syntheticRun(generations: 5, seed: UInt64($0)) }
        defer { for run in runs { try? FileManager.default.removeItem(at: run.url) } }
        let report = try inspect(RunReport.html(try runs.map { try RunReport.RunData(run: $0) }))
        #expect(report.polylinesPerSVG.first == 4)  // three seeds and their mean
        #expect(report.polylinesPerSVG[3] == 6)  // policy and value loss of each seed
    }

    @Test func arenaMatchesAreRecordedAndListedAndACutLineIsSkipped() throws {
        let run = try syntheticRun(generations: 2, seed: 4)
        defer { try? FileManager.default.removeItem(at: run.url) }
        #expect(!RunReport.html([try RunReport.RunData(run: run)]).contains("Arena matches"))
        var result = MatchResult()
        result.asFirst = .init(wins: 3, draws: 0, losses: 17)
        result.asSecond = .init(wins: 1, draws: 1, losses: 18)
        try run.recordArenaMatch(
            MatchRecord(result, generation: 1, kind: "arena", playerA: "net:gen1", playerB: "gtp:engine --level 1"))
        // A crash in the middle of a second append leaves a cut line, with no newline; a third still lands.
        let log = FileHandle(forWritingAtPath: run.url.appendingPathComponent("arena.jsonl").path)!
        log.seekToEndOfFile()
        log.write(Data("{\"generation\":1,\"kind\":\"ar".utf8))
        log.closeFile()
        try run.recordArenaMatch(
            MatchRecord(MatchResult(), generation: 1, kind: "arena", playerA: "net:gen1", playerB: "random"))
        let (matches, skipped) = run.arenaMatches()
        #expect(matches.map(\.playerB) == ["gtp:engine --level 1", "random"])
        #expect(matches[0].wins == 4 && matches[0].draws == 1 && matches[0].losses == 35)
        #expect(matches[0].winsAsFirst == 3 && matches[0].lossesAsFirst == 17)
        #expect(skipped == 1)
        let html = RunReport.html([try RunReport.RunData(run: run)])
        _ = try inspect(html)
        #expect(html.contains("Arena matches") && html.contains("gtp:engine --level 1"))
        #expect(html.contains("1 unreadable line(s) of arena.jsonl skipped"))
    }
}
