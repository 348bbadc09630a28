"""A tiny line chart of recent values (tokens/sec while generating)."""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from gui import theme


class Sparkline(QWidget):
    def __init__(self, capacity: int = 60, parent=None):
        super().__init__(parent)
        self.values: deque[float] = deque(maxlen=capacity)
        self.setMinimumSize(90, 22)
        self.setToolTip(self.tr("tokens per second over the current reply"))

    def sizeHint(self) -> QSize:
        return QSize(120, 24)

    def add(self, value: float) -> None:
        self.values.append(value)
        self.update()

    def clear(self) -> None:
        self.values.clear()
        self.update()

    def paintEvent(self, event) -> None:
        if len(self.values) < 2:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        top = max(self.values) or 1.0
        w, h = self.width() - 2, self.height() - 4
        step = w / (self.values.maxlen - 1)
        start = w - step * (len(self.values) - 1)
        points = QPolygonF([QPointF(1 + start + i * step, 2 + h - (v / top) * h) for i, v in enumerate(self.values)])
        painter.setPen(QPen(QColor(theme.colors().accent), 1.5, Qt.SolidLine))
        painter.drawPolyline(points)
