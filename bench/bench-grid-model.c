/* bench-grid-model.c: the rows of bench-grid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the grid, a synthetic loaded state (a native cluster status with one
 * connection per peer, explicit subscriptions, database sockets; the
 * instance's and the peers' schemas) that deck_replication_model_build()
 * turns into rows; for the floor, a GListStore of plain GObjects and the
 * bare column view's columns (label, label, switch, switch) with a
 * substring filter on a hidden tag.
 */

#define G_LOG_DOMAIN "bench-grid"

#include "config.h"

#include <string.h>

#include "bench-grid-model.h"

/* Synthetic loaded state (grid mode) -------------------------------------- */

static const char *database_names[N_DATABASES] = { "audit", "crm", "inventory", "sales" };
static const char *table_stems[N_DATABASES] = { "event", "contact", "item", "order" };

/* Table @t (0 .. n_tables - 1) of database @t % N_DATABASES. Two tables of
 * "sales" are "invoice" and "invoice_line", so that the word "invoice"
 * matches 2 of every peer's 200 rows: 1 %. */
char *
bench_grid_table_name (guint t)
{
  guint d = t % N_DATABASES;
  guint k = t / N_DATABASES;

  if (d == 3 && k == 7)
    return g_strdup ("invoice");
  if (d == 3 && k == 8)
    return g_strdup ("invoice_line");
  return g_strdup_printf ("%s_%02u", table_stems[d], k);
}

static void
bench_table_free (HdbTable *table)
{
  g_free (table->name);
  g_free (table->primary_key);
  g_free (table);
}

static void
bench_database_free (HdbDatabase *db)
{
  g_free (db->name);
  g_clear_pointer (&db->tables, g_ptr_array_unref);
  g_free (db);
}

static void
bench_socket_free (HdbDatabaseSocket *socket)
{
  g_free (socket->database);
  g_free (socket->catching_up_from);
  g_free (socket);
}

static int
compare_tables (gconstpointer a,
                gconstpointer b)
{
  const HdbTable *x = *(HdbTable * const *) a;
  const HdbTable *y = *(HdbTable * const *) b;

  return strcmp (x->name, y->name);
}

/* Every table, or all but the last one (a peer that lacks a table shows
 * the row's "Missing on …" state). */
HdbSchema *
bench_grid_new_schema (guint n_tables)
{
  HdbSchema *schema = g_new0 (HdbSchema, 1);

  schema->databases = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_database_free);
  for (guint d = 0; d < N_DATABASES; d++)
    {
      HdbDatabase *db = g_new0 (HdbDatabase, 1);

      db->name = g_strdup (database_names[d]);
      db->tables = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_table_free);
      for (guint t = d; t < n_tables; t += N_DATABASES)
        {
          HdbTable *table = g_new0 (HdbTable, 1);

          table->name = bench_grid_table_name (t);
          table->primary_key = g_strdup ("id");
          table->record_count = 1000 + t;
          g_ptr_array_add (db->tables, table);
        }
      g_ptr_array_sort (db->tables, compare_tables);
      g_ptr_array_add (schema->databases, db);
    }
  return schema;
}

HdbClusterStatus *
bench_grid_new_status (const char *instance,
                       guint       n_peers,
                       guint       n_tables)
{
  HdbClusterStatus *status = g_new0 (HdbClusterStatus, 1);

  status->engine = HDB_ENGINE_NATIVE;
  status->node_name = g_strdup (instance);
  status->is_enabled = TRUE;
  status->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_connection_free);

  for (guint p = 0; p < n_peers; p++)
    {
      HdbConnection *conn = g_new0 (HdbConnection, 1);

      conn->name = g_strdup_printf ("node%02u", p);
      conn->url = g_strdup_printf ("wss://node%02u.example:9933", p);
      conn->subscriptions = g_ptr_array_new_with_free_func ((GDestroyNotify) hdb_subscription_free);
      for (guint t = 0; t < n_tables; t++)
        {
          g_autofree char *table = bench_grid_table_name (t);

          /* One table in seven is not listed (neither direction). */
          if ((t + p) % 7 == 0)
            continue;
          g_ptr_array_add (conn->subscriptions,
                           hdb_subscription_new (database_names[t % N_DATABASES], table,
                                                 (t + p) % 2 == 0, (t + p) % 3 != 0));
        }
      conn->database_sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_socket_free);
      for (guint d = 0; d < N_DATABASES; d++)
        {
          HdbDatabaseSocket *socket = g_new0 (HdbDatabaseSocket, 1);

          socket->database = g_strdup (database_names[d]);
          /* One peer's audit socket is down: "Not connected" rows. */
          socket->connected = !(p == 1 && d == 0);
          socket->latency = 0.4;
          socket->catching_up_from = g_strdup ("up-to-date");
          g_ptr_array_add (conn->database_sockets, socket);
        }
      conn->latency_ms = -1;
      conn->has_authorization = TRUE;
      g_ptr_array_add (status->connections, conn);
    }
  return status;
}

/* The floor's model (floor mode) ------------------------------------------ */

struct _BenchFloorRow
{
  GObject   parent_instance;
  char     *name;
  char     *url;
  char     *tag;        /* "tag00" … "tag99": what the floor's filter looks at */
  gboolean  publish;
  gboolean  subscribe;
};

G_DEFINE_FINAL_TYPE (BenchFloorRow, bench_floor_row, G_TYPE_OBJECT)

static void
bench_floor_row_finalize (GObject *object)
{
  BenchFloorRow *self = BENCH_FLOOR_ROW (object);

  g_free (self->name);
  g_free (self->url);
  g_free (self->tag);
  G_OBJECT_CLASS (bench_floor_row_parent_class)->finalize (object);
}

static void
bench_floor_row_class_init (BenchFloorRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_floor_row_finalize;
}

static void
bench_floor_row_init (BenchFloorRow *self)
{
}

GListStore *
bench_floor_model_build (guint n)
{
  GListStore *store = g_list_store_new (BENCH_TYPE_FLOOR_ROW);
  g_autoptr(GPtrArray) items = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      BenchFloorRow *row = g_object_new (BENCH_TYPE_FLOOR_ROW, NULL);

      row->name = g_strdup_printf ("node%05u", i + 1);
      row->url = g_strdup_printf ("ws://10.%u.%u.%u:9925", (i >> 16) & 255, (i >> 8) & 255, i & 255);
      row->tag = g_strdup_printf ("tag%02u", i % 100);
      row->publish = i % 2 == 0;
      row->subscribe = i % 3 != 0;
      g_ptr_array_add (items, row);
    }
  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  return store;
}

static void
floor_setup_label (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_list_item_set_child (list_item, label);
}

static void
floor_bind_label (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  which)
{
  BenchFloorRow *row = BENCH_FLOOR_ROW (gtk_list_item_get_item (list_item));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)),
                      GPOINTER_TO_INT (which) == 0 ? row->name : row->url);
}

static void
floor_setup_switch (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  user_data)
{
  GtkWidget *sw = gtk_switch_new ();

  gtk_widget_set_halign (sw, GTK_ALIGN_START);
  gtk_list_item_set_child (list_item, sw);
}

static void
floor_bind_switch (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  which)
{
  BenchFloorRow *row = BENCH_FLOOR_ROW (gtk_list_item_get_item (list_item));

  gtk_switch_set_active (GTK_SWITCH (gtk_list_item_get_child (list_item)),
                         GPOINTER_TO_INT (which) == 2 ? row->publish : row->subscribe);
}

void
bench_floor_add_column (GtkColumnView *view,
                        const char    *title,
                        gboolean       is_switch,
                        int            which)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  g_signal_connect (factory, "setup",
                    G_CALLBACK (is_switch ? floor_setup_switch : floor_setup_label), NULL);
  g_signal_connect (factory, "bind",
                    G_CALLBACK (is_switch ? floor_bind_switch : floor_bind_label),
                    GINT_TO_POINTER (which));
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, !is_switch);
  gtk_column_view_append_column (view, column);
}

static char *floor_needle;

void
bench_floor_set_needle (const char *text)
{
  g_free (floor_needle);
  floor_needle = text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

const char *
bench_floor_row_get_tag (BenchFloorRow *row)
{
  return row->tag;
}

gboolean
bench_floor_match (gpointer item,
                   gpointer user_data)
{
  return floor_needle == NULL || strstr (BENCH_FLOOR_ROW (item)->tag, floor_needle) != NULL;
}
