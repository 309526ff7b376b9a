/// The 95% Wilson score interval of a proportion `p` observed over `trials` (a mistake rate, or a
/// match score with draws counted half). Unlike the normal approximation it does not shrink to a
/// point at 0 or 1.
public func wilsonInterval(proportion p: Double, trials: Int) -> (low: Double, high: Double) {
    guard trials > 0 else { return (0, 1) }
    let n = Double(trials), z = 1.959964
    let denominator = 1 + z * z / n
    let centre = (p + z * z / (2 * n)) / denominator
    let half = z / denominator * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()
    return (max(0, centre - half), min(1, centre + half))
}
