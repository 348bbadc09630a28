"""A stand-in for xdg-desktop-portal's Settings interface on a private session bus.

    python fake_portal.py 1     # the desktop prefers dark (0: no preference, 2: light)

Answers org.freedesktop.appearance color-scheme the way GNOME's and KDE's portals do; every other
call gets the error a missing interface gets.
"""

from __future__ import annotations

import sys

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

APPEARANCE = ("org.freedesktop.appearance", "color-scheme")


def serve(scheme: int) -> None:
    conn = open_dbus_connection(bus="SESSION")
    conn.send_and_get_reply(message_bus.RequestName("org.freedesktop.portal.Desktop"))
    print("ready", flush=True)
    value = ("u", scheme)
    while True:
        msg = conn.receive()
        if msg.header.message_type != MessageType.method_call:
            continue
        member = msg.header.fields.get(HeaderFields.member)
        if member == "ReadOne" and tuple(msg.body) == APPEARANCE:
            conn.send(new_method_return(msg, "v", (value,)))
        elif member == "Read" and tuple(msg.body) == APPEARANCE:  # the older call wraps the value twice
            conn.send(new_method_return(msg, "v", (("v", value),)))
        elif member == "ReadAll":
            settings = {APPEARANCE[0]: {APPEARANCE[1]: value}}
            conn.send(new_method_return(msg, "a{sa{sv}}", (settings,)))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"{member} is not here",)))


if __name__ == "__main__":
    serve(int(sys.argv[1]))
