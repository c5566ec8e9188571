/* ui-test-util.h: helpers shared by the UI test programs (header only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Waiting with a bound (a hang is a failure that says what it waited for,
 * never meson's timeout), letting a window paint, finding widgets by
 * walking the tree (GTK 4.8 has no getter for accessible properties: see
 * ui_test_accessible_label() for the way around it), and screenshots
 * rendered in the app.
 *
 * Everything is `static inline` or a macro, so a program uses what it needs
 * without warnings about the rest. A program may install a function that
 * prints what is on screen when a wait runs out (ui_test_set_dump_func()).
 *
 * Screenshots: ui_test_shots_init() (or ui_test_shots_init_full(), for
 * another temporary directory) picks the directory, either
 * CLUSTERDECK_SCREENSHOT_DIR (kept) or a temporary one (removed by
 * ui_test_shots_cleanup()); render_screenshot() and save_screenshot() check
 * that the image is neither blank nor black (render_screenshot_style() also
 * checks one in the dark style).
 */

#pragma once

#include <errno.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

/* Named from this header's directory, so that a program needs no include
 * directory for tests/ (ui-grid has none). */
#include "test-util.h"

G_BEGIN_DECLS

/* What is on screen, for a wait that ran out ------------------------------- */

typedef void (*UiTestDumpFunc) (const char *why);

static inline UiTestDumpFunc *
ui_test_dump_func_slot (void)
{
  static UiTestDumpFunc func;

  return &func;
}

/* Installs @func (or none, with %NULL): called with what a wait waited for
 * when it runs out, before the assertion fails. */
static inline void
ui_test_set_dump_func (UiTestDumpFunc func)
{
  *ui_test_dump_func_slot () = func;
}

static inline void
ui_test_dump_screen (const char *why)
{
  UiTestDumpFunc func = *ui_test_dump_func_slot ();

  if (func != NULL)
    func (why);
  else if (why != NULL)
    g_test_message ("%s", why);
}

/* Waiting ------------------------------------------------------------------ */

/* Iterates the main context until @cond holds, running @body after every
 * iteration; after @ms shows what is on screen and fails. @elapsed_ms (a
 * double lvalue) receives how long it took. */
#define WAIT_UNTIL_BODY(cond, ms, elapsed_ms, body) G_STMT_START {             \
    gint64 wait_t0_ = g_get_monotonic_time ();                                 \
    gboolean wait_over_ = FALSE;                                               \
    guint wait_id_ = g_timeout_add ((ms), test_util_timeout_cb, &wait_over_);  \
    while (!(cond) && !wait_over_)                                             \
      {                                                                        \
        g_main_context_iteration (NULL, TRUE);                                 \
        body;                                                                  \
      }                                                                        \
    if (!wait_over_)                                                           \
      g_source_remove (wait_id_);                                              \
    (elapsed_ms) = (double) (g_get_monotonic_time () - wait_t0_) / 1000.0;     \
    if (!(cond))                                                               \
      {                                                                        \
        g_autofree char *why_ = g_strdup_printf ("timed out after %d ms waiting for: %s", \
                                                 (int) (ms), #cond);           \
        ui_test_dump_screen (why_);                                            \
      }                                                                        \
    g_assert_true (cond);                                                      \
  } G_STMT_END

#define WAIT_UNTIL_TIMED(cond, ms, elapsed_ms)                                 \
  WAIT_UNTIL_BODY (cond, ms, elapsed_ms, (void) 0)

#define WAIT_UNTIL(cond, ms) G_STMT_START {                                    \
    double wait_elapsed_ G_GNUC_UNUSED;                                        \
    WAIT_UNTIL_TIMED (cond, ms, wait_elapsed_);                                \
  } G_STMT_END

static inline double
ms_since (gint64 t0)
{
  return (double) (g_get_monotonic_time () - t0) / 1000.0;
}

/* The visible toplevel window of @type, or NULL */
static inline GtkWindow *
ui_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (item, type) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return GTK_WINDOW (item);
    }
  return NULL;
}

static inline void
flush_main_context (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static inline gboolean
ui_test_count_frame (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       data)
{
  guint *frames = data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

/* Lets @widget's toplevel lay out and paint @n frames. */
static inline void
wait_frames (GtkWidget *widget,
             guint      n)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, ui_test_count_frame, &frames, NULL);

  WAIT_UNTIL (frames >= n, 5000);
  gtk_widget_remove_tick_callback (widget, id);
  flush_main_context ();
}

static inline void
ui_test_on_destroyed (GtkWidget *widget,
                      gpointer   data)
{
  *(gboolean *) data = TRUE;
}

/* Lifetimes ------------------------------------------------------------------ */

/* Drops the caller's reference to @object, which must then be finalized:
 * waits (bounded) until it is the last one first, since what the object
 * started (a read it cancelled, a window's last frame) lets go of it from
 * the main loop. A hang is a leak, and fails saying so. */
#define UI_TEST_ASSERT_FINALIZED(object) G_STMT_START {                            GObject *finalized_object_ = G_OBJECT (object);                                WAIT_UNTIL (g_atomic_int_get ((int *) &finalized_object_->ref_count) == 1,                 10000);                                                            g_assert_finalize_object (finalized_object_);                                } G_STMT_END

/* Finding widgets ----------------------------------------------------------- */

typedef gboolean (*WidgetMatch) (GtkWidget *widget, gconstpointer data);

/* The first widget under @root (itself included, depth first) that @match
 * accepts, or NULL */
static inline GtkWidget *
find_widget (GtkWidget     *root,
             WidgetMatch    match,
             gconstpointer  data)
{
  if (root == NULL)
    return NULL;
  if (match (root, data))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every widget under @root that @match accepts, in tree order, into @out */
static inline void
find_all_widgets (GtkWidget     *root,
                  WidgetMatch    match,
                  gconstpointer  data,
                  GPtrArray     *out)
{
  if (root == NULL)
    return;
  if (match (root, data))
    g_ptr_array_add (out, root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    find_all_widgets (c, match, data, out);
}

static inline gboolean
match_row_title (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static inline gboolean
match_group_title (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_PREFERENCES_GROUP (widget) &&
         g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), title) == 0;
}

static inline gboolean
match_label_text (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static inline gboolean
match_button_label (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* Buttons without a label: the app gives them a tooltip and an accessible
 * name with the same text ("Connect node2"). */
static inline gboolean
match_button_tooltip (GtkWidget *widget, gconstpointer tooltip)
{
  return GTK_IS_BUTTON (widget) && !GTK_IS_MENU_BUTTON (widget) &&
         g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

static inline gboolean
match_type (GtkWidget *widget, gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static inline GtkWidget *
find_of_type (GtkWidget *root,
              GType      type)
{
  return find_widget (root, match_type, GSIZE_TO_POINTER (type));
}

/* libadwaita's toast widget (its type is private) */
static inline gboolean
match_toast (GtkWidget *widget, gconstpointer data)
{
  return g_strcmp0 (gtk_widget_get_css_name (widget), "toast") == 0;
}

/* The accessible label of @accessible, or NULL when it has none (free it).
 * GTK 4.8 has no getter; its test API can compare the value, and gives the
 * value back when it differs. Needs GTK_A11Y=test: other AT contexts (or
 * none, with GTK_A11Y=none) are not read this way. */
static inline char *
ui_test_accessible_label (GtkAccessible *accessible)
{
  static const char probe[] = "\x01 no label \x01";
  char *value;

  if (!gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return NULL;
  value = gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL, probe);
  return value != NULL ? value : g_strdup (probe);
}

/* Whether the AT context is one the test API can read: GTK_A11Y=test */
static inline gboolean
ui_test_accessible_readable (void)
{
  return g_strcmp0 (g_getenv ("GTK_A11Y"), "test") == 0;
}

static inline gboolean
match_accessible_label (GtkWidget *widget, gconstpointer label)
{
  g_autofree char *value = NULL;

  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  value = ui_test_accessible_label (GTK_ACCESSIBLE (widget));
  return g_strcmp0 (value, label) == 0;
}

/* The application's style sheet, as AdwApplication loads it from the
 * resource base path: a window made without the application (as the tests
 * make it) would otherwise not have it. */
static inline void
ui_test_load_app_css (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  const char *scale = g_getenv ("CLUSTERDECK_TEXT_SCALE");

  gtk_css_provider_load_from_resource (css, "/io/github/clusterdeck/Clusterdeck/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  /* GNOME's "Large Text" (text scaling 1.25, or more by hand) reaches GTK
   * as the font resolution; there is no settings daemon under Xvfb, so a
   * render asks for it with CLUSTERDECK_TEXT_SCALE (e.g. 1.5). The high
   * contrast style is libadwaita's ADW_DEBUG_HIGH_CONTRAST=1. */
  if (scale != NULL && g_ascii_strtod (scale, NULL) >= 0.5)
    g_object_set (gtk_settings_get_default (), "gtk-xft-dpi",
                  (int) (96 * 1024 * g_ascii_strtod (scale, NULL)), NULL);
}

/* Temporary directories ------------------------------------------------------ */

/* A new directory under $XDG_RUNTIME_DIR from @template ("name-XXXXXX") */
static inline char *
make_temp_dir (const char  *template,
               GError     **error)
{
  char *path = g_build_filename (g_get_user_runtime_dir (), template, NULL);

  if (g_mkdtemp (path) == NULL)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create %s: %s", path, g_strerror (saved));
      g_free (path);
      return NULL;
    }
  return path;
}

/* Removes @path and the files in it (not recursive) */
static inline void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

/* Screenshots --------------------------------------------------------------- */

typedef struct
{
  char     *dir;
  gboolean  keep;
} UiTestShots;

static inline UiTestShots *
ui_test_shots (void)
{
  static UiTestShots shots;

  return &shots;
}

/* Screenshots go to CLUSTERDECK_SCREENSHOT_DIR when it is set (created if
 * needed, kept), else to a temporary directory made from @tmp_template
 * ("name-XXXXXX"): under $XDG_RUNTIME_DIR (make_temp_dir()), or, with
 * @system_tmp, in the system's temporary directory (g_dir_make_tmp()), for a
 * program that runs without a session of its own. */
static inline gboolean
ui_test_shots_init_full (const char  *tmp_template,
                         gboolean     system_tmp,
                         GError     **error)
{
  UiTestShots *shots = ui_test_shots ();
  const char *dir = g_getenv ("CLUSTERDECK_SCREENSHOT_DIR");

  if (dir != NULL && *dir != '\0')
    {
      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "cannot create %s: %s", dir, g_strerror (saved));
          return FALSE;
        }
      shots->dir = g_strdup (dir);
      shots->keep = TRUE;
      return TRUE;
    }
  shots->dir = system_tmp ? g_dir_make_tmp (tmp_template, error)
                          : make_temp_dir (tmp_template, error);
  shots->keep = FALSE;
  return shots->dir != NULL;
}

/* Screenshots go to CLUSTERDECK_SCREENSHOT_DIR when it is set (created if
 * needed, kept), else to a temporary directory under $XDG_RUNTIME_DIR. */
static inline gboolean
ui_test_shots_init (GError **error)
{
  return ui_test_shots_init_full ("clusterdeck-shots-XXXXXX", FALSE, error);
}

/* Removes the temporary directory (never CLUSTERDECK_SCREENSHOT_DIR) */
static inline void
ui_test_shots_cleanup (void)
{
  UiTestShots *shots = ui_test_shots ();

  if (shots->dir != NULL && !shots->keep)
    remove_dir (shots->dir);
  g_clear_pointer (&shots->dir, g_free);
}

/* Renders @widget as it is now (no main loop iteration in between, unless
 * it has no drawing yet: then at its next frame) and saves
 * it as @name in the screenshot directory; checks that the image is neither
 * blank nor black: Adwaita's light background (mean luminance above 150) and
 * more than 100 dark pixels of text. With @dark (the dark style), the other
 * way round: mean luminance below 90, more than 100 light pixels. */
static inline void
render_screenshot_style (GtkWidget  *widget,
                         const char *name,
                         gboolean    dark)
{
  UiTestShots *shots = ui_test_shots ();
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guchar *pixels = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  guint64 sum = 0;
  guint contrast = 0;
  double mean;
  int w, h;

  g_assert_nonnull (shots->dir);   /* ui_test_shots_init() first */
  path = g_build_filename (shots->dir, name, NULL);
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);

  /* A widget paintable holds the image of the widget's last drawing; with
   * a layout pending (a read made new rows, a popover went down) it has
   * none until the next frame. Rendering waits for that frame, not a time. */
  for (guint attempt = 0; node == NULL && attempt < 100; attempt++)
    {
      if (attempt > 0)
        wait_frames (widget, 1);
      g_clear_object (&paintable);
      paintable = gtk_widget_paintable_new (widget);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  g_assert_nonnull (renderer);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));

  reloaded = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (reloaded), ==, w);
  g_assert_cmpint (gdk_texture_get_height (reloaded), ==, h);
  pixels = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (reloaded, pixels, (gsize) w * 4);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      guint lum = (pixels[i * 4] + pixels[i * 4 + 1] + pixels[i * 4 + 2]) / 3;

      sum += lum;
      contrast += dark ? lum > 170 : lum < 80;
    }
  mean = (double) sum / ((double) w * h);
  g_test_message ("%s: %d×%d, mean luminance %.1f, %u %s pixels%s%s", name, w, h, mean, contrast,
                  dark ? "light" : "dark", shots->keep ? ", saved to " : "", shots->keep ? path : "");
  if (dark)
    g_assert_cmpfloat (mean, <, 90.0);  /* the dark style's background */
  else
    g_assert_cmpfloat (mean, >, 150.0); /* Adwaita's light background, not black */
  g_assert_cmpuint (contrast, >, 100);  /* and some text drawn */
}

/* render_screenshot_style() for the light style */
static inline void
render_screenshot (GtkWidget  *widget,
                   const char *name)
{
  render_screenshot_style (widget, name, FALSE);
}

/* For a screenshot of a calm window: the toasts gone (each stays 5 s, one at
 * a time; the rest wait in a queue) and the animations over. Selecting the
 * first instance, for one, turns the header's title into the view switcher
 * with a 300 ms crossfade, and hides the bottom switcher bar. */
static inline void
settle (GtkWidget *widget)
{
  double ms;

  WAIT_UNTIL_TIMED (find_widget (widget, match_toast, NULL) == NULL, 30000, ms);
  if (ms > 100)
    g_test_message ("waited %.1f s for the toasts to go", ms / 1000.0);
  wait_frames (widget, 3);
  test_util_spin (600);
  wait_frames (widget, 2);
}

static inline void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  settle (widget);
  render_screenshot (widget, name);
}

G_END_DECLS
