/// How a Monte Carlo tree search explores: the PUCT formula's constants, root noise,
/// first-play urgency, virtual loss, the solver, and the root-selection rule.
public struct SearchConfiguration: Codable, Sendable, Hashable {
    /// Simulations per move (new visits added at the root).
    public var simulations: Int = 200
    /// AlphaZero's exploration constant: c(N) = cInit + log((N + cBase + 1) / cBase).
    public var cInit: Float = 1.25
    public var cBase: Float = 19_652
    /// First-play urgency: an unvisited child's value is the parent's value minus this
    /// reduction (Leela Zero's rule); `nil` gives unvisited children the value 0 (AlphaZero's rule).
    public var fpuReduction: Float? = nil
    /// Dirichlet noise at the root: concentration and mixing fraction (0 disables it).
    public var dirichletAlpha: Float = 0.3
    public var dirichletFraction: Float = 0
    /// Leaves one tree may contribute to one network batch (virtual loss keeps them apart).
    public var leavesPerTree: Int = 1
    /// The value a pending (virtual) visit counts as, from the chooser's view: -1 is a full loss.
    public var virtualLossValue: Float = -1
    /// Whether proven wins and losses propagate up the tree (MCTS-solver).
    public var solver: Bool = true
    /// How the root picks the moves it explores: PUCT (with optional noise) or Gumbel sequential halving.
    public var root: RootSelection = .puct

    /// The root rule.
    public enum RootSelection: Codable, Sendable, Hashable {
        /// The PUCT formula at the root as everywhere else.
        case puct
        /// Gumbel-top-k sampling of `sampledActions` root actions and sequential halving (Danihelka et al. 2022).
        case gumbel(sampledActions: Int)
    }

    public init() {}

    /// Checks the values; returns a message naming the first bad field.
    public func validationError() -> String? {
        if simulations < 1 { return "simulations must be at least 1 (got \(simulations))" }
        if !(cInit > 0) { return "cInit must be positive (got \(cInit))" }
        if !(cBase > 0) { return "cBase must be positive (got \(cBase))" }
        if !(dirichletAlpha > 0) { return "dirichletAlpha must be positive (got \(dirichletAlpha))" }
        if !(0...1).contains(dirichletFraction) {
            return "dirichletFraction must be in [0, 1] (got \(dirichletFraction))"
        }
        if leavesPerTree < 1 || leavesPerTree > 64 { return "leavesPerTree must be in 1...64 (got \(leavesPerTree))" }
        if case .gumbel(let m) = root, m < 1 { return "gumbel sampledActions must be at least 1 (got \(m))" }
        return nil
    }
}
