import ArgumentParser
import Testing

@testable import selfplay

/// Every command's `--help` overview reads well at 80 columns. ArgumentParser prints the abstract
/// and the discussion as one text, `OVERVIEW: abstract` then a blank line then the discussion, and
/// wraps each of its hard lines on its own. A hard line that is too long therefore comes out as a
/// long line and then a stub of a word or two, and an indented row (a table row, an example
/// command) loses its indentation on the wrapped part. So a paragraph is one logical line (source
/// lines joined with `\`), and every line the author ends by hand fits.
@Suite struct HelpTextTests {
    /// The widest hard line ArgumentParser keeps whole at 80 columns: it looks for the line's
    /// newline among the next 80 characters, so an 80-character line is wrapped too.
    static let width = 79

    /// Every command under `root` with its path, `root` first.
    static func commands(
        under root: any ParsableCommand.Type = SelfPlayCommand.self, path: [String] = []
    ) -> [(name: String, type: any ParsableCommand.Type)] {
        let configuration = root.configuration
        let path = path + [configuration.commandName ?? "\(root)"]
        return [(path.joined(separator: " "), root)]
            + configuration.subcommands.flatMap { commands(under: $0, path: path) }
    }

    /// The text ArgumentParser wraps for the overview of `command`.
    static func overview(_ command: any ParsableCommand.Type) -> String {
        let configuration = command.configuration
        return "OVERVIEW: "
            + [configuration.abstract, configuration.discussion].filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// The lines of `text` a wrap must not break, with their line numbers: each line followed by
    /// another nonblank line (ended by hand inside a paragraph, list or table) and each indented
    /// line (a row or example, wherever it is). A line that ends a paragraph, before a blank line
    /// or at the end, may be wrapped.
    static func handEndedLines(_ text: String) -> [(number: Int, line: Substring)] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.indices.compactMap { index in
            let line = lines[index]
            let endedByHand = index + 1 < lines.count && !lines[index + 1].allSatisfy(\.isWhitespace)
            return endedByHand || line.first == " " ? (index + 1, line) : nil
        }
    }

    @Test func walksTheWholeCommandTree() {
        let names = Set(Self.commands().map(\.name))
        for name in ["selfplay", "selfplay replay", "selfplay arena", "selfplay bench mcts", "selfplay bench nn"] {
            #expect(names.contains(name), "\(names.sorted())")
        }
    }

    @Test func everyLineEndedByHandFitsEightyColumns() {
        for (name, command) in Self.commands() {
            for (number, line) in Self.handEndedLines(Self.overview(command)) where line.count > Self.width {
                Issue.record(
                    """
                    \(name) --help: overview line \(number) has \(line.count) columns (at most \(Self.width) \
                    fit before a hard newline), so ArgumentParser wraps it: \(line)
                    """)
            }
        }
    }

    /// The same, as ArgumentParser renders it: each line ended by hand is a whole line of the help.
    @Test func renderedHelpKeepsEveryLineEndedByHand() {
        for (name, command) in Self.commands() {
            let rendered = Set(
                SelfPlayCommand.helpMessage(for: command, columns: 80).split(
                    separator: "\n", omittingEmptySubsequences: false))
            for (number, line) in Self.handEndedLines(Self.overview(command)) where !rendered.contains(line) {
                Issue.record("\(name) --help: overview line \(number) is wrapped at 80 columns: \(line)")
            }
        }
    }

    /// The usage line `selfplay PATH --help` prints names that path, `USAGE: selfplay learn [...]`,
    /// and no other command's: an options group that is itself a command once put its name in there
    /// (`USAGE: selfplay train learn`).
    @Test func everyUsageLineNamesItsOwnCommand() throws {
        for (name, _) in Self.commands() {
            let path = name.split(separator: " ")
            let outcome = try selfplay(path.dropFirst().map(String.init) + ["--help"])
            let lines = outcome.output.split(separator: "\n")
            guard outcome.status == 0, let usage = lines.first(where: { $0.hasPrefix("USAGE: ") }) else {
                Issue.record("\(name) --help: no usage line: \(outcome)")
                continue
            }
            // The path, then only its arguments: `[--option]`, `<argument>`, `--option <value>`.
            let words = usage.split(separator: " ").dropFirst()
            let next = words.dropFirst(path.count).first
            #expect(
                words.prefix(path.count).elementsEqual(path) && (next.map { "[<-".contains($0.first!) } ?? true),
                "\(name) --help: \(usage)")
        }
    }
}
