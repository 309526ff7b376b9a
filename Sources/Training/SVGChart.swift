import Foundation

/// A line chart rendered as inline SVG: axes with round-number ticks, one polyline per series,
/// optional shaded bands (confidence intervals or spread), and a legend.
public struct LineChart {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// Lower and upper edge of a band at each point, if any.
        public var band: [(low: Double, high: Double)]?
        public var dashed = false

        public init(
            name: String, points: [(x: Double, y: Double)], band: [(low: Double, high: Double)]? = nil,
            dashed: Bool = false
        ) {
            self.name = name
            self.points = points
            self.band = band
            self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var width = 640.0
    public var height = 320.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
    ]

    /// Round tick values covering `low...high`, about `count` of them.
    static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard high > low else { return [low] }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var values: [Double] = []
        var value = ceil(low / step) * step
        while value <= high + step * 1e-9 {
            values.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return values
    }

    static func format(_ value: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) >= 1_000_000 { return String(format: "%gM", value / 1_000_000) }
        if abs(value) >= 10_000 { return String(format: "%gk", value / 1_000) }
        if abs(value) >= 100 || value == value.rounded() { return String(format: "%.0f", value) }
        return String(format: "%.3g", value)
    }

    /// `<name a="v" …/>`, or `<name …>text</name>` with `text` already escaped; attributes in their order,
    /// then `more` (attributes already written out).
    static func element(
        _ name: String, _ attributes: KeyValuePairs<String, String>, then more: String = "", text: String? = nil
    ) -> String {
        let list = attributes.map { " \($0.key)=\"\($0.value)\"" }.joined() + more
        return text.map { "<\(name)\(list)>\($0)</\(name)>" } ?? "<\(name)\(list)/>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    public var svg: String {
        let left = 64.0, right = 16.0, top = 28.0, bottom = 44.0
        let legendRows = Double((series.count + 2) / 3)
        let plotHeight = height - top - bottom - 16 * legendRows
        let plotWidth = width - left - right
        let finite = series.flatMap { s in
            s.points.filter { $0.x.isFinite && $0.y.isFinite }.map { ($0.x, $0.y) }
                + (s.band ?? []).filter { $0.low.isFinite && $0.high.isFinite }.flatMap {
                    [(Double.nan, $0.low), (Double.nan, $0.high)]
                }
        }
        let xs = finite.map(\.0).filter(\.isFinite)
        let ys = finite.map(\.1).filter(\.isFinite)
        var xMin = xs.min() ?? 0, xMax = xs.max() ?? 1
        var yMin = ys.min() ?? 0, yMax = ys.max() ?? 1
        if xMax <= xMin { xMin -= 0.5; xMax += 0.5 }
        if yMax <= yMin { yMin -= 0.5; yMax += 0.5 }
        let pad = (yMax - yMin) * 0.05
        yMin -= pad; yMax += pad
        let xTicks = Self.ticks(xMin, xMax), yTicks = Self.ticks(yMin, yMax)
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - yMin) / (yMax - yMin)) * plotHeight }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }

        var out =
            ##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="\##(f(width))" height="\##(f(height))" "##
            + ##"viewBox="0 0 \##(f(width)) \##(f(height))" font-family="sans-serif" font-size="11">"##
        out += Self.element(
            "text",
            [
                "class": "title", "x": f(width / 2), "y": "16", "text-anchor": "middle", "font-size": "13",
                "font-weight": "bold",
            ], text: Self.escape(title))
        out += Self.element(
            "rect",
            [
                "x": f(left), "y": f(top), "width": f(plotWidth), "height": f(plotHeight), "fill": "none",
                "stroke": "#999",
            ])
        for tick in xTicks {
            let x = f(px(tick))
            out += Self.element(
                "line", ["x1": x, "y1": f(top + plotHeight), "x2": x, "y2": f(top + plotHeight + 4), "stroke": "#666"])
            out += Self.element(
                "text", ["class": "tick", "x": x, "y": f(top + plotHeight + 16), "text-anchor": "middle"],
                text: Self.format(tick))
        }
        for tick in yTicks {
            let y = f(py(tick))
            out += Self.element("line", ["x1": f(left), "y1": y, "x2": f(left + plotWidth), "y2": y, "stroke": "#eee"])
            out += Self.element(
                "text", ["class": "tick", "x": f(left - 6), "y": f(py(tick) + 4), "text-anchor": "end"],
                text: Self.format(tick))
        }
        out += Self.element(
            "text",
            [
                "class": "axis-label", "x": f(left + plotWidth / 2), "y": f(top + plotHeight + 32),
                "text-anchor": "middle",
            ], text: Self.escape(xLabel))
        out += Self.element(
            "text",
            [
                "class": "axis-label", "transform": "translate(14 \(f(top + plotHeight / 2))) rotate(-90)",
                "text-anchor": "middle",
            ], text: Self.escape(yLabel))
        for (index, s) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            if let band = s.band {
                let pairs = zip(s.points, band).filter { $0.0.x.isFinite && $0.1.low.isFinite && $0.1.high.isFinite }
                if pairs.count > 1 {
                    let upper = pairs.map { "\(f(px($0.0.x))),\(f(py($0.1.high)))" }
                    let lower = pairs.reversed().map { "\(f(px($0.0.x))),\(f(py($0.1.low)))" }
                    out += Self.element(
                        "polygon",
                        [
                            "class": "band", "points": (upper + lower).joined(separator: " "), "fill": color,
                            "fill-opacity": "0.15", "stroke": "none",
                        ])
                }
            }
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            let coordinates = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            let dash = s.dashed ? " stroke-dasharray=\"5,3\"" : ""
            out += Self.element(
                "polyline",
                [
                    "class": "series", "data-name": Self.escape(s.name), "points": coordinates, "fill": "none",
                    "stroke": color, "stroke-width": "1.8",
                ], then: dash)
            if points.count <= 60 {
                for point in points {
                    out += Self.element(
                        "circle", ["cx": f(px(point.x)), "cy": f(py(point.y)), "r": "2.2", "fill": color])
                }
            }
            let row = Double(index / 3), column = Double(index % 3)
            let lx = left + column * (plotWidth / 3), ly = height - 10 - (legendRows - 1 - row) * 16
            out += Self.element(
                "line",
                [
                    "x1": f(lx), "y1": f(ly - 4), "x2": f(lx + 18), "y2": f(ly - 4), "stroke": color,
                    "stroke-width": "2",
                ], then: dash)
            out += Self.element("text", ["class": "legend", "x": f(lx + 22), "y": f(ly)], text: Self.escape(s.name))
        }
        return out + "</svg>"
    }
}
