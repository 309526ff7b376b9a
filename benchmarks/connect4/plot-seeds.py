#!/usr/bin/env python3
"""Draws the runs of several seeds in one SVG: in-run Elo (as the run rated each generation when it
was evaluated, with its 95% interval) and the raw network's mistake rate on the six test sets, both
against the run's time counted as minutes of 2 cores (CPU-seconds / 120), with a dashed line where
each run grew its network.

Reads each run folder's metrics.jsonl (a run directory or a copy under benchmarks/connect4/runs/).
`selfplay report --run R ...` overlays runs too, but needs their complete run directories; the
committed copies of finished runs keep only metrics.jsonl, which is what this script reads.
Usage: benchmarks/connect4/plot-seeds.py OUT.svg LABEL=RUN_DIR [LABEL=RUN_DIR ...]
No dependencies beyond Python's standard library.
"""
import json
import math
import sys
from pathlib import Path

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]
WIDTH, PANEL_HEIGHT, LEFT, RIGHT, TOP, GAP = 900, 300, 70, 150, 40, 70


def load(run_dir):
    """The run's generations as (minutes of 2 cores, row), in order; generation 0 at time 0."""
    path = Path(run_dir) / "metrics.jsonl"
    if not path.is_file():
        sys.exit(f"error: {path} does not exist")
    rows = []
    with path.open() as lines:
        for number, line in enumerate(lines, 1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                sys.exit(f"error: {path}:{number} is not JSON ({error})")
            rows.append((row.get("totalCPUSeconds", 0.0) / 120.0, row))
    return rows


def ticks(low, high, count=6):
    """Round tick values (1, 2 or 5 times a power of ten apart) covering [low, high]."""
    rough = max(high - low, 1e-9) / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(power * factor for factor in (1, 2, 5, 10) if power * factor >= rough)
    return [round(step * index, 6) for index in range(math.ceil(low / step), math.floor(high / step) + 1)]


class Panel:
    """One plot area with linear axes."""

    def __init__(self, top, x_range, y_range, title, y_label):
        self.top, self.x_range, self.y_range = top, x_range, y_range
        self.title, self.y_label = title, y_label
        self.width = WIDTH - LEFT - RIGHT

    def x(self, value):
        low, high = self.x_range
        return LEFT + (value - low) / (high - low) * self.width

    def y(self, value):
        low, high = self.y_range
        return self.top + PANEL_HEIGHT - (value - low) / (high - low) * PANEL_HEIGHT

    def frame(self):
        parts = [
            f'<text x="{LEFT}" y="{self.top - 12}" font-size="14" font-weight="bold">{self.title}</text>',
            f'<rect x="{LEFT}" y="{self.top}" width="{self.width}" height="{PANEL_HEIGHT}" '
            'fill="none" stroke="#444"/>',
        ]
        for value in ticks(*self.x_range):
            x = self.x(value)
            parts.append(f'<line x1="{x:.1f}" y1="{self.top}" x2="{x:.1f}" y2="{self.top + PANEL_HEIGHT}" '
                         'stroke="#ddd"/>')
            parts.append(f'<text x="{x:.1f}" y="{self.top + PANEL_HEIGHT + 16}" font-size="11" '
                         f'text-anchor="middle">{value:g}</text>')
        for value in ticks(*self.y_range):
            y = self.y(value)
            parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + self.width}" y2="{y:.1f}" stroke="#ddd"/>')
            parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{value:g}</text>')
        middle = self.top + PANEL_HEIGHT / 2
        parts.append(f'<text x="18" y="{middle}" font-size="12" text-anchor="middle" '
                     f'transform="rotate(-90 18 {middle})">{self.y_label}</text>')
        parts.append(f'<text x="{LEFT + self.width / 2}" y="{self.top + PANEL_HEIGHT + 34}" font-size="12" '
                     'text-anchor="middle">minutes of 2 cores (CPU-seconds / 120)</text>')
        return parts

    def polyline(self, points, color):
        path = " ".join(f"{self.x(x):.1f},{self.y(y):.1f}" for x, y in points)
        return f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="1.5"/>'

    def vertical(self, x, color):
        return (f'<line x1="{self.x(x):.1f}" y1="{self.top}" x2="{self.x(x):.1f}" '
                f'y2="{self.top + PANEL_HEIGHT}" stroke="{color}" stroke-dasharray="4 3"/>')


def main(arguments):
    if len(arguments) < 2 or any("=" not in item for item in arguments[1:]):
        sys.exit(__doc__)
    output, runs = arguments[0], [item.split("=", 1) for item in arguments[1:]]
    series = [(label, load(run_dir)) for label, run_dir in runs]
    end = max(rows[-1][0] for _, rows in series)
    elo_points = [row for _, rows in series for _, row in rows if "elo" in row]
    elo_low = min(row["eloLow"] for row in elo_points)
    elo_high = max(row["eloHigh"] for row in elo_points)
    mistakes = [row["mistakeRate"] * 100 for _, rows in series for _, row in rows if "mistakeRate" in row]
    elo_panel = Panel(TOP, (0, end), (min(0, elo_low), elo_high),
                      "In-run Elo as rated at each evaluation (random = 0), 95% intervals", "Elo")
    mistake_panel = Panel(TOP + PANEL_HEIGHT + GAP + 20, (0, end), (0, max(mistakes)),
                          "Raw network's mistakes on the six test sets (1,053 positions)", "mistakes (%)")
    height = mistake_panel.top + PANEL_HEIGHT + 50
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             'font-family="sans-serif">', f'<rect width="{WIDTH}" height="{height}" fill="white"/>']
    parts += elo_panel.frame() + mistake_panel.frame()
    for index, (label, rows) in enumerate(series):
        color = COLORS[index % len(COLORS)]
        evaluated = [(x, row) for x, row in rows if "elo" in row]
        parts.append(elo_panel.polyline([(x, row["elo"]) for x, row in evaluated], color))
        for x, row in evaluated:
            parts.append(f'<line x1="{elo_panel.x(x):.1f}" y1="{elo_panel.y(row["eloLow"]):.1f}" '
                         f'x2="{elo_panel.x(x):.1f}" y2="{elo_panel.y(row["eloHigh"]):.1f}" '
                         f'stroke="{color}" stroke-opacity="0.35"/>')
        parts.append(mistake_panel.polyline(
            [(x, row["mistakeRate"] * 100) for x, row in rows if "mistakeRate" in row], color))
        for x, row in rows:
            if "grewTo" in row:
                parts += [elo_panel.vertical(x, color), mistake_panel.vertical(x, color)]
        final = [row["mistakeRate"] * 100 for _, row in rows if "mistakeRate" in row][-1]
        legend_y = TOP + 20 * index + 10
        parts.append(f'<line x1="{WIDTH - RIGHT + 15}" y1="{legend_y}" x2="{WIDTH - RIGHT + 35}" '
                     f'y2="{legend_y}" stroke="{color}" stroke-width="2"/>')
        parts.append(f'<text x="{WIDTH - RIGHT + 40}" y="{legend_y + 4}" font-size="12">{label} '
                     f'({final:.1f}%)</text>')
    parts.append(f'<text x="{WIDTH - RIGHT + 15}" y="{TOP + 20 * len(series) + 20}" font-size="11">'
                 'dashed: growth</text>')
    parts.append("</svg>")
    Path(output).write_text("\n".join(parts) + "\n")
    print(f"wrote {output}")


if __name__ == "__main__":
    main(sys.argv[1:])
