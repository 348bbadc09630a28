"""The Models tab: what is installed (with details, fit and per-model compute settings), the catalog,
downloads, and import by file picker or drag-and-drop.

Header reading, imports and downloads run on a job pool; this widget only paints their results.
It never deletes a model that `in_use_paths()` names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from backend import hardware
from backend.defaults import DEFAULT_N_CTX
from backend.errors import HearthError
from backend.models import catalog, registry
from backend.models.importer import ImportMode, import_model
from backend.settings import Settings
from gui import icons, theme
from gui.backend_text import fit_explain, fit_verdict, size_text
from gui.compute_settings import ComputeSettings, fit_for
from gui.download_list import DownloadList
from gui.error_text import error_text, message_text
from gui.model_jobs import JobRunner
from gui.remote_servers_page import RemoteServersPage
from gui.widgets.rich_text import escaped, plain_tooltip

INSTALLED_COLUMNS = 10  # name … origin: the headers are set (translated) where the tables are built
CATALOG_COLUMNS = 9  # the last holds the Download button


def _local_paths(mime) -> list[Path]:
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]


class ModelManager(QWidget):
    chat_model_chosen = Signal(str)
    speech_model_chosen = Signal(str)
    models_changed = Signal()  # the installed list was read again
    message_shown = Signal(str)  # what the user was just told (errors and results)

    def __init__(self, settings: Settings, in_use_paths: Callable[[], Iterable[str]] = lambda: (), parent=None):
        super().__init__(parent)
        self.settings = settings
        self.in_use_paths = in_use_paths
        self.jobs = JobRunner(parent=self)
        self.installed: list[registry.InstalledModel] = []
        self.broken: list[registry.BrokenModel] = []
        self._entries = catalog.load_catalog()
        self._memory = hardware.memory()
        self._backend = hardware.compute_backend()
        self.setAcceptDrops(True)
        self._build()
        self.downloads.restore_parts()
        self.refresh()

    # --- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.banner.setTextFormat(Qt.PlainText)  # it names models, whose titles come from their files
        self.banner.hide()
        backend = self._backend
        offload = (
            self.tr("GPU offload available")
            if backend.gpu_offload
            else self.tr("no GPU offload in this llama.cpp build")
        )
        self.hardware_label = QLabel(
            self.tr("Compute: {backend} ({offload}) · RAM {free} free of {total}").format(
                backend=backend.name,
                offload=offload,
                free=size_text(self._memory.available),
                total=size_text(self._memory.total),
            )
            + (
                self.tr(" · GPU memory {free} free").format(free=size_text(backend.vram_free))
                if backend.vram_free
                else ""
            )
        )
        self.hardware_label.setToolTip(backend.system_info)

        self.sections = QTabWidget()
        self.sections.setAccessibleName(self.tr("Model sections"))
        self.sections.addTab(self._build_installed(), self.tr("Installed"))
        self.sections.addTab(self._build_catalog(), self.tr("Get models"))
        self.downloads = DownloadList(self.jobs)
        self.downloads.installed.connect(self._on_downloads_installed)
        self.downloads.failed.connect(lambda message: self.show_message(message_text(message), error=True))
        scroll = QScrollArea()
        scroll.setAccessibleName(self.tr("Downloads"))
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.downloads)
        self.sections.addTab(scroll, self.tr("Downloads"))
        self.servers = RemoteServersPage(self.settings, self.jobs)  # models on other machines, llama.cpp RPC
        self.sections.addTab(self.servers, self.tr("Servers"))

        layout = QVBoxLayout(self)
        layout.addWidget(self.hardware_label)
        layout.addWidget(self.banner)
        layout.addWidget(self.sections, 1)

    def _build_installed(self) -> QWidget:
        self.installed_table = QTableWidget(0, INSTALLED_COLUMNS)
        self.installed_table.setAccessibleName(self.tr("Installed models"))
        self.installed_table.setTabKeyNavigation(False)  # Tab moves on to the buttons; arrows move between rows
        self.installed_table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Kind"),
                self.tr("Architecture"),
                self.tr("Parameters"),
                self.tr("Quantization"),
                self.tr("Size"),
                self.tr("Context"),
                self.tr("Template / languages"),
                self.tr("Fit"),
                self.tr("Origin"),
            ]
        )
        self.installed_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.installed_table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.installed_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self._size_columns_to_content(
            self.installed_table,
            [
                self.tr("The model's name; hover a row for its file"),
                self.tr("Chat model or speech recogniser"),
                self.tr("Model architecture, from the file's header"),
                self.tr("Number of parameters (weights)"),
                self.tr("Quantization, and bits per weight"),
                self.tr("Size on disk"),
                self.tr("Context window the model was trained for (speech: the audio window)"),
                self.tr("Chat: whether the file has its own chat template. Speech: the languages it understands"),
                self.tr("Whether it fits this machine's memory at its context length; hover for the numbers"),
                self.tr("Where it came from: bundled, downloaded, imported or linked"),
            ],
        )
        self.installed_table.itemSelectionChanged.connect(self._on_installed_table_selection_changed)

        self.use_chat_button = QPushButton(self.tr("Use for chat"))
        self.use_speech_button = QPushButton(self.tr("Use for dictation"))
        self.show_folder_button = QPushButton(self.tr("Show in folder"))
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.import_file_button = QPushButton(self.tr("Import file…"))
        self.import_folder_button = QPushButton(self.tr("Import faster-whisper folder…"))
        self.import_mode = QComboBox()
        self.import_mode.setAccessibleName(self.tr("How to import"))
        self.import_mode.addItem(self.tr("Copy into Hearth's folder"), ImportMode.COPY)
        self.import_mode.addItem(self.tr("Link (leave the file where it is)"), ImportMode.LINK)
        self.use_chat_button.clicked.connect(self._on_use_chat_clicked)
        self.use_speech_button.clicked.connect(self._on_use_speech_clicked)
        self.show_folder_button.clicked.connect(self._on_show_folder_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.import_file_button.clicked.connect(self._on_import_file_clicked)
        self.import_folder_button.clicked.connect(self._on_import_folder_clicked)
        for button, name in (
            (self.use_chat_button, "chat"),
            (self.use_speech_button, "mic"),
            (self.show_folder_button, "folder"),
            (self.delete_button, "delete"),
            (self.import_file_button, "import"),
            (self.import_folder_button, "import"),
        ):
            icons.set_icon(button, name)

        actions = QHBoxLayout()
        for button in (self.use_chat_button, self.use_speech_button, self.show_folder_button, self.delete_button):
            actions.addWidget(button)
        actions.addStretch(1)
        imports = QHBoxLayout()
        imports.addWidget(self.import_file_button)
        imports.addWidget(self.import_folder_button)
        imports.addWidget(self.import_mode)
        imports.addStretch(1)
        imports.addWidget(QLabel(self.tr("…or drop model files here")))

        self.details = QLabel(self.tr("Select a model to see its details."))
        self.details.setTextFormat(Qt.RichText)  # built by _show_details with every file-given string escaped
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignTop)

        bottom = QSplitter(Qt.Horizontal)
        bottom.addWidget(self.details)
        self.compute = ComputeSettings(self.settings, self._backend, self._memory)
        self.compute.reload_requested.connect(self._on_use_chat_clicked)
        self.compute.fit_changed.connect(self._on_fit_changed)
        bottom.addWidget(self.compute)
        self.compute.hide()  # until a model is selected

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.installed_table, 1)
        top_layout.addLayout(actions)
        top_layout.addLayout(imports)
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)  # the compute settings never shrink below their rows
        self._update_actions()
        return splitter

    def _build_catalog(self) -> QWidget:
        self.kind_filter = QComboBox()
        self.kind_filter.setAccessibleName(self.tr("Kind of model"))
        for label, value in ((self.tr("All kinds"), None), (self.tr("Chat"), "chat"), (self.tr("Speech"), "speech")):
            self.kind_filter.addItem(label, value)
        self.language_filter = QComboBox()
        self.language_filter.setAccessibleName(self.tr("Languages"))
        for label, value in (
            (self.tr("Any language"), None),
            (self.tr("Multilingual"), "multilingual"),
            (self.tr("English only"), "en-only"),
        ):
            self.language_filter.addItem(label, value)
        self.fits_filter = QCheckBox(self.tr("Fits my machine"))
        self.catalog_ctx = QSpinBox()
        self.catalog_ctx.setAccessibleName(self.tr("Context length for the fit estimate"))
        self.catalog_ctx.setRange(512, 131072)
        self.catalog_ctx.setSingleStep(1024)
        self.catalog_ctx.setValue(DEFAULT_N_CTX)
        self.catalog_ctx.setPrefix(self.tr("context "))
        for widget in (self.kind_filter, self.language_filter):
            widget.currentIndexChanged.connect(self._fill_catalog)
        self.fits_filter.toggled.connect(self._fill_catalog)
        self.catalog_ctx.valueChanged.connect(self._fill_catalog)
        filters = QHBoxLayout()
        for widget in (self.kind_filter, self.language_filter, self.fits_filter, self.catalog_ctx):
            filters.addWidget(widget)
        filters.addStretch(1)

        self.catalog_table = QTableWidget(0, CATALOG_COLUMNS)
        self.catalog_table.setAccessibleName(self.tr("Models to download"))
        self.catalog_table.setTabKeyNavigation(False)
        self.catalog_table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Kind"),
                self.tr("Parameters"),
                self.tr("Quantization"),
                self.tr("Download"),
                self.tr("Needs"),
                self.tr("Languages"),
                self.tr("Fit"),
                "",
            ]
        )
        self.catalog_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.catalog_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self._size_columns_to_content(
            self.catalog_table,
            [
                self.tr("The model's name; hover for its download link"),
                self.tr("Chat model or speech recogniser"),
                self.tr("Number of parameters (weights)"),
                self.tr("Quantization"),
                self.tr("Approximate download size"),
                self.tr("Memory it needs at the chosen context; hover for the breakdown"),
                self.tr("Languages it understands"),
                self.tr("Whether it fits this machine's memory; hover for the numbers"),
                "",
            ],
        )

        self.url_edit = QLineEdit()
        self.url_edit.setAccessibleName(self.tr("Download link"))
        self.url_edit.setPlaceholderText(self.tr("…or paste an https link to a .gguf or ggml .bin file"))
        self.url_button = QPushButton(self.tr("Download link"))
        self.url_button.clicked.connect(self._on_url_button_clicked)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url_edit, 1)
        url_row.addWidget(self.url_button)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(filters)
        layout.addWidget(self.catalog_table, 1)
        layout.addLayout(url_row)
        layout.addWidget(
            QLabel(
                self.tr(
                    "Sizes are approximate until the server confirms them. Whisper memory and "
                    "speed (relative to large) are for the unquantized model."
                )
            )
        )
        self._fill_catalog()
        return page

    def _size_columns_to_content(self, table: QTableWidget, tips: list[str]) -> None:
        """Every column as wide as its header and content; the name takes what is left, cut text in tooltips."""
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setMinimumSectionSize(48)
        table.setTextElideMode(Qt.ElideRight)
        table.verticalHeader().setVisible(False)
        for column, tip in enumerate(tips):
            item = table.horizontalHeaderItem(column)
            if item is not None and tip:
                item.setToolTip(tip)

    # --- installed list -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the installed models again (headers on the job pool)."""
        self.jobs.start(
            lambda report: registry.scan_installed(),
            self._on_refresh_finished,
            lambda message: self.show_message(message_text(message), error=True),
        )

    def _on_refresh_finished(self, found: registry.InstalledModels) -> None:
        selected = self.selected_model()
        self.installed, self.broken = list(found.models), list(found.broken)
        table = self.installed_table
        table.setRowCount(0)
        for model in self.installed:
            self._add_installed_row(model)
        for broken in self.broken:
            row = table.rowCount()
            table.insertRow(row)
            item = QTableWidgetItem(broken.path.name)
            item.setData(Qt.UserRole, str(broken.path))
            table.setItem(row, 0, item)
            problem = QTableWidgetItem(self.tr("unusable: {problem}").format(problem=message_text(broken.problem)))
            problem.setToolTip(plain_tooltip(message_text(broken.problem)))
            table.setItem(row, 1, problem)
            table.setSpan(row, 1, 1, INSTALLED_COLUMNS - 1)
        if selected is not None:
            self.select_model(selected.path)
        self._fill_catalog()
        self._update_actions()
        self.models_changed.emit()

    def _add_installed_row(self, model: registry.InstalledModel) -> None:
        table = self.installed_table
        row = table.rowCount()
        table.insertRow(row)
        if model.kind == "chat":
            extra = self.tr("chat template") if model.has_chat_template else self.tr("no template (format inferred)")
            context = QLocale().toString(model.context_length) if model.context_length else "?"
        else:
            extra, context = self._languages_text(model.languages), self.tr("30 s window")
        fit = self._fit_for(model)
        cells = [
            model.title,
            self.tr("Chat") if model.kind == "chat" else self.tr("Speech"),
            model.architecture,
            model.parameters,
            model.quantization + (f" ({model.bits_per_weight:.2f} bpw)" if model.bits_per_weight else ""),
            size_text(model.file_size),
            context,
            extra,
            fit_verdict(fit) if fit else "",
            self._origin_text(model.origin),
        ]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(
                plain_tooltip(
                    f"{model.title}\n{model.path}"
                    if column == 0
                    else (fit_explain(fit) if fit and column == 8 else text)
                )
            )
            table.setItem(row, column, item)
        table.item(row, 0).setData(Qt.UserRole, str(model.path))

    def _origin_text(self, origin: str) -> str:
        return {
            "linked": self.tr("linked"),
            "imported": self.tr("imported"),
            "downloaded": self.tr("downloaded"),
            "bundled": self.tr("bundled"),
            "found": self.tr("found"),
        }.get(origin, origin)

    def _languages_text(self, languages: str) -> str:
        """The registry's "English only" / "multilingual (N languages)" in the window's language."""
        if languages == "English only":
            return self.tr("English only")
        if languages.startswith("multilingual"):
            return self.tr("multilingual")
        return languages

    def _fit_for(self, model: registry.InstalledModel) -> hardware.FitEstimate | None:
        return fit_for(self.settings, model, self._memory, self._backend)

    def selected_path(self) -> Path | None:
        items = self.installed_table.selectedItems()
        if not items:
            return None
        path = self.installed_table.item(items[0].row(), 0).data(Qt.UserRole)
        return Path(path) if path else None

    def selected_model(self) -> registry.InstalledModel | None:
        path = self.selected_path()
        return next((m for m in self.installed if m.path == path), None)

    def select_model(self, path: str | Path) -> bool:
        for row in range(self.installed_table.rowCount()):
            if self.installed_table.item(row, 0).data(Qt.UserRole) == str(path):
                self.installed_table.selectRow(row)
                return True
        return False

    def _on_installed_table_selection_changed(self) -> None:
        model = self.selected_model()
        self._update_actions()
        self._show_details(model)
        self.compute.show_model(model)
        self.compute.setVisible(model is not None)  # with no model selected its fields would show made-up values

    def _update_actions(self) -> None:
        model = self.selected_model()
        chat, speech = bool(model and model.kind == "chat"), bool(model and model.kind == "speech")
        any_row = self.selected_path() is not None
        self.use_chat_button.setEnabled(chat)
        self.use_speech_button.setEnabled(speech)
        self.show_folder_button.setEnabled(any_row)
        self.delete_button.setEnabled(any_row)
        # A disabled button says why, so the user knows what to do instead of guessing.
        pick = self.tr("Select a model in the list first")
        self.use_chat_button.setToolTip(
            self.tr("Load the selected model in the chat") if chat else self.tr("Select a chat model in the list first")
        )
        self.use_speech_button.setToolTip(
            self.tr("Use the selected model for dictation and transcription")
            if speech
            else self.tr("Select a speech model in the list first")
        )
        self.show_folder_button.setToolTip(self.tr("Open the folder that holds the file") if any_row else pick)
        self.delete_button.setToolTip(self.tr("Delete the file (not while in use)") if any_row else pick)

    def _show_details(self, model: registry.InstalledModel | None) -> None:
        if model is None:
            path = self.selected_path()
            problem = next((b.problem for b in self.broken if b.path == path), "")
            text = (
                self.tr("{path}\n\nThis file cannot be used: {problem}").format(
                    path=path, problem=message_text(problem)
                )
                if path
                else self.tr("Select a model to see its details.")
            )
            self.details.setText(escaped(text))
            return
        # Everything but the markup comes from the file or its name: escaped, so a header cannot
        # format the page, load an image or hide text.
        e = escaped
        lines = [
            f"<b>{e(model.title)}</b>",
            self.tr("Kind: {kind}").format(
                kind=self.tr("chat LLM") if model.kind == "chat" else self.tr("speech (Whisper)")
            ),
            self.tr("Architecture: {architecture}").format(architecture=e(model.architecture)),
            self.tr("Parameters: {parameters}").format(parameters=e(model.parameters)),
            self.tr("Quantization: {quantization}").format(quantization=e(model.quantization))
            + (
                self.tr(", {bits} bits per weight").format(bits=QLocale().toString(model.bits_per_weight, "f", 2))
                if model.bits_per_weight
                else ""
            ),
            self.tr("File size: {size}").format(size=size_text(model.file_size)),
        ]
        if model.kind == "chat":
            lines.append(
                self.tr("Context length: %n token(s)", "", model.context_length)
                if model.context_length
                else self.tr("Context length: unknown")
            )
            lines.append(
                self.tr("Chat template: embedded in the file")
                if model.has_chat_template
                else self.tr("Chat template: none; Hearth picks one by architecture")
            )
        else:
            lines.append(self.tr("Languages: {languages}").format(languages=e(self._languages_text(model.languages))))
        origin = {
            "linked": self.tr("linked where it lies"),
            "imported": self.tr("imported (copied)"),
            "downloaded": self.tr("downloaded"),
            "bundled": self.tr("bundled with Hearth"),
            "found": self.tr("found in the models folder"),
        }[model.origin]
        lines.append(
            self.tr("Origin: {origin} from {source}").format(origin=origin, source=e(str(model.source)))
            if model.source
            else self.tr("Origin: {origin}").format(origin=origin)
        )
        lines.append(self.tr("Location: {path}").format(path=e(str(model.path))))
        self.details.setText("<br>".join(lines))

    # --- per-model compute settings (gui/compute_settings.py) -----------------------------------

    def _on_fit_changed(self, model: registry.InstalledModel, fit: hardware.FitEstimate | None) -> None:
        row = next(
            (
                r
                for r in range(self.installed_table.rowCount())
                if self.installed_table.item(r, 0).data(Qt.UserRole) == str(model.path)
            ),
            None,
        )
        if fit is not None and row is not None and self.installed_table.item(row, 8):
            self.installed_table.item(row, 8).setText(fit_verdict(fit))
            self.installed_table.item(row, 8).setToolTip(fit_explain(fit))

    # --- actions --------------------------------------------------------------------------------

    def _on_use_chat_clicked(self) -> None:
        model = self.selected_model()
        if model and model.kind == "chat":
            self.chat_model_chosen.emit(str(model.path))
            self.show_message(self.tr("Loading {title} for chat…").format(title=model.title))

    def _on_use_speech_clicked(self) -> None:
        model = self.selected_model()
        if model and model.kind == "speech":
            self.settings.speech_model = str(model.path)
            self.speech_model_chosen.emit(str(model.path))
            self.show_message(self.tr("{title} will be used for dictation.").format(title=model.title))

    def _on_show_folder_clicked(self) -> None:
        path = self.selected_path()
        if path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    def _on_delete_clicked(self) -> None:
        path = self.selected_path()
        if path is None:
            return
        in_use = [Path(p) for p in self.in_use_paths() if p]
        if any(registry.same_file(path, used) for used in in_use):
            self.show_message(
                self.tr("{name} is in use; choose another model before deleting it.").format(name=path.name), error=True
            )
            return
        model = self.selected_model()
        linked = model is not None and model.origin == "linked"
        question = (
            self.tr("Remove {name} from the list? The file itself stays at {path}.").format(name=path.name, path=path)
            if linked
            else self.tr("Delete {name} ({size})?\nThis cannot be undone.").format(
                name=path.name, size=size_text(path.stat().st_size) if path.exists() else self.tr("missing")
            )
        )
        answer = QMessageBox.question(
            self, self.tr("Delete model"), question, QMessageBox.Yes | QMessageBox.Cancel, QMessageBox.Cancel
        )
        if answer != QMessageBox.Yes:
            return
        try:
            self.show_message(registry.delete(path, in_use))
        except (HearthError, OSError) as exc:
            self.show_message(error_text(exc), error=True)
        self.refresh()

    def _on_import_file_clicked(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Import models"), str(Path.home()), self.tr("Models (*.gguf *.bin);;All files (*)")
        )
        self.import_paths([Path(f) for f in files])

    def _on_import_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Import a faster-whisper model folder"), str(Path.home())
        )
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, sources: list[Path]) -> None:
        mode = self.import_mode.currentData()
        for source in sources:
            self.show_message(self.tr("Importing {name}…").format(name=source.name))
            self.jobs.start(
                lambda report, s=source: import_model(s, mode, progress=report),
                self._on_import_finished,
                lambda message, s=source: self.show_message(
                    self.tr("Could not import {name}: {error}").format(name=s.name, error=message_text(message)),
                    error=True,
                ),
            )

    def _on_import_finished(self, model: registry.InstalledModel) -> None:
        self.show_message(self.tr("Imported {title} ({name}).").format(title=model.title, name=model.path.name))
        self.refresh()

    # --- drag and drop (also forwarded here by the main window) ---------------------------------

    def accepts_drop(self, mime) -> bool:
        return any(p.suffix.lower() in (".gguf", ".bin") or p.is_dir() for p in _local_paths(mime))

    def handle_drop(self, mime) -> bool:
        sources = _local_paths(mime)
        if not sources:
            return False
        self.sections.setCurrentIndex(0)
        self.import_paths(sources)
        return True

    def dragEnterEvent(self, event) -> None:
        if self.accepts_drop(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        if self.handle_drop(event.mimeData()):
            event.acceptProposedAction()

    # --- catalog and downloads ------------------------------------------------------------------

    def _fill_catalog(self) -> None:
        n_ctx = self.catalog_ctx.value()
        entries = catalog.filter_entries(
            self._entries,
            kind=self.kind_filter.currentData(),
            language=self.language_filter.currentData(),
            fits_only=self.fits_filter.isChecked(),
            n_ctx=n_ctx,
            mem=self._memory,
        )
        installed_names = {m.path.name for m in self.installed}
        table = self.catalog_table
        table.setRowCount(0)
        for entry in entries:
            row = table.rowCount()
            table.insertRow(row)
            fit = entry.fit(n_ctx, self._memory)
            needs = (
                # whisper.cpp's own memory (what the fit uses); the seed's PyTorch figures as information
                self.tr("{size} (PyTorch: ~{gb} GB, {speed}x speed)").format(
                    size=size_text(fit.needed), gb=f"{entry.memory_gb:g}", speed=f"{entry.relative_speed:g}"
                )
                if entry.kind == "speech"
                else size_text(fit.needed)
            )
            languages = self.tr("English only") if entry.english_only else self.tr("multilingual")
            cells = [
                entry.title,
                self.tr("Chat") if entry.kind == "chat" else self.tr("Speech"),
                entry.params,
                entry.quant,
                f"~{size_text(entry.size)}",
                needs,
                languages,
                fit_verdict(fit),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(fit_explain(fit) if column in (5, 7) else entry.url if column == 0 else text)
                table.setItem(row, column, item)
            button = QPushButton(self.tr("Installed") if entry.filename in installed_names else self.tr("Download"))
            button.setEnabled(entry.filename not in installed_names)
            button.setToolTip(
                self.tr("Already installed: find it in the Installed list")
                if entry.filename in installed_names
                else self.tr("Download {0} (~{1}); nothing is downloaded until you click").format(
                    entry.title, size_text(entry.size)
                )
            )
            button.clicked.connect(lambda _=False, e=entry: self._on_catalog_download_clicked(e))
            icons.set_icon(button, "download")
            table.setCellWidget(row, CATALOG_COLUMNS - 1, button)

    def _on_catalog_download_clicked(self, entry: catalog.CatalogEntry) -> None:
        self.download_entry(entry)

    @property
    def catalog_entries(self) -> list[catalog.CatalogEntry]:
        return list(self._entries)

    def download_entry(self, entry: catalog.CatalogEntry, reveal: bool = True):
        """Start downloading a catalog model (only ever on a user's click); reveal: show the Downloads list."""
        row = self.downloads.start(entry.url, entry.title, sha256=entry.sha256, filename=entry.filename)
        if reveal:
            self.sections.setCurrentIndex(2)
        return row

    def show_catalog(self, kind: str | None = None) -> None:
        """Open the catalog, filtered to one kind of model ("chat", "speech") or all."""
        self.kind_filter.setCurrentIndex(max(0, self.kind_filter.findData(kind)))
        self.sections.setCurrentIndex(1)

    def _on_url_button_clicked(self) -> None:
        url = self.url_edit.text().strip()
        if not url.startswith(("https://", "http://")):
            self.show_message(self.tr("Paste a link that starts with https://"), error=True)
            return
        self.downloads.start(url, url.rsplit("/", 1)[-1] or url)
        self.url_edit.clear()
        self.sections.setCurrentIndex(2)

    def _on_downloads_installed(self, path: str) -> None:
        self.show_message(self.tr("Downloaded and verified {name}.").format(name=Path(path).name))
        self.refresh()

    # --- messages and shutdown ------------------------------------------------------------------

    def show_message(self, text: str, error: bool = False) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(f"color: {theme.colors().error_text};" if error else "")
        self.banner.show()
        self.message_shown.emit(text)

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        self.downloads.shutdown()
        return self.jobs.wait(timeout_ms)
