import ArgumentParser
import Environments
import Foundation
import GameKit

@main
struct SelfPlayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfplay",
        abstract: "An AlphaZero-style self-play lab: train board-game agents, measure them honestly.",
        subcommands: [
            GamesCommand.self, ShowCommand.self, PerftCommand.self, ReplayCommand.self, TrainCommand.self,
            LearnCommand.self, WorkerCommand.self, EloCommand.self, ReportCommand.self, RollbackCommand.self,
            BranchCommand.self, ArenaCommand.self, PlayCommand.self, ExperimentCommand.self, WatchCommand.self,
            SolveCommand.self, EvalPositionsCommand.self, FitCommand.self, BenchCommand.self,
        ]
    )
}
