"""Settings of dictation into other applications: the shortcut, hold or toggle, how text is typed, which
microphone, and whether closing the window leaves Hearth in the tray. One typed object stored under
one key of backend.settings.Settings, so this module is the only one that spells its fields."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from enum import Enum

from backend.settings import Settings
from backend.text_delivery import DeliveryMethod

KEY = "dictate_anywhere"
DEFAULT_SHORTCUT = "Ctrl+Alt+Space"


class ShortcutMode(str, Enum):
    HOLD = "hold"  # speak while the shortcut is held; releasing it ends the dictation
    TOGGLE = "toggle"  # one press starts, the next stops


@dataclass(frozen=True)
class AnywhereSettings:
    enabled: bool = True  # whether the global shortcut is taken at all
    shortcut: str = DEFAULT_SHORTCUT
    mode: ShortcutMode = ShortcutMode.HOLD
    delivery: DeliveryMethod = DeliveryMethod.AUTO
    device: int | None = None  # None: the system's default microphone
    close_to_tray: bool = False  # closing the window keeps Hearth running in the tray
    close_to_tray_asked: bool = False  # the question is asked once, on the first close

    @classmethod
    def load(cls, settings: Settings) -> AnywhereSettings:
        saved = settings.get(KEY)
        saved = saved if isinstance(saved, dict) else {}
        values = {}
        for f in fields(cls):
            if f.name not in saved:
                continue
            value = saved[f.name]
            try:
                if f.name == "mode":
                    value = ShortcutMode(value)
                elif f.name == "delivery":
                    value = DeliveryMethod(value)
                elif f.name == "device":
                    value = None if value is None else int(value)
                elif f.name == "shortcut":
                    value = str(value) or DEFAULT_SHORTCUT
                else:
                    value = bool(value)
            except (TypeError, ValueError):
                continue  # a hand-edited value that makes no sense: the default
            values[f.name] = value
        return cls(**values)

    def save(self, settings: Settings) -> None:
        data = asdict(self)
        data["mode"] = self.mode.value
        data["delivery"] = self.delivery.value
        settings.set(KEY, data)

    def with_(self, **changes) -> AnywhereSettings:
        return replace(self, **changes)
