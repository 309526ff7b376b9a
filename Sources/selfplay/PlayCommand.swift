import ArgumentParser
import Environments
import Foundation
import GameKit
import NeuralNet
import Players
import Search

struct PlayCommand: ParsableCommand, GameVisitor {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play against an agent in the terminal.",
        discussion: """
            Type a move in the game's notation (below), or: undo (take back your last move), hint (the \
            agent's suggestion for you), quit. Moves can also be piped in, one per line. Agents: any \
            player spec, e.g. perfect, mcts:rollouts=2000, net:runs/mine,sims=400.

            Notation:
            \(notationHelp)
            """
    )

    enum Side: String, ExpressibleByArgument { case first, second }

    @OptionGroup var game: GameOption
    @Option(help: "The opponent (a player spec).") var agent: String = "mcts:rollouts=1000"
    @Option(help: "Which side you play: first or second.") var human: Side = .first
    @Flag(help: "After each agent move, show its top candidate moves with visits and values.") var showSearch = false
    @Option(parsing: .unconditional, help: "Seed of the agent.") var seed: UInt64 = 1

    func run() throws { try GameCatalog.visit(try game.resolve(), with: self) }

    func visit<G: GameState>(_ type: G.Type) throws {
        // One position at a time: batches of a leaf or two, which one OpenBLAS thread serves best.
        BLAS.threadCount = 1
        let player = try makePlayer(try PlayerSpec(parsing: agent), for: G.self, seed: seed)
        let humanSide: Player = human == .first ? .first : .second
        var history: [Int] = []
        var state = G()
        player.newGame(from: state)
        print("You play \(humanSide) against \(player.name). Commands: a move, undo, hint, quit.")
        func replay(_ actions: [Int]) -> G {
            var position = G()
            player.newGame(from: position)
            for action in actions {
                position.apply(action)
                player.observe(action, resultingIn: position)
            }
            return position
        }
        while !state.isTerminal {
            if state.currentPlayer != humanSide {
                let action = try player.chooseAction(in: state)
                if action == G.resignAction {
                    print("\(player.name) resigns; you win")
                    return
                }
                print("\(player.name) plays \(G.actionName(action))")
                if showSearch { printSearch(of: player) }
                state.apply(action)
                history.append(action)
                player.observe(action, resultingIn: state)
                continue
            }
            let legal = state.legalActions.map(G.actionName).joined(separator: " ")
            print("\n\(state)\nmove \(state.moveCount + 1), you to move; legal: \(legal)")
            print("> ", terminator: "")
            fflush(nil)  // the prompt reaches a program driving the game through a pipe before it answers
            guard let line = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() else {
                print("\ninput ended; game abandoned")
                return
            }
            switch line {
            case "":
                continue
            case "quit", "q", "exit":
                print("you resigned")
                return
            case "undo", "u":
                // Plies alternate, so the human's moves are the even or the odd ones.
                guard let humanMove = history.indices.last(where: { (humanSide == .first) == ($0 % 2 == 0) }) else {
                    print("nothing to undo")
                    continue
                }
                history.removeSubrange(humanMove...)
                state = replay(history)
                print("took back your last move")
            case "hint", "h":
                let suggestion = try player.chooseAction(in: state)
                let named = suggestion == G.resignAction ? "resign" : G.actionName(suggestion)
                print("hint: \(named) (what \(player.name) would play here)")
                state = replay(history)
            default:
                guard let action = G.action(named: line) else {
                    print("'\(line)' is not a move of \(G.name); legal moves: \(legal)")
                    continue
                }
                guard state.legalActions.contains(action) else {
                    print("\(G.actionName(action)) is not legal here; legal moves: \(legal)")
                    continue
                }
                state.apply(action)
                history.append(action)
                player.observe(action, resultingIn: state)
            }
        }
        print("\n\(state)\n\(G.notation(of: history))")
        switch state.outcome! {
        case .draw: print("result: draw")
        case .win(let winner): print("result: \(winner == humanSide ? "you win" : "\(player.name) wins")")
        }
    }

    func printSearch<G: GameState>(of player: any GamePlayer<G>) {
        let moves: [RootMove]
        if let puct = player as? PUCTPlayer<G> {
            moves = puct.tree.rootMoves
        } else if let mcts = player as? RolloutMCTSPlayer<G> {
            moves = mcts.tree.rootMoves
        } else {
            print("  (\(player.name) does not search)")
            return
        }
        for move in moves.sorted(by: { $0.visits > $1.visits }).prefix(5) {
            let proven = move.proof == .win ? "win" : move.proof == .loss ? "loss" : "draw"
            let proof = move.proof == .unknown ? "" : "  proven \(proven)"
            print(
                String(
                    format: "  %-5@ visits %6d  value %+.3f  prior %.3f%@", G.actionName(move.action), move.visits,
                    move.value, move.prior, proof))
        }
    }
}
