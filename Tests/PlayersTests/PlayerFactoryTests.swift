import Environments
import Foundation
import GameKit
import NeuralNet
import Players
import Search
import Solvers
import Testing
import Training

/// A tic-tac-toe network with random weights saved in a temporary folder; removed by the caller.
func savedTicTacToeNetwork() throws -> URL {
    let architecture = NetworkArchitecture(
        body: .mlp(hidden: [8]), inputPlanes: 2, boardHeight: 3, boardWidth: 3,
        actionCount: 9, valueHidden: 4)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("players-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let file = folder.appendingPathComponent("model.safetensors")
    try PolicyValueNetwork(architecture: architecture, seed: 1).save(to: file)
    return file
}

/// Each factory: the player a spec names, and the specs it refuses.
@Suite struct PlayerFactoryTests {
    func player<G: GameState>(_ text: String, _ game: G.Type) throws -> any GamePlayer<G> {
        try makePlayer(try PlayerSpec(parsing: text), for: G.self, seed: 1)
    }

    @Test func makesEachKindOfPlayer() throws {
        #expect(try player("random", TicTacToe.self) is RandomPlayer<TicTacToe>)
        #expect(try player("perfect", TicTacToe.self) is PerfectPlayer<TicTacToeSolver>)
        #expect(try player("perfect:table=12", ConnectFour.self) is PerfectPlayer<ConnectFourSolver>)
        #expect(try player("mcts:rollouts=10,c=2,solver=0", Othello.self) is RolloutMCTSPlayer<Othello>)
        #expect(try player("minimax:depth=2", ConnectFour.self) is MinimaxPlayer<ConnectFour>)
        let perfect = try player("perfect", TicTacToe.self)
        #expect(try perfect.chooseAction(in: TicTacToe(notation: "1425")) == 2)
    }

    @Test func refusesWhatCannotBeMade() {
        #expect { try player("perfect", Othello.self) } throws: {
            "\($0)" == "player 'perfect' needs an exact solver, which othello does not have; "
                + "it plays tictactoe and connect4"
        }
        #expect { try player("random:seed=2", TicTacToe.self) } throws: { "\($0)".contains("it takes no options") }
        #expect { try player("alphabeta", TicTacToe.self) } throws: { "\($0)".contains("unknown player 'alphabeta'") }
        #expect { try player("mcts:rollouts=0", TicTacToe.self) } throws: { $0 is PlayerError }
    }

    @Test func makesANetworkPlayerFromAModelFile() throws {
        let file = try savedTicTacToeNetwork()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let net = try player("net:\(file.path),sims=4,temperature=1", TicTacToe.self)
        let puct = try #require(net as? PUCTPlayer<TicTacToe>)
        #expect(puct.name == "net:model.safetensors,sims=4")
        #expect(puct.temperature == 1 && puct.temperatureMoves == 1000)
        #expect(TicTacToe().legalActions.contains(puct.chooseAction(in: TicTacToe())))

        let model = try NetworkModel(try PlayerSpec(parsing: "net:\(file.path)"), for: TicTacToe.self)
        #expect(model.search.simulations == TrainingConfiguration.defaults(for: TicTacToe.self).evaluation.simulations)
        #expect(model.search.dirichletFraction == 0)

        let defaults = TrainingConfiguration.defaults(for: TicTacToe.self).search
        let tunedSpec = try PlayerSpec(parsing: "net:\(file.path),cpuct=2.5,fpu=0.25")
        let tuned = try NetworkModel(tunedSpec, for: TicTacToe.self)
        #expect(tuned.search.cInit == 2.5 && tuned.search.fpuReduction == 0.25 && tuned.search.cBase == defaults.cBase)
        #expect(tuned.label == "net:model.safetensors,cpuct=2.5,fpu=0.25")
        let plain = try NetworkModel(try PlayerSpec(parsing: "net:\(file.path),fpu=none"), for: TicTacToe.self)
        #expect(plain.search.fpuReduction == nil && plain.search.cInit == defaults.cInit)
        #expect { try player("net:\(file.path),cpuct=0", TicTacToe.self) } throws: { "\($0)".contains("cpuct=0") }
        #expect { try player("net:\(file.path),fpu=big", TicTacToe.self) } throws: { "\($0)".contains("fpu=big") }

        let averaged = try NetworkModel(try PlayerSpec(parsing: "net:\(file.path),symmetries=all"), for: TicTacToe.self)
        #expect(averaged.symmetries.count == 8 && averaged.label == "net:model.safetensors,symmetries=all")
        #expect(averaged.evaluator() is SymmetrizedEvaluator && !(model.evaluator() is SymmetrizedEvaluator))
        #expect { try player("net:\(file.path),symmetries=some", TicTacToe.self) } throws: {
            "\($0)".contains("symmetries=some")
        }
    }

    @Test func refusesModelsThatDoNotFit() throws {
        let file = try savedTicTacToeNetwork()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        #expect { try player("net:\(file.path)", ConnectFour.self) } throws: {
            "\($0)".contains("is a network for another game")
        }
        #expect { try player("net:sims=3", TicTacToe.self) } throws: { "\($0)".contains("needs a path") }
        #expect { try player("net:/nonexistent/model", TicTacToe.self) } throws: { "\($0)".contains("does not exist") }
        #expect { try player("net:\(file.path),gen=1", TicTacToe.self) } throws: {
            "\($0)".contains("gen= needs a run directory")
        }
        let folder = file.deletingLastPathComponent().path
        #expect { try player("net:\(folder)", TicTacToe.self) } throws: { "\($0)".contains("neither a run") }
    }

    @Test func sidesShareStatelessPlayersAndBatchNetworks() throws {
        let file = try savedTicTacToeNetwork()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        #expect(try makeSide("net:\(file.path)", for: TicTacToe.self, slots: 4, seed: 1) is NetworkSide<TicTacToe>)
        let sampling = try #require(
            try makeSide("net:\(file.path),temperature=0.5,moves=3", for: TicTacToe.self, slots: 4, seed: 1)
                as? NetworkSide<TicTacToe>)
        #expect(sampling.temperature == 0.5 && sampling.temperatureMoves == 3)
        let random = try makeSide("random", for: TicTacToe.self, slots: 4, seed: 1)
        #expect(random is PlayerSide<TicTacToe> && random.name == "random")
        let mcts = try makeSide("mcts:rollouts=5", for: TicTacToe.self, slots: 2, seed: 1)
        let result = try MatchRunner.play(random, mcts, games: 4, concurrent: 2, seed: 1)
        #expect(result?.total.games == 4)
    }

    @Test func referencePlayersFollowTheirSpecs() throws {
        let references = try ReferencePlayer<TicTacToe>.parsing(["random", "perfect", "mcts:rollouts=5"], seed: 1)
        #expect(references.map(\.name) == ["random", "perfect", "mcts:rollouts=5"])
        #expect(references.map(\.shared) == [true, true, false])
        #expect(try references[2].make(3) is RolloutMCTSPlayer<TicTacToe>)
        #expect(throws: PlayerError.self) { try ReferencePlayer<Othello>.parsing(["perfect"], seed: 1) }
    }

    @Test func knownPoliciesSpreadOverTheirChoices() throws {
        let random = try #require(try player("random", TicTacToe.self) as? any KnownPolicy<TicTacToe>)
        let afterOne = try TicTacToe(notation: "5")
        #expect(random.actionProbabilities(in: afterOne) == (0..<9).map { $0 == 4 ? 0 : 1.0 / 8 })
        let perfect = try #require(try player("perfect", TicTacToe.self) as? any KnownPolicy<TicTacToe>)
        #expect(perfect.actionProbabilities(in: try TicTacToe(notation: "1425")) == (0..<9).map { $0 == 2 ? 1 : 0 })
    }
}
