import Foundation

/// Receives what a training run has to say: transient status lines and lasting messages.
public protocol TrainingReporter: AnyObject {
    /// A status line that the next one replaces (progress within a phase).
    func status(_ line: String)
    /// A lasting message (one generation's summary, a warning).
    func message(_ text: String)
}
