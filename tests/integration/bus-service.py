#!/usr/bin/python3
# The test service of test-bus.sh: owns the names given on the command line on the
# session bus (DBUS_SESSION_BUS_ADDRESS), each from a connection of its own, with the
# object /org/wrappy/Test:
#   org.wrappy.Test.Ping() -> "pong from NAME"
#   org.wrappy.Test.RunCommand(s) runs a shell command on the host, as a service that
#       "runs commands" does (the attack: an app must not reach it unless granted)
#   org.wrappy.Test.Ticked, a signal broadcast every 0.2 s
# With --a11y ADDRESS it also plays org.a11y.Bus (GetAddress answers ADDRESS) and, on
# that bus, org.a11y.atspi.Registry (GetRegisteredEvents answers []). Writes READY_FILE
# once every name is owned.
import subprocess
import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

XML = """<node><interface name="org.wrappy.Test">
<method name="Ping"><arg type="s" direction="out"/></method>
<method name="RunCommand"><arg type="s" direction="in"/></method>
<signal name="Ticked"/></interface></node>"""
A11Y_XML = """<node><interface name="org.a11y.Bus">
<method name="GetAddress"><arg type="s" direction="out"/></method></interface></node>"""
REG_XML = """<node><interface name="org.a11y.atspi.Registry">
<method name="GetRegisteredEvents"><arg type="a(ss)" direction="out"/></method>
</interface></node>"""

ready_file, names = sys.argv[1], sys.argv[2:]
a11y = None
if names[:1] == ["--a11y"]:
    a11y, names = names[1], names[2:]
pending = set(names) | ({"org.a11y.Bus", "org.a11y.atspi.Registry"} if a11y else set())
FLAGS = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
         | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)


def connect(address):
    return Gio.DBusConnection.new_for_address_sync(address, FLAGS, None, None)


def serve(conn, name, xml, path):
    info = Gio.DBusNodeInfo.new_for_xml(xml).interfaces[0]

    def on_call(conn, sender, path, iface, method, params, inv):
        if method == "Ping":
            inv.return_value(GLib.Variant("(s)", ("pong from " + name,)))
        elif method == "RunCommand":
            subprocess.run(["sh", "-c", params.unpack()[0]])
            inv.return_value(None)
        elif method == "GetAddress":
            inv.return_value(GLib.Variant("(s)", (a11y,)))
        elif method == "GetRegisteredEvents":
            inv.return_value(GLib.Variant("(a(ss))", ([],)))

    conn.register_object(path, info, on_call, None, None)

    def acquired(conn, n):
        pending.discard(n)
        if not pending:
            with open(ready_file, "w") as f:
                f.write("ready\n")

    Gio.bus_own_name_on_connection(conn, name, 0, acquired, None)


session = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, None)
for n in names:
    c = connect(session)
    serve(c, n, XML, "/org/wrappy/Test")

    def tick(c=c):
        c.emit_signal(None, "/org/wrappy/Test", "org.wrappy.Test", "Ticked", None)
        return True
    GLib.timeout_add(200, tick)
if a11y is not None:
    serve(connect(session), "org.a11y.Bus", A11Y_XML, "/org/a11y/bus")
    serve(connect(a11y), "org.a11y.atspi.Registry", REG_XML, "/org/a11y/atspi/registry")
GLib.MainLoop().run()
