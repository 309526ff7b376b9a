import GameKit

/// The rollout-MCTS baseline as a player (`mcts:rollouts=N,c=C`), reusing its tree between moves.
public final class RolloutMCTSPlayer<Game: GameState>: GamePlayer {
    public let name: String
    public let simulations: Int
    let search: RolloutSearch<Game>
    var rng: Xoshiro256

    public init(simulations: Int, explorationConstant: Float = 1.4, solver: Bool = true, seed: UInt64) {
        self.simulations = simulations
        search = RolloutSearch(explorationConstant: explorationConstant, solver: solver)
        rng = Xoshiro256(seed: seed)
        name =
            "mcts:rollouts=\(simulations)" + (explorationConstant == 1.4 ? "" : ",c=\(explorationConstant)")
            + (solver ? "" : ",solver=off")
    }

    /// The tree after the last `chooseAction` (for showing the search).
    public var tree: SearchTree<Game> { search.tree }

    public func newGame(from start: Game) { search.tree.reset(to: start) }

    public func chooseAction(in state: Game) -> Int {
        if search.tree.rootState != state { search.tree.reset(to: state) }
        search.search(simulations: simulations, using: &rng)
        return search.tree.chooseAction(temperature: 0, using: &rng)
    }

    public func observe(_ action: Int, resultingIn state: Game) { search.tree.follow(action, to: state) }
}

/// PUCT search with an evaluator (a network, or `UniformEvaluator`) as a player, reusing its
/// tree between moves. It plays the most-visited move, or samples with `temperature` for the
/// first `temperatureMoves` moves of a game.
public final class PUCTPlayer<Game: GameState>: GamePlayer {
    public let name: String
    let search: BatchedSearch<Game>
    var rng: Xoshiro256
    public var temperature: Float = 0
    public var temperatureMoves = 0

    public init(name: String, evaluator: any Evaluator, configuration: SearchConfiguration, seed: UInt64) {
        self.name = name
        search = BatchedSearch(treeCount: 1, configuration: configuration, evaluator: evaluator)
        rng = Xoshiro256(seed: seed)
    }

    public var tree: SearchTree<Game> { search.trees[0] }

    public func newGame(from start: Game) { tree.reset(to: start) }

    public func chooseAction(in state: Game) -> Int {
        if tree.rootState != state { tree.reset(to: state) }
        search.search(trees: [0], simulations: search.configuration.simulations, rootNoise: false, using: &rng)
        let tau = state.moveCount < temperatureMoves ? temperature : 0
        return tree.chooseAction(temperature: tau, using: &rng)
    }

    public func observe(_ action: Int, resultingIn state: Game) { tree.follow(action, to: state) }
}
