import Foundation
import Training

/// Prints status lines in place on a terminal; on a pipe or file prints only lasting messages.
final class TerminalReporter: TrainingReporter {
    let interactive = isatty(STDERR_FILENO) == 1
    var lastStatus = ContinuousClock.now - .seconds(1)

    func status(_ line: String) {
        guard interactive else { return }
        let now = ContinuousClock.now
        guard now - lastStatus > .milliseconds(100) else { return }
        lastStatus = now
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    func message(_ text: String) {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
