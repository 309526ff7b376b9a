import ArgumentParser
import Foundation

/// `selfplay learn`: the learner of a run whose self-play is done by `selfplay worker` processes.
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Train a run on the games that worker processes play (the learner of a scaled-out run).",
        discussion: """
            Like train, but each generation takes its new samples from the shards that `selfplay worker` \
            processes write into RUN/shards/: it waits until they hold selfPlay.games games, takes the oldest \
            shards that hold them into games/NNNN.samples, trains, gates, evaluates and checkpoints, then \
            names the promoted network in RUN/promoted.json for the workers. One learner per run (it holds \
            RUN/.lock; a second one is refused); at its budget it writes RUN/finished.json and the workers stop. \
            A new run is created as train creates one; workers may start before it exists. \
            SIGTERM or Ctrl-C stops at the next safe point; run the same command to resume.

            Example: three processes sharing one folder on a cluster's shared filesystem:
              selfplay learn --game \(exampleGame) --run runs/\(exampleGame) --budget 1h
              selfplay worker --run runs/\(exampleGame) --worker 0
              selfplay worker --run runs/\(exampleGame) --worker 1
            """
    )

    /// The options are `train`'s (`--run` required: workers find the run by it).
    @OptionGroup var options: TrainOptions

    func validate() throws {
        guard options.runPath != nil else {
            throw ValidationError("learn needs --run DIR, the folder the workers share")
        }
    }

    func run() throws {
        var learner = options
        learner.fromShards = true
        try TrainCommand.train(learner)
    }
}
