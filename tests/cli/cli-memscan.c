/* cli-memscan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An LD_PRELOAD module for test-cli-usage.sh: when the process exits, it
 * looks for a secret in every writable mapping of its memory (heap, stack,
 * the environment the kernel gave, anonymous maps, data) and writes how
 * many copies it found, and where, to $CLI_MEMSCAN_OUT. The secret is read
 * from the file $CLI_MEMSCAN_NEEDLE, each byte XOR 0x5a, and compared in
 * that form, so that the scanner's own copy is never a match.
 *
 * It finds what a password left behind after the program was done with it:
 * a copy freed without being wiped, an environment variable never cleared.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEY 0x5a

static unsigned char needle[256];
static size_t needle_len;

static size_t
count_in (const unsigned char *start,
          const unsigned char *end)
{
  size_t found = 0;

  for (const unsigned char *p = start; p + needle_len <= end; p++)
    {
      size_t i = 0;

      while (i < needle_len && (unsigned char) (p[i] ^ KEY) == needle[i])
        i++;
      if (i == needle_len)
        found++;
    }
  return found;
}

static void __attribute__ ((destructor))
scan (void)
{
  const char *needle_path = getenv ("CLI_MEMSCAN_NEEDLE");
  const char *out_path = getenv ("CLI_MEMSCAN_OUT");
  char line[512];
  FILE *maps, *out;
  size_t total = 0;
  ssize_t n;
  int fd;

  if (needle_path == NULL || out_path == NULL)
    return;
  fd = open (needle_path, O_RDONLY);
  if (fd < 0)
    return;
  n = read (fd, needle, sizeof needle);
  close (fd);
  if (n <= 0)
    return;
  needle_len = (size_t) n;

  out = fopen (out_path, "w");
  maps = fopen ("/proc/self/maps", "r");
  if (out == NULL || maps == NULL)
    return;
  while (fgets (line, sizeof line, maps) != NULL)
    {
      unsigned long start, end;
      char perms[5], name[256] = "";
      size_t found;

      if (sscanf (line, "%lx-%lx %4s %*s %*s %*s %255s", &start, &end, perms, name) < 3)
        continue;
      if (perms[0] != 'r' || perms[1] != 'w')
        continue;
      found = count_in ((const unsigned char *) start, (const unsigned char *) end);
      if (found > 0)
        fprintf (out, "%zu in %s %s", found, name[0] ? name : "[anonymous]", line);
      total += found;
    }
  fprintf (out, "total %zu\n", total);
  fclose (maps);
  fclose (out);
}
