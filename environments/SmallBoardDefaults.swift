import GameKit

extension TrainingDefaults {
    /// The defaults the Hex and Go boards share: a residual trunk of 32 filters, 64 simulations with two leaves per
    /// tree, 128 games a generation, one-hour runs, and references from random up to 1600-rollout MCTS. A board
    /// sets what depends on its size: the trunk's depth (its receptive field should span the board), the root
    /// noise's α (smaller on a larger board) and how many moves are played with temperature 1 (the temperature then
    /// falls to 0.3 over as many moves again).
    static func smallBoard(blocks: Int, dirichletAlpha: Double, temperatureMoves: Int) -> TrainingDefaults {
        [
            "network.body": "resnet", "network.blocks": .integer(blocks), "network.filters": 32,
            "network.valueHidden": 32,
            "search.simulations": 64, "search.dirichletAlpha": .number(dirichletAlpha),
            "search.dirichletFraction": 0.25, "search.leavesPerTree": 2,
            "selfPlay.games": 128, "selfPlay.concurrentGames": 128,
            "selfPlay.temperatureMoves": .integer(temperatureMoves),
            "selfPlay.temperatureDecayMoves": .integer(temperatureMoves), "selfPlay.finalTemperature": 0.3,
            "training.batchSize": 128, "training.steps": 300,
            "evaluation.references": ["random", "mcts:rollouts=100"],
            "evaluation.strongerReferences": ["mcts:rollouts=400", "mcts:rollouts=1600"],
            "evaluation.games": 20, "evaluation.simulations": 64, "evaluation.openingMoves": 2,
            "evaluation.ladderOpponents": 2, "evaluation.ladderGames": 20, "evaluation.maxTimeShare": 0.2,
            "evaluation.finalTrendGames": 100,
            "budget.generations": 0, "budget.wallSeconds": 3600,
        ]
    }
}
