"""Settings for dictating into other applications: the shortcut, hold or toggle, how text is typed, the
microphone, staying in the tray — and a field to try it in without leaving the dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from backend.anywhere_settings import AnywhereSettings, ShortcutMode
from backend.audio import AudioDeviceError, list_input_devices
from backend.text_delivery import DeliveryMethod
from gui.error_text import message_text


class AnywhereSettingsDialog(QDialog):
    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller  # gui.dictation_anywhere.AnywhereDictation
        self.setWindowTitle(self.tr("Dictate into any application"))
        config = controller.config

        self.enabled_check = QCheckBox(self.tr("Use a global shortcut"))
        self.enabled_check.setChecked(config.enabled)
        self.shortcut_edit = QKeySequenceEdit(QKeySequence(config.shortcut))
        self.mode_combo = QComboBox()
        for mode, label in (
            (ShortcutMode.HOLD, self.tr("Hold to talk: speak while holding the shortcut")),
            (ShortcutMode.TOGGLE, self.tr("Press to start, press again to stop")),
        ):
            self.mode_combo.addItem(label, mode)
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(config.mode))
        self.delivery_combo = QComboBox()
        for method, label in (
            (DeliveryMethod.AUTO, self.tr("Automatic: type plain text, paste accents and other scripts")),
            (DeliveryMethod.TYPE, self.tr("Always type (no clipboard; some characters may not arrive)")),
            (DeliveryMethod.PASTE, self.tr("Always paste through the clipboard (it is restored afterwards)")),
        ):
            self.delivery_combo.addItem(label, method)
        self.delivery_combo.setCurrentIndex(self.delivery_combo.findData(config.delivery))
        self.device_combo = QComboBox()
        self.device_combo.addItem(self.tr("System default"), None)
        try:
            for dev in list_input_devices(rescan=True):
                self.device_combo.addItem(dev.name, dev.index)
        except AudioDeviceError:
            pass
        found = self.device_combo.findData(config.device)
        self.device_combo.setCurrentIndex(max(found, 0))
        self.tray_check = QCheckBox(self.tr("Closing the window keeps Hearth in the tray"))
        self.tray_check.setChecked(config.close_to_tray)
        self.test_field = QLineEdit()
        self.test_field.setPlaceholderText(self.tr("Click here, then use the shortcut and speak"))
        self.status = QLabel()
        self.status.setObjectName("anywhere_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.PlainText)
        problem = controller.delivery.problem()
        if problem:
            self.status.setText(message_text(problem))

        form = QFormLayout()
        form.addRow(self.enabled_check)
        form.addRow(self.tr("Shortcut:"), self.shortcut_edit)
        form.addRow(self.tr("Mode:"), self.mode_combo)
        form.addRow(self.tr("Typing:"), self.delivery_combo)
        form.addRow(self.tr("Microphone:"), self.device_combo)
        form.addRow(self.tray_check)
        form.addRow(self.tr("Try it:"), self.test_field)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Apply | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.Apply).clicked.connect(self.apply)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        controller.test_field = self.test_field
        self.finished.connect(self._on_finished)

    def chosen(self) -> AnywhereSettings:
        sequence = self.shortcut_edit.keySequence().toString(QKeySequence.PortableText)
        return self.controller.config.with_(
            enabled=self.enabled_check.isChecked(),
            shortcut=sequence.split(",")[0].strip() or self.controller.config.shortcut,
            mode=ShortcutMode(self.mode_combo.currentData()),  # Qt hands a str enum back as a plain str
            delivery=DeliveryMethod(self.delivery_combo.currentData()),
            device=self.device_combo.currentData(),
            close_to_tray=self.tray_check.isChecked(),
            close_to_tray_asked=True,  # chosen here: no need to ask on the next close
        )

    def apply(self) -> bool:
        """Use the choices now; False (with the reason shown) when the shortcut could not be taken."""
        problem = self.controller.apply(self.chosen())
        self.status.setText(
            problem
            or self.tr("{shortcut} now starts dictation anywhere.").format(shortcut=self.controller.config.shortcut)
        )
        return problem is None

    def accept(self) -> None:
        self.apply()
        super().accept()

    def _on_finished(self) -> None:
        if self.controller.test_field is self.test_field:
            self.controller.test_field = None
