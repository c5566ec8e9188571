#!/usr/bin/python3
"""The seed flow of Clusterdeck with the keyboard only, over AT-SPI.

usage: atspi_keyboard.py PID PHASE FIRST_TEST_NUMBER

Run by run-atspi-audit.sh in place of atspi_audit.py (the same two phases,
the same nodes). Every step is a key event synthesized through AT-SPI's
device event controller (XTest on Xvfb): Tab, arrows, Return, space,
Escape and the app's shortcuts; text is typed as key strokes. Nothing is
pressed through an AT-SPI action and no field is filled through
EditableText. After each key the focused element of the active window
is looked up: it must be visible along with every element it is in (not
a widget of a hidden page or a closed dialog). A key that moves the focus
is waited for (the focus is read before it and until it moved). GTK 4.8
reports no focused element while an entry row's inner text has the
focus: a field is known to have it when what is typed arrives in it
(Keyboard.tab_into); other keys after which nothing says it has the focus
are listed, not failed.

  first-run  Shift+Ctrl+N adds the organization "Demo" (typed, Return);
             Ctrl+N opens Add Instance and Escape closes it; Ctrl+comma
             opens Preferences and Escape closes it.
  cluster    node1 is chosen in the instances list with Tab and the
             arrows, Return; one Tab leaves the list with node1 still
             selected. Tables (Tab, space): the switch "Publish data.dog
             to node2" is turned off with space; the "Change to Per-Table
             Replication?" question is answered with Tab and space; Review
             & Apply (Return), the cluster password typed, Apply (space),
             Escape closes the dialog and the focus is back in the grid.
             Undo: Alt+U (the toast's Undo; the app runs with
             CLUSTERDECK_TEST_UNDO_STAYS=1, so the toast waits) opens
             "Undo Changes", the cluster password typed, Apply, Escape;
             node1 publishes data.dog to node2 again (cluster_status).
             Connections (Tab, space): space on
             "Disconnect node2" asks, Escape closes the question, and
             node1's cluster_status still lists node2; space asks again,
             Tab and space answer "Disconnect", and node1's cluster_status
             no longer lists node2; Ctrl+N opens Add Instance, Escape
             closes it.
             Enable: Shift+Tab to the instances list, the arrows to node3
             (replication unconfigured, AUDIT_NODE3_URL), Return;
             Replication; Cluster User, Cluster Password and Node Name
             typed (Ctrl+A, then the keys); Enable Clustering, Tab and
             space answer "Enable and Restart"; node3's cluster_status says
             enabled as node3 and the restart's phases end.
             Connect: back to node1's Connections (Shift+Tab, arrows,
             Tab, space); space on "Connect node2" (it takes the cluster
             password the enable stored; a question would be answered by
             Tab and space); node1's cluster_status lists node2 again.
             Add Instance: Ctrl+N; Name, URL (the HTTPS node,
             AUDIT_TLS_URL), User Name, Password typed in Tab order; Add
             shows "Certificate Not Trusted"; "Trust This Certificate";
             Add; the row "tls" and organizations.json hold it.

Prints TAP numbered from FIRST_TEST_NUMBER, no plan, and the comment
"# atspi_audit.py done" (the name run-atspi-audit.sh waits for) at its end.
"""
import base64
import json
import os
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atspi_audit import app_by_pid, visible  # noqa: E402
from atspi_grid import (TEXT_ROLES, Atspi, GLib, Tap, dump, find, gone,  # noqa: E402
                        name_of, nodes, role_of, states, text_of, wait_for)

MODIFIERS = {"Shift_L": 1 << 0, "Control_L": 1 << 2, "Alt_L": 1 << 3}
KEYSYMS = {"Escape": 0xff1b, "Tab": 0xff09,
           "ISO_Left_Tab": 0xfe20, "Return": 0xff0d, "space": 0x20, "comma": 0x2c,
           "Down": 0xff54, "Up": 0xff52, "Left": 0xff51, "Right": 0xff53, "Home": 0xff50}

WINDOW_ROLES = ("frame", "dialog", "alert", "window")
# Keys that move the focus; after them the focus is waited for (see press()).
MOVES = ("Tab", "ISO_Left_Tab", "Up", "Down", "Left", "Right", "Home")
MOVE_WAIT = 5
NOT_READ = object()


class XFocus:
    """The X server's input focus (XGetInputFocus through libX11), for the
    log: the window that takes the keys, and how it reverts."""

    REVERT = {0: "None", 1: "PointerRoot", 2: "Parent"}

    def __init__(self):
        import ctypes
        self.c = ctypes
        try:
            self.x = ctypes.CDLL("libX11.so.6")
        except OSError:
            self.x = None
            return
        self.x.XOpenDisplay.restype = ctypes.c_void_p
        self.x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x.XGetInputFocus.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_ulong),
                                          ctypes.POINTER(ctypes.c_int)]
        self.x.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                      ctypes.POINTER(ctypes.c_char_p)]
        self.d = self.x.XOpenDisplay(None)
        self.root = self.x.XDefaultRootWindow(self.d) if self.d else 0

    def __str__(self):
        if not self.x or not self.d:
            return "?"
        c = self.c
        w, r = c.c_ulong(), c.c_int()
        self.x.XGetInputFocus(self.d, c.byref(w), c.byref(r))
        if w.value in (0, 1):
            name = ("None", "PointerRoot")[w.value]
        elif w.value == self.root:
            name = "root"
        else:
            t = c.c_char_p()
            self.x.XFetchName(self.d, w.value, c.byref(t))
            name = f"0x{w.value:x} {t.value.decode(errors='replace') if t.value else '(no name)'!r}"
        return f"{name}, revert to {self.REVERT.get(r.value, r.value)}"


XFOCUS = XFocus()


class Keyboard:
    """Key presses, and after each one a look at the focus."""

    def __init__(self, tap, app):
        self.tap = tap
        self.app = app
        self.presses = 0
        self.lost = []      # keys after which nothing had the focus
        self.hidden = []    # keys after which a hidden element had it
        self.log = []       # every key and where the focus went

    def windows(self):
        """The app's windows, the active one first."""
        wins = []
        for i in range(self.app.get_child_count()):
            try:
                w = self.app.get_child_at_index(i)
            except GLib.Error:
                continue
            if w is not None and visible(w):
                wins.append(w)
        return sorted(wins, key=lambda w: "active" not in states(w))

    def focused(self):
        """The focused element (the active window's, else any window's),
        and whether it and every element it is in are visible; (None,
        False) when none is."""
        wins = self.windows()
        # The focus that counts is the active window's: a window behind a
        # dialog keeps (and reports) the focus it will get back.
        active = [w for w in wins if "active" in states(w)]
        for n in (n for w in (active or wins) for n in nodes(w)):
            if "focused" in states(n):
                chain_visible = True
                p = n
                while p is not None and role_of(p) not in WINDOW_ROLES:
                    if not visible(p):
                        chain_visible = False
                        break
                    try:
                        p = p.get_parent()
                    except GLib.Error:
                        break
                return n, chain_visible
        return None, False

    def press(self, *combo, settle=0.3):
        key = combo[-1]
        # Under load the app may take longer than any fixed pause to handle a
        # key (CI saw a Tab handled 0.4 s after it was sent, so that every
        # look-up read the focus of the key before). A key that moves the
        # focus is waited for: the focus is read before it, and after it
        # until it is somewhere else.
        before = self.focused()[0] if key in MOVES else NOT_READ
        # The modifiers are locked (XkbLockModifiers), not pressed as keys:
        # a modifier key synthesized by keysym does not reach GTK under Xvfb.
        mask = sum(MODIFIERS[m] for m in combo[:-1])
        if mask:
            Atspi.generate_keyboard_event(mask, None, Atspi.KeySynthType.LOCKMODIFIERS)
        Atspi.generate_keyboard_event(KEYSYMS[key] if key in KEYSYMS else ord(key), None,
                                      Atspi.KeySynthType.SYM)
        if mask:
            Atspi.generate_keyboard_event(mask, None, Atspi.KeySynthType.UNLOCKMODIFIERS)
        self.presses += 1
        time.sleep(settle)
        return self.check("+".join(combo), before)

    def check(self, key, before=NOT_READ):
        if before is not NOT_READ:
            # Not a measure: the bound only ends the wait when the key did
            # not move the focus (the last row of a list, a field that
            # GTK 4.8 does not report to the next one).
            deadline = time.monotonic() + MOVE_WAIT
            while True:
                node, ok = self.focused()
                if node != before or time.monotonic() >= deadline:
                    break
                time.sleep(0.1)
            if node is None:
                # A window being built or torn down may have no focus for
                # a moment.
                found = wait_for(lambda: (lambda f: f if f[0] is not None else None)(self.focused()), 1.0)
                if found is not None:
                    node, ok = found
        else:
            # A window being built or torn down may have no focus for a moment.
            found = wait_for(lambda: (lambda f: f if f[0] is not None else None)(self.focused()), 1.5)
            node, ok = found if found is not None else (None, False)
        wins = ", ".join(f"{name_of(w)!r}{'*' if 'active' in states(w) else ''}"
                         for w in self.windows())
        self.log.append(f"{key} -> " + (f"[{role_of(node)}] {name_of(node)!r}" if node is not None
                                        else "(none reported)")
                        + f"  [X focus {XFOCUS}; windows {wins}]")
        if node is None:
            # GTK 4.8 does not always say which element has the focus (an
            # entry's inner text widget has no node of its own): counted
            # and reported, not failed.
            self.lost.append(key)
            self.tap.note(f"after {key}: no element says it has the focus")
        elif not ok:
            self.hidden.append(f"{key}: [{role_of(node)}] {name_of(node)!r}")
            self.tap.note(f"after {key}: the focus is on a hidden element "
                          f"[{role_of(node)}] {name_of(node)!r}")
        return node

    def type(self, text):
        for ch in text:
            Atspi.generate_keyboard_event(ord(ch), None, Atspi.KeySynthType.SYM)
            time.sleep(0.05)
        self.presses += 1
        time.sleep(0.3)

    def tab_to(self, pred, what, limit=60, key="Tab", here=False):
        """Tab (or key) until pred(focused) holds; the focused node, or None.
        With here, the focus as it is counts too (no key pressed for it)."""
        if here:
            node = self.focused()[0]
            if node is not None and pred(node):
                self.tap.note(f"focus already on {what}: [{role_of(node)}] {name_of(node)!r}")
                return node
        for _ in range(limit):
            node = self.press(key, settle=0.15)
            if node is not None and pred(node):
                self.tap.note(f"focus on {what}: [{role_of(node)}] {name_of(node)!r}")
                return node
        self.tap.note(f"{key} never reached {what}")
        return None

    def select_all(self):
        """Ctrl+A: selects the whole text of the focused field, so that what
        is typed next replaces it."""
        Atspi.generate_keyboard_event(MODIFIERS["Control_L"], None,
                                      Atspi.KeySynthType.LOCKMODIFIERS)
        Atspi.generate_keyboard_event(ord("a"), None, Atspi.KeySynthType.SYM)
        Atspi.generate_keyboard_event(MODIFIERS["Control_L"], None,
                                      Atspi.KeySynthType.UNLOCKMODIFIERS)
        self.presses += 1
        time.sleep(0.3)

    def tab_into(self, field, text, limit=20, replace=False):
        """Tab into the entry row `field` and type `text` there. GTK 4.8
        reports no focused element while an entry row's inner text has the
        focus (GtkText has no node of its own), so the focus is known to be
        in the field when what was typed is in it: Tab until no element
        says it has the focus, type, and read the field back. True when
        the field then holds `text` (as many characters, for a password).
        With replace, Ctrl+A first: what is typed replaces what the field
        held, which must then be `text` (its length, for a password)."""
        for _ in range(limit):
            if self.press("Tab", settle=0.15) is not None:
                continue
            before = text_of(field) or ""
            if replace:
                self.select_all()
                before = ""
            self.type(text)

            def arrived(t):
                if len(t) != len(before) + len(text):
                    return None
                if replace and role_of(field) != "password text" and t != text:
                    return None
                return t
            got = wait_for(lambda: arrived(text_of(field) or ""), 5)
            if got is not None:
                self.tap.note(f"typed into {name_of(field)!r}")
                return True
            self.tap.note(f"typed {len(text)} characters with no element focused; "
                          f"{name_of(field)!r} did not take them")
            return False
        self.tap.note(f"Tab never reached {name_of(field)!r}")
        return False

    def report(self, phase):
        self.tap.note(f"{phase}: where each key left the focus:")
        for i, line in enumerate(self.log, 1):
            self.tap.note(f"  {i:3d}. {line}")
        self.tap.note(f"{phase}: {self.presses} key presses; no focused element reported "
                      f"after {len(self.lost)} of them: {self.lost}")
        self.tap.ok(not self.hidden,
                    f"{phase}: after none of {self.presses} key presses is the focus on a "
                    "hidden element", "\n".join(f"hidden after {k}" for k in self.hidden))


SWITCHER_ROLES = ("page tab", "toggle button", "radio button", "push button")


def operation(url, body):
    """An operation on a test node (HTTP), as AUDIT_USER."""
    auth = base64.b64encode(f"{os.environ.get('AUDIT_USER', '')}:"
                            f"{os.environ.get('AUDIT_PASS', '')}".encode()).decode()
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json",
                                          "Authorization": "Basic " + auth})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def peers(url):
    """The names of the nodes url's cluster_status lists a connection to,
    or None when it cannot be read."""
    try:
        status = operation(url, {"operation": "cluster_status"})
    except (OSError, ValueError):
        return None
    return sorted((c.get("name") or c.get("node_name") or "?")
                  for c in status.get("connections") or [])


def window_named(app, title, timeout=30):
    return wait_for(lambda: find(app, title, WINDOW_ROLES), timeout)


def named(text):
    return lambda n: name_of(n) == text


def escape_closes(tap, kb, win, title):
    kb.press("Escape")
    closed = wait_for(lambda: gone(win), 10)
    time.sleep(0.5)
    tap.ok(closed is not None, f"Escape closes {title}")


def open_connections(tap, kb, limit, here=False):
    """Tab to the "Replication" view switcher button, space; Tab to
    "Connections", space. False when a button is not reached."""
    repl = kb.tab_to(lambda n: name_of(n) == "Replication" and role_of(n) in SWITCHER_ROLES,
                     "Replication", limit, here=here)
    if not tap.ok(repl is not None, 'Tab reaches the "Replication" view switcher button'):
        return False
    kb.press("space")
    tab = kb.tab_to(lambda n: name_of(n) == "Connections" and role_of(n) in SWITCHER_ROLES,
                    "Connections", limit)
    if not tap.ok(tab is not None, 'Tab reaches the "Connections" switcher button'):
        return False
    kb.press("space")
    return True


def password_then_apply(tap, kb, field, password, title):
    """The cluster password typed into field (reached with Tab), then Tab
    to "Apply" and space. False when a step failed."""
    if not tap.ok(field is not None and password and kb.tab_into(field, password, 30),
                  f'Tab reaches {title}\'s "Cluster Password" field and takes the typed password'):
        return False
    apply_button = kb.tab_to(named("Apply"), "Apply", 30)
    if not tap.ok(apply_button is not None, 'Tab reaches "Apply"'):
        return False
    kb.press("space")
    return True


def done_then_escape(tap, kb, dialog, what, title):
    """An apply in @dialog is waited for until an operation says Done and
    the dialog offers Close; then Escape closes it. False when it never
    ended."""
    done = wait_for(lambda: next((n for n in nodes(dialog) if role_of(n) == "list item"
                                  and name_of(n).endswith(", Done")), None), 90)
    close = wait_for(lambda: next((b for b in nodes(dialog) if role_of(b) == "push button"
                                   and name_of(b) == "Close"), None), 30)
    tap.ok(done is not None and close is not None, f"{what} is done; the dialog offers Close")
    if close is None:
        return False
    escape_closes(tap, kb, dialog, title)
    return True


def focus_on_peer(tap, kb, peer, after):
    """After a connect or disconnect the focus follows @peer to its new row
    (deck-connections-view.c, refocus_peer()): on the row or its button."""
    kept = wait_for(lambda: (lambda f: f if f is not None and peer in name_of(f) else None)(
        kb.focused()[0]), 10)
    now = kb.focused()[0]
    if now is not None:
        tap.note(f"after {after} the focus is on [{role_of(now)}] {name_of(now)!r}")
    tap.ok(kept is not None, f"after {after} the focus is on {peer}'s row or its button",
           f"focus on [{role_of(now) if now else '-'}] {name_of(now) if now else '-'!r}")


def first_run(tap, kb, app, window):
    kb.check("start")
    kb.press("Shift_L", "Control_L", "n")
    dialog = window_named(app, "Add Organization")
    if not tap.ok(dialog is not None, "Shift+Ctrl+N opens Add Organization"):
        return
    kb.type("Demo")
    kb.press("Return")
    added = wait_for(lambda: gone(dialog), 10)
    time.sleep(0.5)
    tap.ok(added is not None and wait_for(lambda: find(window, "Demo", ("label", "list item")), 10)
           is not None, 'typing "Demo" and Return add the organization "Demo"')

    kb.press("Control_L", "n")
    dialog = window_named(app, "Add Instance")
    if tap.ok(dialog is not None, "Ctrl+N opens Add Instance"):
        escape_closes(tap, kb, dialog, "Add Instance")

    kb.press("Control_L", "comma")
    prefs = window_named(app, "Preferences")
    if tap.ok(prefs is not None, "Ctrl+comma opens Preferences"):
        escape_closes(tap, kb, prefs, "Preferences")


def within(node, pred):
    """Whether node or one of its containers below its window matches pred."""
    p = node
    while p is not None and role_of(p) not in WINDOW_ROLES:
        if pred(p):
            return True
        try:
            p = p.get_parent()
        except GLib.Error:
            return False
    return False


def in_instances_list(node):
    """Whether node is in the sidebar's list "Instances" (not, say, a row
    of the Connections view naming a node)."""
    return within(node, lambda p: name_of(p) == "Instances" and role_of(p) in ("list", "list box"))


def choose_node1(tap, kb, window, first):
    """Tab into the instances list, the arrows to node1, Return; one Tab
    out of the list. True when node1 is selected."""
    return choose_node(tap, kb, window, "node1", first)


def choose_node(tap, kb, window, name, first=False, key="Tab"):
    """Tab (or key) into the instances list, the arrows to the instance
    name, Return; with first, one Tab out of the list. True when the
    instance is selected."""
    word = "Shift+Tab" if key == "ISO_Left_Tab" else "Tab"
    row = kb.tab_to(lambda n: role_of(n) == "list item" and in_instances_list(n) and
                    name_of(n).startswith(("node", "down")), "an instance row", 80, key=key)
    if not tap.ok(row is not None, f"{word} reaches the instances list"):
        dump(tap, window, "the window", limit=300)
        return False
    # The arrows move from row to row (and select); down, then up.
    for arrow in ("Down", "Up"):
        for _ in range(8):
            if name_of(row).startswith(name):
                break
            moved = kb.press(arrow)
            if moved is None or moved == row or role_of(moved) != "list item":
                break
            row = moved
    kb.press("Return")
    if not tap.ok(name_of(row).startswith(name) and
                  wait_for(lambda: True if "selected" in states(row) else None, 5) is not None,
                  f"the arrows and Return select {name}", f"focused row {name_of(row)!r}"):
        return False
    if first:
        # GTK 4.8's list box makes each row a Tab stop and selects the row
        # Tab lands on; the sidebars' lists are left by one Tab
        # (deck_list_box_tab_leaves()).
        after = kb.press("Tab")
        rows = [n for n in nodes(window) if role_of(n) == "list item" and
                name_of(n).startswith(("node", "down"))]
        selected = [name_of(n) for n in rows if "selected" in states(n)]
        return tap.ok(after is not None and role_of(after) != "list item" and
                      len(selected) == 1 and selected[0].startswith("node1"),
                      "one Tab leaves the instances list, and node1 stays selected",
                      f"focus on [{role_of(after)}] {name_of(after)!r}; selected: {selected}")
    return True


def cluster(tap, kb, app, window):
    wait_for(lambda: find(window, "node3", ("label",)), 15)
    time.sleep(2)
    kb.check("start")
    if not choose_node1(tap, kb, window, True):
        return
    grid(tap, kb, app, window)
    disconnected = connections(tap, kb, app, window)
    # Enabled, node3 stores the organization's cluster password in the
    # keyring, which Connect takes: enable first, then Connect.
    enable_node3(tap, kb, app, window)
    if disconnected:
        connect_again(tap, kb, app, window)
    add_instance(tap, kb, app, window)


def grid(tap, kb, app, window):
    """node1's Tables by keyboard: a switch turned off, the question
    answered, Review & Apply, the password, Apply, Escape."""
    repl = kb.tab_to(lambda n: name_of(n) == "Replication" and role_of(n) in
                     ("page tab", "toggle button", "radio button", "push button"), "Replication")
    if not tap.ok(repl is not None, 'Tab reaches the "Replication" view switcher button'):
        return
    kb.press("space")
    tables = kb.tab_to(lambda n: name_of(n) == "Tables" and role_of(n) in
                       ("page tab", "toggle button", "radio button", "push button"), "Tables", 40)
    if not tap.ok(tables is not None, 'Tab reaches the "Tables" switcher button'):
        return
    kb.press("space")
    time.sleep(2)
    switch = kb.tab_to(named("Publish data.dog to node2"), "the grid switch", 80)
    if not tap.ok(switch is not None and "checked" in states(switch),
                  'Tab reaches the switch "Publish data.dog to node2", on'):
        return
    kb.press("space")
    question = window_named(app, "Change to Per-Table Replication?")
    if not tap.ok(question is not None, "space on the switch asks to change to per-table replication"):
        return
    change = kb.tab_to(named("Change"), "Change", 10)
    if change is not None:
        kb.press("space")
    tap.ok(change is not None and wait_for(lambda: gone(question), 10) is not None,
           'Tab and space answer "Change"')
    time.sleep(0.5)
    tap.ok(wait_for(lambda: find(window, "1 pending change", ("label",)), 10) is not None,
           'the grid says "1 pending change"')

    review = kb.tab_to(named("Review & Apply…"), "Review & Apply…", 80)
    if review is None:
        review = kb.tab_to(named("Review & Apply…"), "Review & Apply…", 80, key="ISO_Left_Tab")
    if not tap.ok(review is not None, 'Tab reaches "Review & Apply…"'):
        return
    kb.press("Return")
    dialog = window_named(app, "Review Changes")
    if not tap.ok(dialog is not None, "Return opens Review Changes"):
        return
    wait_for(lambda: next((n for n in nodes(dialog) if "node2" in name_of(n)), None), 60)
    # Leaving full replication adds the nodes again: the cluster password.
    password = os.environ.get("AUDIT_CLUSTER_PASSWORD", "")
    field = wait_for(lambda: find(dialog, "Cluster Password", TEXT_ROLES), 10)
    if not password_then_apply(tap, kb, field, password, "Review"):
        return
    if not done_then_escape(tap, kb, dialog, "Apply", "Review Changes after Apply"):
        return
    # The focus comes back to the grid where the change was made, not to the
    # window's first button (Review & Apply went with the pending bar).
    def in_grid(n):
        return within(n, lambda p: role_of(p) in ("table", "tree table", "grid"))
    back = wait_for(lambda: (lambda f: f if f is not None and in_grid(f) else None)(kb.focused()[0]), 10)
    now = kb.focused()[0]
    tap.ok(back is not None, "after Review Changes closes the focus is in the grid",
           f"focus on [{role_of(now) if now else '-'}] {name_of(now) if now else '-'!r}")
    undo(tap, kb, app, window)


def publishes_dog(url):
    """Whether url's connection to node2 publishes data.dog (everything, in
    full replication; else its subscription's publish), None when there is
    no such connection; and what cluster_status said (credentials dropped:
    Harper returns the retained authorization in clear, quirk Q11)."""
    status = cluster_status(url)
    if status is None:
        return None, "cluster_status failed"
    for c in status.get("connections") or []:
        c.pop("authorization", None)
    shown = json.dumps(status.get("connections"), sort_keys=True)
    for c in status.get("connections") or []:
        if (c.get("name") or c.get("node_name")) == "node2":
            subs = {(s.get("database") or s.get("schema"), s.get("table")): bool(s.get("publish"))
                    for s in c.get("subscriptions") or []}
            if not subs:
                return bool(c.get("replicates")), shown
            return subs.get(("data", "dog"), False), shown
    return None, shown


def undo(tap, kb, app, window):
    """The Apply undone by keyboard: the toast's Undo (Alt+U; the app runs
    with CLUSTERDECK_TEST_UNDO_STAYS=1, so the toast stays until it is
    used), "Undo Changes" applies the inverse (the cluster password typed
    when it asks for it), Escape closes it; node1 publishes data.dog to
    node2 again (cluster_status)."""
    url = os.environ.get("AUDIT_NODE1_URL", "")
    if not tap.ok(os.environ.get("CLUSTERDECK_TEST_UNDO_STAYS") == "1",
                  "the Undo toast stays until it is used (CLUSTERDECK_TEST_UNDO_STAYS=1)"):
        return
    off = wait_for(lambda: (lambda r: r if r[0] is False else None)(publishes_dog(url)), 30)
    if not tap.ok(off is not None, "after Apply node1 no longer publishes data.dog to node2 "
                  "(cluster_status)", f"connections: {publishes_dog(url)[1]}"):
        return
    toast = wait_for(lambda: next((n for n in nodes(window) if visible(n) and
                                   "Undo" in name_of(n) and role_of(n) == "push button"), None), 20)
    tap.note(f"the toast's button: {name_of(toast) if toast is not None else None!r}")
    kb.press("Alt_L", "u")
    dialog = window_named(app, "Undo Changes", 20)
    if not tap.ok(dialog is not None, 'Alt+U (the toast\'s Undo) opens "Undo Changes"'):
        dump(tap, window, "the window", limit=300)
        return
    field = wait_for(lambda: next((f for f in nodes(dialog) if role_of(f) in TEXT_ROLES and
                                   name_of(f) == "Cluster Password" and visible(f)), None), 10)
    if field is not None:
        # The inverse adds node2 again: Undo waits for the cluster password.
        password = os.environ.get("AUDIT_CLUSTER_PASSWORD", "")
        if not password_then_apply(tap, kb, field, password, "Undo"):
            return
    else:
        tap.note("Undo Changes asks for no password: it applies at once")
    if not done_then_escape(tap, kb, dialog, "the Undo", "Undo Changes"):
        return
    on = wait_for(lambda: (lambda r: r if r[0] is True else None)(publishes_dog(url)), 30)
    tap.ok(on is not None, "node1 publishes data.dog to node2 again (cluster_status)",
           f"connections: {publishes_dog(url)[1]}")



def connections(tap, kb, app, window):
    """node1's Connections by keyboard: space on "Disconnect node2" asks,
    Escape closes the question, and node1's cluster_status still lists
    node2 (nothing was sent); asked again, "Disconnect" is answered and
    node2 leaves node1's cluster_status."""
    url = os.environ.get("AUDIT_NODE1_URL", "")
    before = peers(url) if url else None
    if not tap.ok(before is not None and "node2" in before,
                  "node1's cluster_status lists a connection to node2 (AUDIT_NODE1_URL)",
                  f"connections: {before}"):
        return
    if not open_connections(tap, kb, 60, here=True):
        return
    button = kb.tab_to(named("Disconnect node2"), '"Disconnect node2"', 40)
    if not tap.ok(button is not None, 'Tab reaches "Disconnect node2"'):
        return
    kb.press("space")
    question = window_named(app, "Disconnect?", 20)
    if not tap.ok(question is not None, 'space asks "Disconnect?"'):
        return
    escape_closes(tap, kb, question, 'the question "Disconnect?"')
    still = peers(url)
    tap.ok(still is not None and "node2" in still,
           "after Escape node1 is still connected to node2 (cluster_status)", f"connections: {still}")
    # The question again, right after Escape closed it: it takes the keys
    # (a window manager hands the focus back to the main window), and this
    # time Tab and space answer "Disconnect".
    button = kb.tab_to(named("Disconnect node2"), '"Disconnect node2"', 40, here=True)
    if not tap.ok(button is not None, 'the focus is back on "Disconnect node2" (or Tab reaches it)'):
        return
    kb.press("space")
    question = window_named(app, "Disconnect?", 20)
    if not tap.ok(question is not None, 'space asks "Disconnect?" again'):
        return
    answer = kb.tab_to(named("Disconnect"), '"Disconnect"', 6, here=True)
    if answer is not None:
        kb.press("space")
    tap.ok(answer is not None and wait_for(lambda: gone(question), 10) is not None,
           'Tab and space answer "Disconnect"')
    # Harper answers remove_node before every side has dropped the link:
    # node1's cluster_status is read until node2 is gone from it.
    after = wait_for(lambda: (lambda p: p if p is not None and "node2" not in p else None)(peers(url)),
                     60)
    tap.ok(after is not None, "node1 is no longer connected to node2 (cluster_status)",
           f"connections: {peers(url)}")
    # The focused button goes away with node2's row as the view shows the
    # new state (Harper may still report a half-removed link for a while, so
    # what the row then offers varies); the focus follows node2 to its new
    # row (deck-connections-view.c, refocus_peer()) instead of being nowhere
    # or on the first row of the sidebar.
    focus_on_peer(tap, kb, "node2", "Disconnect")
    # After the dialogs above, a shortcut still reaches the main window.
    kb.press("Control_L", "n")
    dialog = window_named(app, "Add Instance", 20)
    if tap.ok(dialog is not None, "Ctrl+N opens Add Instance after the questions"):
        escape_closes(tap, kb, dialog, "Add Instance")
    return after is not None


# The questions a connect may ask (deck-connections-view.c), and the answer
# that connects.
CONNECT_ANSWERS = {"Create the Missing Tables?": "Create and Connect",
                   "Connect With the Pinned Certificate?": "Connect"}


def connect_again(tap, kb, app, window):
    """node2 connected again from node1's Connections by keyboard: Shift+Tab
    to the instances list, the arrows to node1, Return; Tab and space open
    Replication and Connections; Tab to "Connect node2", space; a question
    the connect asks is answered with Tab and space, a cluster password
    asked for is typed; node1's cluster_status lists node2 again."""
    url = os.environ.get("AUDIT_NODE1_URL", "")
    if not choose_node(tap, kb, window, "node1", key="ISO_Left_Tab"):
        return
    if not open_connections(tap, kb, 40):
        return
    # The row offers Connect once the view has read that node2 is no longer
    # linked (Harper may report a half-removed link for a while).
    offered = wait_for(lambda: next((b for b in nodes(window) if role_of(b) == "push button"
                                     and name_of(b) == "Connect node2" and visible(b)), None), 90)
    if not tap.ok(offered is not None, 'node2\'s row offers "Connect node2"'):
        dump(tap, window, "the window", limit=300)
        return
    button = kb.tab_to(named("Connect node2"), '"Connect node2"', 40, here=True)
    if button is None:
        button = kb.tab_to(named("Connect node2"), '"Connect node2"', 40, key="ISO_Left_Tab")
    if not tap.ok(button is not None, 'Tab reaches "Connect node2"'):
        return
    kb.press("space")
    answered = []
    deadline = time.monotonic() + 120
    connected = None
    while time.monotonic() < deadline:
        p = peers(url)
        if p is not None and "node2" in p:
            connected = p
            break
        for title, answer in CONNECT_ANSWERS.items():
            question = find(app, title, WINDOW_ROLES)
            if question is None or title in answered or not visible(question):
                continue
            tap.note(f'the connect asks "{title}"')
            field = find(question, "Cluster Password", TEXT_ROLES)
            if field is not None and visible(field):
                kb.tab_into(field, os.environ.get("AUDIT_CLUSTER_PASSWORD", ""), 10)
            node = kb.tab_to(lambda n, a=answer: name_of(n).replace("_", "") == a and
                             role_of(n) == "push button", f'"{answer}"', 8, here=True)
            tap.ok(node is not None, f'Tab reaches "{answer}" in "{title}"')
            if node is not None:
                kb.press("space")
            answered.append(title)
        time.sleep(1)
    tap.ok(connected is not None, "node1 is connected to node2 again (cluster_status)",
           f"connections: {peers(url)}")
    back = wait_for(lambda: next((b for b in nodes(window) if role_of(b) == "push button"
                                  and name_of(b) == "Disconnect node2" and visible(b)), None), 60)
    tap.ok(back is not None, 'node2\'s row offers "Disconnect node2" again')
    focus_on_peer(tap, kb, "node2", "Connect")


def cluster_status(url):
    """url's cluster_status, or None when it cannot be read."""
    try:
        return operation(url, {"operation": "cluster_status"})
    except (OSError, ValueError):
        return None


def enabled_as(url, node_name):
    """True when url's cluster_status says replication runs there with
    the node name node_name (as deck-native-engine.c reads it)."""
    status = cluster_status(url)
    return (status is not None and status.get("is_enabled") is True and
            status.get("node_name") == node_name) or None


def enable_node3(tap, kb, app, window):
    """node3 (registered, replication unconfigured) enabled by keyboard:
    Shift+Tab back to the instances list, the arrows to node3, Return; Tab
    to the Replication view, the enable form's Cluster User, Cluster
    Password and Node Name typed (Ctrl+A, then the keys), Enable
    Clustering, the "Enable Clustering?" question answered with Tab and
    space; the restart's progress runs to its end and node3's
    cluster_status says replication is enabled, as node3."""
    url = os.environ.get("AUDIT_NODE3_URL", "")
    password = os.environ.get("AUDIT_CLUSTER_PASSWORD", "")
    status = cluster_status(url) if url else None
    if not tap.ok(status is not None and not status.get("is_enabled") and password,
                  "node3's cluster_status says replication is not enabled (AUDIT_NODE3_URL), "
                  "and the test has the cluster password", f"cluster_status: {status}"):
        return
    if not choose_node(tap, kb, window, "node3", key="ISO_Left_Tab"):
        return
    repl = kb.tab_to(lambda n: name_of(n) == "Replication" and role_of(n) in SWITCHER_ROLES,
                     "Replication", 40)
    if not tap.ok(repl is not None, 'Tab reaches node3\'s "Replication" view switcher button'):
        return
    kb.press("space")
    fields = {}
    for title in ("Cluster User", "Cluster Password", "Node Name"):
        fields[title] = wait_for(lambda title=title: next(
            (n for n in nodes(window) if role_of(n) in TEXT_ROLES and name_of(n) == title
             and visible(n)), None), 20)
    if not tap.ok(all(fields.values()), "the Replication view shows node3's enable form "
                  '("Cluster User", "Cluster Password", "Node Name")',
                  f"found: {[t for t, f in fields.items() if f is not None]}"):
        dump(tap, window, "the window", limit=300)
        return
    tap.note(f"the form as it opened: Cluster User {text_of(fields['Cluster User'])!r}, "
             f"Node Name {text_of(fields['Node Name'])!r}")
    values = {"Cluster User": "cluster_user", "Cluster Password": password, "Node Name": "node3"}
    for title, value in values.items():
        if not tap.ok(kb.tab_into(fields[title], value, 30, replace=True),
                      f'Tab reaches "{title}" and what is typed replaces its text'):
            return
    enable = kb.tab_to(lambda n: name_of(n) == "Enable Clustering" and role_of(n) == "push button",
                       '"Enable Clustering"', 10)
    if not tap.ok(enable is not None and "sensitive" in states(enable),
                  'Tab reaches "Enable Clustering", sensitive'):
        return
    kb.press("space")
    question = window_named(app, "Enable Clustering?", 20)
    if not tap.ok(question is not None, 'space asks "Enable Clustering?"'):
        return
    answer = kb.tab_to(lambda n: name_of(n).replace("_", "") == "Enable and Restart" and
                       role_of(n) == "push button", '"Enable and Restart"', 6, here=True)
    if answer is not None:
        kb.press("space")
    if not tap.ok(answer is not None and wait_for(lambda: gone(question), 10) is not None,
                  'Tab and space answer "Enable and Restart"'):
        return
    t = time.monotonic()
    seen = wait_for(lambda: next((n for n in nodes(window) if role_of(n) == "list item"
                                  and name_of(n).endswith(", in progress")), None), 30)
    if seen is not None:
        tap.note(f"restart progress: {name_of(seen)!r}")
    on_server = wait_for(lambda: enabled_as(url, "node3"), 180)
    tap.ok(on_server is not None, "node3's cluster_status says replication is enabled, "
           "node name node3", f"cluster_status: {cluster_status(url)}")
    # The progress ends: no phase is in progress.
    def running():
        return [f"{name_of(n)!r} {sorted(states(n))}" for n in nodes(window)
                if role_of(n) == "list item" and name_of(n).endswith(", in progress")
                and visible(n)]
    ended = wait_for(lambda: True if not running() else None, 120)
    tap.note(f"the restart ended {time.monotonic() - t:.1f} s after the answer")
    form = [f"{name_of(f)!r} {sorted(states(f))}" for f in nodes(window)
            if role_of(f) in TEXT_ROLES and name_of(f) in ("Cluster User", "Cluster Password")]
    tap.note(f"the enable form's fields now: {form}")
    tap.ok(ended is not None, "the restart progress ends (no phase in progress)",
           f"in progress: {running()}")
    kept = wait_for(lambda: kb.focused()[0], 5)
    if kept is not None:
        tap.note(f"after the restart the focus is on [{role_of(kept)}] {name_of(kept)!r}")


def tab_to_button(kb, label, limit=20):
    """Tab, else Shift+Tab, to the button label."""
    pred = lambda n: role_of(n) == "push button" and name_of(n).replace("_", "") == label  # noqa: E731
    node = kb.tab_to(pred, f'"{label}"', limit, here=True)
    return node if node is not None else kb.tab_to(pred, f'"{label}"', limit, key="ISO_Left_Tab")


def organizations_file():
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    try:
        with open(os.path.join(base, "clusterdeck", "organizations.json"), encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        return f"(unreadable: {e})"


def add_instance(tap, kb, app, window):
    """Add Instance with typed fields: Ctrl+N; Name, URL (the HTTPS node,
    AUDIT_TLS_URL), User Name and Password typed in Tab order; "Add"
    tests the connection and shows "Certificate Not Trusted"; Tab and
    space on "Trust This Certificate" test again; "Add" adds the instance:
    its row in the instances list, and organizations.json holds it."""
    url = os.environ.get("AUDIT_TLS_URL", "")
    if not tap.ok(url.startswith("https://"), "a Harper node on HTTPS (AUDIT_TLS_URL)"):
        return
    kb.press("Control_L", "n")
    dialog = window_named(app, "Add Instance", 20)
    if not tap.ok(dialog is not None, "Ctrl+N opens Add Instance"):
        return
    time.sleep(0.5)
    values = {"Name": "tls", "URL": url, "User Name": os.environ.get("AUDIT_USER", ""),
              "Password": os.environ.get("AUDIT_PASS", "")}
    fields = {t: wait_for(lambda t=t: next((n for n in nodes(dialog) if role_of(n) in TEXT_ROLES
                                           and name_of(n) == t and visible(n)), None), 10)
              for t in values}
    if not tap.ok(all(fields.values()), "Add Instance has the fields " + ", ".join(values),
                  f"found: {[t for t, f in fields.items() if f is not None]}"):
        escape_closes(tap, kb, dialog, "Add Instance")
        return
    # The dialog opens with the focus in Name (the entry reports none):
    # typed there; the other fields are reached with Tab.
    typed = False
    if kb.focused()[0] is None:
        kb.type(values["Name"])
        typed = wait_for(lambda: True if text_of(fields["Name"]) == values["Name"] else None,
                         5) is not None
    if not typed:
        typed = kb.tab_into(fields["Name"], values["Name"], 20, replace=True)
    if not tap.ok(typed, 'the name typed arrives in "Name"', f"Name: {text_of(fields['Name'])!r}"):
        escape_closes(tap, kb, dialog, "Add Instance")
        return
    for title in ("URL", "User Name", "Password"):
        if not tap.ok(kb.tab_into(fields[title], values[title], 10, replace=True),
                      f'Tab reaches "{title}" and what is typed replaces its text'):
            escape_closes(tap, kb, dialog, "Add Instance")
            return
    add = tab_to_button(kb, "Add")
    if not tap.ok(add is not None and "sensitive" in states(add), 'Tab reaches "Add", sensitive'):
        escape_closes(tap, kb, dialog, "Add Instance")
        return
    kb.press("space")
    question = wait_for(lambda: find(dialog, "Certificate Not Trusted", ("label", "heading")), 30)
    if not tap.ok(question is not None, 'space on "Add" shows "Certificate Not Trusted"'):
        dump(tap, dialog, "the dialog", limit=200)
        escape_closes(tap, kb, dialog, "Add Instance")
        return
    time.sleep(0.5)
    trust = tab_to_button(kb, "Trust This Certificate", 30)
    if not tap.ok(trust is not None, 'Tab reaches "Trust This Certificate"'):
        escape_closes(tap, kb, dialog, "Add Instance")
        return
    kb.press("space")
    # Trusted, the connection is tested again; then "Add" adds.
    tested = wait_for(lambda: next((n for n in nodes(dialog) if visible(n) and
                                    name_of(n).startswith("Connected")), None) or
                      next((n for n in nodes(dialog) if visible(n) and
                            (text_of(n) or "").startswith("Connected")), None), 30)
    tap.ok(tested is not None, "the certificate trusted, the connection test says Connected")
    add = tab_to_button(kb, "Add", 30)
    if not tap.ok(add is not None, 'Tab reaches "Add" again'):
        escape_closes(tap, kb, dialog, "Add Instance")
        return
    kb.press("space")
    closed = wait_for(lambda: gone(dialog), 30)
    if not tap.ok(closed is not None, '"Add" adds the instance and closes the dialog'):
        dump(tap, dialog, "the dialog", limit=200)
        escape_closes(tap, kb, dialog, "Add Instance")
        return
    time.sleep(0.5)
    row = wait_for(lambda: next((n for n in nodes(window) if role_of(n) == "list item"
                                 and name_of(n).startswith("tls") and visible(n)), None), 15)
    tap.ok(row is not None, 'the instances list has a row "tls"')
    saved = wait_for(lambda: (lambda t: t if '"tls"' in t and url in t else None)(
        organizations_file()), 10)
    tap.ok(saved is not None, 'organizations.json holds the instance "tls" with its URL',
           organizations_file()[:2000])
    kept = wait_for(lambda: kb.focused()[0], 5)
    if kept is not None:
        tap.note(f"after Add the focus is on [{role_of(kept)}] {name_of(kept)!r}")
    tap.ok(kept is not None, "after Add an element of the window has the focus")


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    pid = int(sys.argv[1])
    phase = sys.argv[2]
    tap = Tap(int(sys.argv[3]))
    t0 = time.monotonic()
    Atspi.init()
    app = wait_for(lambda: app_by_pid(pid), 20)
    if not tap.ok(app is not None, f"the app (pid {pid}) is on the accessibility bus"):
        tap.bail("the application never appeared on the AT-SPI bus")
    window = wait_for(lambda: find(app, "Clusterdeck", ("frame",)), 10)
    if window is None:
        tap.bail("no main window")
    kb = Keyboard(tap, app)
    if phase == "first-run":
        first_run(tap, kb, app, window)
    elif phase == "cluster":
        cluster(tap, kb, app, window)
    else:
        tap.bail(f"unknown phase {phase!r}")
    # However far the walk went, the keys pressed so far are judged.
    kb.report(phase)
    tap.note(f"atspi_audit.py done in {time.monotonic() - t0:.1f} s")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
