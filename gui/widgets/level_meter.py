"""A horizontal input level meter: green to -12 dBFS, amber to -3, red above, with a falling peak mark."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

FLOOR_DB = -60.0
PEAK_FALL_DB = 1.5  # per update, so a peak stays readable for about a second


class LevelMeter(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.level_db = FLOOR_DB
        self.peak_db = FLOOR_DB
        self.setMinimumSize(120, 12)
        self.setAccessibleName(self.tr("Input level"))

    def sizeHint(self) -> QSize:
        return QSize(200, 14)

    def set_level(self, dbfs: float) -> None:
        self.level_db = max(FLOOR_DB, min(0.0, dbfs))
        self.peak_db = max(self.level_db, self.peak_db - PEAK_FALL_DB)
        self.setToolTip(f"{dbfs:.0f} dBFS" if dbfs > -100 else self.tr("silence"))
        self.update()

    @staticmethod
    def _fraction(db: float) -> float:
        return (db - FLOOR_DB) / -FLOOR_DB

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.fillRect(rect, self.palette().base())
        width = rect.width() * self._fraction(self.level_db)
        color = (
            QColor("#2e7d32") if self.level_db < -12 else QColor("#f9a825") if self.level_db < -3 else QColor("#c62828")
        )
        p.fillRect(QRectF(rect.left(), rect.top(), width, rect.height()), color)
        x = rect.left() + rect.width() * self._fraction(self.peak_db)
        p.setPen(self.palette().text().color())
        p.drawLine(int(x), int(rect.top()), int(x), int(rect.bottom()))
        p.setPen(self.palette().mid().color())
        p.setBrush(Qt.NoBrush)
        p.drawRect(rect)
