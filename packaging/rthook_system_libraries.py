# PyInstaller runtime hook: how the frozen app meets the system's libraries.
import ctypes.util
import os
import sys

# sounddevice asks ctypes.util.find_library for PortAudio, which only searches the system; answer
# with the copy inside the bundle, so recording works where no libportaudio2 is installed.
_system_find_library = ctypes.util.find_library


def _find_library(name):
    if name == "portaudio":
        for candidate in ("libportaudio.so.2", "libportaudio.2.dylib", "libportaudio.dylib"):
            path = os.path.join(sys._MEIPASS, candidate)
            if os.path.exists(path):
                return path
    return _system_find_library(name)


ctypes.util.find_library = _find_library

# The bootloader puts the bundle first on LD_LIBRARY_PATH for this process (read once, at start).
# Programs Hearth starts (the file manager for "Show in folder", a desktop dialog) must get the
# user's own value back, or they would load the bundle's copies of GLib, Qt or OpenSSL.
if "LD_LIBRARY_PATH_ORIG" in os.environ:
    os.environ["LD_LIBRARY_PATH"] = os.environ.pop("LD_LIBRARY_PATH_ORIG")
else:
    os.environ.pop("LD_LIBRARY_PATH", None)
