/* deck-replication-grid.c — placeholder, being written */
#include "config.h"
#include "deck-replication-grid.h"
