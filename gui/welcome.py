"""What an empty conversation shows: what Hearth does offline, example prompts, the model in use, and
on first run one better model this machine can run, downloaded only if the user clicks.

The first time, it is the full welcome; once the user has sent a message (or dismissed the suggestion)
each new conversation gets the lighter version: the prompts and the model, nothing to read twice.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from backend import hardware
from backend.chat_model_status import ChatModelStatus
from backend.models.recommend import Recommendation, recommend
from backend.settings import Settings
from backend.units import format_bytes
from gui.backend_text import fit_explain

SEEN_KEY = "welcome_seen"  # the user has sent a first message: new conversations get the light version
DISMISSED_KEY = "recommendation_dismissed"  # "Not now" on the suggested model: never suggested again
MAX_WIDTH = 720


def _plain(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.PlainText)  # model names come from files
    label.setWordWrap(True)
    return label


class Welcome(QScrollArea):
    prompt_chosen = Signal(str)  # an example prompt was clicked: fill the box and send it
    dictation_requested = Signal()  # "Dictation" / "Transcription" was clicked: show that tab
    use_model_requested = Signal(str)  # the suggested model finished downloading and the user wants it

    def __init__(self, settings: Settings, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.recommendation: Recommendation | None = None
        self._status: ChatModelStatus | None = None
        self._manager = None  # the Models tab, once attached: installed models and the download path
        self._download_row = None
        self._failed_row = None  # a stopped download: "Try again" resumes it where it stopped
        self._downloaded_path = ""
        self.setObjectName("welcome")
        self.setAccessibleName(self.tr("Welcome"))
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        self._build()
        self.set_model(None)
        self.refresh()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setObjectName("welcome_title")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignHCenter)
        self.intro = _plain(
            self.tr(
                "Chat with a language model, dictate, and transcribe recordings — all on this computer. "
                "Nothing you type or say leaves it, and Hearth needs no network to work."
            )
        )
        self.intro.setAlignment(Qt.AlignHCenter)

        self.features = QWidget()
        grid = QGridLayout(self.features)
        grid.setContentsMargins(0, 0, 0, 0)
        features = [
            (self.tr("Chat"), self.tr("Ask, draft and explain code; replies stream with their speed shown.")),
            (self.tr("Dictation"), self.tr("Speak and watch the words appear; send them here in one click.")),
            (self.tr("Transcription"), self.tr("Turn audio and video files into SRT, VTT or plain-text transcripts.")),
        ]
        self.feature_buttons = []
        for column, (name, text) in enumerate(features):
            button = QPushButton(name)
            button.setObjectName("welcome_feature")
            button.setFlat(True)
            button.setAccessibleDescription(text)
            if column == 0:
                button.setToolTip(self.tr("Type below, or pick one of the prompts"))
                button.clicked.connect(self._focus_first_prompt)
            else:
                button.setToolTip(self.tr("Open the Dictation tab"))
                button.clicked.connect(self.dictation_requested.emit)
            bold = QFont(button.font())
            bold.setBold(True)
            button.setFont(bold)
            grid.addWidget(button, 0, column)
            grid.addWidget(_plain(text), 1, column, Qt.AlignTop)
            self.feature_buttons.append(button)

        self.prompts_label = QLabel(self.tr("Try one of these:"))
        self.prompt_buttons: list[QPushButton] = []
        prompts = QGridLayout()  # two by two: the suggestion below must fit a laptop's window unscrolled
        for index, text in enumerate(
            (
                self.tr("Explain a hash map in three sentences."),
                self.tr("Write a Python palindrome checker."),
                self.tr("Suggest five names for a cosy bookshop."),
                self.tr("How do TCP and UDP differ?"),
            )
        ):
            button = QPushButton(text)
            button.setObjectName("welcome_prompt")
            button.setToolTip(self.tr("Send this to the model"))
            button.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
            button.setStyleSheet("text-align: left; padding: 4px 10px;")
            button.clicked.connect(lambda _=False, t=text: self.prompt_chosen.emit(t))
            prompts.addWidget(button, index // 2, index % 2)
            self.prompt_buttons.append(button)

        self.model_line = _plain()
        self.model_line.setObjectName("welcome_model")
        self.model_line.setAlignment(Qt.AlignHCenter)

        self.recommend_box = QFrame()
        self.recommend_box.setObjectName("welcome_recommendation")
        self.recommend_box.setFrameShape(QFrame.StyledPanel)
        self.recommend_text = _plain()
        self.recommend_text.setObjectName("welcome_recommendation_text")
        self.download_button = QPushButton()
        self.download_button.setObjectName("welcome_download")
        self.download_button.clicked.connect(self._on_download_clicked)
        self.dismiss_button = QPushButton(self.tr("Not now"))
        self.dismiss_button.setToolTip(self.tr("Hide this suggestion; the Models tab lists every model"))
        self.dismiss_button.clicked.connect(self.dismiss_recommendation)
        self.download_bar = QProgressBar()
        self.download_bar.setRange(0, 1000)
        self.download_bar.setAccessibleName(self.tr("Download progress"))
        self.download_bar.hide()
        self.download_status = _plain()
        self.download_status.hide()
        box = QVBoxLayout(self.recommend_box)
        box.addWidget(self.recommend_text)
        box.addWidget(self.download_bar)
        box.addWidget(self.download_status)
        row = QHBoxLayout()
        row.addWidget(self.download_button)
        row.addWidget(self.dismiss_button)
        row.addStretch(1)
        box.addLayout(row)

        column = QWidget()
        column.setMaximumWidth(MAX_WIDTH)
        col = QVBoxLayout(column)
        col.setSpacing(8)
        col.addWidget(self.title)
        col.addWidget(self.intro)
        col.addWidget(self.features)
        col.addSpacing(6)
        col.addWidget(self.prompts_label)
        col.addLayout(prompts)
        col.addWidget(self.model_line)
        col.addWidget(self.recommend_box)

        # Centred, a little above the middle, at most MAX_WIDTH wide: long lines are hard to read.
        page = QWidget()
        grid = QGridLayout(page)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(2, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 100)  # the column takes all it may (up to MAX_WIDTH), the margins the rest
        grid.setColumnStretch(2, 1)
        grid.addWidget(column, 1, 1)
        self.setWidget(page)

    # --- state -----------------------------------------------------------------------------

    @property
    def first_run(self) -> bool:
        return not self.settings.get(SEEN_KEY, False)

    def refresh(self) -> None:
        """Full welcome the first time, the light one after; the suggestion while it has something to say."""
        full = self.first_run
        self.title.setText(self.tr("Welcome to Hearth") if full else self.tr("New conversation"))
        self.intro.setVisible(full)
        self.features.setVisible(full)
        downloading = self._download_row is not None or bool(self._downloaded_path)
        offer = full and self.recommendation is not None and not self.settings.get(DISMISSED_KEY, False)
        self.recommend_box.setVisible(offer or downloading)

    def mark_seen(self) -> None:
        if self.first_run:
            self.settings.set(SEEN_KEY, True)
            self.refresh()

    def dismiss_recommendation(self) -> None:
        self.settings.set(DISMISSED_KEY, True)
        self.refresh()

    def set_model(self, status: ChatModelStatus | None, loading: str = "") -> None:
        self._status = status
        if loading:
            self.model_line.setText(loading)
        elif status is None:
            self.model_line.setText(self.tr("No chat model loaded: choose one above, or in the Models tab."))
        elif status.remote:
            self.model_line.setText(
                self.tr("You are chatting with {0} on {1}: what you send goes to that server.").format(
                    status.name, status.compute_backend
                )
            )
        else:
            where = (
                self.tr("on the GPU ({0})").format(status.compute_backend)
                if status.n_gpu_layers
                else self.tr("on the CPU")
            )
            self.model_line.setText(
                self.tr("You are chatting with {0} ({1}), running {2} of this computer.").format(
                    status.name, status.quantization, where
                )
            )
        self.update_recommendation()

    def _focus_first_prompt(self) -> None:
        self.prompt_buttons[0].setFocus()

    # --- the suggested model ---------------------------------------------------------------

    def attach_models(self, manager) -> None:
        """Use the Models tab's installed list and its download path (the only way this widget downloads)."""
        self._manager = manager
        manager.models_changed.connect(self.update_recommendation)
        manager.downloads.installed.connect(self._on_downloads_installed)
        manager.downloads.failed.connect(self._on_downloads_failed)
        self.update_recommendation()

    def update_recommendation(self) -> None:
        if self._manager is not None and self._download_row is None and not self._downloaded_path:
            installed = self._manager.installed
            loaded = self._status.path if self._status else ""
            current = next((m.parameters for m in installed if str(m.path) == loaded), "")
            self.set_recommendation(
                recommend(
                    self._manager.catalog_entries,
                    [m.path.name for m in installed],
                    current,
                    hardware.memory(),
                    hardware.compute_backend(),
                )
            )

    def set_recommendation(self, rec: Recommendation | None) -> None:
        self.recommendation = rec
        if rec is not None:
            entry = rec.entry
            budget = (
                self.tr("{0} of free GPU memory").format(format_bytes(rec.budget))
                if rec.on_gpu
                else self.tr("%n CPU core(s)", "", os.cpu_count() or 1)
            )
            self.recommend_text.setText(
                self.tr(
                    "This computer can run a stronger model: {0}. It is the largest that fits the free memory "
                    "(it needs about {1}) and still answers at reading speed on {2}. The download is about {3}; "
                    "nothing is downloaded unless you click."
                ).format(entry.title, format_bytes(rec.fit.needed), budget, format_bytes(entry.size))
            )
            self.recommend_text.setToolTip(fit_explain(rec.fit))
            self.download_button.setText(self.tr("Download ({0})").format(format_bytes(entry.size)))
            self.download_button.setToolTip(entry.url)
            self.download_button.setEnabled(True)
            self.dismiss_button.show()
        self.refresh()

    def _on_download_clicked(self) -> None:
        if self._downloaded_path:
            path, self._downloaded_path = self._downloaded_path, ""
            self.download_bar.hide()
            self.download_status.hide()
            self.use_model_requested.emit(path)
            self.update_recommendation()
            return
        if self.recommendation is None or self._manager is None:
            return
        if self._failed_row is not None:
            self._download_row, self._failed_row = self._failed_row, None
            self._download_row.pause_button.click()  # the Downloads list's own Retry: resumes the part file
        else:
            self._download_row = self._manager.download_entry(self.recommendation.entry, reveal=False)
        self._download_row.bar.valueChanged.connect(self._on_download_progress)
        self.download_bar.show()
        self.download_bar.setRange(0, 0)
        self.download_status.setText(self.tr("Connecting…"))
        self.download_status.show()
        self.download_button.setEnabled(False)
        self.download_button.setToolTip(self.tr("Downloading; the Models tab's Downloads list can pause it"))
        self.dismiss_button.hide()
        self.refresh()

    def _on_download_progress(self, value: int) -> None:
        self.download_bar.setRange(0, 1000)
        self.download_bar.setValue(value)
        self.download_status.setText(self.tr("Downloading… {0}%").format(value // 10))

    def _is_ours(self, path_or_message: str) -> bool:
        rec = self.recommendation
        return self._download_row is not None and rec is not None and rec.entry.filename in path_or_message

    def _on_downloads_installed(self, path: str) -> None:
        if not self._is_ours(path):
            return
        self._download_row = None
        self._downloaded_path = path
        self.download_bar.setValue(1000)
        self.download_status.setText(self.tr("Downloaded and checked."))
        self.download_button.setText(self.tr("Use it now"))
        self.download_button.setToolTip(self.tr("Load it for chat (the current model is unloaded)"))
        self.download_button.setEnabled(True)

    def _on_downloads_failed(self, message: str) -> None:
        rec = self.recommendation
        if self._download_row is None or rec is None or not message.startswith(rec.entry.title):
            return
        self._download_row, self._failed_row = None, self._download_row
        self.download_bar.hide()
        self.download_status.setText(self.tr("The download stopped: {0}").format(message))
        self.download_button.setText(self.tr("Try again"))
        self.download_button.setEnabled(True)
        self.dismiss_button.show()
        self.refresh()
