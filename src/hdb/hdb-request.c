/* hdb-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The request machinery of HdbClient: one POST of a JSON body (or the GET
 * of /health), bounded by the client's own timer, cancellable through the
 * caller's GCancellable, its answer read in chunks up to the size limit and
 * parsed by hdb_json_parse() before the operation's parser sees it. A read
 * that got no answer in HDB_READ_ATTEMPT_MS is sent once more, on a new
 * connection; the body is given again when libsoup restarts a message.
 * An instance gets one cluster_status at a time (see "One cluster_status at
 * a time per instance"). Transport errors become HdbErrors a user can act on.
 *
 * Never logged: a request body, an Authorization header or a password.
 */

#define G_LOG_DOMAIN "hdb-client"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "hdb-client-private.h"
#include "hdb-deadline.h"
#include "hdb-json.h"
#include "hdb-parse.h"

#define READ_CHUNK (64 * 1024)

/* One operation, the GTask's data. A read may be sent twice (see
 * HDB_READ_ATTEMPT_MS); the fields under "The current attempt" belong to the
 * attempt in flight and are replaced by attempt_clear() and attempt_start(). */
typedef struct
{
  HdbClient      *client;
  GBytes         *body;            /* NULL for GET /health */
  char           *operation;       /* for messages and the debug log */
  HdbParseFunc    parse;
  GDestroyNotify  result_free;
  gboolean        raw_text;        /* GET /health: the body is not JSON */
  GCancellable   *caller_cancellable;
  guint           timeout_ms;      /* the whole request's bound */
  guint           reported_ms;     /* the bound a final timeout names */
  gboolean        may_retry;       /* a read whose bound exceeds HDB_READ_ATTEMPT_MS */
  guint           attempt;         /* 1 for the first */
  gint64          started;         /* monotonic time the first attempt began */
  char           *gate_key;        /* cluster_status: the instance's gate (see below) */
  gboolean        holds_gate;      /* this request is the instance's cluster_status */
  GSource        *gate_wait;       /* waiting for the gate: the deadline's cancellable */

  /* The current attempt */
  SoupMessage    *message;
  HdbDeadline     deadline;
  guint           attempt_timeout_ms;
  GInputStream   *stream;
  GByteArray     *buffer;
} Request;

static void on_message_restarted (SoupMessage *message,
                                  gpointer     user_data);

/* Drops everything the current attempt holds. A cancelled attempt's
 * message is finished by then: its callback has run. */
static void
attempt_clear (Request *req)
{
  hdb_deadline_clear (&req->deadline);
  g_clear_object (&req->stream);
  /* cluster_status answers with the retained credentials in clear (Q11). */
  /* An empty answer has no data at all: explicit_bzero (NULL, 0) is
   * undefined (UBSan saw it on a restart's empty reply). */
  if (req->buffer != NULL && req->buffer->len > 0)
    explicit_bzero (req->buffer->data, req->buffer->len);
  g_clear_pointer (&req->buffer, g_byte_array_unref);
  if (req->message != NULL)
    g_signal_handlers_disconnect_by_func (req->message, on_message_restarted, req);
  g_clear_object (&req->message);
}

static void gate_release (Request *req);

static void
request_free (Request *req)
{
  gate_release (req);
  attempt_clear (req);
  g_clear_object (&req->caller_cancellable);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->operation);
  g_free (req->gate_key);
  g_clear_object (&req->client);
  g_free (req);
}

/* libsoup may restart a message (a redirect, a dropped keep-alive
 * connection); the body stream is then spent and must be given again. */
static void
on_message_restarted (SoupMessage *message,
                      gpointer     user_data)
{
  Request *req = user_data;

  soup_message_set_request_body_from_bytes (message, "application/json", req->body);
}

/* The operations that only read: asking one of them twice changes nothing
 * on the server. "sql" is not one of them: a statement may write. Anything
 * not listed is sent once, whatever happens. */
static const char * const read_operations[] = {
  "cluster_status", "cluster_get_routes", "cluster_network",
  "describe_all", "describe_database", "describe_table",
  "get_configuration", "system_information", "registration_info",
  "user_info", "list_users", "list_roles", "get_job",
  "search_by_id", "search_by_value", "search_by_hash", "search_by_conditions",
};

static gboolean
operation_is_read (const char *operation)
{
  for (guint i = 0; i < G_N_ELEMENTS (read_operations); i++)
    if (g_strcmp0 (operation, read_operations[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
caller_cancelled (Request *req)
{
  return req->caller_cancellable != NULL && g_cancellable_is_cancelled (req->caller_cancellable);
}

/* The first attempt of a read with a long bound is shortened; any other
 * attempt runs to the end of the caller's bound. */
static gboolean
attempt_is_last (Request *req)
{
  return !req->may_retry || req->attempt > 1;
}

static void
request_return_error (GTask  *task,
                      GError *error)
{
  gate_release (g_task_get_task_data (task));
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* "host:port" of the instance, for messages: never the whole URL, which
 * could carry a path the user typed. */
char *
_hdb_client_host_and_port (HdbClient *self)
{
  int port = g_uri_get_port (self->base_uri);

  if (port < 0)
    port = g_ascii_strcasecmp (g_uri_get_scheme (self->base_uri), "https") == 0 ? 443 : 80;
  return g_strdup_printf ("%s:%d", g_uri_get_host (self->base_uri), port);
}

/* Turns a transport-level error into an HdbError that says what happened
 * in words a user can act on. */
static GError *
map_transport_error (Request *req,
                     GError  *error)
{
  HdbClient *self = req->client;
  g_autofree char *where = _hdb_client_host_and_port (self);
  GError *mapped = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      /* A shortened first attempt that ran out while the caller cancelled
       * is not retried (see request_transport_failed): it was cancelled. */
      if ((req->deadline.timed_out && (attempt_is_last (req) || !caller_cancelled (req))) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        hdb_set_error (&mapped, HDB_ERROR_TIMEOUT, 0, NULL,
                       _("%s did not answer %s within %.1f s."),
                       where, req->operation, req->reported_ms / 1000.0);
      else
        mapped = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                              _("The request %s to %s was cancelled."), req->operation, where);
    }
  else if (error->domain == G_TLS_ERROR)
    mapped = _hdb_client_tls_error (self, error);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    hdb_set_error (&mapped, HDB_ERROR_NETWORK, 0, NULL,
                   _("%s refused the connection. Check that Harper is running and that the "
                     "port is right."), where);
  else if (error->domain == G_RESOLVER_ERROR)
    hdb_set_error (&mapped, HDB_ERROR_NETWORK, 0, NULL,
                   _("The host of %s could not be found: %s"), where, error->message);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    hdb_set_error (&mapped, HDB_ERROR_NETWORK, 0, NULL,
                   _("The connection to %s closed before the whole answer to %s arrived."),
                   where, req->operation);
  else if (error->domain == SOUP_SESSION_ERROR)
    hdb_set_error (&mapped, HDB_ERROR_INVALID_RESPONSE, 0, NULL,
                   _("%s did not answer %s with valid HTTP: %s"),
                   where, req->operation, error->message);
  else
    hdb_set_error (&mapped, HDB_ERROR_NETWORK, 0, NULL,
                   _("Could not reach %s: %s"), where, error->message);

  return mapped;
}

/* The text of Harper's error body {"error": …}, or NULL when the body is
 * not one. */
char *
_hdb_harper_error_text (JsonNode *node)
{
  JsonObject *object;
  JsonArray *unauthorized;
  const char *message;
  GString *text;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  if (!json_object_has_member (object, "error"))
    return NULL;

  message = hdb_json_get_string (object, "error");
  text = g_string_new (message != NULL ? message : "(no message)");

  /* A 403 says which operation was refused; that is the useful part. */
  unauthorized = hdb_json_get_array (object, "unauthorized_access");
  for (guint i = 0; unauthorized != NULL && i < json_array_get_length (unauthorized); i++)
    {
      const char *item = hdb_json_node_get_string (json_array_get_element (unauthorized, i));

      if (item != NULL)
        g_string_append_printf (text, "; %s", item);
    }
  return g_string_free (text, FALSE);
}

static void
request_complete (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  HdbClient *self = req->client;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *where = _hdb_client_host_and_port (self);
  g_autofree char *harper_text = NULL;
  GError *error = NULL;
  guint status;
  gboolean is_json;

  status = soup_message_get_status (req->message);
  /* With the request's line above: how long each took, for a trace. */
  g_debug ("%s ← %s: %u, %u bytes", req->operation, self->base_url, status, req->buffer->len);

  if (req->raw_text)
    {
      if (SOUP_STATUS_IS_SUCCESSFUL (status))
        {
          gate_release (req);
          g_task_return_boolean (task, TRUE);
          g_object_unref (task);
          return;
        }
      hdb_set_error (&error, status >= 500 ? HDB_ERROR_SERVER : HDB_ERROR_HARPER, status, NULL,
                     _("%s answered the health check with HTTP %u %s."),
                     where, status, soup_message_get_reason_phrase (req->message));
      request_return_error (task, error);
      return;
    }

  /* Bounded in size and depth before json-glib sees it (hdb-json.h). */
  root = hdb_json_parse ((const char *) req->buffer->data, req->buffer->len,
                         self->max_response_size, &parse_error);
  is_json = root != NULL;

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      gpointer result;

      if (!is_json || root == NULL)
        {
          /* Whole sentences, one per case: a translation cannot be
           * assembled from pieces. */
          if (parse_error != NULL)
            hdb_set_error (&error, HDB_ERROR_INVALID_RESPONSE, status, NULL,
                           _("%s answered %s with something that is not JSON: %s. Is this "
                             "the operations API of a Harper instance?"),
                           where, req->operation, parse_error->message);
          else
            hdb_set_error (&error, HDB_ERROR_INVALID_RESPONSE, status, NULL,
                           _("%s answered %s with something that is not JSON. Is this "
                             "the operations API of a Harper instance?"),
                           where, req->operation);
          request_return_error (task, error);
          return;
        }

      result = req->parse (root, &error);
      if (result == NULL)
        {
          request_return_error (task, error);
          return;
        }
      gate_release (req);
      g_task_return_pointer (task, result, req->result_free);
      g_object_unref (task);
      return;
    }

  harper_text = is_json ? _hdb_harper_error_text (root) : NULL;

  if (status == SOUP_STATUS_UNAUTHORIZED && harper_text != NULL)
    hdb_set_error (&error, HDB_ERROR_AUTH, status, harper_text,
                   _("%s refused the login of “%s”: %s. Check the user name and password."),
                   where, self->username ? self->username : "", harper_text);
  else if (status == SOUP_STATUS_UNAUTHORIZED)
    hdb_set_error (&error, HDB_ERROR_AUTH, status, NULL,
                   _("%s refused the login of “%s”. Check the user name and password."),
                   where, self->username ? self->username : "");
  else if (status == SOUP_STATUS_FORBIDDEN && harper_text != NULL)
    hdb_set_error (&error, HDB_ERROR_FORBIDDEN, status, harper_text,
                   _("“%s” may not run %s on %s: %s. This needs a super user."),
                   self->username ? self->username : "", req->operation, where, harper_text);
  else if (status == SOUP_STATUS_FORBIDDEN)
    hdb_set_error (&error, HDB_ERROR_FORBIDDEN, status, NULL,
                   _("“%s” may not run %s on %s. This needs a super user."),
                   self->username ? self->username : "", req->operation, where);
  else if (status >= 400 && status < 500 && harper_text != NULL)
    hdb_set_error (&error, HDB_ERROR_HARPER, status, harper_text,
                   _("%s refused %s: %s"), where, req->operation, harper_text);
  else if (status >= 400 && status < 500)
    hdb_set_error (&error, HDB_ERROR_HARPER, status, NULL,
                   _("%s refused %s with HTTP %u %s."), where, req->operation, status,
                   soup_message_get_reason_phrase (req->message));
  else if (status >= 500 && harper_text != NULL)
    hdb_set_error (&error, HDB_ERROR_SERVER, status, harper_text,
                   _("%s failed to run %s: %s"), where, req->operation, harper_text);
  else if (status >= 500)
    hdb_set_error (&error, HDB_ERROR_SERVER, status, NULL,
                   _("%s answered %s with HTTP %u %s and a page that does not come from "
                     "Harper (a proxy in between, or a server that is starting or failing)."),
                   where, req->operation, status,
                   soup_message_get_reason_phrase (req->message));
  else
    hdb_set_error (&error, HDB_ERROR_INVALID_RESPONSE, status, NULL,
                   _("%s answered %s with an unexpected HTTP %u %s. Check the URL."),
                   where, req->operation, status,
                   soup_message_get_reason_phrase (req->message));

  request_return_error (task, error);
}

static void read_next_chunk (GTask *task);
static void request_transport_failed (GTask  *task,
                                      GError *error);

static void
on_chunk_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      request_transport_failed (task, error);
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      g_input_stream_close_async (req->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      hdb_deadline_stop_timer (&req->deadline);
      request_complete (task);
      return;
    }

  if (req->buffer->len + g_bytes_get_size (chunk) > req->client->max_response_size)
    {
      g_autofree char *where = _hdb_client_host_and_port (req->client);
      g_autofree char *limit = g_format_size (req->client->max_response_size);

      g_cancellable_cancel (req->deadline.cancellable);
      hdb_set_error (&error, HDB_ERROR_INVALID_RESPONSE,
                     soup_message_get_status (req->message), NULL,
                     _("The answer of %s to %s is larger than %s; it was not read."),
                     where, req->operation, limit);
      request_return_error (task, error);
      return;
    }

  g_byte_array_append (req->buffer, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  read_next_chunk (task);
}

static void
read_next_chunk (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (req->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   req->deadline.cancellable, on_chunk_read, task);
}

static void
on_message_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;

  req->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (req->stream == NULL)
    {
      request_transport_failed (task, error);
      return;
    }

  req->buffer = g_byte_array_new ();
  read_next_chunk (task);
}

static void
attempt_start (GTask *task,
               guint  timeout_ms)
{
  Request *req = g_task_get_task_data (task);
  HdbClient *self = req->client;

  hdb_deadline_start (&req->deadline, req->caller_cancellable, timeout_ms,
                      "[hdb] request timeout");
  req->attempt_timeout_ms = timeout_ms;

  soup_message_add_flags (req->message, SOUP_MESSAGE_NO_REDIRECT);
  g_signal_connect_object (req->message, "accept-certificate",
                           G_CALLBACK (_hdb_client_accept_certificate), self, 0);
  if (req->body != NULL)
    g_signal_connect (req->message, "restarted", G_CALLBACK (on_message_restarted), req);

  self->request_count++;
  g_debug ("%s → %s", req->operation, self->base_url);

  soup_session_send_async (self->session, req->message, G_PRIORITY_DEFAULT,
                           req->deadline.cancellable, on_message_sent, task);
}

/* A message like @old: the same method, URL, body and the headers this
 * client sets (not those libsoup added while sending @old). */
static SoupMessage *
message_new_like (SoupMessage *old,
                  GBytes      *body)
{
  static const char * const copied[] = { "Authorization", "Accept" };
  SoupMessageHeaders *from = soup_message_get_request_headers (old);
  SoupMessage *message;

  message = soup_message_new_from_uri (soup_message_get_method (old),
                                       soup_message_get_uri (old));
  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    {
      const char *value = soup_message_headers_get_one (from, copied[i]);

      if (value != NULL)
        soup_message_headers_replace (soup_message_get_request_headers (message),
                                      copied[i], value);
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json", body);
  return message;
}

/* Sends a read again after its first attempt got no answer within
 * HDB_READ_ATTEMPT_MS, with what is left of the caller's bound.
 *
 * Harper 4.4 sometimes receives a read sent just after an add_node or an
 * update_node and never answers it, while it answers anything else at
 * once; and it never answers the earlier of two cluster_status requests one
 * worker serves at once (the gate below keeps this process from sending
 * those, not other programs). Waiting longer does not help; asking again
 * does. */
static void
request_retry (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  gint64 elapsed_ms = (g_get_monotonic_time () - req->started) / 1000;
  guint remaining_ms = 1000;
  SoupMessage *message;

  /* At least 1 s, so that the second attempt has a chance; the bound then
   * exceeds the caller's by less than that, and a timeout names it. */
  if (elapsed_ms + 1000 < req->timeout_ms)
    remaining_ms = req->timeout_ms - elapsed_ms;
  req->reported_ms = MAX (req->timeout_ms, elapsed_ms + remaining_ms);

  g_debug ("%s on %s: no answer within %.1f s, asking again on a new connection",
           req->operation, req->client->base_url, req->attempt_timeout_ms / 1000.0);

  message = message_new_like (req->message, req->body);
  attempt_clear (req);
  req->message = message;
  /* Not on the connection that swallowed the first attempt (libsoup
   * closes that one, as its message was cancelled mid-way), nor on an idle
   * one: a fresh connection is what Harper answers. libsoup 3.2 gives every
   * POST a new connection anyway (it reuses idle ones only for idempotent
   * methods or messages flagged so); the flag keeps this true regardless. */
  soup_message_add_flags (req->message, SOUP_MESSAGE_NEW_CONNECTION);
  req->attempt++;
  attempt_start (task, remaining_ms);
}

/* The current attempt failed before a whole answer arrived; takes @error.
 * Only a read's shortened first attempt that ran out is sent again: never
 * on another error, never when the caller cancelled, never a write. */
static void
request_transport_failed (GTask  *task,
                          GError *error)
{
  Request *req = g_task_get_task_data (task);
  GError *mapped;

  if (req->deadline.timed_out && !attempt_is_last (req) && !caller_cancelled (req))
    {
      g_error_free (error);
      request_retry (task);
      return;
    }

  g_debug ("%s on %s failed: %s", req->operation, req->client->base_url, error->message);
  mapped = map_transport_error (req, error);
  g_error_free (error);
  request_return_error (task, mapped);
}

/* One cluster_status at a time per instance ------------------------------
 *
 * Harper (4.4 and 4.7, with native replication) answers cluster_status in
 * an HTTP worker thread by asking its main thread, and each worker keeps one
 * resolver for the main thread's answer: of two cluster_status requests one
 * worker serves at once, only the later is ever answered. Which worker
 * serves a connection is Harper's choice, so this process sends each
 * instance ("host:port") one cluster_status at a time: another waits, within
 * its own bound, until the one in flight is done, then goes out. The
 * gates are used from the main context only, like the rest of the client. */

typedef struct
{
  GQueue waiting;   /* GTasks, each holding its Request's wait */
} Gate;

static GHashTable *gates;   /* "host:port" → Gate, present while one is in flight */

static void
gate_free (Gate *gate)
{
  g_warn_if_fail (g_queue_is_empty (&gate->waiting));
  g_free (gate);
}

/* Stops @req's wait for the gate (its source and its bound). */
static void
gate_wait_clear (Request *req)
{
  if (req->gate_wait != NULL)
    g_source_destroy (req->gate_wait);
  g_clear_pointer (&req->gate_wait, g_source_unref);
  hdb_deadline_clear (&req->deadline);
}

/* The first attempt, within what is left of the request's bound (a request
 * that waited for the gate has used some of it). */
static void
request_send (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  gint64 elapsed_ms = (g_get_monotonic_time () - req->started) / 1000;
  guint left = elapsed_ms + 1 < req->timeout_ms ? req->timeout_ms - (guint) elapsed_ms : 1;

  if (left <= HDB_READ_ATTEMPT_MS)
    req->may_retry = FALSE;
  attempt_start (task, req->may_retry ? HDB_READ_ATTEMPT_MS : left);
}

/* The caller cancelled, or the bound ran out, while @user_data waited. */
static gboolean
on_gate_wait_ended (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  Gate *gate = g_hash_table_lookup (gates, req->gate_key);
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "");

  g_queue_remove (&gate->waiting, task);
  g_clear_pointer (&req->gate_wait, g_source_unref);
  /* map_transport_error reads the deadline: its timer's end is a timeout. */
  request_return_error (task, map_transport_error (req, error));
  return G_SOURCE_REMOVE;
}

/* Whether @task may go out now; if not, it waits for the gate. */
static gboolean
gate_enter (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  g_autofree char *where = NULL;
  Gate *gate;

  if (g_strcmp0 (req->operation, "cluster_status") != 0 || caller_cancelled (req))
    return TRUE;

  where = _hdb_client_host_and_port (req->client);
  req->gate_key = g_ascii_strdown (where, -1);
  if (gates == NULL)
    gates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) gate_free);

  gate = g_hash_table_lookup (gates, req->gate_key);
  if (gate == NULL)
    {
      g_hash_table_insert (gates, g_strdup (req->gate_key), g_new0 (Gate, 1));
      req->holds_gate = TRUE;
      return TRUE;
    }

  g_debug ("%s → %s waits for the one in flight", req->operation, req->client->base_url);
  hdb_deadline_start (&req->deadline, req->caller_cancellable, req->timeout_ms,
                      "[hdb] waiting for cluster_status");
  req->gate_wait = g_cancellable_source_new (req->deadline.cancellable);
  g_source_set_callback (req->gate_wait, G_SOURCE_FUNC (on_gate_wait_ended), task, NULL);
  g_source_set_name (req->gate_wait, "[hdb] cluster_status gate");
  g_source_attach (req->gate_wait, NULL);
  g_queue_push_tail (&gate->waiting, task);
  return FALSE;
}

/* @req's cluster_status is done: the next one waiting goes out. */
static void
gate_release (Request *req)
{
  Gate *gate;
  GTask *next;
  Request *next_req;

  if (!req->holds_gate)
    return;
  req->holds_gate = FALSE;

  gate = g_hash_table_lookup (gates, req->gate_key);
  next = g_queue_pop_head (&gate->waiting);
  if (next == NULL)
    {
      g_hash_table_remove (gates, req->gate_key);
      return;
    }

  next_req = g_task_get_task_data (next);
  gate_wait_clear (next_req);
  next_req->holds_gate = TRUE;
  request_send (next);
}

static void
request_start (HdbClient           *self,
               Request             *req,
               guint                timeout_ms,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task;

  req->client = g_object_ref (self);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, req->operation);
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);
  /* GTask must not return its own G_IO_ERROR_CANCELLED early: every error
   * goes through map_transport_error, which tells the caller's cancellation
   * (G_IO_ERROR_CANCELLED) from the client's own timer (HDB_ERROR_TIMEOUT).
   * Each attempt has a cancellable of its own, chained to the caller's. */
  g_task_set_check_cancellable (task, FALSE);

  if (cancellable != NULL)
    req->caller_cancellable = g_object_ref (cancellable);

  req->timeout_ms = timeout_ms > 0 ? timeout_ms : self->timeout_ms;
  req->reported_ms = req->timeout_ms;
  /* A bound of HDB_READ_ATTEMPT_MS or less (the monitor's checks, the
   * restart polls) leaves no room for a second attempt: one is sent. */
  req->may_retry = !req->raw_text && operation_is_read (req->operation) &&
                   req->timeout_ms > HDB_READ_ATTEMPT_MS;
  req->attempt = 1;
  req->started = g_get_monotonic_time ();

  if (gate_enter (task))
    request_send (task);
}

static void
run_request (HdbClient           *self,
             JsonObject          *request,
             gboolean             owns_request,
             guint                timeout_ms,
             HdbParseFunc         parse,
             GDestroyNotify       result_free,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(JsonObject) owned = request;
  Request *req;

  req = g_new0 (Request, 1);
  req->operation = g_strdup (hdb_json_get_string (owned, "operation") ?: "request");
  req->parse = parse;
  req->result_free = result_free;

  /* The password or credential in a request this client built is ours to
   * wipe; one a caller built (hdb_client_call_async) is the caller's. */
  req->body = _hdb_request_body_new (owned, owns_request);

  req->message = soup_message_new_from_uri (SOUP_METHOD_POST, self->base_uri);
  soup_message_headers_replace (soup_message_get_request_headers (req->message),
                                "Authorization", self->authorization);
  soup_message_headers_replace (soup_message_get_request_headers (req->message),
                                "Accept", "application/json");
  soup_message_set_request_body_from_bytes (req->message, "application/json", req->body);

  request_start (self, req, timeout_ms, source_tag, cancellable, callback, user_data);
}

/* Starts one operation. Takes @request, which the client built: its
 * secrets are wiped once it is serialized. @parse turns the answer's JSON
 * into the result, which @result_free frees. */
void
_hdb_client_run (HdbClient           *self,
                 JsonObject          *request,
                 guint                timeout_ms,
                 HdbParseFunc         parse,
                 GDestroyNotify       result_free,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  run_request (self, request, TRUE, timeout_ms, parse, result_free, source_tag, cancellable,
               callback, user_data);
}

/* Starts an operation whose answer is Harper's message (create_table,
 * add_user, remove_node …): its _finish returns the message, a string. */
void
_hdb_client_run_message (HdbClient           *self,
                         JsonObject          *request,
                         gpointer             source_tag,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  run_request (self, request, TRUE, 0, (HdbParseFunc) hdb_parse_message, g_free, source_tag,
               cancellable, callback, user_data);
}

gpointer
_hdb_client_finish_pointer (HdbClient     *self,
                            GAsyncResult  *result,
                            gpointer       source_tag,
                            GError       **error)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A request body: {"operation": @operation}. */
JsonObject *
_hdb_operation_new (const char *operation)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "operation", operation);
  return object;
}

/* For operations whose answer is handed on as JSON. */
gpointer
_hdb_parse_any (JsonNode  *node,
                GError   **error)
{
  return json_node_copy (node);
}

/**
 * hdb_client_call_async:
 * @self: a client
 * @request: (transfer none): the whole request body, with its `operation`
 * @timeout_ms: the time this request may take, 0 for the client's default
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Sends any operation and returns the JSON answer as it is. The typed
 * calls below are preferred; this one serves tests and rare operations.
 * An operation that only reads (by its name, e.g. get_job) may be sent a
 * second time, as %HDB_READ_ATTEMPT_MS describes; any other is sent once.
 * The client wipes its own copy of the body once the request is done;
 * @request stays the caller's, secrets and all, to wipe as it sees fit.
 */
void
hdb_client_call_async (HdbClient           *self,
                       JsonObject          *request,
                       guint                timeout_ms,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (HDB_IS_CLIENT (self));
  g_return_if_fail (request != NULL);

  run_request (self, json_object_ref (request), FALSE, timeout_ms, _hdb_parse_any,
               (GDestroyNotify) json_node_unref, hdb_client_call_async,
               cancellable, callback, user_data);
}

/**
 * hdb_client_call_finish:
 * @self: a client
 * @result: the result
 * @error: return location for an #HdbError
 *
 * Returns: (transfer full): the JSON answer
 */
JsonNode *
hdb_client_call_finish (HdbClient     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return _hdb_client_finish_pointer (self, result, hdb_client_call_async, error);
}

/**
 * hdb_client_health_async:
 * @self: a client
 * @timeout_ms: the time the check may take, 0 for the client's default
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * `GET /health`: answers without authentication while Harper runs.
 */
void
hdb_client_health_async (HdbClient           *self,
                         guint                timeout_ms,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GUri) uri = NULL;
  Request *req;

  g_return_if_fail (HDB_IS_CLIENT (self));

  uri = g_uri_parse_relative (self->base_uri, "/health", G_URI_FLAGS_NONE, NULL);

  req = g_new0 (Request, 1);
  req->operation = g_strdup ("health");
  req->raw_text = TRUE;
  req->message = soup_message_new_from_uri (SOUP_METHOD_GET, uri);

  request_start (self, req, timeout_ms, hdb_client_health_async, cancellable, callback,
                 user_data);
}

gboolean
hdb_client_health_finish (HdbClient     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (HDB_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

