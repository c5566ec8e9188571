#!/usr/bin/python3
"""Toggle a replication switch of Clusterdeck over AT-SPI, review and apply it.

usage: atspi_grid.py PID FIRST_TEST_NUMBER

PID is the running `clusterdeck` process (same session bus, accessibility
on). Its organization "Demo" holds node1 and node2, two real Harper nodes
connected with full replication, each with the table data.dog; the keyring
has no cluster password for Demo. Prints TAP results numbered from
FIRST_TEST_NUMBER, no plan (run-atspi-grid.sh prints it), and the comment
"# atspi_grid.py done" when it ran to its end.

Environment: HARPER_NODE1_URL, HARPER_USER, HARPER_PASS (to read node1's
cluster_status over the operations API), CLUSTER_PASSWORD (typed into the
Review dialog), PENDING_JSON ($XDG_STATE_HOME/clusterdeck/pending.json).

What is checked, everything found by accessible name and role:
  - node1 is selected in the "Instances" list (AT-SPI Selection), the
    "Replication" view switcher button and the "Tables" stack switcher button
    are pressed by their actions, and the grid shows the switch named
    "Publish data.dog to node2", on (full replication)
  - its action toggles it; the "Change to Per-Table Replication?" dialog
    appears and its "Change" button confirms
  - the changed cell: the switch is off and its accessible description is
    "changed, not applied". The bold type is CSS (the "changed" class), which
    AT-SPI does not show; the description, and the "Changed" mark next to the
    switch when it is exposed, are what a screen reader gets
  - the bar says "1 pending change"; pending.json holds the change; node1's
    cluster_status is unchanged (staging sends nothing)
  - "Review & Apply…" opens "Review Changes", whose operation rows name node2
    (remove_node + add_node for a peer in full replication); the "Cluster
    Password" field takes the password (the keyring has none)
  - the summary label says how many requests will be sent
  - "Apply" sends; within 60 s the summary says "The operation succeeded." or
    "All N operations succeeded."
  - node1's cluster_status: the connection to node2 has the subscription
    data.dog with publish false and subscribe true; pending.json holds no
    change; the bar is gone
  - "Close" closes the dialog; the grid, read again, shows the switch off and
    no longer marked changed. (While the dialog is still open the grid has
    shown the old value, on and unmarked, in 2 of 13 runs: the page
    reads cluster_status again 1 ms after add_node answered, and Harper can
    still answer with the state from before. What the switch showed is
    printed as a comment.)

Needs the system interpreter (Debian's python3-gi + gir1.2-atspi-2.0).
"""
import base64
import json
import os
import sys
import time
import urllib.request
import warnings

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402

# AT-SPI 2.46 deprecates the get_*_iface accessors (and get_action_name), but
# their replacements are not in its typelib.
warnings.simplefilter("ignore", DeprecationWarning)

SWITCH_NAME = "Publish data.dog to node2"
SWITCH_ROLES = ("check box", "toggle button", "switch")
TEXT_ROLES = ("text", "entry", "password text")
SWITCHER_ROLES = ("page tab", "toggle button", "radio button", "push button")
APPLY_TIMEOUT = 60


class Tap:
    def __init__(self, first):
        self.n = first - 1
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.n += 1
        print(f"{'ok' if cond else 'not ok'} {self.n} - {desc}", flush=True)
        if not cond:
            # A TODO result is a known gap, not a failure (TAP).
            if "# TODO " not in desc:
                self.failed += 1
            if diag:
                self.note(diag)
        return cond

    def note(self, text):
        for line in str(text).splitlines():
            print(f"# {line}", flush=True)

    def bail(self, why):
        print(f"Bail out! {why}", flush=True)
        sys.exit(1)


# The accessible tree ---------------------------------------------------------

def walk(node, out=None, depth=0):
    if out is None:
        out = []
    out.append((depth, node))
    try:
        n = node.get_child_count()
    except GLib.Error:
        return out
    for i in range(n):
        try:
            child = node.get_child_at_index(i)
        except GLib.Error:
            continue
        if child is not None:
            walk(child, out, depth + 1)
    return out


def nodes(root):
    return [n for _, n in walk(root)] if root is not None else []


def name_of(node):
    try:
        return node.get_name() or ""
    except GLib.Error:
        return ""


def role_of(node):
    try:
        return node.get_role_name() or ""
    except GLib.Error:
        return ""


def description_of(node):
    try:
        return node.get_description() or ""
    except GLib.Error:
        return ""


def states(node):
    try:
        s = node.get_state_set()
    except GLib.Error:
        return set()
    return {st.value_nick for st in Atspi.StateType.__enum_values__.values() if s.contains(st)}


def text_of(node):
    try:
        t = node.get_text_iface()
        return t.get_text(0, t.get_character_count()) if t is not None else None
    except GLib.Error:
        return None


def dump(tap, root, title, limit=2000):
    tap.note(f"{title}:")
    if root is None:
        tap.note("  (nothing)")
        return
    for depth, n in walk(root)[:limit]:
        extra = ""
        d = description_of(n)
        if d:
            extra += f" description={d!r}"
        if role_of(n) == "label":
            t = text_of(n)
            if t is not None and t != name_of(n):
                extra += f" text={t!r}"
        st = states(n) & {"checked", "pressed", "selected", "sensitive", "visible", "focused"}
        print("#  " + "  " * depth + f"[{role_of(n)}] {name_of(n)!r}{extra} {sorted(st)}",
              flush=True)


def wait_for(pred, timeout):
    """Polls pred() (which returns a value or None) until it gives something."""
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value is not None or time.monotonic() >= deadline:
            return value
        time.sleep(0.1)


def find(root, name, roles):
    for n in nodes(root):
        if name_of(n) == name and role_of(n) in roles:
            return n
    return None


def plain(label):
    """A label without its mnemonic underscore."""
    return label.replace("_", "")


def find_button(root, label, roles=("push button",)):
    """A button by its accessible name. GTK 4.8 names a button with a mnemonic
    label after the raw label ("C_hange"), or the raw label plus its child
    label ("C_hange Change"); those are matched too, and reported."""
    exact = find(root, label, roles)
    if exact is not None:
        return exact, None
    for n in nodes(root):
        name = name_of(n)
        if role_of(n) in roles and (plain(name) == label or plain(name).startswith(label + " ")):
            return n, name
    return None, None


def action_index(node, wanted):
    try:
        for i in range(node.get_n_actions()):
            if node.get_action_name(i) in wanted:
                return i
    except GLib.Error:
        pass
    return None


def actions(node):
    try:
        return [node.get_action_name(i) for i in range(node.get_n_actions())]
    except GLib.Error:
        return []


def press(node, wanted=("click", "activate", "press", "toggle")):
    i = action_index(node, wanted)
    try:
        return node.do_action(i if i is not None else 0)
    except GLib.Error:
        return False


def select_tab(tap, tab):
    """Presses a view or stack switcher button: its action, else the Selection
    of its parent (a page tab list)."""
    if actions(tab):
        press(tab)
    else:
        parent = tab.get_parent()
        sel = parent.get_selection_iface() if parent is not None else None
        index = tab.get_index_in_parent()
        try:
            done = sel is not None and sel.select_child(index)
        except GLib.Error as e:
            done = False
            tap.note(f"Selection.select_child failed: {e.message}")
        tap.note(f"{name_of(tab)!r} has no action; its parent's Selection: {done}")
    return wait_for(lambda: True if states(tab) & {"selected", "pressed", "checked"} else None, 5)


def gone(obj):
    """Whether an accessible object went away (defunct, invisible, unknown)."""
    try:
        st = obj.get_state_set()
        if st.contains(Atspi.StateType.DEFUNCT) or not st.contains(Atspi.StateType.VISIBLE):
            return True
    except GLib.Error:
        return True
    return None


# The server and the files ---------------------------------------------------

def operation(url, body):
    auth = base64.b64encode(f"{os.environ['HARPER_USER']}:{os.environ['HARPER_PASS']}".encode()).decode()
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json",
                                          "Authorization": "Basic " + auth})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def connection_to(url, peer):
    """The replication of url's connection to peer: (replicates, {(db, table):
    (publish, subscribe)}), or None; and the raw answer (credentials dropped:
    Harper returns the retained authorization in clear, quirk Q11)."""
    try:
        status = operation(url, {"operation": "cluster_status"})
    except (OSError, ValueError) as e:
        return None, f"cluster_status failed: {e}"
    for c in status.get("connections") or []:
        c.pop("authorization", None)
    shown = json.dumps(status.get("connections"), sort_keys=True)
    for c in status.get("connections") or []:
        if (c.get("name") or c.get("node_name")) == peer:
            subs = {(s.get("database") or s.get("schema"), s.get("table")):
                    (bool(s.get("publish")), bool(s.get("subscribe")))
                    for s in c.get("subscriptions") or []}
            return (bool(c.get("replicates")), subs), shown
    return None, shown


def pending_changes():
    try:
        with open(os.environ["PENDING_JSON"], encoding="utf-8") as f:
            return json.load(f).get("changes"), None
    except FileNotFoundError:
        return [], "no pending.json"
    except (OSError, ValueError) as e:
        return None, str(e)


# The test -------------------------------------------------------------------

def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    pid = int(sys.argv[1])
    tap = Tap(int(sys.argv[2]))
    node1_url = os.environ["HARPER_NODE1_URL"]
    t0 = time.monotonic()
    Atspi.init()

    def app_by_pid():
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            a = desktop.get_child_at_index(i)
            try:
                if a is not None and a.get_process_id() == pid:
                    return a
            except GLib.Error:
                pass
        return None

    app = wait_for(app_by_pid, 20)
    if not tap.ok(app is not None, f"the app (pid {pid}) is on the accessibility bus"):
        tap.bail("the application never appeared on the AT-SPI bus")
    tap.note(f"application {name_of(app)!r} found after {time.monotonic() - t0:.2f} s")
    window = wait_for(lambda: find(app, "Clusterdeck", ("frame",)), 10)
    if window is None:
        dump(tap, app, "the application")
        tap.bail("no main window")

    # -- node1, Replication, Tables ------------------------------------------
    def node1_row():
        lst = find(window, "Instances", ("list", "list box"))
        if lst is None:
            return None
        for i in range(lst.get_child_count()):
            row = lst.get_child_at_index(i)
            if row is not None and (name_of(row).startswith("node1") or
                                    any(name_of(n) == "node1" for n in nodes(row))):
                return lst, row, i
        return None

    found = wait_for(node1_row, 15)
    selected = False
    if found is not None:
        lst, row, index = found
        sel = lst.get_selection_iface()
        try:
            selected = sel is not None and sel.select_child(index)
        except GLib.Error as e:
            tap.note(f"Selection.select_child failed: {e.message}")
        if not selected:
            selected = press(row)
        selected = wait_for(lambda: True if "selected" in states(row) else None, 5) is not None
    if not tap.ok(selected, 'instance node1 is selected in the "Instances" list'):
        dump(tap, window, "the window")
        tap.bail("node1 could not be selected")

    repl = wait_for(lambda: find_button(window, "Replication", SWITCHER_ROLES)[0], 10)
    if repl is not None:
        tap.note(f"view switcher button: [{role_of(repl)}] {name_of(repl)!r}, "
                 f"actions {actions(repl)}")
        select_tab(tap, repl)
    tables = wait_for(lambda: find_button(window, "Tables", SWITCHER_ROLES)[0], 20)
    if not tap.ok(repl is not None and tables is not None,
                  'the "Replication" view switcher button shows the management screen, '
                  'with the "Tables" stack switcher button'):
        dump(tap, window, "the window")
        tap.bail("no Replication view or no Tables page")
    tap.note(f"stack switcher button: [{role_of(tables)}] {name_of(tables)!r}, "
             f"actions {actions(tables)}")
    select_tab(tap, tables)

    switch = wait_for(lambda: find(window, SWITCH_NAME, SWITCH_ROLES), 30)
    if not tap.ok(switch is not None, f'the grid shows the switch named "{SWITCH_NAME}"'):
        grid = find(window, "Replicated tables", ("table", "tree table", "list", "panel"))
        tap.note("switches in the window: " +
                 repr([(role_of(n), name_of(n)) for n in nodes(window)
                       if role_of(n) in SWITCH_ROLES]))
        dump(tap, grid if grid is not None else window,
             'the grid ("Replicated tables")' if grid is not None else "the window")
        tap.bail("switch not found")
    tap.note(f"switch: role {role_of(switch)!r}, actions {actions(switch)}, "
             f"states {sorted(states(switch))}, description {description_of(switch)!r}")
    tap.ok("checked" in states(switch) and description_of(switch) == "",
           "it is on (node1 publishes everything to node2: full replication) and not marked "
           "changed", f"states {sorted(states(switch))}, description {description_of(switch)!r}")

    before, before_shown = connection_to(node1_url, "node2")
    tap.note(f"node1's connections before: {before_shown}")

    # -- toggle ---------------------------------------------------------------
    toggled = press(switch, ("toggle", "click", "activate"))
    confirm = wait_for(lambda: find(app, "Change to Per-Table Replication?",
                                    ("dialog", "alert", "frame")), 10)
    change = None
    if confirm is not None:
        change, odd = find_button(confirm, "Change")
        if odd:
            tap.note(f'the "Change" button\'s accessible name is {odd!r}')
    if not tap.ok(toggled and confirm is not None and change is not None,
                  'its action toggles it; "Change to Per-Table Replication?" asks, with a '
                  '"Change" button'):
        dump(tap, app, "the application")
        tap.bail("no confirmation")
    press(change)
    # Wait on the dialog's own object before listing the app's windows again:
    # GTK 4.8 crashes the app when an AT lists the windows while one is being
    # destroyed (see atspi_add_instance.py).
    closed = wait_for(lambda: gone(confirm), 10)
    time.sleep(0.5)

    def marked():
        d = description_of(switch)
        return d if d == "changed, not applied" and "checked" not in states(switch) else None
    desc = wait_for(marked, 10)
    tap.ok(closed is not None and desc is not None,
           '"Change" closes it; the cell is changed: the switch is off, its accessible '
           'description is "changed, not applied" (the bold type is CSS, not seen by AT-SPI)',
           f"dialog closed: {closed}, states {sorted(states(switch))}, "
           f"description {description_of(switch)!r}")

    # The "Changed" mark next to the switch: the grid hides it from ATs (the
    # description says it), but showing the label makes GTK expose it again.
    cell = switch.get_parent()
    marks = [n for n in nodes(cell) if role_of(n) == "label" and name_of(n) == "Changed"]
    tap.note(f'"Changed" mark next to the switch exposed over AT-SPI: {bool(marks)}')

    bar = wait_for(lambda: find(window, "1 pending change", ("label",)), 10)
    tap.ok(bar is not None, 'the bar says "1 pending change"')
    review, odd = find_button(window, "Review & Apply…")
    if odd:
        tap.note(f'the "Review & Apply…" button\'s accessible name is {odd!r}')

    changes, why = pending_changes()
    tap.ok(changes is not None and len(changes) == 1, "pending.json holds the change",
           f"changes: {changes} {why or ''}")
    after_stage, shown = connection_to(node1_url, "node2")
    tap.ok(before is not None and after_stage == before,
           "staging sends nothing: node1's connection to node2 is unchanged",
           f"before: {before_shown}\nnow: {shown}")

    # -- Review ---------------------------------------------------------------
    if not tap.ok(review is not None and "sensitive" in states(review),
                  'a sensitive "Review & Apply…" button'):
        dump(tap, window, "the window")
        tap.bail("no Review & Apply")
    press(review)
    dialog = wait_for(lambda: find(app, "Review Changes", ("frame", "dialog")), 10)

    def op_rows():
        found = [name_of(n) for n in nodes(dialog)
                 if role_of(n) in ("list item", "label", "row header")
                 and "node2" in name_of(n)
                 and any(name_of(n).startswith(p) for p in
                         ("Update the subscriptions with", "Remove node2", "Add node2"))]
        return found or None
    ops = wait_for(op_rows, 20) if dialog is not None else None
    if not tap.ok(ops is not None, '"Review Changes" opens and its operations name node2'):
        dump(tap, dialog or app, "the dialog" if dialog else "the application")
        tap.bail("no operations")
    tap.note(f"operations: {sorted(set(ops))}")

    def password_field():
        for n in nodes(dialog):
            if role_of(n) in TEXT_ROLES and "editable" in states(n) and \
               (name_of(n) == "Cluster Password" or role_of(n) == "password text"):
                return n
        return None

    apply, odd = find_button(dialog, "Apply")
    if odd:
        tap.note(f'the "Apply" button\'s accessible name is {odd!r}')
    # The keyring has no cluster password: the dialog asks, after looking.
    field = wait_for(password_field, 10)
    typed = False
    if field is not None:
        tap.note(f"password field: [{role_of(field)}] {name_of(field)!r}")
        et = field.get_editable_text_iface()
        typed = et is not None and et.set_text_contents(os.environ["CLUSTER_PASSWORD"])
    ready = wait_for(lambda: True if apply is not None and "sensitive" in states(apply) else None, 10)
    if not tap.ok(typed and ready is not None,
                  'the "Cluster Password" field takes the password; "Apply" is then sensitive',
                  f"field {field is not None}, typed {typed}, "
                  f"Apply states {sorted(states(apply)) if apply else None}"):
        dump(tap, dialog, "the dialog")
        tap.bail("cannot apply")

    # -- Apply ----------------------------------------------------------------
    # The summary is a plain label: a screen reader reads its text, which
    # says what will be (and then what was) sent.
    summary = next((n for n in nodes(dialog) if role_of(n) == "label" and
                    "will be sent. Nothing has been sent yet." in (text_of(n) or "")), None)
    tap.ok(summary is not None, "the summary says how many requests will be sent",
           "no such label")
    t_apply = time.monotonic()
    press(apply)

    def finished():
        t = text_of(summary) or ""
        if t.startswith("The operation succeeded") or \
           (t.startswith("All ") and "operations succeeded" in t) or "failed" in t or \
           "Nothing was sent" in t:
            return t
        return None
    result = wait_for(finished, APPLY_TIMEOUT) if summary is not None else None
    succeeded = result is not None and "succeeded" in result
    if not tap.ok(succeeded, f'"Apply" succeeds: the summary says so within {APPLY_TIMEOUT} s',
                  f"summary: {text_of(summary) if summary else None!r}"):
        dump(tap, dialog, "the dialog")
    tap.note(f"Summary after {time.monotonic() - t_apply:.1f} s: {result!r}")

    # -- the server and the files ----------------------------------------------
    def switch_shows():
        return (f"{'on' if 'checked' in states(switch) else 'off'}, "
                f"description {description_of(switch)!r}")
    tap.note(f"the switch when the summary said so: {switch_shows()}")

    t_server = time.monotonic()

    def applied():
        now, shown = connection_to(node1_url, "node2")
        if now is not None and now[1].get(("data", "dog")) == (False, True):
            return now, shown
        return None
    got = wait_for(applied, 20)
    now, shown = got if got is not None else connection_to(node1_url, "node2")
    tap.ok(got is not None, "node1's cluster_status: the connection to node2 has data.dog "
           "with publish false, subscribe true", f"connections: {shown}")
    tap.note(f"node1's cluster_status showed it {time.monotonic() - t_server:.1f} s after the "
             f"summary; the switch then: {switch_shows()}")
    changes, why = pending_changes()
    tap.ok(changes == [], "pending.json holds no change", f"changes: {changes} {why or ''}")
    tap.ok(wait_for(lambda: True if find(window, "1 pending change", ("label",)) is None
                    else None, 10) is not None, 'the bar no longer says "1 pending change"')

    close, odd = find_button(dialog, "Close")
    if odd:
        tap.note(f'the "Close" button\'s accessible name is {odd!r}')
    if close is not None:
        press(close)
    closed = wait_for(lambda: gone(dialog), 10)
    time.sleep(0.5)
    listed = find(app, "Review Changes", ("frame", "dialog")) if closed else None
    tap.ok(close is not None and closed is not None and listed is None,
           '"Close" closes "Review Changes"',
           "no Close button" if close is None else "still visible" if closed is None
           else "still listed among the app's windows")

    # Closing the dialog reads the tables again (the server has the change by
    # now): the grid may have new widgets, so the switch is looked up again.
    def settled():
        sw = find(window, SWITCH_NAME, SWITCH_ROLES)
        if sw is not None and description_of(sw) == "" and "checked" not in states(sw):
            return sw
        return None
    sw = wait_for(settled, 15)
    last = find(window, SWITCH_NAME, SWITCH_ROLES)
    tap.ok(sw is not None, "the grid then shows the server's state: the switch is off and no "
           "longer marked changed",
           f"switch: {'missing' if last is None else sorted(states(last))}, "
           f"description {description_of(last) if last else None!r}")

    tap.note(f"atspi_grid.py done in {time.monotonic() - t0:.1f} s")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
