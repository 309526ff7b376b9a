import Environments
import GameKit
import NeuralNet
import Search
import Solvers
import Testing
import Training

/// Every game × every kind of player × random openings: matches run to the end without a
/// player applying a move where it is illegal (a tree left on the standard start position
/// while the game began from an opening once crashed Othello's default run).
@Suite struct OpeningMatchTests {
    struct Visitor: GameVisitor {
        let openingMoves: Int

        func visit<Game: GameState>(_ game: Game.Type) throws -> Int {
            var search = SearchConfiguration()
            search.simulations = 8
            let network = PolicyValueNetwork(
                architecture: NetworkArchitecture(
                    body: .mlp(hidden: [8]), inputPlanes: Game.encodingShape.planes,
                    boardHeight: Game.encodingShape.height,
                    boardWidth: Game.encodingShape.width,
                    actionCount: Game.actionCount, valueHidden: 4),
                seed: 5)
            var makers: [(String, (UInt64) -> any GamePlayer<Game>)] = [
                ("random", { RandomPlayer<Game>(seed: $0) }),
                ("mcts", { RolloutMCTSPlayer<Game>(simulations: 8, seed: $0) }),
                ("minimax", { MinimaxPlayer<Game>(depth: 2, seed: $0) }),
                (
                    "puct",
                    {
                        PUCTPlayer<Game>(
                            name: "puct", evaluator: UniformEvaluator(actionCount: Game.actionCount),
                            configuration: search, seed: $0)
                    }
                ),
                (
                    "net",
                    {
                        PUCTPlayer<Game>(
                            name: "net", evaluator: NetworkEvaluator(network: network),
                            configuration: search, seed: $0)
                    }
                ),
            ]
            if let solvable = Game.self as? any SolvableGame.Type, solvable.solvesInstantly {
                makers.append(("perfect", { perfectPlayer(solvable, seed: $0) as! any GamePlayer<Game> }))
            }
            var games = 0
            for (nameA, makeA) in makers {
                for (nameB, makeB) in makers {
                    // One instance per slot, as the match runner asks for.
                    let a = PlayerSide<Game>(name: nameA, slots: 2) { makeA(UInt64($0) + 1) }
                    let b = PlayerSide<Game>(name: nameB, slots: 2) { makeB(UInt64($0) + 11) }
                    let result = try MatchRunner.play(
                        a, b, games: 2, concurrent: 2, openingMoves: openingMoves, seed: 3)
                    games += result?.total.games ?? 0
                }
                // The batched network side, whose trees are fed the same moves.
                let side = NetworkSide<Game>(
                    name: "batched", evaluator: NetworkEvaluator(network: network),
                    configuration: search, slots: 2, seed: 7)
                let other = PlayerSide<Game>(name: nameA, slots: 2) { makeA(UInt64($0) + 21) }
                games +=
                    try MatchRunner.play(side, other, games: 2, concurrent: 2, openingMoves: openingMoves, seed: 4)?
                    .total.games ?? 0
            }
            return games
        }
    }

    @Test(arguments: [0, 1, 2, 3])
    func everyGameAndPlayerKindFinishesFromOpenings(openingMoves: Int) throws {
        for game in GameCatalog.all {
            let games = try GameCatalog.visit(game, with: Visitor(openingMoves: openingMoves))
            let kinds = (game as? any SolvableGame.Type)?.solvesInstantly == true ? 6 : 5
            #expect(games == kinds * kinds * 2 + kinds * 2, "\(game.name) with \(openingMoves) opening moves")
        }
    }

    @Test func followKeepsTheSubtreeOnlyWhenTheMoveWasPlayedFromTheRoot() {
        let tree = SearchTree<Othello>(configuration: SearchConfiguration())
        let opening = try! Othello(notation: "f5")
        // The tree stands on the start position; the game began from "f5", so d6 is played from
        // there. On the start position d6 is illegal: follow must start afresh, not apply it.
        var next = opening
        next.apply(Othello.action(named: "d6")!)
        tree.follow(Othello.action(named: "d6")!, to: next)
        #expect(tree.rootState == next)
    }
}

/// The perfect player of a solvable game (an `any GamePlayer` of that game).
private func perfectPlayer<Game: SolvableGame>(_ game: Game.Type, seed: UInt64) -> AnyObject {
    PerfectPlayer(solver: Game.makeSolver(tableSizeLog2: 10), seed: seed)
}
