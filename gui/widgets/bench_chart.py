"""A chart of one benchmark test across runs: one line per model and settings, error bars of ±1 stddev.

Drawn with QPainter: QtCharts is not part of PySide6-Essentials, which is all Hearth installs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ["#2f81f7", "#e5534b", "#3fb950", "#d29922", "#a371f7", "#39c5cf", "#db61a2", "#768390"]


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[tuple[int, float, float], ...]  # (x index, value, spread)


def nice_ceiling(value: float) -> float:
    """The next 1, 2 or 5 × 10^k at or above `value`: an axis that ends on a round number."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


class BenchChart(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = ""
        self.unit = ""
        self.x_labels: list[str] = []
        self.series: list[Series] = []
        self.setMinimumSize(320, 220)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(560, 300)

    def set_data(self, title: str, unit: str, x_labels: list[str], series: list[Series]) -> None:
        self.title, self.unit, self.x_labels, self.series = title, unit, x_labels, series
        self.setToolTip(
            "\n".join(
                f"{s.label}: " + ", ".join(f"{self.x_labels[x]} {v:.2f}±{e:.2f}" for x, v, e in s.points)
                for s in series
            )
        )
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        text_pen = QPen(self.palette().text().color())
        painter.setPen(text_pen)
        metrics = QFontMetrics(self.font())
        line_h = metrics.height()
        if not self.series:
            painter.drawText(self.rect(), Qt.AlignCenter, self.tr("No results for this test yet: run a benchmark."))
            return
        painter.drawText(QRectF(0, 4, self.width(), line_h), Qt.AlignHCenter, f"{self.title} ({self.unit})")

        top_value = nice_ceiling(max(v + e for s in self.series for _, v, e in s.points))
        legend_h = line_h * len(self.series) + 6
        left = max(metrics.horizontalAdvance(f"{top_value * i / 4:.4g}") for i in range(5)) + 14
        plot = QRectF(left, line_h + 12, self.width() - left - 16, self.height() - line_h * 3 - legend_h - 18)
        if plot.width() < 40 or plot.height() < 40:
            return

        grid = QPen(QColor(128, 128, 128, 70))
        for i in range(5):
            value = top_value * i / 4
            y = plot.bottom() - plot.height() * i / 4
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text_pen)
            label = f"{value:.4g}"
            painter.drawText(QRectF(0, y - line_h / 2, left - 6, line_h), Qt.AlignRight | Qt.AlignVCenter, label)

        n = max(1, len(self.x_labels))

        def x_at(index: int) -> float:
            return plot.left() + plot.width() * (index + 0.5) / n

        def y_at(value: float) -> float:
            return plot.bottom() - plot.height() * value / top_value

        # Label every run when they fit, else every k-th, so the axis never turns into a smear.
        every = max(1, math.ceil(n * 110 / max(plot.width(), 1)))
        for i, label in enumerate(self.x_labels):
            if i % every == 0:
                rect = QRectF(x_at(i) - 55, plot.bottom() + 4, 110, line_h)
                painter.drawText(rect, Qt.AlignHCenter, label)

        for k, s in enumerate(self.series):
            color = QColor(PALETTE[k % len(PALETTE)])
            # Series share x positions: a small offset keeps their error bars apart.
            shift = (k - (len(self.series) - 1) / 2) * min(8.0, plot.width() / n / (len(self.series) + 1))
            points = [(x_at(x) + shift, v, e) for x, v, e in sorted(s.points)]
            painter.setPen(QPen(color, 2))
            for (x0, v0, _), (x1, v1, _) in zip(points, points[1:]):
                painter.drawLine(QPointF(x0, y_at(v0)), QPointF(x1, y_at(v1)))
            for x, v, e in points:
                painter.setPen(QPen(color, 1.2))
                if e > 0:
                    painter.drawLine(QPointF(x, y_at(v - e)), QPointF(x, y_at(v + e)))
                    painter.drawLine(QPointF(x - 3, y_at(v - e)), QPointF(x + 3, y_at(v - e)))
                    painter.drawLine(QPointF(x - 3, y_at(v + e)), QPointF(x + 3, y_at(v + e)))
                painter.setBrush(color)
                painter.drawEllipse(QPointF(x, y_at(v)), 3.5, 3.5)
            legend_y = plot.bottom() + line_h + 10 + k * line_h
            painter.fillRect(QRectF(plot.left(), legend_y + line_h / 2 - 2, 14, 4), color)
            painter.setPen(text_pen)
            painter.drawText(
                QRectF(plot.left() + 20, legend_y, plot.width() - 20, line_h), Qt.AlignLeft | Qt.AlignVCenter, s.label
            )
