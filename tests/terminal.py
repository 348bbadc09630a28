"""Children started as from a terminal, so that Ctrl-C (SIGINT) reaches them.

A test run started in the background by a shell without job control (`cmd &` in a script) inherits
SIGINT as ignored, and so does every child it starts: Python then installs no KeyboardInterrupt
handler and bash cannot trap it, and a Ctrl-C test would wait for an exit that never comes.
"""

from __future__ import annotations

import signal


def ctrl_c_works() -> None:
    """preexec_fn for subprocess.Popen."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
