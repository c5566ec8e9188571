#!/usr/bin/python3
"""A do-nothing org.gtk.Notifications on the session bus, for the AT-SPI tests.

usage: notifications-stub.py (runs until killed)

GApplication sends its notifications to org.gtk.Notifications when that name
has an owner; without any notification service GLib warns, and under the
tests' G_DEBUG=fatal-warnings the app stops. A desktop has one; the tests'
private session bus has none. The notifications are not looked at here
(ui-health does that).
"""
import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

XML = """<node><interface name="org.gtk.Notifications">
<method name="AddNotification"><arg type="s"/><arg type="s"/><arg type="a{sv}"/></method>
<method name="RemoveNotification"><arg type="s"/><arg type="s"/></method>
</interface></node>"""


def call(conn, sender, path, iface, method, params, invocation):
    invocation.return_value(None)


def acquired(conn, name):
    print("notifications-stub: owns org.gtk.Notifications", flush=True)


def bus_acquired(conn, name):
    info = Gio.DBusNodeInfo.new_for_xml(XML).interfaces[0]
    conn.register_object("/org/gtk/Notifications", info, call, None, None)


def lost(conn, name):
    sys.exit(1)


Gio.bus_own_name(Gio.BusType.SESSION, "org.gtk.Notifications", Gio.BusNameOwnerFlags.NONE,
                 bus_acquired, acquired, lost)
GLib.MainLoop().run()
