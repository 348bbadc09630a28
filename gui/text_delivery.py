"""Types dictated text into the focused application, in order, one piece at a time.

The steps come from backend.text_delivery (type with xdotool/wtype/…, or clipboard + paste key); this
object runs them with QProcess so the window never waits on a typing tool, and owns the clipboard
part: the user's clipboard (every format it holds) is put back once the target has pasted.
Nothing is typed while a modifier is still down (the shortcut's own Ctrl/Alt would turn letters
into shortcuts in the target).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QMimeData, QObject, QProcess, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from backend.text_delivery import (
    MACOS,
    MACOS_ACCESSIBILITY_HELP,
    DeliveryMethod,
    NoTypingTool,
    PasteStep,
    Step,
    Typist,
    find_typist,
    macos_accessibility_trusted,
)
from backend.x11_shortcut import modifiers_held

log = logging.getLogger(__name__)

# The target asks for the clipboard only after it has seen the paste key; under load that took up to
# ~150 ms here, so the previous clipboard comes back after this.
RESTORE_AFTER_MS = 500
MODIFIER_POLL_MS = 25
MODIFIER_WAIT_MS = 5000  # then type anyway: --clearmodifiers lifts them for the typing tool
STEP_TIMEOUT_MS = 30_000


def _copy(mime: QMimeData | None) -> QMimeData:
    """A deep copy: the clipboard's own object belongs to Qt and changes with the clipboard."""
    copy = QMimeData()
    if mime is not None:
        for fmt in mime.formats():
            copy.setData(fmt, mime.data(fmt))
    return copy


class TextDelivery(QObject):
    delivered = Signal(str)  # the text, once the target has it (and the clipboard is restored)
    failed = Signal(str)  # a sentence for the user; the text stays in the Dictation tab

    def __init__(
        self,
        typist: Typist | None = None,
        method: DeliveryMethod = DeliveryMethod.AUTO,
        modifiers_down: Callable[[], bool | None] = modifiers_held,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.typist = typist or find_typist()
        self.method = method
        self.modifiers_down = modifiers_down
        self._queue: deque[str] = deque()
        self._steps: deque[Step] = deque()
        self._busy = False
        self._waited_ms = 0
        self._process: QProcess | None = None
        self._saved_clipboard: QMimeData | None = None

    def problem(self) -> str | None:
        if self.typist.session == MACOS and macos_accessibility_trusted() is False:
            return MACOS_ACCESSIBILITY_HELP
        return self.typist.problem()

    @property
    def idle(self) -> bool:
        return not self._busy and not self._queue

    def deliver(self, text: str) -> None:
        if text:
            self._queue.append(text)
            self._next()

    def _next(self) -> None:
        if self._busy or not self._queue:
            return
        if self.modifiers_down() and self._waited_ms < MODIFIER_WAIT_MS:
            self._busy = True
            self._waited_ms += MODIFIER_POLL_MS
            QTimer.singleShot(MODIFIER_POLL_MS, self._after_modifier_poll)
            return
        self._waited_ms = 0
        text = "".join(self._queue)  # what piled up while waiting goes in one piece
        self._queue.clear()
        try:
            self._steps = deque(self.typist.plan(text, self.method))
        except NoTypingTool as exc:
            self.failed.emit(str(exc))
            return
        self._busy = True
        self._pending_text = text
        self._run_step()

    def _after_modifier_poll(self) -> None:
        self._busy = False
        self._next()

    def _run_step(self) -> None:
        if not self._steps:
            self._busy = False
            self.delivered.emit(self._pending_text)
            self._next()
            return
        step = self._steps[0]
        if isinstance(step, PasteStep):
            clipboard = QGuiApplication.clipboard()
            self._saved_clipboard = _copy(clipboard.mimeData())
            clipboard.setText(step.text)
        process = self._process = QProcess(self)
        process.finished.connect(self._on_process_finished)
        process.errorOccurred.connect(self._on_process_error)
        process.start(step.argv[0], list(step.argv[1:]))
        QTimer.singleShot(STEP_TIMEOUT_MS, process, process.kill)

    def _on_process_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        process = self.sender()
        if process is not self._process:
            return
        step = self._steps.popleft()
        if status != QProcess.ExitStatus.NormalExit or code != 0:
            err = bytes(process.readAllStandardError()).decode(errors="replace").strip()
            self._abort(
                self.tr("{program} could not type the text (exit {code}){detail}").format(
                    program=step.argv[0], code=code, detail=": " + err if err else ""
                )
            )
            return
        if isinstance(step, PasteStep):
            QTimer.singleShot(RESTORE_AFTER_MS, self._restore_then_continue)
        else:
            self._run_step()

    def _on_process_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self.sender() is self._process:
            step = self._steps.popleft()
            self._abort(
                self.tr("cannot start {program}: install it, or choose another delivery method in Settings").format(
                    program=step.argv[0]
                )
            )

    def _restore_then_continue(self) -> None:
        self._restore_clipboard()
        self._run_step()

    def _restore_clipboard(self) -> None:
        if self._saved_clipboard is not None:
            QGuiApplication.clipboard().setMimeData(self._saved_clipboard)
            self._saved_clipboard = None

    def _abort(self, message: str) -> None:
        self._restore_clipboard()
        self._steps.clear()
        self._busy = False
        self._process = None
        log.warning("typing into the focused application failed: %s", message)
        self.failed.emit(message)
        self._next()
